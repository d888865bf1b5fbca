# The two commands: `make run` (the app on a demo store) and `make test` (every test, browser included).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
CHROMIUM := /usr/bin/chromium

.PHONY: run test bench lint format chromium clean-store

# The demo's last LIVE_DAYS days are held back from the store and replayed while the app runs (an hour of the epidemic a
# minute, through the server's API as the site in PCCOVID_SITE_KEY or as demo-replay): the figures move by themselves.
LIVE_DAYS ?= 2
run: $(INSTALLED)
	$(BIN)/pccovid demo --hold-back $(LIVE_DAYS)
	$(BIN)/pccovid serve --replay var/demo --replay-last-days $(LIVE_DAYS)

test: $(INSTALLED) chromium
	$(BIN)/python -m pytest

bench: $(INSTALLED)
	$(BIN)/python bench/run.py

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --config-settings editable_mode=compat -e '.[test]'
	$(BIN)/python -m tracing.precompile  # the F2 kernel compiled once here (~10 s), not at the first trace
	touch $@

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
chromium:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -q && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; }

clean-store:
	rm -rf var/pccovid.duckdb var/demo
