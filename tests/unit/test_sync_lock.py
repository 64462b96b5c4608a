# The forwarder (firmware/pos/sync.py) releases the host's lock between batches, so a sale's
# authorisation gets in. Its own module: a fresh 64 KiB heap under MicroPython.
from compat import asyncio
from firmware.pos.sync import Sync
from tests.unit.helpers import run
from tests.unit.sync_fixtures import _Host, _offline, _Term


def test_a_sale_gets_the_lock_between_batches():
    term = _Term("lock", sync_batch=2)
    for i in range(4):
        _offline(term.journal, "S%d" % i, 100)
    host = _Host()
    order = []
    sale = []

    async def auth():
        async with term.net_lock:
            order.append("auth")

    async def call(term, path, body):
        order.append("batch")
        if not sale:
            sale.append(asyncio.create_task(auth()))
        return await host.call(term, path, body)

    async def main():
        await Sync(term, call=call).once()
        await sale[0]

    run(main())
    assert order == ["batch", "auth", "batch"]
