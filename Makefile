# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export APPSTORE_DATA_DIR ?= instance

.PHONY: run install test install-test system-deps bench clean

run: install
	$(BIN)/appstore-registry init
	$(BIN)/appstore-registry demo
	$(BIN)/appstore-registry serve --host $(HOST) --port $(PORT)

install: $(BIN)/appstore-registry

$(BIN)/appstore-registry: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[server]"
	touch $@

install-test: install system-deps
	$(BIN)/python -m pip install --quiet -e ".[server,test]"

system-deps:
	scripts/system-deps

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install-test
	$(BIN)/python bench/registry_throughput.py

clean:
	rm -rf $(VENV) instance dist build *.egg-info
