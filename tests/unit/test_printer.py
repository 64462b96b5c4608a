# The Printer driver against the sim printer over a paced serial line.
from compat import asyncio, ticks_diff, ticks_ms
from drivers.printer.escpos import Receipt
from drivers.printer.printer import Printer, PrinterError, PrinterOffline, Status
from drivers.printer.sim import SimPrinter
from drivers.sim_serial import sim_serial_pair
from tests.unit.helpers import VirtualClock, raises, run

_BAUD = 19200


def _rig(sink=None):
    host, device = sim_serial_pair(_BAUD)
    sim = SimPrinter(device, sink)
    return Printer(host, VirtualClock()), sim, host


def _receipt(lines=3):
    r = Receipt()
    r.center("SHOP")
    for i in range(lines):
        r.pair("Item %d" % i, "%d.00" % i)
    return r.cut()


def test_status_over_the_line():
    printer, sim, _ = _rig()

    async def scenario():
        seen = [await printer.status()]
        sim.set_cover(True)
        seen.append(await printer.status())
        sim.set_cover(False)
        sim.set_paper("out")
        seen.append(await printer.status())
        return seen

    assert run(scenario()) == [
        Status(True, "ok", False, False),
        Status(False, "ok", True, False),
        Status(False, "out", False, False),
    ]
    assert printer.last_status == Status(False, "out", False, False)


def test_print_sends_the_job_and_the_sim_prints_it():
    printed = bytearray()
    printer, sim, _ = _rig(printed.extend)
    job = _receipt(2)
    status = run(printer.print(job))
    assert status == Status(True, "ok", False, False)
    assert bytes(printed) == job.bytes()  # status queries never reach the print buffer
    assert sim.text() == "SHOP\nItem 0" + " " * 22 + "0.00\nItem 1" + " " * 22 + "1.00"
    assert (sim.cuts, sim.lost_bytes) == (1, 0)


def test_paper_out_before_the_job_prints_nothing():
    printed = bytearray()
    printer, sim, _ = _rig(printed.extend)
    sim.set_paper("out")
    e = raises(PrinterError, run, printer.print(_receipt()))
    assert (e.reason, e.partial) == ("paper-out", False)
    assert (bytes(printed), sim.lines, sim.lost_bytes) == (b"", [], 0)


def test_cover_open_before_the_job_prints_nothing():
    printer, sim, _ = _rig()
    sim.set_cover(True)
    e = raises(PrinterError, run, printer.print(_receipt()))
    assert (e.reason, e.partial, sim.lines) == ("cover-open", False, [])


def test_an_overheated_head_is_asked_for_its_error_cause_and_prints_nothing():
    printer, sim, host = _rig()
    queries = []
    answer = sim.end.on_receive

    def spy(data):  # the status queries the driver sends, as the printer receives them
        if data[:2] == b"\x10\x04":
            queries.append(data[2])
        answer(data)

    sim.end.on_receive = spy
    assert run(printer.status()) == Status(True, "ok", False, False)
    assert queries == [1, 2, 4]  # a healthy printer is not asked for an error cause
    del queries[:]
    sim.set_overheated(True)
    assert run(printer.status()) == Status(False, "ok", False, True)
    assert queries == [1, 2, 4, 3]
    e = raises(PrinterError, run, printer.print(_receipt()))
    assert (e.reason, e.partial, sim.lines) == ("overheated", False, [])
    sim.set_overheated(False)  # it cools down: the next job prints
    run(printer.print(_receipt()))
    assert sim.lines[0].text == "SHOP"


def test_paper_running_out_mid_job_is_an_error_not_a_success():
    printed = bytearray()
    printer, sim, _ = _rig()

    def sink(data):
        printed.extend(data)
        if len(printed) >= 64:
            sim.set_paper("out")  # the roll ends after the first two chunks

    sim.sink = sink
    job = _receipt(20).bytes()
    e = raises(PrinterError, run, printer.print(job))
    assert (e.reason, e.partial) == ("paper-out", True)
    assert bytes(printed) == job[:64]
    assert sim.lost_bytes == len(job) - 64
    assert sim.cuts == 0


def test_cover_opened_mid_job_is_reported():
    printer, sim, _ = _rig()
    sim.sink = lambda data: sim.set_cover(True)
    e = raises(PrinterError, run, printer.print(_receipt(5)))
    assert (e.reason, e.partial) == ("cover-open", True)


def test_unplugged_printer_is_offline():
    printer, sim, _ = _rig()
    sim.set_connected(False)

    async def scenario():
        errors = []
        for attempt in (printer.status, lambda: printer.print(_receipt())):
            try:
                await attempt()
            except PrinterError as e:
                errors.append(e)
        return errors

    errors = run(scenario())
    assert [(type(e), e.reason, e.partial) for e in errors] == [
        (PrinterOffline, "no-answer", False),
        (PrinterOffline, "no-answer", False),
    ]
    # Each attempt gave up after its first query went unanswered; nothing printed.
    assert (sim.lines, sim.lost_bytes) == ([], 6)


def test_unplugged_mid_job_is_offline_and_partial():
    printer, sim, _ = _rig()
    sim.sink = lambda data: sim.set_connected(False)
    e = raises(PrinterOffline, run, printer.print(_receipt(5)))
    assert e.partial


def test_near_end_prints_and_warns():
    printed = bytearray()
    printer, sim, _ = _rig(printed.extend)
    sim.set_paper("near-end")
    job = _receipt(1)
    status = run(printer.print(job))
    assert (status.paper, status.warning(), status.problem()) == ("near-end", "near-end", None)
    assert bytes(printed) == job.bytes()


def test_garbled_status_byte_is_an_error():
    async def scenario():
        host, device = sim_serial_pair(_BAUD)
        device.on_receive = lambda data: host.inject(b"\xff")
        return await Printer(host, VirtualClock()).status()

    assert raises(PrinterError, run, scenario()).reason == "printer-garbled"


def test_a_stale_reply_is_flushed_before_querying():
    printer, sim, host = _rig()
    host.inject(b"\x1a")  # a late "offline" from an earlier, timed-out query
    assert run(printer.status()) == Status(True, "ok", False, False)


def test_status_polls_do_not_interleave_with_a_job():
    printer, sim, _ = _rig()

    async def scenario():
        job = asyncio.create_task(printer.print(_receipt(10)))
        await asyncio.sleep(0)
        polled = await printer.status()
        return await job, polled

    assert run(scenario()) == (Status(True, "ok", False, False), Status(True, "ok", False, False))


def test_forty_line_receipt_is_paced_at_the_wire_rate_and_arrives_in_order():
    job = _receipt(40).bytes()
    arrived = [0, True]  # bytes so far, every chunk where it belongs

    def sink(data):
        # Compared chunk by chunk: a copy of the whole job would not fit a 64 KiB heap twice.
        arrived[1] = arrived[1] and job[arrived[0] : arrived[0] + len(data)] == data
        arrived[0] += len(data)

    printer, sim, host = _rig(sink)
    sim.keep = 2
    start = ticks_ms()
    run(printer.print(job))
    elapsed = ticks_diff(ticks_ms(), start)
    assert arrived == [len(job), True]
    assert [line.text for line in sim.lines] == [
        "Item %d%s%d.00" % (i, " " * 20, i) for i in (38, 39)
    ]
    assert sim.cuts == 1
    # 10 bits a byte at 19200 baud; the line rounds each chunk down to whole ms, hence 0.9.
    assert elapsed >= len(job) * 10 * 1000 // _BAUD * 9 // 10
    # The mechanism wait ran on the printer's clock (virtual here), one line time per LF.
    assert printer.clock.now >= 41 * printer.line_ms
