# Two commands on a fresh machine: `make sim` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME ?= cpython
FLASH ?= sim-flash

.PHONY: sim test bench lint fmt clean zh-screens

$(VENV)/.installed: requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

sim: $(VENV)/.installed
	$(PY) -m tools.sim --runtime $(RUNTIME) --flash $(FLASH)

test: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	# 4 workers on CI's 2 cores: most tests wait on firmware processes and device timing
	$(PY) -m pytest -n 4 -p no:cacheprovider

bench: $(VENV)/.installed
	$(PY) -m tools.bench --out bench.json

# The Chinese terminal's screenshots for README.md: the zh scenarios' `screenshot` steps
zh-screens: $(VENV)/.installed
	rm -f docs/img/zh/*.png
	for f in tests/scenarios/zh_*.sim; do $(PY) -m tools.sim --script $$f --png docs/img/zh || exit 1; done

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) build sim-png bench.json

# Boards (README: Technician's guide). A MicroPython board over USB with mpremote:
#   make deploy PORT=/dev/ttyUSB0 [BOARD=esp32] [FROZEN=1] [DEPLOY_ARGS='--set KEY=VALUE']
#       copies only the files that changed, writes config.json, resets the board
#   make freeze [BOARD=esp32]     build/manifest.py: drivers/ and lib/ frozen into an image
# A Raspberry Pi, on the Pi itself: make install-pi   (a systemd service, as root)
PORT ?= /dev/ttyUSB0
BOARD ?= esp32
SUDO ?= $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: deploy freeze install-pi

deploy: $(VENV)/.installed
	$(PY) -m tools.deploy --port $(PORT) --board $(BOARD) $(if $(FROZEN),--frozen) $(DEPLOY_ARGS)

freeze: $(VENV)/.installed
	$(PY) -m tools.deploy freeze --board $(BOARD) --out build/manifest.py

install-pi:
	$(SUDO) $(PYTHON) -m tools.install_pi
