# Keypad: layouts, per-key debounce on explicit times, ghosting, and the scan task.
import gc

from compat import asyncio, ticks_add
from drivers.keypad.keys import KEYS, PROFILES
from drivers.keypad.matrix import KeyMatrix
from drivers.keypad.membrane4x4 import PROFILE as MEMBRANE4X4
from drivers.keypad.sim import FakeMatrix
from firmware.events import KEY, Event, EventQueue
from tests.unit.helpers import VirtualClock, raises, run

# The layouts as printed on the keycaps, written out independently of keys.py.
TERMINAL_ROWS = (
    ("F1", "F2", "F3", "F4"),
    ("1", "2", "3", "CANCEL"),
    ("4", "5", "6", "CLEAR"),
    ("7", "8", "9", "ENTER"),
    (".", "0", "00", "MENU"),
    ("UP", "DOWN", None, None),
)
MEMBRANE_ROWS = (  # 1 2 3 A / 4 5 6 B / 7 8 9 C / * 0 # D
    ("1", "2", "3", "F1"),
    ("4", "5", "6", "F2"),
    ("7", "8", "9", "CLEAR"),
    ("CANCEL", "0", "MENU", "ENTER"),
)


def _matrix(profile=PROFILES["terminal"], debounce_ms=20):
    rows, cols, keymap = profile
    fake = FakeMatrix(rows, cols, keymap)
    return fake, KeyMatrix(fake.row_pins, fake.col_pins, keymap, debounce_ms)


def _scan_until(km, start, end, step=5):
    """Scan every `step` ms in [start, end]; returns [(ms, key, pressed)]."""
    seen = []
    for t in range(start, end + 1, step):
        for key, down in km.scan(t):
            seen.append((t, key, down))
    return seen


def test_key_names_are_the_documented_set():
    assert len(KEYS) == 22 and len(set(KEYS)) == 22
    expected = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "00", "."]
    expected += ["ENTER", "CANCEL", "CLEAR", "F1", "F2", "F3", "F4", "UP", "DOWN", "MENU"]
    assert sorted(KEYS) == sorted(expected)


def test_terminal_profile_has_every_key_once():
    assert list(PROFILES) == ["terminal"]  # other layouts load only on boards that have them
    rows, cols, keymap = PROFILES["terminal"]
    assert (rows, cols, len(keymap)) == (6, 4, 24)
    names = [k for k in keymap if k is not None]
    assert sorted(names) == sorted(KEYS)


def test_membrane_profile_uses_only_known_keys_once():
    rows, cols, keymap = MEMBRANE4X4
    assert (rows, cols, len(keymap)) == (4, 4, 16)
    assert None not in keymap
    assert len(set(keymap)) == 16
    for k in keymap:
        assert k in KEYS, k


def _check_every_position(profile, layout):
    fake, km = _matrix(profile)
    for r in range(len(layout)):
        for c in range(len(layout[r])):
            fake.press((r, c))
            got = km.scan(0) + km.scan(20)
            fake.release((r, c))
            released = km.scan(40) + km.scan(60)
            if layout[r][c] is None:
                assert got == [] and released == [], (r, c, got)
            else:
                assert got == [(layout[r][c], True)], (r, c, got)
                assert released == [(layout[r][c], False)], (r, c, released)


def test_terminal_profile_maps_every_position():
    _check_every_position(PROFILES["terminal"], TERMINAL_ROWS)


def test_membrane_profile_maps_every_position():
    _check_every_position(MEMBRANE4X4, MEMBRANE_ROWS)


def test_fake_matrix_reads_like_wires():
    fake, km = _matrix()  # KeyMatrix has set every row idle high
    assert [p.value() for p in fake.row_pins] == [1] * 6
    fake.press("5")  # row 2, column 1
    assert [p.value() for p in fake.col_pins] == [1, 1, 1, 1]  # no row driven low
    fake.row_pins[1].value(0)
    assert [p.value() for p in fake.col_pins] == [1, 1, 1, 1]  # wrong row
    fake.row_pins[1].value(1)
    fake.row_pins[2].value(0)
    assert [p.value() for p in fake.col_pins] == [1, 0, 1, 1]
    fake.release("5")
    assert [p.value() for p in fake.col_pins] == [1, 1, 1, 1]
    raises(OSError, fake.col_pins[0].value, 0)  # a column is an input: a driver bug


def test_fake_matrix_ghosts_through_a_rectangle_like_real_wires():
    fake = FakeMatrix(6, 4, PROFILES["terminal"][2])
    fake.press("1")  # (1,0)
    fake.press("2")  # (1,1)
    fake.press("4")  # (2,0)
    fake.row_pins[2].value(0)
    # Column 1 is reached from row 2 via 4 -> column 0 -> 1 -> row 1 -> 2: key "5" looks down.
    assert [p.value() for p in fake.col_pins] == [0, 0, 1, 1]


def test_bounces_shorter_than_debounce_give_one_press():
    fake, km = _matrix()
    seen = []
    # Contact chatter on a 1 ms scan: closed at 0, open 3..5, closed 6, open 9, closed from 11.
    timeline = {0: 1, 3: 0, 6: 1, 9: 0, 11: 1}
    for t in range(0, 80):
        if t in timeline:
            (fake.press if timeline[t] else fake.release)("7")
        seen += [(t, k, d) for k, d in km.scan(t)]
    assert seen == [(31, "7", True)]  # 20 ms after the last bounce settled at 11


def test_press_shorter_than_debounce_is_ignored():
    fake, km = _matrix()
    fake.press("9")
    seen = _scan_until(km, 0, 15)
    fake.release("9")
    seen += _scan_until(km, 20, 200)
    assert seen == []
    assert km.pressed() == []


def test_held_press_registers_once_then_release_is_debounced():
    fake, km = _matrix()
    fake.press("ENTER")
    seen = _scan_until(km, 0, 500)
    fake.release("ENTER")  # the contact opens for two scans only: not a release
    seen += _scan_until(km, 505, 510)
    fake.press("ENTER")
    seen += _scan_until(km, 515, 600)
    fake.release("ENTER")
    seen += _scan_until(km, 605, 700)
    assert seen == [(20, "ENTER", True), (625, "ENTER", False)]


def test_keys_debounce_independently():
    fake, km = _matrix()
    fake.press("1")
    assert _scan_until(km, 0, 10) == []
    fake.press("2")
    assert _scan_until(km, 15, 40) == [(20, "1", True), (35, "2", True)]
    assert sorted(km.pressed()) == ["1", "2"]


def test_debounce_survives_ticks_wraparound():
    fake, km = _matrix()
    start = ticks_add(0, -10)  # 10 ms before the tick counter wraps on this runtime
    fake.press("3")
    assert km.scan(start) == []
    assert km.scan(ticks_add(start, 15)) == []
    assert km.scan(ticks_add(start, 20)) == [("3", True)]


def test_zero_debounce_reports_on_the_first_scan():
    fake, km = _matrix(debounce_ms=0)
    fake.press("0")
    assert km.scan(7) == [("0", True)]


def test_ghost_key_is_never_reported_and_rectangle_keys_wait():
    fake, km = _matrix()
    fake.press("1")  # (1,0)
    fake.press("2")  # (1,1)
    assert sorted(_scan_until(km, 0, 20)) == [(20, "1", True), (20, "2", True)]
    fake.press("4")  # (2,0): with 1 and 2 it makes "5" at (2,1) read closed too
    assert _scan_until(km, 25, 200) == []
    fake.release("2")  # the rectangle opens: "4" is now unambiguous
    assert _scan_until(km, 205, 260) == [(225, "2", False), (225, "4", True)]


def test_keymap_size_must_match_pins():
    fake = FakeMatrix(4, 4)
    err = raises(ValueError, KeyMatrix, fake.row_pins, fake.col_pins, ("1", "2"))
    assert "2 keys" in str(err)


def test_fake_matrix_rejects_unknown_keys():
    fake = FakeMatrix(4, 4, MEMBRANE4X4[2])
    raises(ValueError, fake.press, "UP")
    raises(ValueError, fake.press, (4, 0))


def test_steady_scan_allocates_nothing():
    if not hasattr(gc, "mem_alloc"):  # MicroPython's heap counter; the property is about it
        return
    fake, km = _matrix()
    fake.press("8")
    fake.press("1")
    km.scan(0)
    km.scan(20)  # debounced: from here on nothing changes
    km.scan(25)  # first pass through the steady path warms MicroPython's caches
    gc.collect()
    gc.disable()
    try:
        before = gc.mem_alloc()
        for t in range(30, 1030, 5):
            km.scan(t)
        grown = gc.mem_alloc() - before
    finally:
        gc.enable()
    assert grown == 0, grown


def test_run_posts_debounced_presses_with_their_ticks():
    fake, km = _matrix()
    clock = VirtualClock()
    q = EventQueue(8)

    async def scenario():
        task = asyncio.create_task(km.run(q, clock, 5))
        fake.press("5")
        while clock.now < 50:
            await asyncio.sleep(0)
        fake.release("5")
        while clock.now < 100:
            await asyncio.sleep(0)
        fake.press("MENU")
        while clock.now < 150:
            await asyncio.sleep(0)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass

    run(scenario())
    events = []
    while len(q):
        events.append(q.get_nowait())
    # Releases are not events; a press is stamped with the scan that confirmed it.
    assert [(e.kind, e.value) for e in events] == [(KEY, "5"), (KEY, "MENU")]
    assert events[0] == Event(KEY, "5", 20)
    assert 120 <= events[1].ticks <= 125 and events[1].ticks % 5 == 0
