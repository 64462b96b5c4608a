"""python -m tools.deploy --port PORT [--board esp32] [--set KEY=JSON ...] [--no-reset] [--frozen]
python -m tools.deploy freeze [--board esp32] [--out build/manifest.py]"""

import argparse
import json
import sys

from tools.deploy.device import DeployError, deploy
from tools.deploy.files import BOARD_FILES
from tools.deploy.manifest import FROZEN_PREFIXES, write_manifest


def parse_setting(text):
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError("expected KEY=VALUE, got %r" % text)
    try:
        return key, json.loads(value)
    except ValueError:
        return key, value  # a bare string: --set serial=T-0001


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["freeze"]:
        ap = argparse.ArgumentParser(prog="python -m tools.deploy freeze")
        ap.add_argument("--board", default="esp32", choices=sorted(BOARD_FILES))
        ap.add_argument("--out", default="build/manifest.py")
        args = ap.parse_args(argv[1:])
        print("wrote", write_manifest(args.board, args.out))
        return 0
    ap = argparse.ArgumentParser(prog="python -m tools.deploy")
    ap.add_argument("--port", required=True, help="/dev/ttyUSB0, socket://HOST:PORT, ...")
    ap.add_argument("--board", default="esp32", choices=sorted(BOARD_FILES))
    ap.add_argument(
        "--set",
        action="append",
        default=[],
        type=parse_setting,
        metavar="KEY=VALUE",
        help="also write this key into the device's config.json (VALUE as JSON or text)",
    )
    ap.add_argument("--no-reset", action="store_true", help="leave the board running")
    ap.add_argument("--build", default=None, help="build folder (default build/mpy)")
    ap.add_argument(
        "--frozen",
        action="store_true",
        help="the image already carries drivers/ and lib/ (make freeze): deploy the rest",
    )
    args = ap.parse_args(argv)
    try:
        deploy(
            args.port,
            args.board,
            dict(args.set),
            reset=not args.no_reset,
            out=args.build,
            skip_prefixes=FROZEN_PREFIXES if args.frozen else (),
        )
    except DeployError as e:
        print(e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
