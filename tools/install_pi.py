"""Install the firmware on a Raspberry Pi as a systemd service: `make install-pi` (as root).

    python3 -m tools.install_pi [--prefix /opt/pos-terminal] [--flash /var/lib/pos-terminal]
                                [--user pos] [--destdir DIR] [--no-venv] [--no-start]

- copies main.py, firmware/, drivers/ and lib/ to PREFIX (replacing the old code);
- makes PREFIX/venv (with the system's site packages, so Raspberry Pi OS's own lgpio and
  RPi.GPIO serve gpiozero) and installs tools/install_pi_requirements.txt into it;
- creates the service user, in the groups that reach GPIO, I2C, serial ports and input;
- creates the flash root FLASH with config.json {"board": "pi"} unless one is there already
  (the terminal's data and its activation live there and survive reinstalls);
- writes /etc/systemd/system/pos-terminal.service (restarts on failure), enables and starts it.

--destdir installs into a staging tree instead (packaging, tests): no user, no systemctl."""

import argparse
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UNIT = "pos-terminal.service"
TEMPLATE = os.path.join(ROOT, "systemd", UNIT + ".in")
REQUIREMENTS = os.path.join(ROOT, "tools", "install_pi_requirements.txt")
CODE = ("main.py", "firmware", "drivers", "lib")
GROUPS = ("gpio", "i2c", "dialout", "input")
STATE_ROOT = "/var/lib/"


def render_unit(prefix, flash, user, python, groups=GROUPS):
    with open(TEMPLATE) as f:
        text = f.read()
    # systemd makes a flash root under /var/lib itself, owned by the service user.
    if flash.startswith(STATE_ROOT) and "/" not in flash[len(STATE_ROOT) :].strip("/"):
        state = "StateDirectory=%s\nStateDirectoryMode=0750" % flash[len(STATE_ROOT) :].strip("/")
    else:
        state = "# the flash root is outside /var/lib: made by the installer"
    for key, value in (
        ("@PREFIX@", prefix),
        ("@FLASH@", flash),
        ("@USER@", user),
        ("@PYTHON@", python),
        ("@GROUPS@", " ".join(groups)),
        ("@STATE_DIRECTORY@", state),
    ):
        text = text.replace(key, value)
    return text


def copy_code(dest):
    os.makedirs(dest, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in CODE:
        src = os.path.join(ROOT, name)
        target = os.path.join(dest, name)
        if os.path.isdir(target):
            shutil.rmtree(target)  # files gone from the tree must not linger
        if os.path.isdir(src):
            shutil.copytree(src, target, ignore=ignore)
        else:
            shutil.copy2(src, target)


def write_config(flash_dir):
    os.makedirs(flash_dir, exist_ok=True)
    path = os.path.join(flash_dir, "config.json")
    if os.path.exists(path):
        return False
    with open(path, "w") as f:
        json.dump({"board": "pi"}, f)
    return True


def run(cmd, dry):
    print("+ " + " ".join(cmd))
    if not dry:
        subprocess.run(cmd, check=True)


def install(
    prefix="/opt/pos-terminal",
    flash="/var/lib/pos-terminal",
    user="pos",
    destdir="",
    venv=True,
    start=True,
    python=None,
):
    staged = bool(destdir)

    def inside(path):
        return destdir.rstrip("/") + path if staged else path

    copy_code(inside(prefix))
    if venv:
        run(
            [sys.executable, "-m", "venv", "--system-site-packages", inside(prefix + "/venv")],
            False,
        )
        shutil.copy2(REQUIREMENTS, inside(prefix + "/requirements.txt"))
        run(
            [inside(prefix + "/venv/bin/pip"), "install", "-q", "-r", REQUIREMENTS],
            False,
        )
    python = python or prefix + "/venv/bin/python"
    # The service user cannot write under the prefix, so byte-compile now (with the service's
    # interpreter where it is there already): else every screen the terminal loads, and it
    # loads and drops them all day (docs/memory.md), is compiled from source again.
    compiler = inside(python) if os.path.exists(inside(python)) else sys.executable
    run([compiler, "-m", "compileall", "-q", "-d", prefix, inside(prefix)], False)
    if not staged:
        have_user = subprocess.run(["id", "-u", user], capture_output=True).returncode == 0
        if not have_user:
            run(
                ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user],
                False,
            )
        for group in GROUPS:
            if subprocess.run(["getent", "group", group], capture_output=True).returncode == 0:
                run(["usermod", "-a", "-G", group, user], False)
    try:  # a new base: an update installed over the old one must not keep running over it
        os.remove(os.path.join(inside(flash), "store", "fw.json"))  # (docs/update.md)
    except OSError:
        pass
    if write_config(inside(flash)) and not staged:
        run(["chown", "-R", "%s:%s" % (user, user), flash], False)
    unit_dir = inside("/etc/systemd/system")
    os.makedirs(unit_dir, exist_ok=True)
    unit_path = os.path.join(unit_dir, UNIT)
    with open(unit_path, "w") as f:
        f.write(render_unit(prefix, flash, user, python))
    if start and not staged:
        run(["systemctl", "daemon-reload"], False)
        run(["systemctl", "enable", "--now", UNIT], False)
        run(["systemctl", "restart", UNIT], False)  # a reinstall runs the new code
    return unit_path


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m tools.install_pi")
    ap.add_argument("--prefix", default="/opt/pos-terminal")
    ap.add_argument("--flash", default="/var/lib/pos-terminal")
    ap.add_argument("--user", default="pos")
    ap.add_argument("--destdir", default="")
    ap.add_argument("--python", default=None, help="interpreter for ExecStart (default: venv)")
    ap.add_argument("--no-venv", action="store_true")
    ap.add_argument("--no-start", action="store_true")
    args = ap.parse_args(argv)
    if not args.destdir and os.geteuid() != 0:
        raise SystemExit("run as root (sudo make install-pi), or stage with --destdir DIR")
    unit = install(
        args.prefix,
        args.flash,
        args.user,
        args.destdir,
        venv=not args.no_venv,
        start=not args.no_start,
        python=args.python,
    )
    print("installed", unit)


if __name__ == "__main__":
    main()
