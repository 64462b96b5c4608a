# Card data at rest: the PAN only encrypted, never in clear on flash.

from compat import unhexlify
from firmware.flash import Flash
from firmware.journal import cardcrypt, history
from firmware.journal.journal import Journal, JournalError
from tests.unit.helpers import VirtualClock, raises
from tests.unit.journal_fixtures import _bytes, _flash, _journal


def test_pan_is_never_on_flash_in_clear():
    flash = _flash("pan")
    j = _journal(flash)
    j.open()
    j.begin("S1", 500, "swipe", "K-S1", pan="4111111111111111=2812")
    j.approve("S1", offline=True)
    j.begin("S2", 500, "tap", "K-S2", token="tok_abc", last4="0004")
    j.approve("S2", "OK1")
    j.checkpoint()
    for name in flash.listdir("journal"):
        data = _bytes(flash, name)
        assert b"4111111111111111" not in data and b"411111111111" not in data, name
        assert b"2812" not in data, name
    rec = list(history.unsynced(j))[0]
    assert rec["l4"] == "1111" and len(rec["pe"]) == 2 * (1 + 16 + 32 + 16)
    assert cardcrypt.decrypt_pan(j.key, unhexlify(rec["pe"])) == "4111111111111111=2812"
    nokey = Journal(Flash(flash.root + "-nokey"), VirtualClock())
    nokey.open()
    e = raises(JournalError, nokey.begin, "S1", 5, "tap", "K", "4111111111111111")
    assert "clear" in str(e)
