# lib/fbuf.py against the real framebuf: the same random drawing calls run in the micropython
# binary and here, and every buffer (and return value) after every call must be identical.
import json
import random
import subprocess
import sys

import font8x8

import fbuf
from tests.runtimes import ROOT, micropython_binary
from tools import gen_font8x8

# Runs on both runtimes (exec'd here, sent to micropython on stdin): replays the cases.
_REPLAY = """
def replay(m, cases):
    out = []
    for case in cases:
        w, h, stride = case["w"], case["h"], case["stride"]
        buf = bytearray(stride * ((h + 7) // 8))
        for i in range(len(buf)):
            buf[i] = case["seed"][i % len(case["seed"])]
        fb = m.FrameBuffer(buf, w, h, m.MONO_VLSB, stride)
        steps = []
        for op in case["ops"]:
            args = op[1:]
            if op[0] == "blit":
                sw, sh, data, x, y, key = args[:6]
                src = m.FrameBuffer(bytearray(data), sw, sh, m.MONO_VLSB)
                pal = None
                if len(args) > 6:
                    pal = m.FrameBuffer(bytearray(args[6]), 2, 1, m.MONO_VLSB)
                r = fb.blit(src, x, y, key, pal) if pal else fb.blit(src, x, y, key)
            else:
                r = getattr(fb, op[0])(*args)
            steps.append([r, "".join("%02x" % v for v in buf)])
        out.append(steps)
    return out
"""

_MP_MAIN = """
import sys, json, framebuf
print(json.dumps(replay(framebuf, json.loads(sys.stdin.read()))))
"""

_TEXTS = [
    "A",
    "Total 12.50",
    "é",
    "a\x00b",
    "\x01\x7f~",
    "€uro",
    "0123456789ABCDEFGHIJ",
    "",
    "gjpq_|",
]


def _cases(seed, n):
    rnd = random.Random(seed)

    def at(size):
        return rnd.choice([rnd.randint(-12, size + 12), rnd.randint(0, size - 1)])

    cases = []
    for _ in range(n):
        w = rnd.choice([1, 3, 8, 13, 64, 128])
        h = rnd.choice([1, 5, 8, 9, 16, 17, 64])
        ops = []
        for _ in range(rnd.randint(1, 10)):
            c = rnd.choice([0, 1, 1, 2, -1])
            k = rnd.randrange(11)
            if k == 0:
                ops.append(["fill", c])
            elif k == 1:
                ops.append(["fill_rect", at(w), at(h), rnd.randint(-3, w + 5), at(h), c])
            elif k == 2:
                ops.append(["pixel", at(w), at(h), c])
            elif k == 3:
                ops.append(["pixel", at(w), at(h)])
            elif k == 4:
                ops.append(["hline", at(w), at(h), rnd.randint(-3, w + 5), c])
            elif k == 5:
                ops.append(["vline", at(w), at(h), rnd.randint(-3, h + 5), c])
            elif k == 6:
                ops.append(["rect", at(w), at(h), at(w), at(h), c, rnd.random() < 0.5])
            elif k == 7:
                ops.append(["line", at(w), at(h), at(w), at(h), c])
            elif k == 8:
                ops.append(["text", rnd.choice(_TEXTS), at(w), at(h), c])
            elif k == 9:
                ops.append(["scroll", rnd.randint(-w - 2, w + 2), rnd.randint(-h - 2, h + 2)])
            else:
                sw, sh = rnd.randint(1, 20), rnd.randint(1, 20)
                data = [rnd.randrange(256) for _ in range(sw * ((sh + 7) // 8))]
                op = ["blit", sw, sh, data, at(w), at(h), rnd.choice([-1, 0, 1])]
                if rnd.random() < 0.3:
                    op.append([rnd.randrange(2), rnd.randrange(2)])
                ops.append(op)
        seed_bytes = [rnd.randrange(256) for _ in range(rnd.randint(1, 9))]
        stride = w + rnd.choice([0, 0, 3])
        cases.append({"w": w, "h": h, "stride": stride, "seed": seed_bytes, "ops": ops})
    return cases


def _replay_here(cases):
    scope = {}
    exec(_REPLAY, scope)
    return json.loads(json.dumps(scope["replay"](fbuf, cases)))


def _replay_in_micropython(cases):
    proc = subprocess.run(
        [micropython_binary(), "-X", "heapsize=64m", "-c", _REPLAY + _MP_MAIN],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return json.loads(proc.stdout)


def test_random_drawing_is_byte_identical_to_framebuf():
    for seed in (1, 2, 3):
        cases = _cases(seed, 120)
        want = _replay_in_micropython(cases)
        got = _replay_here(cases)
        for i, (w, g) in enumerate(zip(want, got, strict=True)):
            for step, (a, b) in enumerate(zip(w, g, strict=True)):
                assert a == b, "seed %d case %d step %d: %r" % (
                    seed,
                    i,
                    step,
                    cases[i]["ops"][step],
                )


def test_font_module_is_what_micropython_draws():
    assert gen_font8x8.render() == font8x8.FONT


def test_canvas_picks_fbuf_only_without_framebuf():
    from drivers.display import canvas

    assert "framebuf" not in sys.modules
    assert canvas.FrameBuffer is fbuf.FrameBuffer
