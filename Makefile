# TeXSketch: one verb per job. `make run` serves the shipped model, `make test` runs every test.
# Each verb sets up what it needs itself (a .venv in the repo root, npm packages, Debian packages).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
DATA_ROOT ?= ../shared/data
# Overrides for train-export / eval (see training/README.md)
MODEL ?=
EPOCHS ?=
DATA ?=
DEVICE ?=

.PHONY: run test test-python test-js test-extension lint catalogue golden data data-preview train-export \
        eval bench models extension system-deps clean help

help:
	@echo "make run | test | lint | catalogue | golden | data | data-preview | models | train-export | eval | bench | extension"

# --- environments -------------------------------------------------------------------------------
$(VENV)/.serve: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[serve]'
	touch $@

$(VENV)/.test: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[serve,train,dev]'
	touch $(VENV)/.serve $@

extension/node_modules/.installed: extension/package.json extension/package-lock.json
	cd extension && npm ci --no-audit --no-fund --loglevel=error
	touch $@

system-deps:
	bash tools/install-system-deps.sh

# --- the two commands a new user needs --------------------------------------------------------
run: $(VENV)/.serve
	$(PY) -m backend --host 127.0.0.1 --port 8000

test: system-deps $(VENV)/.test extension/node_modules/.installed
	$(PY) -m pytest
	$(MAKE) --no-print-directory test-js

test-python: $(VENV)/.test
	$(PY) -m pytest

test-js: extension/node_modules/.installed
	cd extension && node --test test/

test-extension: system-deps $(VENV)/.test extension/node_modules/.installed
	cd extension && node --test test/

lint: $(VENV)/.test
	$(VENV)/bin/ruff check backend training tests
	$(VENV)/bin/ruff format --check backend training tests

# --- data and models ----------------------------------------------------------------------------
golden: $(VENV)/.test
	$(PY) tests/golden/generate_render.py --crohme $(DATA_ROOT)/crohme2014-isolated/samples.jsonl.gz

catalogue:
	@echo "make catalogue: not built yet"; exit 1

data:
	@echo "make data: not built yet"; exit 1

data-preview:
	@echo "make data-preview: not built yet"; exit 1

models:
	@echo "make models: not built yet"; exit 1

train-export:
	@echo "make train-export: not built yet"; exit 1

eval:
	@echo "make eval: not built yet"; exit 1

bench: $(VENV)/.test
	$(PY) -m backend.bench_render --crohme $(DATA_ROOT)/crohme2014-isolated/samples.jsonl.gz
	cd extension && node bench/render.bench.mjs $(abspath $(DATA_ROOT))/crohme2014-isolated/samples.jsonl.gz

extension:
	@echo "make extension: not built yet"; exit 1

clean:
	rm -rf $(VENV) extension/node_modules dist
