"""`make bench`: every figure as JSON, with ratios to the baseline or target it answers to."""

import argparse
import json
import os
import subprocess
import sys
import tempfile

from tests.runtimes import FIRMWARE_HEAP, ROOT, micropython_binary, micropython_device_env

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
    """Free heap the firmware itself reports (About screen) under micropython -X heapsize=
    FIRMWARE_HEAP, at idle and after printing a test slip: read off the display, end to end."""
    import re

    from tools.sim.harness import Sim

    def about(sim):
        for key in ("MENU", "6"):
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
        for key in ("MENU", "2"):
            sim.send(c="key", k=key)
        if not sim.wait_for(lambda: "Test slip done" in sim.screen_text(), 15):
            raise SystemExit("test slip did not print: %r" % sim.rows)
        sim.send(c="key", k="CANCEL")
        after_print = about(sim)
    finally:
        sim.close()
    heap = int(FIRMWARE_HEAP.rstrip("k")) * 1024
    return {
        "heap_bytes": heap,
        "esp32_equivalent_bytes": int(heap / 1.53),
        "free_idle": idle,
        "free_after_print": after_print,
        "free_idle_ratio": round(idle / heap, 3),
    }


def esp32_heap():
    """The ESP32 board's heap under micropython -X heapsize=FIRMWARE_HEAP, from the .mpy build
    (tests/fakes/esp32_run.py: fake machine/network modules, whose own cost is added to the
    heap so the firmware has exactly FIRMWARE_HEAP's worth): free heap after the imports, the
    board's objects, at idle, and after a print test over the printer's UART. The sale step is
    that print test until the cashier flows land."""
    from tests.fakes.mp import heap_bytes, run_esp32

    with tempfile.TemporaryDirectory() as flash:
        config = {"board": "esp32", "wifi": {"ssid": "shop", "password": "secret"}}
        result, _, _, free = run_esp32(flash, config)
    if not (result["printed_seen"] and result["menu_seen"]):
        raise SystemExit("esp32 board session failed: %r" % result)
    size = heap_bytes(FIRMWARE_HEAP)
    start = free["fakes"]  # what the firmware has before its first import
    return {
        "heap_bytes": size,
        "esp32_equivalent_bytes": int(size / 1.53),
        "free_before_import": start,
        "used_by_import": start - free["import"],
        "used_by_board": free["import"] - free["board"],
        "free_idle": free["idle"],
        "free_after_print": free["print"],
        "used_idle": start - free["idle"],
        "used_after_print": start - free["print"],
        "free_idle_ratio": round(free["idle"] / size, 3),
    }


def journal():
    """Durable appends vs SQLite (WAL, synchronous=FULL) on the same disk in the same run, and
    boot recovery at 100k records: checkpoint + tail vs a full replay."""
    from tools.bench_journal import run

    with tempfile.TemporaryDirectory() as tmp:
        return run(tmp)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m tools.bench")
    ap.add_argument("--out", default="bench.json")
    args = ap.parse_args(argv)
    figures = {
        "loop_lag": {rt: loop_lag(rt) for rt in ("cpython", "micropython")},
        "receipt_print": {rt: receipt_print(rt) for rt in ("cpython", "micropython")},
        "firmware_heap_micropython": firmware_heap(),
        "firmware_heap_esp32_board": esp32_heap(),
        "journal": journal(),
    }
    text = json.dumps(figures, indent=2)
    with open(args.out, "w") as f:
        f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
