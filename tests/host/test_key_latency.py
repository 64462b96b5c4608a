# The key-to-screen bench (tools/bench/key_latency.py) measures what it says: every timed key
# of a real sale changed the screen, no press is seen before the keypad's debounce could have
# passed (so the "pressed" and "rows" ticks come from one clock, in the right order), and the
# harness's figure, which adds the link, is never the smaller one.
from tools.bench.key_latency import AMOUNT_KEYS, PIN_KEYS, key_to_screen


def test_key_to_screen_on_cpython():
    figures = key_to_screen("cpython")
    assert figures["keys"] == len(AMOUNT_KEYS.split()) + len(PIN_KEYS.split()) == 40
    assert figures["sale_approved"]
    floor = figures["floor"]
    assert (floor["min_ms"], floor["max_ms"]) == (20, 25)
    firmware = figures["firmware"]
    harness = figures["key_to_screen"]
    assert floor["min_ms"] <= firmware["min_ms"] <= firmware["p50_ms"] <= firmware["p99_ms"]
    assert firmware["p99_ms"] <= firmware["max_ms"]
    for stat in ("min_ms", "p50_ms", "p99_ms"):
        assert firmware[stat] <= harness[stat] + 1  # the ticks are whole ms
    for part in ("amount_entry", "pin_entry"):
        assert figures[part]["min_ms"] >= floor["min_ms"]
    assert abs(harness["p99_vs_noticeable"] - harness["p99_ms"] / 50) < 0.002
