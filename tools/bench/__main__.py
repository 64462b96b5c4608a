"""`make bench`: every figure as JSON, with ratios to the baseline or target it answers to."""

import argparse
import json
import os
import subprocess
import sys
import tempfile

from tests.runtimes import (
    FIRMWARE_HEAP,
    ROOT,
    SIM_HEAP,
    micropython_binary,
    micropython_device_env,
)

NOTICEABLE_MS = 50  # a cashier starts to notice a key that lags this much
# The lag probe and the receipt print time host the printer's device model in-process too (the
# firmware never does), so they get more heap than FIRMWARE_HEAP; they measure time, not memory.
LAG_HEAP = "160k"


def loop_lag(runtime):
    script = os.path.join(ROOT, "tools", "bench", "loop_lag.py")
    with tempfile.TemporaryDirectory() as flash:
        if runtime == "cpython":
            env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.path.join(ROOT, "lib"))
            cmd = [sys.executable, script, flash]
            cwd = ROOT
        else:
            env, cwd = micropython_device_env()
            cmd = [micropython_binary(), "-X", "heapsize=" + LAG_HEAP, script, flash]
        out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    if out.returncode:
        raise SystemExit("loop_lag on %s failed:\n%s%s" % (runtime, out.stdout, out.stderr))
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["p99_vs_noticeable"] = round(result["lag_p99_ms"] / NOTICEABLE_MS, 3)
    result["target_p99_ms"] = 10
    return result


def receipt_print(runtime):
    """A typical card sale receipt (customer copy with its QR) built and printed through the
    Printer driver over the paced sim line to the sim printer, against the line's limit
    (bytes * 10 / 19200 s): CPython in-process, MicroPython from the .mpy build."""
    with tempfile.TemporaryDirectory() as flash:
        if runtime == "cpython":
            import asyncio

            from tools.bench.receipt_print import run

            return asyncio.run(run(flash))
        env, cwd = micropython_device_env()
        script = os.path.join(ROOT, "tools", "bench", "receipt_print.py")
        cmd = [micropython_binary(), "-X", "heapsize=" + LAG_HEAP, script, flash]
        out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    if out.returncode:
        raise SystemExit("receipt_print on %s failed:\n%s%s" % (runtime, out.stdout, out.stderr))
    return json.loads(out.stdout.strip().splitlines()[-1])


def firmware_heap():
    """Free heap the firmware itself reports (About screen) on the simulator board, under
    micropython -X heapsize=SIM_HEAP, at idle and after printing a test slip: read off the
    display, end to end. (The device budget is the ESP32 board's: esp32_heap.)"""
    import re

    from tools.sim.harness import Sim

    def about(sim):
        for key in ("MENU", "4", "6"):  # technician menu: no password before activation
            sim.send(c="key", k=key)
        if not sim.wait_for(lambda: "Heap free" in sim.screen_text(), 10):
            raise SystemExit("no About screen: %r" % sim.rows)
        free = int(re.search(r"Heap free (\d+)", sim.screen_text()).group(1))
        sim.send(c="key", k="CANCEL")
        sim.wait_for(lambda: "MENU: functions" in sim.screen_text(), 5)
        return free

    sim = Sim("micropython")
    try:
        sim.boot()
        idle = about(sim)
        for key in ("MENU", "4", "2"):
            sim.send(c="key", k=key)
        if not sim.wait_for(lambda: "Test slip done" in sim.screen_text(), 15):
            raise SystemExit("test slip did not print: %r" % sim.rows)
        sim.send(c="key", k="CANCEL")
        after_print = about(sim)
    finally:
        sim.close()
    heap = int(SIM_HEAP.rstrip("k")) * 1024
    return {
        "board": "sim",
        "heap_bytes": heap,
        "free_idle": idle,
        "free_after_print": after_print,
        "free_idle_ratio": round(idle / heap, 3),
    }


# Live heap is the same in any heap that holds it: a session that does not fit FIRMWARE_HEAP is
# measured again in this one, to say how much it needs and where.
ROOMY_HEAP = "256k"


def _esp32_session(sale, lang=None):
    """One esp32_run.py session (technician, or with `sale` the cashier's) at FIRMWARE_HEAP:
    free heap at each step, and what the firmware uses there counted from its first import
    (steps "import", "board", then the session's). One that fails is run again in ROOMY_HEAP
    for the same figures, and the peak against what FIRMWARE_HEAP leaves the firmware.
    `lang` ("en", "zh"): the terminal set to that language, and backed up a moment ago (a
    backup due would take the 4-row Chinese idle screen's line that says F1 sells)."""
    from tests.fakes.mp import activate, run_esp32

    config = {"board": "esp32", "wifi": {"ssid": "shop", "password": "secret"}}
    out = {}
    for heap in (FIRMWARE_HEAP, ROOMY_HEAP):
        with tempfile.TemporaryDirectory() as flash:
            if sale:
                activate(flash)
            if lang:
                import time

                os.makedirs(os.path.join(flash, "store"), exist_ok=True)
                for key, value in (("lang", lang), ("backup", {"ts": int(time.time())})):
                    with open(os.path.join(flash, "store", key + ".json"), "w") as f:
                        json.dump(value, f)
            try:
                result, _, _, free = run_esp32(flash, config, heap=heap, timeout=30, sale=sale)
                error = None
            except AssertionError as e:
                result, free, error = {}, getattr(e, "heap_free", {}), e
        ok = error is None and all((result.get("seen") or {"": True}).values())
        if not sale:
            ok = ok and result["printed_seen"] and result["menu_seen"]
        base = free.get("fakes")  # what the firmware has before its first import
        used = {k: base - v for k, v in free.items() if k not in ("start", "fakes")}
        if heap == FIRMWARE_HEAP:
            out.update(fits=ok, free_before_import=base, free=free, used=used)
            if ok:
                return out
            out["error"] = getattr(error, "first_error", None) or repr(result)[:300]
            available = base
        elif ok:
            peak = max(used.values())
            out.update(roomy_heap=heap, used_in_roomy_heap=used, peak_used=peak)
            out["short_by"] = peak - available if available else None
        else:
            out["roomy_heap_failed"] = getattr(error, "first_error", None)
    return out


def esp32_heap():
    """The ESP32 board's heap under micropython -X heapsize=FIRMWARE_HEAP, from the .mpy build
    (tests/fakes/esp32_run.py: fake machine/network modules, whose own cost is added to the
    heap so the firmware has exactly FIRMWARE_HEAP's worth). "technician": after the imports,
    the board's objects, at idle, and after a print test over the printer's UART. "sale": an
    ACTIVE terminal with the Wi-Fi down, at idle, then a cash sale and a credit card sale
    approved offline (tests/fakes/esp32_sale.py): on the amount screen, the receipt screen
    (its copy printed over the UART) and back at idle after each."""
    from tests.fakes.mp import heap_bytes

    size = heap_bytes(FIRMWARE_HEAP)
    figures = {"heap_bytes": size, "esp32_equivalent_bytes": int(size / 1.53)}
    figures["technician"] = _esp32_session(False)
    figures["sale"] = _esp32_session(True)
    for session in ("technician", "sale"):
        free = figures[session]["free"]
        if "idle" in free:
            figures[session]["free_idle_ratio"] = round(free["idle"] / size, 3)
    return figures


def zh_sale_heap():
    """The Chinese terminal against the English one on the ESP32 board (esp32_heap's "sale"
    session, the language set on flash): the flash its font and GB table take, and the most
    live heap the firmware holds at any step of a cash sale and an offline card sale with
    their receipts (free heap read after a collection at each step, so what a step allocates
    and frees in between is not in it; zh_render has a screen's drawing)."""
    from tests.fakes.mp import heap_bytes

    ui = os.path.join(ROOT, "firmware", "ui")
    figures = {
        "heap_bytes": heap_bytes(FIRMWARE_HEAP),
        "font_bytes": os.path.getsize(os.path.join(ui, "cjk16.bin")),
        "gb_table_bytes": os.path.getsize(os.path.join(ui, "gb.bin")),
    }
    for lang in ("en", "zh"):
        session = _esp32_session(True, lang)
        used = session.get("used_in_roomy_heap") or (session["used"] if session["fits"] else {})
        if used:  # none when it failed in ROOMY_HEAP too
            session["peak_used"] = max(used.values())
            session["peak_step"] = max(used, key=used.get)
        figures[lang] = session
    peaks = [figures[lang].get("peak_used") for lang in ("en", "zh")]
    figures["zh_minus_en_peak_bytes"] = peaks[1] - peaks[0] if None not in peaks else None
    return figures


def key_latency(runtime):
    """Keypress to screen during a sale's amount and PIN entry in a simulator session, and the
    same from the firmware's own ticks, with the keypad's debounce floor apart
    (tools/bench/key_latency.py)."""
    from tools.bench.key_latency import key_to_screen

    return key_to_screen(runtime)


def zh_render():
    """Chinese on the display (tools/bench/zh_render.py, micropython -X heapsize=FIRMWARE_HEAP
    from the .mpy build): font and GB table bytes on flash, the heap the 16 px font keeps,
    what one zh screen allocates while drawing, and the time it takes."""
    env, cwd = micropython_device_env()
    script = os.path.join(ROOT, "tools", "bench", "zh_render.py")
    cmd = [micropython_binary(), "-X", "heapsize=" + FIRMWARE_HEAP, script]
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    if out.returncode:
        raise SystemExit("zh_render failed:\n%s%s" % (out.stdout, out.stderr))
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["heap_bytes"] = int(FIRMWARE_HEAP.rstrip("k")) * 1024
    return result


def journal():
    """Durable appends vs SQLite (WAL, synchronous=FULL) on the same disk in the same run, and
    boot recovery at 100k records: checkpoint + tail vs a full replay."""
    from tools.bench_journal import run

    with tempfile.TemporaryDirectory() as tmp:
        return run(tmp)


def sync_batched():
    """Store-and-forward: records/s forwarding 200 offline sales to a real host in batches of
    50 vs one request per record, same host, same run, and their ratio (target >= 20)."""
    from tools.bench.sync_bench import sync_batched as run

    return run()


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m tools.bench")
    ap.add_argument("--out", default="bench.json")
    args = ap.parse_args(argv)
    figures = {
        "loop_lag": {rt: loop_lag(rt) for rt in ("cpython", "micropython")},
        "receipt_print": {rt: receipt_print(rt) for rt in ("cpython", "micropython")},
        "key_to_screen": {rt: key_latency(rt) for rt in ("cpython", "micropython")},
        "firmware_heap_micropython": firmware_heap(),
        "firmware_heap_esp32_board": esp32_heap(),
        "zh_render_micropython": zh_render(),
        "zh_sale_esp32_board": zh_sale_heap(),
        "journal": journal(),
        "sync_batched": sync_batched(),
    }
    text = json.dumps(figures, indent=2)
    with open(args.out, "w") as f:
        f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
