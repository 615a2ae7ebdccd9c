# HallQ — `make run` serves a demo hall; `make test` runs the whole suite.
# Both set everything up first: system packages, the virtualenv, front-end
# libraries and the translation catalogs.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
VAR    ?= var
# Python's bytecode caches: every hub a test starts would compile the code again without them.
unexport PYTHONDONTWRITEBYTECODE
export HALLQ_DATABASE_URL ?= sqlite:///$(VAR)/hallq.db
export HALLQ_VAR_DIR ?= $(VAR)

VENDOR := core/static/vendor/socket.io.min.js core/static/vendor/echarts.min.js
# One catalog per screen package (and the console), compiled at set-up.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard */translations/zh/LC_MESSAGES/messages.po */*/translations/zh/LC_MESSAGES/messages.po))

.PHONY: run test runtime setup lint bundle system-deps system-deps-test clean

run: system-deps runtime
	$(BIN)/hallq db upgrade
	$(BIN)/hallq voice build --out $(VAR)/voice
	HALLQ_HOST=$(HOST) HALLQ_PORT=$(PORT) $(BIN)/hallq demo
	$(BIN)/hallq run --host $(HOST) --port $(PORT)

test: system-deps-test setup lint
	$(BIN)/python scripts/catalog.py
	$(BIN)/pytest -n 2 --dist loadgroup

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# `make run` needs only what the hub runs on; `make test` adds the dev tools.
runtime: $(VENV)/.runtime $(VENDOR) $(CATALOGS)
setup: $(VENV)/.dev $(VENDOR) $(CATALOGS)

$(VENV)/.runtime: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --silent

core/static/vendor/socket.io.min.js: node_modules/.package-lock.json
	mkdir -p $(dir $@)
	cp node_modules/socket.io-client/dist/socket.io.min.js $@

# Apache ECharts, the charts of the reports and the leader's wall (never from a CDN).
core/static/vendor/echarts.min.js: node_modules/.package-lock.json
	mkdir -p $(dir $@)
	cp node_modules/echarts/dist/echarts.min.js $@

%/LC_MESSAGES/messages.mo: %/LC_MESSAGES/messages.po $(VENV)/.runtime
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

# The offline installation bundle of a hall server (docs/OPERATIONS.md), built where
# PyPI and npm answer: dist/hallq-bundle-<version>-cp311-linux_x86_64.tar.gz.
bundle: runtime
	$(BIN)/python scripts/bundle.py

system-deps:
	scripts/system-deps.sh run

system-deps-test:
	scripts/system-deps.sh test

clean:
	rm -rf $(VENV) node_modules core/static/vendor build dist *.egg-info
