# The backup archive's format (docs/backup.md): one file, written and read a frame at a time so
# that it is never whole in the heap. A clear header names the merchant, so a foreign archive is
# told apart before any key is at hand; every frame after it is encrypted on its own and tagged,
# the tag binding it to this header and to its place, so no frame can be changed, dropped,
# reordered or spliced in from another archive; the manifest comes last and says what the whole
# archive holds, so a truncated one is told apart too.
#   HEADER "POSBAK" | VERSION (1, 0x01) | NONCE (16, random: the archive's id) | MLEN (1) |
#          MERCHANT (MLEN bytes, ASCII)
#   FRAME  KIND (1: "F" a file begins, plaintext its name; "D" the current file's next bytes;
#          "M" the manifest, JSON, last) | LEN (2, big-endian) | IV (16) |
#          CIPHERTEXT (LEN bytes: AES-128-CBC, PKCS#7 padding) | TAG (16)
#   TAG  = HMAC-SHA256(mac key, HEADER | INDEX (4, big-endian, the first frame 0) | KIND | LEN |
#          IV | CIPHERTEXT)[:16]
# Keys from the merchant's backup key K (16 bytes): enc = HMAC-SHA256(K, "pos1 backup enc")[:16],
# mac = HMAC-SHA256(K, "pos1 backup mac"), card = HMAC-SHA256(K, "pos1 backup card") (the
# cardcrypt key of the card numbers inside).
import hashlib
import json
import os
import struct

from aescbc import aes_cbc
from compat import const, hexlify, hmac_sha256

_F = const(70)
_D = const(68)
_M = const(77)
_CHUNK = const(512)  # plaintext bytes in a data frame: small allocations, 7% overhead
_MAXLEN = const(4112)  # a frame's ciphertext bound: the manifest's 4 KiB, padded
_MAGIC = b"POSBAK\x01"


class ArchiveError(ValueError):
    # args[0], a catalogue key: "bk-not-archive" (not a backup, or a version this firmware
    # does not read), "bk-foreign-archive" (another merchant's), "bk-corrupt-archive" (a frame
    # or the manifest does not verify: damaged, or made with another key), "bk-truncated"
    # (ends before its manifest)
    pass


def keys(key):
    """(enc, mac, card) keys of the merchant's backup key `key`."""
    return (
        hmac_sha256(key, b"pos1 backup enc")[:16],
        hmac_sha256(key, b"pos1 backup mac"),
        hmac_sha256(key, b"pos1 backup card"),
    )


class Writer:
    """Writer(key, merchant, nonce=None): an archive's bytes as they are made. file(name),
    then data(bytes) as often as needed, for each file; end(manifest) last (its "files" is
    filled in). take() returns, and forgets, the bytes made since the last take. `nonce` (the
    archive's id, 16 bytes) is random unless a test gives it. After each take: size and sha
    (hashlib object) of everything taken; files: [name, size, sha256 hex] of each file."""

    def __init__(self, key, merchant, nonce=None):
        self.enc, self.mac, self.card = keys(key)
        self.nonce = nonce or os.urandom(16)
        m = merchant.encode()
        self.head = _MAGIC + self.nonce + bytes((len(m),)) + m
        self.out = [self.head]
        self.idx = 0
        self.files = []
        self.cur = None  # [name, size, sha256 object] of the file being written
        self.buf = b""  # its bytes not in a frame yet
        self.size = 0
        self.sha = hashlib.sha256()

    def _frame(self, kind, data):
        pad = 16 - len(data) % 16
        iv = os.urandom(16)
        body = iv + aes_cbc(self.enc, iv, data + bytes((pad,)) * pad, True)
        meta = bytes((kind, (len(body) - 16) >> 8, (len(body) - 16) & 255))
        tag = hmac_sha256(self.mac, self.head + struct.pack(">I", self.idx) + meta + body)
        self.out.append(meta + body + tag[:16])
        self.idx += 1

    def _close(self):
        cur = self.cur
        if cur is not None:
            if self.buf:
                self._frame(_D, self.buf)
                self.buf = b""
            self.files.append([cur[0], cur[1], hexlify(cur[2].digest())])
            self.cur = None

    def file(self, name):
        self._close()
        self.cur = [name, 0, hashlib.sha256()]
        self._frame(_F, name.encode())

    def data(self, data):
        cur = self.cur
        cur[1] += len(data)
        cur[2].update(data)
        buf = self.buf + data
        while len(buf) >= _CHUNK:
            self._frame(_D, buf[:_CHUNK])
            buf = buf[_CHUNK:]
        self.buf = buf

    def end(self, manifest):
        self._close()
        manifest["files"] = self.files
        text = json.dumps(manifest).encode()
        if len(text) > _MAXLEN - 16:
            raise ValueError("manifest over 4 KiB")
        self._frame(_M, text)

    def take(self):
        data = b"".join(self.out)
        self.out = []
        self.size += len(data)
        self.sha.update(data)
        return data


def header(f, merchant):
    """The header of the archive open in `f` (read from where f is, its start), when it is an
    archive of this version for `merchant`; else ArchiveError."""
    head = f.read(24)
    if len(head) < 24 or head[:7] != _MAGIC:
        raise ArchiveError("bk-not-archive")
    m = f.read(head[23])
    if len(m) < head[23]:
        raise ArchiveError("bk-truncated")
    if m != merchant.encode():
        raise ArchiveError("bk-foreign-archive")
    return head + m


def frames(f, key, head):
    """(kind, plaintext) of each frame of `f` after `head`, each tag checked before it is
    decrypted: kind 70 ("F", a file's name), 68 ("D", its bytes), then 77 ("M") with the
    manifest as a dict, once every file's size and SHA-256 and the merchant matched it, and
    the file ends there. ArchiveError on the first thing that does not verify."""
    enc, mac, _ = keys(key)
    idx = 0
    cur = None
    files = []
    while True:
        meta = f.read(3)
        if len(meta) < 3:
            raise ArchiveError("bk-truncated")
        kind = meta[0]
        n = (meta[1] << 8) | meta[2]
        if kind not in (_F, _D, _M) or not 16 <= n <= _MAXLEN or n % 16:
            raise ArchiveError("bk-corrupt-archive")
        body = f.read(n + 32)
        if len(body) < n + 32:
            raise ArchiveError("bk-truncated")
        tag = hmac_sha256(mac, head + struct.pack(">I", idx) + meta + body[: n + 16])
        diff = 0
        for i in range(16):  # constant time, as cardcrypt
            diff |= tag[i] ^ body[n + 16 + i]
        data = b"" if diff else aes_cbc(enc, body[:16], body[16 : n + 16], False)
        pad = data[-1] if data else 0
        if not 1 <= pad <= 16 or (kind == _D and cur is None):
            raise ArchiveError("bk-corrupt-archive")
        data = data[:-pad]
        body = None
        idx += 1
        if kind != _D and cur is not None:
            files.append([cur[0], cur[1], hexlify(cur[2].digest())])
            cur = None
        if kind == _F:
            cur = [data.decode(), 0, hashlib.sha256()]
        elif kind == _D:
            cur[1] += len(data)
            cur[2].update(data)
        else:
            try:
                man = json.loads(data)
                ok = man["files"] == files and man["merchant"].encode() == head[24:]
            except (ValueError, KeyError, TypeError, AttributeError):
                ok = False
            if not ok or f.read(1):
                raise ArchiveError("bk-corrupt-archive")
            yield kind, man
            return
        yield kind, data
