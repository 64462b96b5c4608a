"""CPython side of the fakes: compile them with mpy-cross as the firmware is (so their code
costs the heap what device code would, not parse trees), and run the ESP32 boot script under
the MicroPython unix port. Used by tests/host/test_esp32_board.py and `make bench`."""

import fcntl
import json
import os
import subprocess

from tests.runtimes import (
    FIRMWARE_HEAP,
    ROOT,
    micropython_cmd,
    micropython_device_env,
)
from tools.mpy_build import mpy_cross

FAKES = os.path.join(ROOT, "tests", "fakes")
FAKES_OUT = os.path.join(ROOT, "build", "fakes")
DEVICE_SIDE = ("machine.py", "network.py", "esp32_run.py")
# Device models the script drives, compiled as top-level modules of their own so that they
# load beside a deployed board's files (MicroPython takes a package from one folder only).
MODELS = {"sim_keypad": "drivers/keypad/sim.py", "sim_card": "drivers/card/sim.py"}
PINS = os.path.join(ROOT, "firmware", "boards", "esp32_pins.json")


def build_fakes():
    os.makedirs(FAKES_OUT, exist_ok=True)
    with open(os.path.join(FAKES_OUT, ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        jobs = [(name[:-3], os.path.join(FAKES, name)) for name in DEVICE_SIDE]
        jobs += [(name, os.path.join(ROOT, rel)) for name, rel in MODELS.items()]
        for name, src in jobs:
            dest = os.path.join(FAKES_OUT, name + ".mpy")
            if os.path.exists(dest) and os.path.getmtime(dest) >= os.path.getmtime(src):
                continue
            subprocess.run(
                [mpy_cross(), "-X", "no-source-lines", "-s", name + ".py", "-o", dest, src],
                check=True,
            )


def esp32_env(firmware_dir=None):
    """(environment, cwd) for micropython: the device build (or a deployed board's files in
    firmware_dir), then the compiled fakes; never the source tree."""
    build_fakes()
    if firmware_dir is None:
        env, cwd = micropython_device_env()
        paths = env["MICROPYPATH"].split(":")[:3]
    else:
        env, cwd = dict(os.environ), firmware_dir
        paths = [".frozen", firmware_dir, os.path.join(firmware_dir, "lib")]
    env["MICROPYPATH"] = ":".join(paths + [FAKES_OUT])
    return env, cwd


def heap_bytes(size):
    return int(size[:-1]) * 1024 if size.endswith("k") else int(size)


def run_esp32(flash_dir, config, heap=FIRMWARE_HEAP, timeout=60, firmware_dir=None):
    """Boot the ESP32 board with `config` on a fresh flash dir and play esp32_run.py's
    technician. Returns (result dict, I2C writes as bytes, {snap name: (writes before it,
    framebuffer bytes)}, {step: free heap}); raises AssertionError with the output when the
    run fails. config None: use the config.json already on the flash (a deployed board's).

    The fakes share the process's heap, which a device's ROM-resident machine module and its
    real peripherals do not: a first run measures what they cost, and the real one gets
    `heap` plus exactly that, so the firmware has what it would have in `heap` alone."""
    os.makedirs(flash_dir, exist_ok=True)
    if config is not None:
        with open(os.path.join(flash_dir, "config.json"), "w") as f:
            json.dump(config, f)
    env, cwd = esp32_env(firmware_dir)
    size = heap_bytes(heap)
    probe = subprocess.run(
        micropython_cmd("-m", "esp32_run", flash_dir, PINS, "probe", heap=str(size)),
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    steps = dict(line.split()[1:] for line in probe.stdout.splitlines() if line[:5] == "HEAP ")
    if probe.returncode or "fakes" not in steps:
        raise AssertionError("esp32_run probe failed:\n" + probe.stdout + probe.stderr)
    fakes = int(steps["start"]) - int(steps["fakes"])
    proc = subprocess.run(
        micropython_cmd("-m", "esp32_run", flash_dir, PINS, heap=str(size + fakes)),
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    writes = []
    snaps = {}
    heap_free = {}
    result = None
    for line in proc.stdout.splitlines():
        if line.startswith("I2C "):
            writes.append(bytes.fromhex(line[4:]))
        elif line.startswith("SNAP "):
            _, name, data = line.split(" ", 2)
            snaps[name] = (len(writes), bytes.fromhex(data))
        elif line.startswith("HEAP "):
            _, step, free = line.split()
            heap_free[step] = int(free)
        elif line.startswith("{"):
            result = json.loads(line)
    if proc.returncode or result is None:
        tail = "\n".join(ln[:200] for ln in (proc.stdout + proc.stderr).splitlines()[-30:])
        raise AssertionError("esp32_run failed (exit %d):\n%s" % (proc.returncode, tail))
    return result, writes, snaps, heap_free
