# What Chinese costs the display, inside MicroPython from the .mpy build
# (`micropython zh_render.py`, run by tools.bench): the flash the font and GB table take, the
# heap the 16 px font keeps while the language is zh (its module, the Font16 object and open
# file, the CJK wrapping), the most one zh screen allocates while it draws (gc held off, so
# nothing is freed underneath the count), and the time to draw one.
import gc
import json
import os

from compat import ticks_diff, ticks_ms
from drivers.display.canvas import Canvas
from firmware.ui import text
from firmware.ui.screen import Screen, wrap
from firmware.ui.text import t

RUNS = 20


class _Panel:
    def show(self, buf, pages):
        pass


def _draw(canvas, screen):
    # a screen of every kind of row: inverted title, wrapped mixed text, hint
    canvas.invalidate()
    screen.paint(canvas, t("check-title"), wrap(t("card-prompt") + " 12.50 " + t("m-tech")),
                 t("back-hint"))  # fmt: skip
    canvas.show()


def main():
    canvas = Canvas(_Panel())
    screen = Screen(None)
    text.use("en", canvas)
    _draw(canvas, screen)
    gc.collect()
    en_free = gc.mem_free()
    text.use("zh", canvas)
    _draw(canvas, screen)
    gc.collect()
    zh_free = gc.mem_free()
    gc.disable()
    _draw(canvas, screen)
    drawing = zh_free - gc.mem_free()
    gc.enable()
    start = ticks_ms()
    for _ in range(RUNS):
        _draw(canvas, screen)
    ms = ticks_diff(ticks_ms(), start) / RUNS
    font = os.stat(text.path("cjk16.bin"))[6]
    result = {
        "font_bytes": font,
        "font_glyphs": (font - 1560) // 34,
        "gb_table_bytes": os.stat(text.path("gb.bin"))[6],
        "zh_resident_bytes": en_free - zh_free,
        "zh_screen_alloc_bytes": drawing,
        "zh_peak_used_bytes": gc.mem_alloc() + gc.mem_free() - zh_free + drawing,
        "ms_per_zh_screen": ms,
    }
    text.use("en", canvas)
    print(json.dumps(result))


main()
