# The Pi's serial lines: SerialTransport over real pyserial ports. The far end of each pty is
# a device model in a thread: drivers.printer.sim.SimPrinter answering DLE EOT with its status
# bytes, the card reader's STX/ETX/LRC frames, a scanner's "CODE\r".
import asyncio
import os
import socket
import sys
import threading
import time

import pytest

serial = pytest.importorskip("serial")

from compat import Clock  # noqa: E402
from drivers.card.reader import CardReader  # noqa: E402
from drivers.card.sim import encode, track2  # noqa: E402
from drivers.printer.printer import Printer, PrinterError, PrinterOffline, Status  # noqa: E402
from drivers.printer.sim import SimPrinter  # noqa: E402
from drivers.scanner.scanner import Scanner  # noqa: E402
from drivers.serial_pyserial import SerialTransport, open_port  # noqa: E402
from firmware.events import CARD, SCAN, EventQueue  # noqa: E402
from tests.fakes.pi import SerialDevice  # noqa: E402


@pytest.fixture
def line():
    device = SerialDevice()
    port = open_port(device.port, 19200)
    yield device, SerialTransport(port, 19200)
    port.close()
    device.close()


def run(coro, timeout=10):
    async def bounded():
        return await asyncio.wait_for(coro, timeout)

    return asyncio.run(bounded())


def test_bytes_cross_the_pty_both_ways(line):
    device, transport = line

    async def scenario():
        await transport.write(b"\x1b@hello\n")
        device.send(b"\x12")
        reply = await transport.read(4, 500)
        return reply

    assert run(scenario()) == b"\x12"
    deadline = time.monotonic() + 2
    while bytes(device.received) != b"\x1b@hello\n" and time.monotonic() < deadline:
        time.sleep(0.01)
    assert bytes(device.received) == b"\x1b@hello\n"


def test_read_times_out_empty_without_spinning(line):
    device, transport = line

    async def scenario():
        cpu = time.process_time()
        wall = time.monotonic()
        data = await transport.read(16, 400)
        return data, time.monotonic() - wall, time.process_time() - cpu

    data, wall, cpu = run(scenario())
    assert data == b""
    assert 0.38 <= wall < 1.5
    assert cpu < 0.1  # waited on the descriptor, not in a polling loop


def test_in_waiting_flush_and_partial_reads(line):
    device, transport = line

    async def scenario():
        device.send(b"abcdef")
        for _ in range(100):
            if transport.in_waiting() == 6:
                break
            await asyncio.sleep(0.01)
        waiting = transport.in_waiting()
        first = await transport.read(4, 100)
        rest = await transport.read(4, 100)
        device.send(b"stale")
        await asyncio.sleep(0.1)
        transport.flush_input()
        after = await transport.read(4, 100)
        return waiting, first, rest, after

    assert run(scenario()) == (6, b"abcd", b"ef", b"")


def test_write_takes_wire_time_without_blocking_the_loop(line):
    device, transport = line
    job = b"x" * 960  # 0.5 s at 19200 baud

    async def scenario():
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        t = asyncio.create_task(ticker())
        start = time.monotonic()
        await transport.write(job)
        took = time.monotonic() - start
        t.cancel()
        return took, ticks

    took, ticks = run(scenario())
    assert took >= 0.45
    assert ticks >= 20  # the loop ran other tasks all along


def test_printer_status_and_print_through_sim_printer(line):
    device, transport = line
    printer = SimPrinter(device)  # answers through device.peer.inject: the pty's master side
    driver = Printer(transport, Clock())
    driver.line_ms = 0

    async def scenario():
        first = await driver.status()
        status = await driver.print(b"\x1b@TOTAL 12.50\nTHANK YOU\n")
        printer.set_paper("out")
        try:
            await driver.print(b"lost\n")
            error = None
        except PrinterError as e:
            error = (e.reason, e.partial)
        return first, status, error

    first, status, error = run(scenario())
    assert first == Status(True, "ok", False, False)
    assert status == Status(True, "ok", False, False)
    assert error == ("paper-out", False)
    assert [line.text for line in printer.lines] == ["TOTAL 12.50", "THANK YOU"]


def test_printer_unplugged_is_offline(line):
    device, transport = line
    printer = SimPrinter(device)
    printer.set_connected(False)

    async def scenario():
        try:
            await Printer(transport, Clock()).status()
        except PrinterOffline as e:
            return e.reason

    assert run(scenario()) == "no-answer"


def test_card_frames_from_the_reader_become_card_events():
    device = SerialDevice()
    port = open_port(device.port, 9600)
    reader = CardReader(SerialTransport(port, 9600))

    async def scenario():
        queue = EventQueue()
        task = asyncio.create_task(reader.run(queue, Clock()))
        frame = encode("S", track2("4111111111111111", "2512"))
        device.send(frame[:5])  # a frame split across reads, as a UART hands it over
        await asyncio.sleep(0.05)
        device.send(frame[5:])
        device.send(encode("T", "5500005555555559=2701"))
        events = [await queue.get(), await queue.get()]
        task.cancel()
        return events

    try:
        events = run(scenario())
    finally:
        port.close()
        device.close()
    assert [e.kind for e in events] == [CARD, CARD]
    assert [(c.method, c.pan, c.expiry) for c in (e.value for e in events)] == [
        ("swipe", "4111111111111111", "2512"),
        ("tap", "5500005555555559", "2701"),
    ]


def test_serial_scanner_posts_codes():
    device = SerialDevice()
    port = open_port(device.port, 9600)
    scanner = Scanner(SerialTransport(port, 9600))

    async def scenario():
        queue = EventQueue()
        task = asyncio.create_task(scanner.run(queue, Clock()))
        device.send(b"4006381333931\r")
        event = await queue.get()
        task.cancel()
        return event

    try:
        event = run(scenario())
    finally:
        port.close()
        device.close()
    assert (event.kind, event.value) == (SCAN, "4006381333931")


def test_port_without_descriptor_is_polled_gently():
    # pyserial's loop:// has no file descriptor: the transport polls with sleeps.
    port = open_port("loop://", 9600)
    port.write_timeout = None  # loop:// reads write_timeout=0 as "time out at once"
    transport = SerialTransport(port, 9600)
    assert transport._fd is None

    async def scenario():
        cpu = time.process_time()
        empty = await transport.read(8, 300)
        idle_cpu = time.process_time() - cpu
        threading.Timer(0.05, port.write, (b"ping",)).start()
        data = await transport.read(8, 1000)
        return empty, idle_cpu, data

    empty, idle_cpu, data = run(scenario())
    port.close()
    assert empty == b""
    assert idle_cpu < 0.1
    assert data == b"ping"


def test_socket_url_uses_its_descriptor():
    # A printer on a network serial server (socket://): same transport, fd-driven.
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(5)
    port = open_port("socket://127.0.0.1:%d" % server.getsockname()[1], 19200)
    conn, _ = server.accept()
    transport = SerialTransport(port, 19200)
    assert transport._fd is not None

    async def scenario():
        await transport.write(b"\x10\x04\x01")
        conn.sendall(b"\x12")
        return await transport.read(1, 1000)

    try:
        assert run(scenario()) == b"\x12"
        assert conn.recv(16) == b"\x10\x04\x01"
    finally:
        port.close()
        conn.close()
        server.close()


def test_missing_pyserial_names_the_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "serial", None)
    with pytest.raises(ImportError, match=r"'pyserial' \(pip install pyserial\)"):
        open_port("/dev/null", 9600)


def test_open_leaves_a_pty_usable_with_dtr_rts_untouched():
    master, slave = os.openpty()
    try:
        port = open_port(os.ttyname(slave), 115200)
        assert port.is_open
        port.close()
    finally:
        os.close(master)
        os.close(slave)
