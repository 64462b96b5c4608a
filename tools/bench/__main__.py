"""`make bench`: every figure as JSON, with ratios to the baseline or target it answers to."""

import argparse
import json
import os
import subprocess
import sys
import tempfile

from tests.runtimes import FIRMWARE_HEAP, ROOT, micropython_binary, micropython_env

NOTICEABLE_MS = 50  # a cashier starts to notice a key that lags this much


def loop_lag(runtime):
    script = os.path.join(ROOT, "tools", "bench", "loop_lag.py")
    with tempfile.TemporaryDirectory() as flash:
        if runtime == "cpython":
            env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.path.join(ROOT, "lib"))
            cmd = [sys.executable, script, flash]
        else:
            env = micropython_env()
            cmd = [micropython_binary(), "-X", "heapsize=" + FIRMWARE_HEAP, script, flash]
        out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if out.returncode:
        raise SystemExit("loop_lag on %s failed:\n%s%s" % (runtime, out.stdout, out.stderr))
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["p99_vs_noticeable"] = round(result["lag_p99_ms"] / NOTICEABLE_MS, 3)
    result["target_p99_ms"] = 10
    return result


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m tools.bench")
    ap.add_argument("--out", default="bench.json")
    args = ap.parse_args(argv)
    figures = {"loop_lag": {rt: loop_lag(rt) for rt in ("cpython", "micropython")}}
    text = json.dumps(figures, indent=2)
    with open(args.out, "w") as f:
        f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
