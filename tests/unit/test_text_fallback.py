# A catalogue that lacks a key (a language being translated) shows the English text, not the
# key; a key no catalogue has shows itself. Catalogues in a scratch directory, so the test
# does not depend on what zh.txt holds today.
import os

from compat import mkdir_p
from firmware.ui import text

_DIR = "/tmp/pos-unit-text-%07d" % os.getpid() if hasattr(os, "getpid") else "/tmp/pos-ut"


def _write(name, lines):
    with open(_DIR + "/" + name, "w") as f:
        f.write("".join(k + "\t" + v + "\n" for k, v in lines))


def test_a_key_the_language_lacks_comes_out_in_english():
    mkdir_p(_DIR)
    _write("en.txt", [("m-alpha", "Alpha"), ("m-bravo", "Bravo %d"), ("m-delta", "Delta")])
    _write("zh.txt", [("m-alpha", "\u7532"), ("m-delta", "\u4e01")])
    real = text.path
    text.path = lambda name: _DIR + "/" + name
    try:
        text.use("zh")
        assert text.cjk
        assert text.t("m-alpha") == "\u7532" and text.t("m-delta") == "\u4e01"
        assert text.t("m-bravo", 7) == "Bravo 7"  # English, formatted, not the key
        assert text.t("m-charlie") == "m-charlie"  # in no catalogue
        text.use("en")
        assert text.t("m-alpha") == "Alpha" and not text.cjk
    finally:
        text.path = real
        text.use("en")
        for name in ("en.txt", "zh.txt"):
            os.remove(_DIR + "/" + name)
