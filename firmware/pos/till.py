# Opening the journal at boot: its card key, its offline limits and its recovery, which turns a
# sale a power cut left pending into an aborted one before any screen can show it. Loaded once
# at boot and dropped; the Journal it opens stays resident (docs/selling.md).
import os

from compat import hexlify, unhexlify


def open_journal(term):
    """term.journal, recovered; None (and the reason in term.journal_error) when the journal
    cannot be opened: the terminal then refuses sales rather than lose one."""
    from firmware.journal.journal import Journal
    from firmware.journal.limits import OfflineLimits

    store = term.store
    key = store.get("cardkey")
    if key is None:
        # Made once per terminal and never shown; ESP32 flash encryption (or the Pi's disk
        # encryption) is what keeps it from someone holding the flash chip.
        key = hexlify(os.urandom(32))
        store.put("cardkey", key)
    config = term.config
    try:
        limits = OfflineLimits(**(config.get("offline") or {}))
    except TypeError:  # a config a technician mistyped: sell under the defaults, say so
        print("config offline: not {max_sale, max_total, max_count, max_age_s}")
        limits = OfflineLimits()
    # journal_bytes: a budget below the flash's free space (None: statvfs decides), so a
    # small one lets the simulator fill the journal in a few sales
    # the board's layout (a Pi's SD card takes big zero-filled segments; littlefs rewrites a
    # block to overwrite one, so the ESP32 and the simulator append), config's on top
    layout = {"segment_bytes": 16384, "checkpoint_every": 64, "preallocate": False}
    layout.update(getattr(term.board, "journal_layout", None) or {})
    for k in layout:
        if k in config:
            layout[k] = config[k]
    j = Journal(term.flash, term.clock, key=unhexlify(key), limits=limits,
                keep_days=config.get("keep_days", 30), capacity=config.get("journal_bytes"),
                **layout)  # fmt: skip
    try:
        j.open()
    except (OSError, ValueError) as e:
        j.close()
        term.journal_error = str(e)
        return None
    term.journal = j
    return j
