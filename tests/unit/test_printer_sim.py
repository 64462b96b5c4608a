# The sim printer's status bytes and receive path; Status decoding.
from drivers.printer import escpos
from drivers.printer.printer import Status, decode_status
from drivers.printer.sim import SimPrinter
from drivers.sim_serial import sim_serial_pair
from tests.unit.helpers import raises, run

_BAUD = 19200


def _sim():
    return SimPrinter(sim_serial_pair(_BAUD)[1])


def _replies(sim):
    return [sim.status_byte(n) for n in (1, 2, 3, 4)]


def test_status_bytes_for_each_state():
    sim = _sim()
    assert _replies(sim) == [0x12, 0x12, 0x12, 0x12]
    sim.set_paper("near-end")
    assert _replies(sim) == [0x12, 0x12, 0x12, 0x1E]
    sim.set_paper("out")
    assert _replies(sim) == [0x1A, 0x32, 0x12, 0x7E]
    sim.set_paper("ok")
    sim.set_cover(True)
    assert _replies(sim) == [0x1A, 0x16, 0x12, 0x12]
    sim.set_cover(False)
    sim.set_overheated(True)  # n=2 says an error occurred, n=3 that it recovers by itself
    assert _replies(sim) == [0x1A, 0x52, 0x52, 0x12]
    assert not sim.printing()
    raises(ValueError, sim.set_paper, "empty")


def test_sim_answers_dle_eot_on_the_line_even_when_split_across_writes():
    async def scenario():
        host, device = sim_serial_pair(_BAUD)
        sim = SimPrinter(device)
        sim.set_paper("out")
        await host.write(b"\x10")
        await host.write(b"\x04\x02\x10\x04")
        await host.write(b"\x04")
        return await host.read(4, 100), sim.lost_bytes

    assert run(scenario()) == (b"\x32\x7e", 0)


def test_decode_status_reads_the_sensor_bits():
    assert decode_status(0x12, 0x12, 0x12) == Status(True, "ok", False, False)
    assert decode_status(0x12, 0x12, 0x1E) == Status(True, "near-end", False, False)
    assert decode_status(0x1A, 0x32, 0x7E) == Status(False, "out", False, False)
    assert decode_status(0x1A, 0x16, 0x12) == Status(False, "ok", True, False)
    assert decode_status(0x1A, 0x52, 0x12, 0x52) == Status(False, "ok", False, True)
    # n=3 is asked only when n=2 reports an error: without it nothing is overheated
    assert decode_status(0x1A, 0x52, 0x12) == Status(False, "ok", False, False)
    assert repr(Status(True, "ok", False, False)) == (
        "Status(online=True, paper='ok', cover_open=False, overheated=False)"
    )


def test_status_problem_and_warning():
    assert Status(True, "ok", False, False).problem() is None
    assert Status(True, "near-end", False, False).problem() is None
    assert Status(True, "near-end", False, False).warning() == "near-end"
    assert Status(False, "out", False, False).problem() == "paper-out"
    assert Status(False, "out", True, False).problem() == "cover-open"
    assert Status(False, "ok", False, False).problem() == "offline"
    assert Status(False, "ok", False, True).problem() == "overheated"
    assert Status(False, "out", False, True).problem() == "paper-out"  # paper first: no print
    assert Status(True, "ok", False, False).warning() is None


def test_printed_lines_are_bounded():
    sim = SimPrinter(sim_serial_pair(_BAUD)[1], keep=10)
    for i in range(25):
        sim.end.deliver(escpos.text("l%d" % i) + b"\n")
    assert [line.text for line in sim.lines] == ["l%d" % i for i in range(15, 25)]
    assert _sim().keep == 100


def test_print_data_around_a_status_query_in_one_chunk_is_printed_and_answered():
    host, device = sim_serial_pair(_BAUD)
    printed = bytearray()
    sim = SimPrinter(device, printed.extend)
    device.deliver(b"ab\x10\x04\x01cd\n\x10")
    device.deliver(b"\x05\x00ef\n")  # DLE ENQ is not a status query: it stays in the stream
    assert (host.in_waiting(), run(host.read(4, 10))) == (1, b"\x12")
    assert bytes(printed) == b"abcd\n\x10\x05\x00ef\n"
    assert [line.text for line in sim.lines] == ["abcd", "ef"]


def test_stopped_printer_discards_print_data_but_still_answers():
    host, device = sim_serial_pair(_BAUD)
    printed = bytearray()
    sim = SimPrinter(device, printed.extend, keep=0)
    sim.set_cover(True)
    device.deliver(b"\x1bE\x01lost\n\x10\x04\x02")
    sim.set_cover(False)
    device.deliver(b"kept\n")
    assert (run(host.read(4, 10)), sim.lost_bytes) == (b"\x16", 8)
    assert (bytes(printed), sim.lines) == (b"kept\n", [])
    sim.set_connected(False)
    device.deliver(b"\x10\x04\x01")
    assert (host.in_waiting(), sim.lost_bytes) == (0, 11)
