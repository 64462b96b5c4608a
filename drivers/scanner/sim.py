# The barcode scanner as a device on the far end of a simulated line: each scan is the code's
# ASCII bytes and the configured suffix, written at the line's baud rate.


class SimScanner:
    def __init__(self, end):
        self.end = end

    async def scan(self, code, suffix=b"\r"):
        if isinstance(code, str):
            code = code.encode()
        await self.end.write(code + suffix)
