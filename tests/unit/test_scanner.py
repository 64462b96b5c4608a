# Barcode scanner: line splitting on every suffix, damaged lines, and the driver end to end.
from compat import asyncio, wait_for_ms
from drivers.scanner.scanner import Scanner
from drivers.scanner.sim import SimScanner
from drivers.sim_serial import sim_serial_pair
from firmware.events import SCAN, Event, EventQueue
from tests.unit.helpers import VirtualClock, run

EAN13 = "4006381333931"


def test_cr_lf_and_crlf_all_end_a_code():
    s = Scanner(None)
    assert s.feed(b"4006381333931\r") == [EAN13]
    assert s.feed(b"12345670\n") == ["12345670"]
    assert s.feed(b"ABC-123\r\n") == ["ABC-123"]
    assert s.feed(b"1\r2\n3\r\n4\r\r\n\n") == ["1", "2", "3", "4"]
    assert s.errors == 0


def test_empty_lines_are_ignored():
    s = Scanner(None)
    assert s.feed(b"\r\n\r\r\n\n") == []
    assert s.errors == 0


def test_codes_split_at_every_byte_boundary():
    data = b"4006381333931\r\nX-99 \x1d10\r"
    for cut in range(len(data) + 1):
        s = Scanner(None)
        assert s.feed(data[:cut]) + s.feed(data[cut:]) == [EAN13, "X-99 \x1d10"], cut


def test_overlong_line_is_dropped_and_counted():
    s = Scanner(None, max_len=16)
    assert s.feed(b"1234567890123456\r") == ["1234567890123456"]  # exactly max_len
    assert s.feed(b"12345678901234567") == []
    assert s.feed(b"890\r" + EAN13.encode() + b"\r") == [EAN13]
    assert s.errors == 1


def test_non_ascii_line_is_dropped_and_counted():
    s = Scanner(None)
    assert s.feed(b"40063\xe913\r12\x0734\r" + EAN13.encode() + b"\n") == [EAN13]
    assert s.errors == 2


def test_fragment_left_by_a_quiet_line_is_dropped():
    s = Scanner(None)
    assert s.feed(b"400638") == []
    assert s.feed(b"") == []  # the read timed out
    assert s.feed(b"1333931\r") == ["1333931"]
    assert s.errors == 1
    assert s.feed(b"") == [] and s.errors == 1  # quiet with nothing pending is no error


def test_scanner_and_sim_device_end_to_end():
    driver_end, device_end = sim_serial_pair(9600)
    scanner = Scanner(driver_end)
    device = SimScanner(device_end)
    q = EventQueue(8)
    clock = VirtualClock(500)

    async def scenario():
        task = asyncio.create_task(scanner.run(q, clock))
        await device.scan(EAN13)
        await device.scan("12345670", suffix=b"\r\n")
        await device.scan(b"ABC", suffix=b"\n")
        got = []
        for _ in range(3):
            got.append(await wait_for_ms(q.get(), 1000))
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        return got

    got = run(scenario())
    assert got == [Event(SCAN, EAN13, 500), Event(SCAN, "12345670", 500), Event(SCAN, "ABC", 500)]
    assert scanner.errors == 0
