"""CPython side of the fakes: compile them with mpy-cross as the firmware is (so their code
costs the heap what device code would, not parse trees), and run the ESP32 boot script under
the MicroPython unix port. Used by tests/host/test_esp32_board.py and `make bench`."""

import fcntl
import hashlib
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
DEVICE_SIDE = ("machine.py", "network.py", "esp32_run.py", "esp32_sale.py")
# Device models the script drives, compiled as top-level modules of their own so that they
# load beside a deployed board's files (MicroPython takes a package from one folder only).
MODELS = {"sim_keypad": "drivers/keypad/sim.py", "sim_card": "drivers/card/sim.py"}
PINS = os.path.join(ROOT, "firmware", "boards", "esp32_pins.json")
_CUT = b"\x1dV"  # ESC/POS GS V: the end of a print job
_QUIET = ("I2C ", "PRN ", "SNAP")  # device traffic, left out of a failure report


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
    # Only the module path: the environment's size moves the stack, and with it what the
    # GC's conservative scan keeps alive (tests/test_unit_on_micropython.py)
    return {"MICROPYPATH": ":".join(paths + [FAKES_OUT])}, cwd


def heap_bytes(size):
    return int(size[:-1]) * 1024 if size.endswith("k") else int(size)


def activate(flash_dir, merchant="100234", terminal="01", password="480219"):
    """Put an ACTIVE activation record on the flash, as tools/sim/harness.py Sim.provision
    leaves it but with no host: a made-up secret and terminal id, which a cash sale and a
    card sale approved offline never show to anyone."""
    salt = os.urandom(16)
    pw = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 1000).hex()
    rec = {"state": "ACTIVE", "merchant": merchant, "terminal": terminal,
           "pw": [1000, salt.hex(), pw], "secret": os.urandom(32).hex(), "tid": 1,
           "ctr": 1, "hctr": 1}  # fmt: skip
    os.makedirs(os.path.join(flash_dir, "store"), exist_ok=True)
    with open(os.path.join(flash_dir, "store", "activation.json"), "w") as f:
        json.dump(rec, f)
    return rec


def run_esp32(flash_dir, config, heap=FIRMWARE_HEAP, timeout=60, firmware_dir=None, sale=False):
    """Boot the ESP32 board with `config` on a fresh flash dir and play esp32_run.py's
    technician, or with `sale` its cashier (esp32_sale.py: activate() the flash first).
    Returns (result dict, I2C writes as bytes, {snap name: (writes before it, framebuffer
    bytes)}, {step: free heap}); result["paper"] holds the printer's jobs as bytes, one per
    cut. Raises AssertionError with the output when the run fails. config None: use the
    config.json already on the flash (a deployed board's).

    The fakes and this script's own code (which a device's main.py does not carry) share the
    process's heap, which a device's ROM-resident machine module and its real peripherals do
    not: a first run measures what they take above a bare interpreter, and the real one gets
    `heap` plus exactly that, so the firmware has what it would have in `heap` alone."""
    os.makedirs(flash_dir, exist_ok=True)
    if config is not None:
        with open(os.path.join(flash_dir, "config.json"), "w") as f:
            json.dump(config, f)
    env, cwd = esp32_env(firmware_dir)
    size = heap_bytes(heap)
    args = ("-m", "esp32_run", flash_dir, PINS) + (("sale",) if sale else ())
    probe = subprocess.run(
        micropython_cmd(*args, "probe", heap=str(size)),
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    bare = subprocess.run(
        micropython_cmd("-c", "import gc\ngc.collect()\nprint(gc.mem_free())", heap=str(size)),
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    steps = dict(line.split()[1:] for line in probe.stdout.splitlines() if line[:5] == "HEAP ")
    if probe.returncode or bare.returncode or "fakes" not in steps:
        raise AssertionError("esp32_run probe failed:\n" + probe.stdout + probe.stderr)
    fakes = int(bare.stdout) - int(steps["fakes"])
    try:
        proc = subprocess.run(
            micropython_cmd(*args, heap=str(size + fakes)),
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as e:
        # A screen loop that keeps failing to allocate never yields: say where it stood.
        out = [
            x.decode("utf-8", "replace") if isinstance(x, bytes) else x or ""
            for x in (e.stdout, e.stderr)
        ]
        proc = subprocess.CompletedProcess(e.cmd, -1, out[0] + "\ntimed out\n", out[1])
    writes = []
    snaps = {}
    heap_free = {}
    paper = [b""]
    result = None
    for line in proc.stdout.splitlines():
        if line.startswith("I2C "):
            writes.append(bytes.fromhex(line[4:]))
        elif line.startswith("PRN "):
            paper[-1] += bytes.fromhex(line[4:])
            if _CUT in paper[-1]:
                paper.append(b"")
        elif line.startswith("SNAP "):
            _, name, data = line.split(" ", 2)
            snaps[name] = (len(writes), bytes.fromhex(data))
        elif line.startswith("HEAP "):
            _, step, free = line.split()
            heap_free[step] = int(free)
        elif line.startswith("{"):
            result = json.loads(line)
    if proc.returncode or result is None:
        # The steps reached, the first error in full (a failing screen may repeat it
        # thousands of times), then how it ended.
        lines = [
            ln[:200] for ln in (proc.stdout + proc.stderr).splitlines() if ln[:4] not in _QUIET
        ]
        first = [i for i, ln in enumerate(lines) if ln.startswith("Traceback")][:1]
        first = lines[first[0] : first[0] + 12] if first else []
        err = AssertionError(
            "esp32_run failed (exit %d), free heap at each step %r\nfirst error:\n%s\nlast:\n%s"
            % (proc.returncode, heap_free, "\n".join(first), "\n".join(lines[-15:]))
        )
        err.heap_free = heap_free  # the steps it got through, for the bench
        end = [i for i, ln in enumerate(first) if "Error" in ln][:1]
        # where the first error struck and what it was: 'File "…", line 1, in …: MemoryError…'
        err.first_error = (first[end[0] - 1].strip() + ": " + first[end[0]]) if end else None
        raise err
    result["paper"] = paper[:-1] if not paper[-1] else paper
    return result, writes, snaps, heap_free
