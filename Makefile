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
# Any other training.learn.train options for train-export, e.g. TRAIN_ARGS="--patience 12 --seed 1"
TRAIN_ARGS ?=
# A transfer.json from `make eval-transfer` on the same data and code, reported in models/model.json
TRANSFER ?=

.PHONY: run test test-python test-js test-extension lint catalogue golden data data-preview train-export grow-export \
        calibrate eval eval-personal eval-personal-tune eval-transfer fonts bench models extension system-deps clean help

help:
	@echo "make run | test | lint | catalogue | golden | data | data-preview | models | train-export | grow-export | calibrate | eval | eval-transfer | eval-personal | bench | extension"

# --- environments -------------------------------------------------------------------------------
$(VENV)/.serve: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[serve]'
	touch $@

$(VENV)/.test: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[serve,train,dev,catalogue]'
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
	$(VENV)/bin/ruff check backend bench training tests
	$(VENV)/bin/ruff format --check backend bench training tests

# --- data and models ----------------------------------------------------------------------------
golden: $(VENV)/.test
	$(PY) tests/golden/generate_render.py --crohme $(DATA_ROOT)/crohme2014-isolated/samples.jsonl.gz
	$(PY) tests/golden/generate_personal_blend.py

# Regenerates models/symbols.json and models/previews/ (committed) from $(DATA_ROOT): needs TeX Live (installed here).
$(VENV)/.catalogue: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q -e '.[catalogue]'
	touch $@

catalogue: $(VENV)/.catalogue
	bash tools/install-tex-deps.sh
	$(PY) -m training.catalogue --data-root $(DATA_ROOT)

# Training set (training/data/README.md): skipped when inputs, settings and code are unchanged.
# Fonts whose letterforms seed synthetic samples (tools/install-font-deps.sh): the data build needs them to
# reproduce the shipped model's training set; the tests do not.
fonts:
	bash tools/install-font-deps.sh

data: $(VENV)/.test fonts
	$(PY) -m training.data build --data-root $(DATA_ROOT)

data-preview: data
	$(PY) -m training.data preview --output data-cache/preview.png

# Training, evaluation, export (training/README.md: the stages; training/learn, ship, measure READMEs).
# train-export: MODEL (default resnet_small), EPOCHS, DEVICE (auto|cpu|cuda), DATA (training set folder),
# MINUTES (wall-clock budget of the training step; the LR schedule anneals within it). The default is the
# small configuration (about 10 minutes end to end on 2 CPU cores); the shipped model used MINUTES=40.
MINUTES ?= 8
DATASET = $(or $(DATA),data-cache/dataset)
RUN_NAME := train-export-$(shell date -u +%Y%m%d-%H%M%S)
HELDOUT = $(wildcard data-cache/dataset/heldout/*.jsonl.gz data-cache/dataset/heldout/*.jsonl)

models: $(VENV)/.test
	$(PY) -m training.learn.models

# Users' feedback (backend/feedback/README.md) joins the training set when a database holds some:
# DATABASE_URL / TEXSKETCH_DATABASE_URL, else the default SQLite file (skipped while it does not exist).
FEEDBACK_EXPORT ?= data-cache/feedback.jsonl.gz

# The training set with users' feedback, then (after training) export, int8, calibrate and the held-out figures:
# shared by train-export and grow-export.
define BUILD_TRAINSET
	mkdir -p $(dir $(FEEDBACK_EXPORT)) && rm -f $(FEEDBACK_EXPORT)
	$(PY) -m backend.feedback export --out $(FEEDBACK_EXPORT) --skip-missing --no-progress --exclude-suspect
	$(PY) -m training.data build --data-root $(DATA_ROOT) --output $(DATASET) \
		$$(test -f $(FEEDBACK_EXPORT) && echo --feedback $(FEEDBACK_EXPORT))
endef
define SHIP_RUN
	$(PY) -m training.ship.export --run runs/$(RUN_NAME) --out models $(if $(TRANSFER),--transfer $(TRANSFER))
	$(PY) -m training.ship.quantize --model models --data $(DATASET) --refusal-ok
	$(MAKE) --no-print-directory calibrate DATA=$(DATASET)
	$(PY) -m training.measure.evaluate --model models --data $(DATASET)/heldout/*.jsonl*
	@echo "run folder: runs/$(RUN_NAME) (checkpoints, config.json, summary.json, plots)"
	@echo "shipped: models/model.onnx, models/model.json, models/*.png"
endef

train-export: $(VENV)/.test fonts
	$(BUILD_TRAINSET)
	$(PY) -m training.learn.train --data $(DATASET) --name $(RUN_NAME) --time-budget-minutes $(MINUTES) \
		$(if $(MODEL),--model $(MODEL)) $(if $(EPOCHS),--epochs $(EPOCHS)) $(if $(DEVICE),--device $(DEVICE)) \
		$(TRAIN_ARGS)
	$(SHIP_RUN)

# grow-export: the shipped model learns a grown catalogue's new classes with its features unchanged
# (training/learn/head_fit.py: only the classifier is refitted, about 10 minutes on 2 CPU cores), then ships as
# train-export does. HEAD_ARGS passes other training.learn.head_fit options.
grow-export: $(VENV)/.test fonts
	$(BUILD_TRAINSET)
	$(PY) -m training.learn.head_fit --data $(DATASET) --name $(RUN_NAME) --init-from models/model.float.onnx $(HEAD_ARGS)
	$(SHIP_RUN)

# calibrate: re-fit the "not sure" rule and the confidence of models/ (training/ship/calibrate.py) on the validation split
# of the training set (DATA, default data-cache/dataset) plus generated junk; writes models/model.json "uncertainty".
calibrate: $(VENV)/.test
	$(PY) -m training.ship.calibrate --model models --data $(DATASET) \
		--crohme $(DATA_ROOT)/crohme2014-isolated/samples.jsonl.gz --catalogue models/symbols.json

# eval: DATA = JSONL file(s) in the shared shape; default the fixed held-out split of the training set.
eval: $(VENV)/.test
	$(PY) -m training.measure.evaluate --model models --data $(or $(DATA),$(HELDOUT),$(error no held-out files: run make data or pass DATA=file.jsonl.gz))

# eval-transfer: how well synthetic samples alone teach a class (training/measure/transfer.py): 34 CROHME classes lose
# their real training drawings, a resnet_small trains 6 epochs, their held-out real drawings are scored.
# About 10 minutes on 2 idle CPU cores; TRANSFER_ARGS passes options (e.g. --control, --epochs 12).
eval-transfer: data
	$(PY) -m training.measure.transfer $(TRANSFER_ARGS)

# eval-personal: the personal blend on held-out writers (training/measure/personal.py); the data build is cached.
eval-personal: data
	$(PY) -m training.measure.personal --model models --data $(or $(DATA),data-cache/dataset/heldout/crohme.jsonl.gz)

# eval-personal-tune: the same after a grid search of the blend's parameters on the other half of the writers.
eval-personal-tune: data
	$(PY) -m training.measure.personal --tune --model models --data $(or $(DATA),data-cache/dataset/heldout/crohme.jsonl.gz)

# Needs wrk (Debian, via system-deps) for the HTTP load; see backend/README.md "Speed".
bench: system-deps $(VENV)/.test extension
	$(PY) -m bench.render --crohme $(DATA_ROOT)/crohme2014-isolated/samples.jsonl.gz
	cd extension && node bench/render.bench.mjs $(abspath $(DATA_ROOT))/crohme2014-isolated/samples.jsonl.gz
	cd extension && node bench/personal-blend.bench.mjs 1000 192
	cd extension && node bench/startup.bench.mjs ../dist/build/chrome 20
	$(PY) -m bench.server --crohme $(DATA_ROOT)/crohme2014-isolated/samples.jsonl.gz
	$(PY) -m training.measure.bench --onnx models/model.onnx

# dist/texsketch-chrome.zip + dist/texsketch-firefox.zip (unpacked copies in dist/build/); see extension/README.md
extension: extension/node_modules/.installed
	cd extension && node build.mjs

clean:
	rm -rf $(VENV) extension/node_modules dist
