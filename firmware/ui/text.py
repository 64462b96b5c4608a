# Every string a cashier or technician sees comes from a catalogue file beside this module
# (en.txt, zh.txt), so a language is a file, not code. The file is sorted by key and
# searched on flash: a catalogue costs no heap however long it grows. Lines: key TAB text.
from compat import const

_CACHE = const(8)

_file = None
cjk = False  # the language is written in CJK: 16 px font, GB18030 receipts (gb)
# The printer's GB18030 table while the language is CJK, else None: every job passes it to the
# encoder (escpos.Receipt(gb=text.gb), escpos.text()), or Chinese prints as "?".
gb = None
_cache = {}
_order = []


def path(name):
    """The path of file `name` beside the catalogues: "zh.txt", "cjk16.bin" (the display
    font), "gb.bin" (the printer's GB18030 table)."""
    return (__file__.rpartition("/")[0] or ".") + "/" + name


def use(language, canvas=None):
    """Switch catalogues at run time (no reboot): `use("zh", canvas)`; given the canvas, it
    changes font with the language. A language whose file is missing falls back to English."""
    global _file, cjk, gb
    if _file:
        _file.close()
        _file = None
    try:
        _file = open(path(language + ".txt"), "rb")
    except OSError:
        language = "en"
        _file = open(path("en.txt"), "rb")
    cjk = language == "zh"
    gb = path("gb.bin") if cjk else None
    _cache.clear()
    del _order[:]
    if canvas is not None:
        canvas.use_font(path("cjk16.bin") if cjk else None)


def _find(f, k):
    # The text after key-and-TAB `k` in sorted catalogue file `f`, or None.
    lo, hi = 0, f.seek(0, 2)
    while True:
        # the first whole line starting at or after byte `mid` (at `lo` once the range is empty)
        mid = (lo + hi) // 2
        if mid:
            f.seek(mid - 1)
            f.readline()
        else:
            f.seek(0)
        line = f.readline()
        if lo >= hi:
            return line[len(k) :] if line.startswith(k) else None
        if line and line < k:  # end of file (b"") lies past every key, not before them
            lo = mid + 1
        else:
            hi = mid


def lookup(key):
    if _file is None:
        use("en")
    if key in _cache:
        return _cache[key]
    k = key.encode() + b"\t"
    found = _find(_file, k)
    if found is None and cjk:
        # not translated yet: English, rather than the key, until it is
        with open(path("en.txt"), "rb") as f:
            found = _find(f, k)
    text = found.rstrip(b"\n").decode().replace("\\n", "\n") if found is not None else key
    if len(_order) >= _CACHE:
        _cache.pop(_order.pop(0), None)
    _cache[key] = text
    _order.append(key)
    return text


def t(key, *args):
    text = lookup(key)
    return text % args if args else text


def reason(why, prefix="why-"):
    """A reason as the host or the terminal names it ("insufficient-funds", "revoked by the
    operator", "superseded by terminal 12") in the catalogue's words: the text of key `prefix`
    + `why`, spaces as "-", a last word of digits its argument ("why-superseded-by-terminal",
    "12"); `why` as it came when the catalogue has no such key (an operator's own words)."""
    if type(why) is not str or not why:
        return why  # nothing, or not a name: as it came
    head, _, n = why.rpartition(" ")
    if not (head and n.isdigit()):
        head, n = why, None
    key = prefix + head.replace(" ", "-")
    text = lookup(key)
    if text == key:
        return why
    return text % n if n and "%" in text else text
