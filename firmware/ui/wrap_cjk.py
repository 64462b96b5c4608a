# Wrapping for text with non-ASCII chars (firmware/ui/screen.py wrap() hands it over), loaded
# only for such text, so an English terminal never holds it. Chinese has no spaces: a line may
# break between any two CJK chars (each two columns wide) or where a space was, never inside
# an ASCII word, nor before punctuation that must not start a line ("，。") or after one that
# must not end it ("（").
from drivers.display.font16 import cells

_NO_START = "\uff0c\u3002\u3001\uff1a\uff1b\uff01\uff1f\uff09\u300b\u300d\u300f\u201d\u2026"
_NO_END = "\uff08\u300a\u300c\u300e\u201c"


def wrap_cjk(text, width):
    lines = []
    gap = False  # a space came before this piece
    i = 0
    n = len(text)
    while i < n:
        if text[i].isspace():
            gap = True
            i += 1
            continue
        # The next piece no line breaks: an ASCII word or one CJK char, with the closing
        # punctuation after it, and after an opening one what follows.
        j = i + 1
        while j < n:
            d = text[j]
            if d.isspace():
                break
            p = text[j - 1]
            if not (d in _NO_START or p in _NO_END or d <= "\x7f" and p <= "\x7f"):
                break
            j += 1
        word = text[i:j]
        i = j
        w = cells(word)
        if lines and cells(lines[-1]) + gap + w <= width:
            lines[-1] += " " + word if gap else word
        else:
            while w > width:  # a single overlong word (rare: codes) is split hard
                k = 1
                while cells(word[: k + 1]) <= width:
                    k += 1
                lines.append(word[:k])
                word = word[k:]
                w = cells(word)
            lines.append(word)
        gap = False
    return lines
