"""Signed update packages for the terminal firmware (docs/update.md).

python -m tools.update build --version X [--key KEY] --out PKG [--board sim] [--format mpy|py]
python -m tools.update verify PKG

A package holds the firmware's files (firmware/, drivers/, lib/ as a board gets them: .mpy from
tools/mpy_build for MicroPython boards, the .py sources for the Pi), a manifest naming each
file with its size and SHA-256, and an RSA-2048 PKCS#1 v1.5 signature over the manifest.
tools/update/dev_vendor_key.pem is a DEVELOPMENT key: public, for tests and the simulator."""
