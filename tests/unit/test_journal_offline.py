# The journal enforces the offline limits when a sale is approved offline: the refusal says
# why, the sale is journaled as declined, and syncing gives the headroom back.
import os

from firmware.flash import Flash
from firmware.journal import history, lookup
from firmware.journal.journal import Journal, OfflineRefused
from firmware.journal.limits import OfflineLimits
from tests.unit.helpers import VirtualClock, raises


def _journal(name, clock):
    root = "/tmp/pos-unit-jroff-%07d-%s" % (os.getpid() if hasattr(os, "getpid") else 0, name)
    try:
        for n in os.listdir(root + "/journal"):
            os.remove(root + "/journal/" + n)
    except OSError:
        pass
    lim = OfflineLimits(max_sale=2500, max_total=6000, max_count=3, max_age_s=3600)
    j = Journal(Flash(root), clock, limits=lim)
    j.open()
    return j


def _offline(j, sid, amount):
    j.begin(sid, amount, "tap", "K-" + sid)
    return j.approve(sid, offline=True)


def test_refusals_name_the_limit_and_journal_the_sale_declined():
    clock = VirtualClock()
    j = _journal("lim", clock)
    e = raises(OfflineRefused, _offline, j, "BIG", 2501)
    assert e.reason == "over-sale-limit" and "one sale" in str(e)
    got = lookup.find(j, "BIG")
    assert (got["state"], got["why"], got["amt"]) == ("declined", "over-sale-limit", 2501)
    _offline(j, "S1", 2500)
    _offline(j, "S2", 2500)
    assert raises(OfflineRefused, _offline, j, "S3", 1001).reason == "over-total-limit"
    _offline(j, "S4", 1000)
    assert j.offline_refusal(1) == "too-many-offline"
    assert raises(OfflineRefused, _offline, j, "S5", 1).reason == "too-many-offline"
    # online approvals are the host's call, not the terminal's
    j.begin("ON", 9999, "tap", "K-ON")
    j.approve("ON", "A77")
    assert j.summary()["count"] == 3 and j.summary()["total"] == 6000
    history.mark_synced(j, ["S1", "S2"])
    assert j.offline_refusal(2500) is None
    j.close()


def test_too_long_offline_refuses_until_synced():
    clock = VirtualClock()
    j = _journal("age", clock)
    _offline(j, "S1", 100)
    clock.advance(3600 * 1000)
    assert j.offline_refusal(100) is None
    clock.advance(1000)
    assert raises(OfflineRefused, _offline, j, "S2", 100).reason == "offline-too-long"
    history.mark_synced(j, ["S1"])
    _offline(j, "S3", 100)
    assert [r["id"] for r in history.unsynced(j)] == ["S3"]
    j.close()
