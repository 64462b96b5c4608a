# Every string a cashier or technician sees comes from a catalogue file beside this module
# (en.txt, later zh.txt), so a language is a file, not code. The file is sorted by key and
# searched on flash: a catalogue costs no heap however long it grows. Lines: key TAB text.
from compat import const

_CACHE = const(8)

_file = None
_size = 0
_cache = {}
_order = []


def _dir():
    return __file__.rpartition("/")[0] or "."


def use(language):
    """Switch catalogues at run time (no reboot): `use("en")`."""
    global _file, _size
    if _file:
        _file.close()
    _file = open(_dir() + "/" + language + ".txt", "rb")
    _file.seek(0, 2)
    _size = _file.tell()
    _cache.clear()
    del _order[:]


def _line_at(pos):
    # The first whole line starting at or after byte `pos`.
    f = _file
    if pos:
        f.seek(pos - 1)
        f.readline()
    else:
        f.seek(0)
    return f.readline()


def lookup(key):
    if _file is None:
        use("en")
    if key in _cache:
        return _cache[key]
    k = key.encode() + b"\t"
    lo, hi = 0, _size
    while lo < hi:
        mid = (lo + hi) // 2
        line = _line_at(mid)
        if line and line < k:  # end of file (b"") lies past every key, not before them
            lo = mid + 1
        else:
            hi = mid
    line = _line_at(lo)
    text = (
        line[len(k) :].rstrip(b"\n").decode().replace("\\n", "\n") if line.startswith(k) else key
    )
    if len(_order) >= _CACHE:
        _cache.pop(_order.pop(0), None)
    _cache[key] = text
    _order.append(key)
    return text


def t(key, *args):
    text = lookup(key)
    return text % args if args else text
