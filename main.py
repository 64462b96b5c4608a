# Entry point on every runtime: the ESP32 runs it after boot.py; the Pi's service and the
# simulator run `python main.py --flash DIR` or `micropython main.py --flash DIR`.
# The board comes from <flash>/config.json, never from probing hardware at import.
# Before any firmware module is imported, the update record <flash>/store/fw.json
# (docs/update.md) chooses the code: an installed update in <flash>/fw/<version>/ goes ahead
# on sys.path. A version on trial has its boots counted here, first, and goes back to the
# previous version once it has had _TRIAL_BOOTS without reaching the idle screen. This part
# is never replaced by an update and imports nothing of the firmware, so a broken update
# cannot stop it from choosing the code that works.
import sys

_TRIAL_BOOTS = 2  # a power cut may take one boot: roll back only after a second one fails


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


def _choose(root):
    """(version to run or None for the deployed image, on trial, version just rolled back)."""
    import json
    import os

    name = root + "/store/fw.json"
    try:
        with open(name) as f:
            rec = json.loads(f.read())
        version = rec.get("current")
        failed = None
        if rec.get("trial"):
            boots = rec.get("boots", 0)
            if boots >= _TRIAL_BOOTS:
                failed = version
                version = rec.get("previous")
                rec = {"current": version, "previous": None, "trial": False, "failed": failed}
            else:
                rec["boots"] = boots + 1
            with open(name + ".tmp", "w") as f:  # as Store.put does: temp, sync, rename
                f.write(json.dumps(rec))
                f.flush()
                if hasattr(os, "fsync"):
                    os.fsync(f.fileno())
            os.rename(name + ".tmp", name)
        if version:
            here = root + "/fw/" + version
            os.stat(here + "/firmware")  # gone (flash trouble): the deployed image runs
            sys.path.insert(0, here + "/lib")
            sys.path.insert(0, here)
        return version, rec.get("trial"), failed
    except Exception:  # no record, or one we cannot use: the deployed image runs
        return None, False, None


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
    opts = _options(getattr(sys, "argv", [])[1:])
    version, trial, failed = _choose(opts.get("flash", "/").rstrip("/"))
    try:
        _start(opts, version, trial, failed)
    except (Exception, SystemExit):
        if trial:  # a board would wait in its REPL: start again, so the boot count goes on
            try:
                from machine import reset
            except ImportError:
                reset = None
            if reset:
                reset()
        raise


def _start(opts, version, trial, failed):
    from compat import Clock, asyncio
    from firmware.app import Terminal
    from firmware.events import EventQueue
    from firmware.maint.wear import WearFlash
    from firmware.store import Store

    flash = WearFlash(opts.get("flash", "/"))
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
    if version:
        terminal.VERSION = version  # what About and Maintenance show
    if trial or failed:  # keep the version once it is up, or log the one rolled back
        from firmware.maint.trial import run

        asyncio.run(run(terminal, trial, failed))
    else:
        asyncio.run(terminal.run())


main()
