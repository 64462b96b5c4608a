"""Add or replace message catalogue entries, keeping the file sorted by key as bytes.

    python -m tools.catalogue_add KEY TEXT [KEY TEXT ...]      (firmware/ui/en.txt)
    python -m tools.catalogue_add --file firmware/ui/zh.txt KEY TEXT ...

Re-reads the file right before writing, so several people adding keys do not lose each
other's lines. Keys longer than 10 characters cost no permanent heap (docs/memory.md)."""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def add(path, pairs):
    with open(path, "rb") as f:
        lines = [ln for ln in f.read().split(b"\n") if ln]
    entries = dict(ln.split(b"\t", 1) for ln in lines)
    for key, text in pairs:
        if "\t" in key or "\n" in text or "\t" in text:
            raise SystemExit("error: keys and texts hold no tabs or newlines")
        entries[key.encode()] = text.encode()
    body = b"\n".join(k + b"\t" + entries[k] for k in sorted(entries)) + b"\n"
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(body)
    os.replace(tmp, path)


def main(argv):
    path = os.path.join(ROOT, "firmware", "ui", "en.txt")
    if argv[:1] == ["--file"]:
        path = argv[1]
        argv = argv[2:]
    if not argv or len(argv) % 2:
        raise SystemExit(__doc__)
    add(path, list(zip(argv[::2], argv[1::2], strict=True)))


if __name__ == "__main__":
    main(sys.argv[1:])
