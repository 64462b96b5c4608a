"""Put the firmware on a MicroPython board with mpremote, and write the freeze manifest.

`python -m tools.deploy --port PORT [--board esp32]` (`make deploy PORT=...`): compiles the
tree with mpy-cross (tools/mpy_build.py), asks the device for the sha256 of every firmware
file it holds (one small script run with `mpremote exec`), copies only what differs, removes
firmware files the build no longer has, writes config.json with the board's name (keeping
every other key already on the device), and resets the board.

`python -m tools.deploy freeze [--out manifest.py]` (`make freeze`): a manifest.py for
building the firmware's modules into a MicroPython image."""
