# Two commands for a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export APPSTORE_DATA_DIR ?= instance

.PHONY: run install web-assets test lint lint-api install-test system-deps bench bench-web screenshots translations package clean

run: install
	$(BIN)/appstore-registry init
	$(BIN)/appstore-registry demo
	$(BIN)/appstore-registry serve --host $(HOST) --port $(PORT)

install: $(BIN)/appstore-registry web-assets

# The web store's CSS (NL Design System, from npm) and compiled message catalogues.
WEB_CSS = web/static/dist/appstore.css
web-assets: $(WEB_CSS) $(patsubst %.po,%.mo,$(wildcard web/translations/*/LC_MESSAGES/*.po))

$(WEB_CSS): web/package.json web/package-lock.json web/build.mjs web/assets/app.css
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 20 (apt-get install nodejs npm) for the web store's CSS" >&2; exit 1; }
	cd web && npm ci --no-audit --no-fund --loglevel=error && node build.mjs

web/translations/%.mo: web/translations/%.po $(BIN)/appstore-registry
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

translations: $(BIN)/appstore-registry
	$(BIN)/pybabel extract -F web/babel.cfg -k _l -k lazy_gettext -o web/translations/messages.pot web
	$(BIN)/pybabel update -i web/translations/messages.pot -d web/translations --no-fuzzy-matching

$(BIN)/appstore-registry: setup.cfg pyproject.toml
	scripts/system-deps --build
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[server]"
	touch $@

# Spectral, the NL API Design Rules linter, kept apart from the web assets so `make run` stays light.
API_LINTER = tests/api_design_rules/node_modules/.installed
install-test: install system-deps $(API_LINTER)
	$(BIN)/python -m pip install --quiet -e ".[server,test]"

$(API_LINTER): tests/api_design_rules/package.json tests/api_design_rules/package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js 20 (apt-get install nodejs npm) for the API Design Rules linter" >&2; exit 1; }
	cd tests/api_design_rules && SCARF_ANALYTICS=false npm ci --no-audit --no-fund --loglevel=error
	touch $@

system-deps:
	scripts/system-deps

# The suite on every processor (pytest-xdist; tests/parallel.py says how the tests are shared
# out). `make test TEST_WORKERS=0` runs it in one process; PYTEST_ARGS come last and win.
TEST_WORKERS ?= auto
test: install-test
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# Style (ruff), the direction of imports (import-linter) and types (mypy: strict for sdk/), all
# configured in setup.cfg; CI runs it before the tests.
lint: install-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy

# The served OpenAPI document against the NL API Design Rules (Logius' Spectral ruleset).
lint-api: install-test
	$(BIN)/python -m tests.api_design_rules

bench: install-test
	$(BIN)/python bench/registry_throughput.py

bench-web: install-test
	$(BIN)/python bench/results_page.py

screenshots: install-test
	$(BIN)/python -m web.screenshots

# The registry itself as a package in its own format (deploy/gemeente-app-store), checked by
# the registry's own plugins and built as dist/gemeente-app-store-<version of setup.cfg>.tar.gz.
VERSION := $(shell sed -n 's/^version *= *//p' setup.cfg)
REGISTRY_PACKAGE = deploy/gemeente-app-store
package: $(BIN)/appstore-registry
	@grep -qx 'version: $(VERSION)' $(REGISTRY_PACKAGE)/appstore.yaml || { echo "$(REGISTRY_PACKAGE)/appstore.yaml: set version: $(VERSION) (setup.cfg's), and softwareVersion in its publiccode.yml" >&2; exit 1; }
	$(BIN)/appstore check $(REGISTRY_PACKAGE)
	$(BIN)/appstore build $(REGISTRY_PACKAGE) --dist dist

clean:
	rm -rf $(VENV) instance dist build *.egg-info web/node_modules web/static/dist tests/api_design_rules/node_modules
