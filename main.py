# Entry point on every runtime: the ESP32 runs it after boot.py; the Pi's service and the
# simulator run `python main.py --flash DIR` or `micropython main.py --flash DIR`.
# The board comes from <flash>/config.json, never from probing hardware at import.
import sys


def _lib_on_path():
    here = __file__.rpartition("/")[0] or "."
    lib = here + "/lib"
    if lib not in sys.path and "/lib" not in sys.path:
        sys.path.insert(0, lib)
    if here not in sys.path:
        sys.path.insert(0, here)


def _options(argv):
    opts = {}
    i = 0
    while i < len(argv) - 1:
        if argv[i].startswith("--"):
            opts[argv[i][2:]] = argv[i + 1]
            i += 2
        else:
            i += 1
    return opts


def _load_config(flash):
    import json

    if not flash.exists("config.json"):
        raise SystemExit("no config.json on flash: deploy the board config first (see README)")
    try:
        return json.loads(flash.read("config.json"))
    except ValueError:
        raise SystemExit("config.json on flash is not valid JSON")


def main():
    _lib_on_path()
    from compat import Clock, asyncio
    from firmware.app import Terminal
    from firmware.events import EventQueue
    from firmware.flash import Flash
    from firmware.store import Store

    opts = _options(getattr(sys, "argv", [])[1:])
    flash = Flash(opts.get("flash", "/"))
    config = _load_config(flash)
    for key in ("link", "host"):  # the simulator's addresses change from run to run
        if key in opts:
            config[key] = opts[key]
    name = config.get("board", "sim")
    module = "firmware.boards." + name
    try:
        __import__(module)
    except ImportError as e:
        raise SystemExit("board %r cannot load: %s" % (name, e))
    clock = Clock()
    queue = EventQueue()
    board = sys.modules[module].build(config, flash, clock, queue)
    store = Store(flash)
    terminal = Terminal(board, store, flash, clock, queue, config)
    asyncio.run(terminal.run())


main()
