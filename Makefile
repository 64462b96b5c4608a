# Two commands on a fresh machine: `make sim` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUNTIME ?= cpython
FLASH ?= sim-flash

.PHONY: sim test bench lint fmt clean

$(VENV)/.installed: requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

sim: $(VENV)/.installed
	$(PY) -m tools.sim --runtime $(RUNTIME) --flash $(FLASH)

test: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) -m pytest -n 2 -p no:cacheprovider

bench: $(VENV)/.installed
	$(PY) -m tools.bench --out bench.json

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(VENV)/.installed
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) build sim-png bench.json
