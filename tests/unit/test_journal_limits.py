# Offline limits: each one enforced at its boundary, and the refusal says why.
from firmware.journal.limits import MESSAGES, OfflineLimits


def _summary(count=0, total=0, oldest=None):
    return {"count": count, "total": total, "oldest": oldest}


def test_each_limit_at_its_boundary():
    lim = OfflineLimits(max_sale=2500, max_total=10000, max_count=3, max_age_s=3600)
    now = 1764100000
    assert lim.check(_summary(), 2500, now) is None
    assert lim.check(_summary(), 2501, now) == "over-sale-limit"
    assert lim.check(_summary(2, 7500), 2500, now) is None
    assert lim.check(_summary(2, 7501), 2500, now) == "over-total-limit"
    assert lim.check(_summary(2, 100), 100, now) is None
    assert lim.check(_summary(3, 100), 100, now) == "too-many-offline"
    assert lim.check(_summary(1, 100, now - 3600), 100, now) is None
    assert lim.check(_summary(1, 100, now - 3601), 100, now) == "offline-too-long"
    # a clock behind the oldest unsynced sale cannot prove its age
    assert lim.check(_summary(1, 100, now + 5), 100, now) == "offline-too-long"
    # age first: past it nothing goes offline until the terminal has synced
    assert lim.check(_summary(3, 9999, now - 9999), 5000, now) == "offline-too-long"


def test_defaults_and_switching_a_limit_off():
    lim = OfflineLimits()
    assert (lim.max_sale, lim.max_total, lim.max_count, lim.max_age_s) == (
        25000,
        200000,
        200,
        86400,
    )
    off = OfflineLimits(max_sale=None, max_total=None, max_count=None, max_age_s=None)
    assert off.check(_summary(10**6, 10**9, 0), 10**9, 1764100000) is None


def test_every_reason_has_a_message():
    for key in ("over-sale-limit", "over-total-limit", "too-many-offline", "offline-too-long"):
        assert len(MESSAGES[key]) <= 48 and MESSAGES[key]
