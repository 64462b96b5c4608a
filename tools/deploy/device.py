"""The device side of a deploy, through the mpremote command line: list and hash what the
board holds, then one chained mpremote run that copies, removes, writes config and resets."""

import binascii
import json
import os
import subprocess
import sys
import tempfile

from tools.deploy.files import OWNED, is_owned, local_files

# Runs on the board (MicroPython): "D path" per folder, "F sha256 path" per file under the
# folders deploy owns and for the top-level files it writes, "C hex" for config.json. Reads
# through one small buffer so it fits beside a running firmware's heap.
LIST_SCRIPT = """
import os, hashlib, binascii
_b = bytearray(512)
def _h(p):
    h = hashlib.sha256()
    with open(p, "rb") as f:
        while True:
            n = f.readinto(_b)
            if not n:
                break
            h.update(memoryview(_b)[:n])
    print("F", binascii.hexlify(h.digest()).decode(), p)
def _w(d):
    print("D", d)
    for e in os.ilistdir(d):
        p = d + "/" + e[0]
        if e[1] == 0x4000:
            _w(p)
        else:
            _h(p)
for e in os.ilistdir():
    if e[1] == 0x4000 and e[0] + "/" in %r:
        _w(e[0])
    elif e[0] in ("main.py", "boot.py"):
        _h(e[0])
    elif e[0] == "config.json":
        with open(e[0], "rb") as f:
            print("C", binascii.hexlify(f.read()).decode())
""" % (OWNED,)


class DeployError(Exception):
    pass


def mpremote(port, args, resume=None, timeout=120):
    """Run `mpremote connect PORT [resume] ARGS...`; returns stdout. `resume` (no soft reset
    first) defaults to on for socket:// ports: the MicroPython unix port behind one cannot
    soft-reset, while a real board should start from a clean heap."""
    if resume is None:
        resume = port.startswith("socket://")
    cmd = [sys.executable, "-m", "mpremote", "connect", port]
    if resume:
        cmd.append("resume")
    proc = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=timeout)
    if proc.returncode:
        raise DeployError(
            "mpremote %s failed (exit %d):\n%s%s"
            % (" ".join(args[:3]), proc.returncode, proc.stdout, proc.stderr)
        )
    return proc.stdout


def device_state(port, resume=None):
    """(files {path: sha256}, folders set, config dict or None) on the device."""
    files = {}
    folders = set()
    config = None
    out = mpremote(port, ["exec", LIST_SCRIPT], resume)
    for line in out.splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "F":
            digest, _, path = rest.partition(" ")
            files[path] = digest
        elif kind == "D":
            folders.add(rest)
        elif kind == "C":
            try:
                config = json.loads(binascii.unhexlify(rest))
            except ValueError:
                config = None  # unreadable: written afresh with the board's name
    return files, folders, config


def plan(local, remote_files, remote_folders, remote_config, board, config_extra=None):
    """What to do: (folders to make, [(local, device path)] to copy, paths to remove,
    config dict to write or None)."""
    copy = [
        (src, path)
        for path, (src, digest) in sorted(local.items())
        if remote_files.get(path) != digest
    ]
    stale = sorted(p for p in remote_files if is_owned(p) and p not in local)
    folders = []
    for _, path in copy:
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            folder = "/".join(parts[:i])
            if folder not in remote_folders and folder not in folders:
                folders.append(folder)
    config = dict(remote_config or {})
    config.update(config_extra or {})
    config["board"] = board
    write_config = config if config != remote_config else None
    return folders, copy, stale, write_config


_FORGET_UPDATE = "import os\ntry:\n os.remove('store/fw.json')\nexcept OSError:\n pass"


def deploy(
    port,
    board,
    config_extra=None,
    reset=True,
    resume=None,
    out=None,
    skip_prefixes=(),
    log=print,
):
    """Bring the device on `port` up to date for `board`. skip_prefixes: folders the image
    carries frozen, so their files on the filesystem (which would shadow them) are removed.
    Returns what was done: {"rmdir", "mkdir", "copied", "removed": device paths, "config":
    dict or None (not written)}."""
    local = local_files(board, out) if out else local_files(board)
    local = {p: v for p, v in local.items() if not p.startswith(tuple(skip_prefixes))}
    remote_files, remote_folders, remote_config = device_state(port, resume)
    folders, copy, stale, config = plan(
        local, remote_files, remote_folders, remote_config, board, config_extra
    )
    args = []
    for folder in folders:
        args += ["fs", "mkdir", ":" + folder, "+"]
    for src, path in copy:
        args += ["fs", "cp", "-f", src, ":" + path, "+"]
    for path in stale:
        args += ["fs", "rm", ":" + path, "+"]
    # A folder left on the filesystem, even empty, would hide the frozen package of its name.
    gone = [f for f in remote_folders if (f + "/").startswith(tuple(skip_prefixes))]
    for folder in sorted(gone, key=lambda f: -f.count("/")):
        args += ["fs", "rmdir", ":" + folder, "+"]
    if copy or stale:
        # A new base: an update installed over the old one (store/fw.json names it, see
        # docs/update.md) must not keep running over what was just deployed.
        args += ["exec", _FORGET_UPDATE, "+"]
    with tempfile.TemporaryDirectory() as tmp:
        if config is not None:
            cfg = os.path.join(tmp, "config.json")
            with open(cfg, "w") as f:
                json.dump(config, f)
            args += ["fs", "cp", "-f", cfg, ":config.json", "+"]
        if reset:
            args += ["reset", "+"]
        if args:
            mpremote(port, args[:-1], resume)
    log(
        "deploy %s on %s: %d copied, %d removed, %d unchanged%s%s"
        % (
            board,
            port,
            len(copy),
            len(stale),
            len(local) - len(copy),
            ", config.json written" if config is not None else "",
            ", reset" if reset else "",
        )
    )
    return {
        "rmdir": gone,
        "mkdir": folders,
        "copied": [path for _, path in copy],
        "removed": stale,
        "config": config,
    }
