# Runs plain `test_*` functions of the given modules; works under MicroPython and CPython.
# Usage: micropython -X heapsize=64k tests/mp_runner.py tests.unit.test_events [...]
import gc
import sys


def _print_exc(e):
    if hasattr(sys, "print_exception"):
        sys.print_exception(e)
    else:
        import traceback

        traceback.print_exception(e)


def run_module(name):
    __import__(name)
    mod = sys.modules[name]
    passed = failed = 0
    for attr in sorted(dir(mod)):
        fn = getattr(mod, attr)
        if not attr.startswith("test_") or not callable(fn):
            continue
        gc.collect()
        try:
            fn()
            passed += 1
        except Exception as e:  # report and go on: one run shows every failure
            failed += 1
            print("FAIL %s.%s: %r" % (name, attr, e))
            _print_exc(e)
    return passed, failed


def main(names):
    passed = failed = 0
    for name in names:
        p, f = run_module(name)
        passed += p
        failed += f
    gc.collect()
    if hasattr(gc, "mem_free"):
        print("heap free %d" % gc.mem_free())
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


sys.exit(main(sys.argv[1:]))
