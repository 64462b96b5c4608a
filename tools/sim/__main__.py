"""python -m tools.sim [--script FILE] [--runtime cpython|micropython] [--flash DIR] [--png DIR]

Without --script: the interactive simulator (display, key legend and paper in the console).
With --script: runs the script and exits 0 if every expectation held, else 1 naming the line.
"""

import argparse
import sys

from tools.sim.script import ScriptError


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m tools.sim", description=__doc__.split("\n")[0])
    ap.add_argument("--script", help="a .sim script to run instead of the interactive mode")
    ap.add_argument("--runtime", default="cpython", choices=("cpython", "micropython"))
    ap.add_argument("--flash", help="flash directory (kept between runs); default: a temp dir")
    ap.add_argument("--png", help="directory for `screenshot` images")
    ap.add_argument(
        "--host",
        default="auto",
        choices=("auto", "manual", "off"),
        help="interactive mode: start the reference host (auto-approving or for manual review)",
    )
    args = ap.parse_args(argv)
    if args.script:
        from tools.sim.runner import run_file

        try:
            run_file(args.script, args.runtime, args.flash, args.png)
        except ScriptError as e:
            print("FAIL %s" % e, file=sys.stderr)
            return 1
        except OSError as e:
            print("FAIL %s" % e, file=sys.stderr)
            return 1
        print("ok %s (%s)" % (args.script, args.runtime))
        return 0
    from tools.sim.interactive import interactive

    return interactive(args.runtime, args.flash, args.png, args.host)


if __name__ == "__main__":
    sys.exit(main())
