# Host-side tools import the firmware's drivers and models, which find their one runtime shim
# as `import compat` from lib/, as they do on the device. (String paths: a shared spec module
# under tools/ is also imported by MicroPython, which has no os.path.)
import sys

_LIB = (__file__.rpartition("/")[0].rpartition("/")[0] or ".") + "/lib"
if _LIB not in sys.path:
    sys.path.insert(0, _LIB)
