# Screens and other features that are not needed all the time are imported when used and
# dropped afterwards, so the heap holds only the code of what the terminal is doing now.
import sys


def load(module, name):
    __import__(module)
    return getattr(sys.modules[module], name)


def unload(module):
    mod = sys.modules.pop(module, None)
    if mod is None:
        return
    parent, _, child = module.rpartition(".")
    package = sys.modules.get(parent)
    if package is not None and getattr(package, child, None) is mod:
        delattr(package, child)  # the package's attribute would keep the module alive


def module_of(obj):
    return type(obj).__module__
