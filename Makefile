# The README's two commands are `make serve` and `make test`. Each creates .venv when it is
# missing, so a fresh clone needs nothing but Python 3.11 or newer.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.installed-runtime
TESTING := $(VENV)/.installed-test
CHROMIUM ?= /usr/bin/chromium
PORT ?= 8000

.PHONY: serve build test check lint validate schema browser bench clean

serve: $(RUNTIME) ## live preview on http://127.0.0.1:8000 (another port: make serve PORT=8001)
	$(BIN)/playbooks serve --port $(PORT)

build: $(RUNTIME) ## validate, generate and build the site into site/
	$(BIN)/playbooks build

validate: $(RUNTIME) ## check every playbook
	$(BIN)/playbooks validate

schema: $(RUNTIME) ## regenerate the editors' JSON Schemas from the models
	$(BIN)/playbooks schema

test: $(TESTING) browser ## lint, type-check, validate, then every test, browser tests included
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/playbooks validate
	$(BIN)/pytest

check: $(TESTING) ## the fast lane while you work: as `make test`, without the browser tests
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/playbooks validate
	$(BIN)/pytest -m "not browser"

bench: $(TESTING) browser ## time builds at 100 and 1,000 playbooks; check the budgets
	$(BIN)/python benchmarks/run.py

lint: $(TESTING)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

browser: ## Debian's Chromium for the browser tests (never a downloaded browser)
	@test -x $(CHROMIUM) || scripts/install-chromium

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else \
		"Python 3.11 or newer is needed: run make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@touch $@

$(RUNTIME): pyproject.toml $(VENV)/.python-ok
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(TESTING): pyproject.toml $(RUNTIME)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

clean: ## remove build output (never your playbooks)
	rm -rf site docs/playbooks .pytest_cache
