# Wrapping for text with non-ASCII chars (firmware/ui/screen.py wrap() hands it over), loaded
# only for such text, so an English terminal never holds it. Chinese has no spaces: a line may
# break between any two CJK chars (each two columns wide) or where a space was, never inside
# an ASCII word, nor before punctuation that must not start a line ("，。") or after one that
# must not end it ("（").
# The text is walked as its UTF-8 bytes: every distinct non-ASCII char taken out of a str
# (text[i], `for ch in text`) is interned for good on MicroPython. A char is known by its first
# byte (ASCII, or how many bytes it has), punctuation by its three bytes.

# ，。、：；！？）》」』”… and （《「『“ as UTF-8, three bytes each: a char's three bytes match
# only where a char starts (no other byte is a first byte)
_NO_START = (
    "\uff0c\u3002\u3001\uff1a\uff1b\uff01\uff1f\uff09\u300b\u300d\u300f\u201d\u2026".encode()
)
_NO_END = "\uff08\u300a\u300c\u300e\u201c".encode()


def wrap_cjk(text, width):
    raw = text.encode()
    n = len(raw)
    lines = []
    used = 0  # columns of lines[-1]
    gap = False  # a space came before this piece
    i = 0
    while i < n:
        c = raw[i]
        if c == 32 or 9 <= c <= 13:  # ASCII white space, as str.isspace() on MicroPython
            gap = True
            i += 1
            continue
        # The next piece no line breaks: an ASCII word or one CJK char, with the closing
        # punctuation after it, and after an opening one what follows.
        start = i
        w = 0  # its columns
        while True:
            w += 1 if c < 0x80 else 2
            at = i  # where char c starts
            i += 1 if c < 0xC0 else 2 if c < 0xE0 else 3 if c < 0xF0 else 4
            if i >= n:
                break
            d = raw[i]
            if d == 32 or 9 <= d <= 13:
                break
            if not (
                d < 0x80
                and c < 0x80
                or 0xE0 <= d < 0xF0
                and raw[i : i + 3] in _NO_START
                or 0xE0 <= c < 0xF0
                and raw[at : at + 3] in _NO_END
            ):
                break
            c = d
        if lines and used + gap + w <= width:
            lines[-1] += (" " if gap else "") + raw[start:i].decode()
            used += gap + w
        else:
            while w > width:  # a single overlong word (rare: codes) is split hard
                k = start
                cols = 0
                while k < i:  # as many chars as fit, at least one
                    c = raw[k]
                    if k > start and cols + (1 if c < 0x80 else 2) > width:
                        break
                    cols += 1 if c < 0x80 else 2
                    k += 1 if c < 0xC0 else 2 if c < 0xE0 else 3 if c < 0xF0 else 4
                lines.append(raw[start:k].decode())
                start = k
                w -= cols
            lines.append(raw[start:i].decode())
            used = w
        gap = False
    return lines
