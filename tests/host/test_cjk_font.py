# The generated CJK files against the catalogues they serve: every non-ASCII character a
# catalogue uses has its glyph (firmware/ui/cjk16.bin) and its GBK code (firmware/ui/gb.bin),
# and nothing else is there. After editing a catalogue: .venv/bin/python tools/gen_cjk_font.py
# Where GNU Unifont is installed, the glyphs are checked against it and the tool's output
# against the committed files; CI without it still checks coverage and the GBK codes.
import hashlib
import json
import os
import re
import subprocess
import sys

import pytest

from tests.runtimes import ROOT, micropython_cmd, micropython_device_env
from tools import gen_cjk_font as gen

HAVE_UNIFONT = os.path.exists(gen.UNIFONT)
RERUN = "stale: rerun %s" % gen.COMMAND


def _font():
    with open(gen.FONT, "rb") as f:
        return f.read()


def _table():
    with open(gen.TABLE, "rb") as f:
        return f.read()


def _font_codes(data):
    n = int.from_bytes(data[4:6], "little")
    return [int.from_bytes(data[gen.CODES_AT + 2 * i : gen.CODES_AT + 2 * i + 2], "big")
            for i in range(n)]  # fmt: skip


def _table_codes(data):
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 4)]


def test_font_layout_and_size():
    data = _font()
    assert data[:4] == gen.MAGIC and data[6:8] == b"\0\0"
    n = len(_font_codes(data))
    assert len(data) == gen.CODES_AT + 34 * n
    assert gen.CODES_AT == 1560  # drivers/display/font16.py has these offsets as constants
    assert gen.BOX_AT == 1528


def test_every_catalogue_character_has_a_glyph_and_nothing_else_does():
    used = gen.characters(gen.catalogues())
    assert len(used) > 20  # zh.txt is there and was read
    codes = _font_codes(_font())
    missing = [chr(c) for c in used if c not in codes]
    assert not missing, "%s: %s" % (RERUN, "".join(missing))
    assert codes == used, RERUN  # sorted, exactly the characters used


def test_every_catalogue_character_has_its_gbk_code_and_nothing_else_does():
    used = gen.characters(gen.catalogues())
    data = _table()
    codes = _table_codes(data)
    missing = [chr(c) for c in used if c not in codes]
    assert not missing, "%s: %s" % (RERUN, "".join(missing))
    assert codes == used, RERUN
    for i in range(0, len(data), 4):
        code = int.from_bytes(data[i : i + 2], "big")
        assert data[i + 2 : i + 4] == chr(code).encode("gb18030"), hex(code)
        assert data[i + 2 : i + 4].decode("gbk") == chr(code)


def test_the_gbk_codes_the_unit_tests_spell_out_are_the_standards():
    # tests/unit/test_escpos_cjk.py writes these as literals (MicroPython has no codec)
    assert "\u5408\u8ba1\u5143".encode("gb18030") == b"\xba\xcf\xbc\xc6\xd4\xaa"
    assert "\u7b80\u4f53\u4e2d\u6587".encode("gb18030") == b"\xbc\xf2\xcc\xe5\xd6\xd0\xce\xc4"
    assert "\u25a1".encode("gb18030") == b"\xa1\xf5"


def test_a_translator_adding_a_character_makes_the_check_fail(tmp_path):
    extra = tmp_path / "xx.txt"
    extra.write_text("k-extra-key\t\u9f8d\n", encoding="utf-8")  # 龍: in no catalogue
    used = gen.characters(gen.catalogues() + [str(extra)])
    assert 0x9F8D in used and 0x9F8D not in _font_codes(_font())


def _entries(name):
    with open(os.path.join(gen.UI, name), "rb") as f:
        lines = [ln for ln in f.read().split(b"\n") if ln]
    return lines, dict(ln.decode().split("\t", 1) for ln in lines)


def test_zh_catalogue_is_sorted_and_translates_only_english_keys_with_the_same_arguments():
    lines, zh = _entries("zh.txt")
    _, en = _entries("en.txt")
    assert lines == sorted(lines) and len(zh) == len(lines)  # text.py binary-searches it
    assert set(zh) <= set(en), sorted(set(zh) - set(en))
    for key, text in zh.items():
        # t(key, *args) formats the translation with the English text's arguments
        assert re.findall("%[-0-9]*[a-z%]", text) == re.findall("%[-0-9]*[a-z%]", en[key]), key


@pytest.mark.skipif(not HAVE_UNIFONT, reason="GNU Unifont not installed")
def test_glyphs_are_unifonts_bits():
    data = _font()
    codes = _font_codes(data)
    hexes = gen.read_unifont(gen.UNIFONT, set(codes) | set(range(0x20, 0x7F)))
    for c in codes:
        width, rows = gen.rows_of(hexes[c])
        at = gen.CODES_AT + 2 * len(codes) + 32 * codes.index(c)
        pad = (16 - width) // 2
        for y in range(16):
            for x in range(16):
                got = data[at + (y >> 3) * 16 + x] >> (y & 7) & 1
                want = pad <= x < pad + width and rows[y] >> (width - 1 - (x - pad)) & 1
                assert got == bool(want), (chr(c), x, y)
    width, rows = gen.rows_of(hexes[ord("A")])
    at = gen.HEAD + (ord("A") - 0x20) * 16
    for y in range(16):
        for x in range(8):
            assert (data[at + (y >> 3) * 8 + x] >> (y & 7) & 1) == (rows[y] >> (7 - x) & 1)


@pytest.mark.skipif(not HAVE_UNIFONT, reason="GNU Unifont not installed")
def test_committed_files_are_what_the_tool_makes():
    font, table = gen.build(gen.catalogues())
    assert font == _font(), RERUN
    assert table == _table(), RERUN


def test_licence_is_recorded_beside_the_font():
    with open(gen.LICENSE, encoding="utf-8") as f:
        text = f.read()
    assert "GNU Unifont" in text and "GPL-2+" in text and "SIL Open Font" in text


# Both runtimes draw a zh screen (title, wrapped lines, hint; one row inverted) with the 16 px
# font: the framebuffers must be the same bytes.
_SCENE = """
import hashlib, json
from drivers.display.canvas import Canvas
from firmware.ui.screen import Screen, wrap
from firmware.ui.text import path, t, use

class Log:
    def show(self, buf, pages):
        pass

canvas = Canvas(Log())
use("zh", canvas)
Screen(None).paint(canvas, t("check-title"), wrap(t("card-prompt") + " 12.50 " + t("m-tech")),
                   t("back-hint"))
canvas.text(2, t("lang-name-zh") + "\\ue000", x=5, invert=True)
canvas.show()
print("".join("%02x" % b for b in hashlib.sha256(canvas.buf).digest()))
print(json.dumps(canvas.rows))
use("en", canvas)
"""


def test_both_runtimes_draw_the_same_bytes():
    env, cwd = micropython_device_env()
    mp = subprocess.run(
        micropython_cmd("-c", _SCENE), cwd=cwd, env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    assert mp.returncode == 0, mp.stdout + mp.stderr
    cp = subprocess.run(
        [sys.executable, "-c", "import sys; sys.path[:0] = ['lib', '.']\n" + _SCENE],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert cp.returncode == 0, cp.stdout + cp.stderr
    digest = cp.stdout.splitlines()[0]
    assert digest != hashlib.sha256(bytes(1024)).hexdigest()  # something was drawn
    assert mp.stdout.splitlines()[0] == digest
    rows = json.loads(cp.stdout.splitlines()[1])
    assert json.loads(mp.stdout.splitlines()[1]) == rows
    assert len(rows) == 4 and rows[2].endswith("\u25a1")  # U+E000: not in the font, a box
