# The figures of the X and Z reports, read off the journal a frame at a time (never the whole
# journal in RAM). Loaded by the report screen and dropped with it.
from firmware.journal.history import decode, frames


def since(journal, seq):
    """Totals of the records from `seq` on: {"cash", "credit", "debit", "refunds", "voids",
    "offline": [count, amount], "first", "last": receipt numbers or None, "net": amount,
    "t0", "t1": ts of the first and last receipt or None, "card_refunds", "card_voids": the
    refunds and voids not in cash, which the host settles}.

    Approved sales count under their method "m" (and under "offline" too when approved
    offline), unless a void in the range names them: then under "voids" alone. Refunds count
    by their amount and come off "net"; declined and aborted sales count nowhere."""
    # Pass one: the sales voided. Voids are few, and only their frames are decoded.
    voided = []
    g = frames(journal, seq)
    try:
        for _, payload in g:
            if b'"t":"V"' in payload:
                rec = decode(payload)
                if rec is not None and rec["t"] == "V":
                    voided.append(rec.get("ref"))
    finally:
        g.close()  # MicroPython closes an abandoned generator's file only at GC
    out = {"first": None, "last": None, "net": 0, "t0": None, "t1": None}
    # card_refunds, card_voids: the part of refunds and voids the host settles (not cash)
    for key in ("cash", "credit", "debit", "refunds", "voids", "offline", "card_refunds",
                "card_voids"):  # fmt: skip
        out[key] = [0, 0]
    g = frames(journal, seq)
    try:
        for _, payload in g:
            rec = decode(payload)
            typ = rec and rec["t"]
            if not typ or typ not in "ADVR":
                continue  # S, P, X, or unreadable
            # every record that printed a receipt bounds the numbers and the time range
            if out["first"] is None:
                out["first"] = rec["id"]
                out["t0"] = rec.get("ts")
            out["last"] = rec["id"]
            out["t1"] = rec.get("ts")
            amt = rec.get("amt") or 0
            card = rec.get("m") != "cash"
            if typ == "A":
                if rec["id"] in voided:
                    bucket = out["voids"]
                    if card:
                        out["card_voids"][0] += 1
                        out["card_voids"][1] += amt
                else:
                    m = rec.get("m")
                    bucket = out[m] if m in ("cash", "credit", "debit") else None
                    if rec.get("off"):
                        out["offline"][0] += 1
                        out["offline"][1] += amt
                    out["net"] += amt
                if bucket:
                    bucket[0] += 1
                    bucket[1] += amt
            elif typ == "R":
                out["refunds"][0] += 1
                out["refunds"][1] += amt
                if card:
                    out["card_refunds"][0] += 1
                    out["card_refunds"][1] += amt
                out["net"] -= amt
    finally:
        g.close()
    return out
