"""python -m tools.update build --version X [--key KEY] --out PKG [--board sim] [--format mpy|py]
python -m tools.update verify PKG"""

import argparse
import sys

from tools.update.package import DEV_KEY, FORMATS, PackageError, build_package, check


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m tools.update")
    sub = ap.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="pack and sign the firmware as an update package")
    b.add_argument("--version", required=True)
    b.add_argument("--key", default=DEV_KEY, help="PEM private key (default: the DEV key)")
    b.add_argument("--out", required=True)
    b.add_argument("--board", default="sim", help="sim, esp32 or pi (default sim)")
    b.add_argument(
        "--format",
        choices=FORMATS,
        default=None,
        help="mpy for MicroPython boards (default), py for the Pi",
    )
    v = sub.add_parser("verify", help="check a package's signature and file hashes")
    v.add_argument("package")
    args = ap.parse_args(argv)
    try:
        if args.command == "build":
            fmt = args.format or ("py" if args.board == "pi" else "mpy")
            doc = build_package(args.version, args.out, args.key, args.board, fmt)
            what = args.out + ":"
        else:
            with open(args.package, "rb") as f:
                doc = check(f.read())
            what = "valid:"
        print("%s version %s for %s (%s), %d files" % (
            what, doc["version"], doc["board"], doc["format"], len(doc["files"])))  # fmt: skip
    except (PackageError, ValueError, OSError) as e:
        print("error: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
