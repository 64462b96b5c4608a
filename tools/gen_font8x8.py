# Regenerates lib/font8x8.py from the font built into MicroPython's framebuf, by asking the real
# micropython binary to draw every glyph: lib/fbuf.py then draws exactly what framebuf draws.
# Usage: .venv/bin/python tools/gen_font8x8.py [--check]
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "lib", "font8x8.py")
COMMAND = ".venv/bin/python tools/gen_font8x8.py"
FIRST = 32
LAST = 127

# Runs inside micropython: each glyph drawn alone into an 8x8 MONO_VLSB buffer is its 8 column
# bytes (LSB on top), the layout fbuf reads.
_RENDER = """
import framebuf
b = bytearray(8)
f = framebuf.FrameBuffer(b, 8, 8, framebuf.MONO_VLSB)
out = []
for c in range(%d, %d):
    f.fill(0)
    f.text(chr(c), 0, 0, 1)
    out.append(''.join('%%02x' %% v for v in b))
print(''.join(out))
""" % (FIRST, LAST + 1)


def micropython():
    local = os.path.join(ROOT, ".venv", "bin", "micropython")
    return local if os.path.exists(local) else "micropython"


def render():
    proc = subprocess.run(
        [micropython(), "-c", _RENDER], capture_output=True, text=True, check=True, timeout=60
    )
    data = bytes.fromhex(proc.stdout.strip())
    if len(data) != (LAST + 1 - FIRST) * 8:
        raise RuntimeError("unexpected font size %d" % len(data))
    return data


_VERSION = (
    "import sys; print('%d.%d.%d' % sys.implementation.version[:3], sys.version.split('; ')[-1])"
)


def version():
    proc = subprocess.run(
        [micropython(), "-c", _VERSION],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return proc.stdout.strip()


def source(data, mp_version):
    lines = [
        "# GENERATED FILE - do not edit. Regenerate with: %s" % COMMAND,
        "# The 8x8 font built into MicroPython's framebuf (extmod/font_petme128_8x8.h,",
        "# MIT licence, Copyright (c) 2013, 2014 Damien P. George), read back glyph by glyph",
        "# from framebuf.text() of micropython %s." % mp_version,
        "# Glyphs for chars %d..%d, 8 bytes each: one byte per column, LSB is the top row."
        % (FIRST, LAST),
        "FONT = (",
    ]
    for i in range(0, len(data), 8):
        code = FIRST + i // 8
        literal = "".join("\\x%02x" % v for v in data[i : i + 8])
        label = repr(chr(code)) if code < LAST else "127: substitute for any other byte"
        lines.append('    b"%s"  # %s' % (literal, label))
    lines.append(")")
    return "\n".join(lines) + "\n"


def main(argv):
    text = source(render(), version())
    if "--check" in argv:
        with open(OUT) as f:
            current = f.read()
        # The version line may differ between binaries; the glyph lines must not.
        same = [ln for ln in current.splitlines() if ln.startswith("    b")] == [
            ln for ln in text.splitlines() if ln.startswith("    b")
        ]
        print("font8x8 matches micropython" if same else "font8x8 differs from micropython")
        return 0 if same else 1
    with open(OUT, "w") as f:
        f.write(text)
    print("wrote %s" % os.path.relpath(OUT, ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
