# Reclaim: `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help

.PHONY: help run serve migrate install install-dev chromium test test-fast lint format bench clean translations

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml extensions/pytx_reclaim/pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,scale]' -e extensions/pytx_reclaim
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed ## Create .venv and install Reclaim

install-dev: $(VENV)/.installed-dev chromium ## Install Reclaim with everything the tests need

chromium: ## Install Debian Chromium for the browser tests when missing (needs root, as CI has)
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "Chromium is not installed and this is not root: browser tests will be skipped" \
	    "(install Debian's chromium package to run them)."; fi; }

migrate: install ## Apply database migrations (idempotent)
	$(BIN)/reclaim db upgrade

run: migrate ## Install, migrate and serve on http://$(HOST):$(PORT) (SQLite by default)
	$(BIN)/reclaim serve --host $(HOST) --port $(PORT)

lint: install-dev ## ruff, mypy --strict on src/, import-linter contracts
	$(BIN)/ruff check src tests benchmarks fuzz
	$(BIN)/ruff format --check src tests benchmarks fuzz
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install-dev ## Format and autofix with ruff
	$(BIN)/ruff format src tests benchmarks fuzz
	$(BIN)/ruff check --fix src tests benchmarks fuzz

test: install-dev lint ## Install test needs, lint, and run the whole suite
	$(BIN)/python -m pytest

test-fast: install-dev ## Run the suite without lint
	$(BIN)/python -m pytest

bench: install-dev ## Run the benchmarks (figures are ratios against anchors run side by side)
	$(BIN)/python -m benchmarks

TRANSLATIONS := src/reclaim/web/translations

translations: install-dev ## Extract the public pages' words, update each language's .po, check they compile
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ --no-location --sort-output \
	  --project Reclaim --copyright-holder "Reclaim contributors" -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)
	$(BIN)/pybabel compile --statistics -d $(TRANSLATIONS) -D messages 2>&1 | tail -n 3
	find $(TRANSLATIONS) -name '*.mo' -delete  # the app compiles the .po in memory at start

clean: ## Remove the virtualenv and caches (keeps var/ with your data)
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
