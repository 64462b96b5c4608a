# The card reader's status query (the preparation check's "present and answering"): the
# terminal sends STX Q ETX LRC, the reader answers STX A "OK" ETX LRC; the driver keeps the
# answer apart from card events, and an unplugged reader answers nothing.
from compat import asyncio
from drivers.card.reader import CardReader
from drivers.card.sim import SimCardReader, encode
from drivers.sim_serial import sim_serial_pair
from firmware.events import CARD, EventQueue
from tests.unit.helpers import VirtualClock, run


def test_the_query_and_answer_bytes():
    # LRC = XOR of type..ETX: 'Q' 0x51 ^ 0x03 = 0x52 ('R'); 'A' ^ 'O' ^ 'K' ^ 0x03 = 0x46 ('F')
    assert CardReader.QUERY == b"\x02Q\x03R" == encode("Q")
    assert encode("A", "OK") == b"\x02AOK\x03F"


def _rig():
    host, device = sim_serial_pair(9600)
    return CardReader(host), SimCardReader(device), host


async def _ask(reader, host, parts=(CardReader.QUERY,)):
    reader.answer = None
    for part in parts:
        await host.write(part)
    for _ in range(50):
        if reader.answer is not None:
            break
        await asyncio.sleep_ms(10) if hasattr(asyncio, "sleep_ms") else await asyncio.sleep(0.01)
    return reader.answer


def test_the_reader_answers_and_a_card_still_comes_through_as_an_event():
    reader, sim, host = _rig()
    queue = EventQueue(4)

    async def scenario():
        task = asyncio.create_task(reader.run(queue, VirtualClock()))
        first = await _ask(reader, host)
        q = CardReader.QUERY
        split = await _ask(reader, host, (q[:1], q[1:3], q[3:]))
        noisy = await _ask(reader, host, (b"\x00\xff" + q,))
        await sim.tap("4111111111111111", "2612")
        event = await queue.get()
        sim.set_connected(False)
        unplugged = await _ask(reader, host)
        task.cancel()
        return first, split, noisy, event, unplugged

    first, split, noisy, event, unplugged = run(scenario())
    assert (first, split, noisy) == (b"OK", b"OK", b"OK")
    assert sim.queries == 3
    assert event.kind == CARD and event.value.last4 == "1111"  # not taken for an answer
    assert unplugged is None and reader.errors == 0
