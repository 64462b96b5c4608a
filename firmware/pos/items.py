# The item file: names and unit prices by item code, searched on flash like the message
# catalogue (firmware/ui/text.py), so a long price list costs no heap. Lines of
# <flash>/items.csv: code,name,unit_amount — sorted by code as bytes (docs/selling.md).


def lookup(flash, code):
    """(name, unit_amount) of item `code`, or None when it is not in the file (or no file)."""
    key = str(code).encode() + b","
    try:
        f = open(flash.path("items.csv"), "rb")
    except OSError:
        return None
    try:
        lo = 0
        hi = f.seek(0, 2)
        while True:
            # the first whole line starting at or after `pos`
            pos = lo if lo >= hi else (lo + hi) // 2
            if pos:
                f.seek(pos - 1)
                f.readline()
            else:
                f.seek(0)
            line = f.readline()
            if lo >= hi:
                break
            # End of file counts as past every key: a position inside the last line must not
            # send the search right, past that line.
            if line and line < key:
                lo = pos + 1
            else:
                hi = pos
    finally:
        f.close()
    if not line.startswith(key):
        return None
    # The name sits between the first comma and the last, so it may hold commas itself.
    name, _, unit = line[len(key) :].rstrip(b"\r\n").rpartition(b",")
    try:
        return name.decode(), int(unit)
    except ValueError:
        return None
