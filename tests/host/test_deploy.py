# `make deploy` for real: tools.deploy drives the real mpremote over socket:// against a real
# MicroPython (the unix port, one fresh `micropython -i` per connection on a raw pty, its cwd
# the board's filesystem: tests/fakes/bridge.py). Then the deployed .mpy files run: the sim
# board through the simulator harness, the ESP32 board with the fake peripherals.
import hashlib
import json
import os

from tests.fakes.bridge import DeviceBridge
from tests.fakes.mp import run_esp32
from tests.runtimes import SIM_HEAP, micropython_cmd
from tools.deploy.__main__ import main as deploy_main
from tools.deploy.device import deploy, device_state, mpremote, plan
from tools.deploy.files import DEVICE_MODELS, board_sources, local_files
from tools.deploy.manifest import frozen_sources, manifest_text
from tools.mpy_build import ROOT, sources, target


def on_disk(root):
    """{path: sha256} of every file under root, as the board's filesystem holds them."""
    files = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                files[os.path.relpath(path, root)] = hashlib.sha256(f.read()).hexdigest()
    return files


def test_deploy_round_trip(tmp_path, monkeypatch):
    """One board's life, in order (so it stays on one test worker): first deploy of the sim
    board, the board's own listing, a redeploy after changes on both sides, booting the
    deployed files, then a switch of the same board to the ESP32 and running that."""
    root = str(tmp_path / "board-fs")
    os.makedirs(root)
    # A build of our own: the tree may change under a shared one while this test runs.
    out = str(tmp_path / "build")
    with open(os.path.join(root, "config.json"), "w") as f:
        json.dump({"wifi": {"ssid": "shop"}, "board": "esp32"}, f)  # what the board had
    bridge = DeviceBridge(root)
    try:
        first = deploy(bridge.port, "sim", {"serial": "DEP0001"}, out=out, log=quiet)
        check_first_deploy(root, first, local_files("sim", out))
        check_listing(bridge.port, root)
        check_redeploy(bridge.port, root, out)
        check_sim_boots(root, monkeypatch)
        switched = deploy_main(
            [
                "--port",
                bridge.port,
                "--board",
                "esp32",
                "--set",
                'wifi={"ssid": "shop", "password": "secret"}',
                "--set",
                "merchant=DEPLOYED",
            ]
            + ["--build", out]
        )
        assert switched == 0
        listing = mpremote(
            bridge.port, ["exec", "import os; print(sorted(os.listdir('firmware/boards')))"]
        )
    finally:
        bridge.close()
    assert bridge.connections <= 10  # every mpremote run is one connection
    boards = eval(listing.strip())
    assert "esp32.mpy" in boards and "esp32_pins.json" in boards
    assert "sim.mpy" not in boards and "pi.mpy" not in boards
    assert not os.path.exists(os.path.join(root, "drivers", "sim_serial.mpy"))
    with open(os.path.join(root, "config.json")) as f:
        config = json.load(f)
    assert config["board"] == "esp32" and config["wifi"]["password"] == "secret"
    result, writes, snaps, heap = run_esp32(root, None, firmware_dir=root)
    assert result["idle"][0].strip() == "DEPLOYED"
    assert result["menu_seen"] and result["card_seen"] and result["printed_seen"]


def quiet(*args):
    pass


def check_first_deploy(root, done, local):
    assert sorted(done["copied"]) == sorted(local)
    assert done["removed"] == []
    assert "firmware" in done["mkdir"] and "lib" in done["mkdir"]
    disk = on_disk(root)
    for path, (_, digest) in local.items():
        assert disk[path] == digest, path
    # Only the sim board's files: no other board, no device model.
    assert "firmware/boards/sim.mpy" in disk and "drivers/sim_serial.mpy" in disk
    other = ("esp32", "boards/pi", "_pi", "pi_", "pyserial")  # (not firmware/ui/pins.mpy)
    assert not [p for p in disk if any(o in p for o in other)]
    assert "drivers/display/sim.mpy" not in disk and "drivers/printer/parser.mpy" not in disk
    assert "main.py" in disk and "firmware/ui/en.txt" in disk
    with open(os.path.join(root, "config.json")) as f:
        config = json.load(f)
    # What the board had stays; the board's name is the one deployed.
    assert config == {"wifi": {"ssid": "shop"}, "board": "sim", "serial": "DEP0001"}
    assert done["config"] == config


def check_listing(port, root):
    files, folders, config = device_state(port)
    disk = on_disk(root)
    owned = {p: d for p, d in disk.items() if p != "config.json"}
    assert files == owned  # the board's own sha256 of each file, printed by mpremote exec
    assert {"firmware", "firmware/ui", "drivers/keypad", "lib"} <= folders
    assert config["board"] == "sim"


def check_redeploy(port, root, out):
    with open(os.path.join(root, "firmware", "flash.mpy"), "ab") as f:
        f.write(b"\0")  # a file the board holds differs from the build
    os.makedirs(os.path.join(root, "store"), exist_ok=True)
    with open(os.path.join(root, "store", "boots.json"), "w") as f:
        f.write("3")  # the terminal's own data: deploy never touches it
    with open(os.path.join(root, "firmware", "old.py"), "w") as f:
        f.write("x = 1\n")  # left by an older firmware: would shadow an .mpy
    with open(os.path.join(root, "store", "fw.json"), "w") as f:
        f.write('{"current": "0.9.0", "previous": null, "trial": false, "boots": 0}')
    done = deploy(port, "sim", {"serial": "DEP0001"}, reset=False, out=out, log=quiet)
    assert done["copied"] == ["firmware/flash.mpy"]
    assert done["removed"] == ["firmware/old.py"]
    assert done["config"] is None  # unchanged, not rewritten
    assert done["mkdir"] == []
    disk = on_disk(root)
    assert disk["firmware/flash.mpy"] == local_files("sim", out)["firmware/flash.mpy"][1]
    assert "firmware/old.py" not in disk
    assert disk["store/boots.json"] == hashlib.sha256(b"3").hexdigest()
    assert "store/fw.json" not in disk  # the update installed over the old base is forgotten


def check_sim_boots(root, monkeypatch):
    # main.py run by name from the deployed files, nothing else on the path; the harness
    # plays the devices as for any simulator run.
    import tools.sim.harness as harness

    def deployed(runtime):
        env = dict(os.environ, MICROPYPATH=".frozen")
        return micropython_cmd(os.path.join(root, "main.py"), heap=SIM_HEAP), env, root

    monkeypatch.setattr(harness, "firmware_command", deployed)
    sim = harness.Sim("micropython", flash=root)
    try:
        sim.boot()
        assert sim.wait_for(lambda: "MENU: functions" in sim.screen_text(), 10), sim.rows
        for key in ("MENU", "4"):  # the technician menu: no password before activation
            sim.send(c="key", k=key)
        assert sim.wait_for(lambda: "Print test" in sim.screen_text(), 10), sim.rows
    finally:
        sim.close()


def test_plan_makes_folders_parents_first_and_keeps_foreign_files():
    local = {
        "main.py": ("/b/main.py", "aa"),
        "firmware/ui/idle.mpy": ("/b/firmware/ui/idle.mpy", "bb"),
        "lib/compat.mpy": ("/b/lib/compat.mpy", "cc"),
    }
    remote = {
        "main.py": "aa",
        "lib/compat.mpy": "00",
        "lib/other.mpy": "dd",
        "notes.txt": "ee",
        "boot.py": "ff",
    }
    folders, copy, stale, config = plan(local, remote, {"lib"}, None, "esp32")
    assert folders == ["firmware", "firmware/ui"]
    assert copy == [
        ("/b/firmware/ui/idle.mpy", "firmware/ui/idle.mpy"),
        ("/b/lib/compat.mpy", "lib/compat.mpy"),
    ]
    assert stale == ["boot.py", "lib/other.mpy"]  # ours and gone from the build; notes stay
    assert config == {"board": "esp32"}


def test_frozen_deploy_clears_what_the_image_carries(tmp_path, monkeypatch):
    # With drivers/ and lib/ frozen into the image, their copies on the filesystem (files and
    # folders) must go, or MicroPython would import those instead; the rest deploys as usual.
    import tools.deploy.device as device

    out = str(tmp_path / "build")
    local = local_files("esp32", out)
    remote = {path: digest for path, (_, digest) in local.items()}
    folders = {"firmware", "drivers", "drivers/keypad", "lib"}
    monkeypatch.setattr(device, "device_state", lambda port, resume=None: (remote, folders, None))
    runs = []
    monkeypatch.setattr(device, "mpremote", lambda port, args, resume=None: runs.append(args))
    done = deploy("socket://x", "esp32", out=out, skip_prefixes=("drivers/", "lib/"), log=quiet)
    assert done["copied"] == []
    assert sorted(done["removed"]) == sorted(
        p for p in local if p.startswith(("drivers/", "lib/"))
    )
    assert sorted(done["rmdir"]) == ["drivers", "drivers/keypad", "lib"]
    args = runs[0]
    rmdirs = [args[i + 2] for i in range(len(args)) if args[i : i + 2] == ["fs", "rmdir"]]
    assert rmdirs.index(":drivers/keypad") < rmdirs.index(":drivers")  # children first
    assert args[-1] == "reset" and done["config"] == {"board": "esp32"}


def test_freeze_manifest_lists_the_board_drivers_and_lib():
    text = manifest_text("esp32")
    calls = []
    env = {
        "include": lambda path: calls.append(("include", path)),
        "package": lambda name, files=None, base_path=".": calls.append(
            ("package", name, files, base_path)
        ),
        "module": lambda name, base_path=".": calls.append(("module", name, base_path)),
    }
    exec(compile(text, "manifest.py", "exec"), env)
    assert calls[0] == ("include", "$(PORT_DIR)/boards/manifest.py")
    _, name, files, base = calls[1]
    assert name == "drivers" and base == ROOT
    for f in files:
        assert os.path.isfile(os.path.join(ROOT, "drivers", f)), f
    assert "serial_uart.py" in files and "keypad/matrix.py" in files and "__init__.py" in files
    assert "serial_pyserial.py" not in files and "printer/sim.py" not in files
    modules = [c[1] for c in calls[2:]]
    assert modules == ["aescbc.py", "compat.py", "pbkdf2.py"]
    libs = ["lib/" + m for m in modules]
    assert sorted(["drivers/" + f for f in files] + libs) == sorted(frozen_sources("esp32"))


def test_no_firmware_module_imports_what_deploy_leaves_out():
    # Deploy drops device models and other boards' files: nothing a board runs may import them.
    left_out = {rel[:-3].replace("/", ".") for rel in DEVICE_MODELS}
    for board_name in ("sim", "esp32"):
        kept = set(board_sources(board_name))
        gone = {rel[:-3].replace("/", ".") for _, rel in sources() if rel not in kept}
        gone |= left_out
        for rel in kept:
            if not rel.endswith(".py"):
                continue
            with open(os.path.join(ROOT, rel)) as f:
                text = f.read()
            for module in gone:
                assert "import " + module not in text and "from %s import" % module not in text, (
                    board_name,
                    rel,
                    module,
                )
    assert all(target(rel).endswith(".mpy") for rel in DEVICE_MODELS)
