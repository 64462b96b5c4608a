"""Build, read and check update packages (docs/update.md has the format).

    b"POSUPD1\\n" | manifest length (4 bytes, big-endian) | signature length (2 bytes)
    | manifest (JSON, one file per line) | signature | the files, in manifest order

The signature is RSASSA-PKCS1-v1_5 with SHA-256 over the manifest bytes; the manifest names
each file's path, size and SHA-256, so one signature covers everything."""

import hashlib
import json
import os
import re

from tools.deploy.files import board_sources
from tools.mpy_build import DEFAULT_OUT, ENTRY, ROOT, build, target

MAGIC = b"POSUPD1\n"
HEADER = len(MAGIC) + 6
DEV_KEY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dev_vendor_key.pem")
VERSION = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,23}$")
FORMATS = ("mpy", "py")
# What a CPython board needs that MicroPython has built in (framebuf and its font).
CPYTHON_LIBS = ("lib/fbuf.py", "lib/font8x8.py")
MAX_MANIFEST = 32768
MAX_FILES = 256


class PackageError(ValueError):
    pass


def firmware_files(board, fmt):
    """[(path on the device, local file)] of what a package for `board` carries: the files
    deploy gives the board, without main.py and boot.py (they choose the version at boot and
    are never replaced by an update); .mpy from the build, or the sources for CPython."""
    if fmt not in FORMATS:
        raise PackageError("format must be mpy or py, not %r" % fmt)
    rels = [rel for rel in board_sources(board) if rel not in ENTRY]
    if fmt == "py":
        rels += [rel for rel in CPYTHON_LIBS if rel not in rels]
        return [(rel, os.path.join(ROOT, rel)) for rel in rels]
    build()
    return [(target(rel), os.path.join(DEFAULT_OUT, target(rel))) for rel in rels]


def mpy_version(files):
    """The .mpy format version of the built files (byte 1 of each), for the terminal to check
    before it installs code its MicroPython cannot load."""
    for path, data in files:
        if path.endswith(".mpy"):
            return data[1]
    return None


def manifest(version, board, fmt, files):
    """The manifest's bytes: a JSON object whose head, each file entry and tail are lines of
    their own, so a terminal reads it one line at a time (once its signature verified)."""
    if not VERSION.match(version):
        raise PackageError("version %r: 1-24 of A-Z a-z 0-9 . _ -, not starting with ." % version)
    if not 0 < len(files) <= MAX_FILES:
        raise PackageError("a package holds 1 to %d files" % MAX_FILES)
    head = {"version": version, "board": board, "format": fmt}
    if fmt == "mpy":
        head["mpy"] = mpy_version(files)
    lines = [json.dumps(head)[:-1] + ', "files": [']
    for i, (path, data) in enumerate(files):
        entry = {"path": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        lines.append(json.dumps(entry) + ("," if i < len(files) - 1 else ""))
    lines.append("]}")
    text = ("\n".join(lines) + "\n").encode()
    if len(text) > MAX_MANIFEST:
        raise PackageError("manifest of %d bytes: at most %d" % (len(text), MAX_MANIFEST))
    return text


def load_key(path=DEV_KEY):
    from cryptography.hazmat.primitives import serialization

    with open(path, "rb") as f:
        return serialization.load_pem_private_key(f.read(), None)


def sign(data, key):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    return key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def pack(version, board, fmt, files, key):
    """The package bytes for `files` [(device path, bytes)], signed with `key` (a private key
    from load_key)."""
    text = manifest(version, board, fmt, files)
    sig = sign(text, key)
    head = MAGIC + len(text).to_bytes(4, "big") + len(sig).to_bytes(2, "big")
    return b"".join([head, text, sig] + [data for _, data in files])


def build_package(version, out, key_path=DEV_KEY, board="sim", fmt="mpy", change=None):
    """Write the package of the firmware for `board` to `out`; returns its manifest (a dict).
    `change(files)` may edit the [path, bytes] list first (tests: a broken version)."""
    files = []
    for path, local in firmware_files(board, fmt):
        with open(local, "rb") as f:
            files.append([path, f.read()])
    if change:
        change(files)
    data = pack(version, board, fmt, [tuple(f) for f in files], load_key(key_path))
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "wb") as f:
        f.write(data)
    return read(data)[0]


def read(data):
    """(manifest dict, manifest bytes, signature, files [(path, bytes)]) of a package; raises
    PackageError if it is not one or its files do not match the manifest. The signature is
    not checked here: see check()."""
    if len(data) < HEADER or not data.startswith(MAGIC):
        raise PackageError("not an update package")
    mlen = int.from_bytes(data[8:12], "big")
    slen = int.from_bytes(data[12:14], "big")
    text = data[HEADER : HEADER + mlen]
    sig = data[HEADER + mlen : HEADER + mlen + slen]
    try:
        doc = json.loads(text)
    except ValueError:
        raise PackageError("the manifest is not JSON")
    files = []
    at = HEADER + mlen + slen
    for entry in doc.get("files", []):
        body = data[at : at + entry["size"]]
        if hashlib.sha256(body).hexdigest() != entry["sha256"]:
            raise PackageError("%s does not match its hash" % entry["path"])
        files.append((entry["path"], body))
        at += entry["size"]
    if at != len(data):
        raise PackageError("%d bytes after the last file" % (len(data) - at))
    return doc, text, sig, files


def check(data, modulus=None):
    """The manifest dict if the package's signature verifies with the firmware's vendor key
    (or `modulus`, big-endian bytes) — checked by the firmware's own verifier — else raises
    PackageError."""
    from firmware.maint import verify

    doc, text, sig, _ = read(data)
    if not verify.check(hashlib.sha256(text).digest(), sig, modulus):
        raise PackageError("the signature does not verify with the vendor key")
    return doc
