# Offline limits: how much risk the terminal takes while it cannot reach the host. The sale is
# approved by the terminal alone, so the merchant carries any loss until the host has it.
#
# Defaults follow common practice (see shared reference): Moneris caps an offline sale at
# $250 and 500 records, Square forwards within 24 h. RAM no longer bounds the count (an
# unsynced sale keeps 8 bytes of index); 200 bounds the merchant's exposure and the sync.
#
# A refusal is one of these keys (the reason in the journal and in OfflineRefused.reason), with
# its message for the screen.
MESSAGES = {
    "over-sale-limit": "Over offline limit for one sale",
    "over-total-limit": "Offline total limit: connect",
    "too-many-offline": "Too many offline sales: connect",
    "offline-too-long": "Offline too long: connect",
}  # 31 characters at most: a longer string costs another 32-byte heap block


class OfflineLimits:
    """Amounts in minor units; None switches a limit off."""

    def __init__(self, max_sale=25000, max_total=200000, max_count=200, max_age_s=86400):
        self.max_sale = max_sale
        self.max_total = max_total
        self.max_count = max_count
        self.max_age_s = max_age_s

    def check(self, summary, amount, now):
        """None if one more offline sale of `amount` is allowed at `now` (epoch seconds), else
        the reason key. Age first: past it the terminal must sync before any offline sale.
        A clock behind the oldest unsynced sale cannot prove the age, so it counts as over."""
        old = summary["oldest"]
        if self.max_age_s is not None and old is not None and not 0 <= now - old <= self.max_age_s:
            return "offline-too-long"
        if self.max_sale is not None and amount > self.max_sale:
            return "over-sale-limit"
        if self.max_count is not None and summary["count"] >= self.max_count:
            return "too-many-offline"
        if self.max_total is not None and summary["total"] + amount > self.max_total:
            return "over-total-limit"
        return None
