# ReelScope: `make run` (dashboard), `make test` (whole suite), `make demo`, `make bench`, `make docs`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run demo test lint docs docs-serve docs-reference docs-screenshots bench bench-quick system-deps clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP) $@

## Set up and start the dashboard on the embedded SQLite default (data/reelscope.db).
run: $(STAMP)
	$(PY) -m ui.serve --server.port $(PORT) --server.address 127.0.0.1

## The dashboard on the built-in Instagram emulator (clearly labelled demo data).
demo: $(STAMP)
	REELSCOPE_DEMO=1 $(PY) -m ui.serve --server.port $(PORT) --server.address 127.0.0.1

## Debian packages the tests need (headless Chromium for the browser tests).
system-deps:
	bash scripts/install-system-deps.sh
	bash scripts/install-services.sh

## Set up everything and run the whole test suite (lint, unit, integration, pages, browser).
test: $(DEV_STAMP) system-deps
	$(PY) -m ruff check .
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --quiet
	$(PY) -m pytest

## The documentation site, offline, into site/ (strict: broken links and stale pages fail).
docs: $(DEV_STAMP)
	$(PY) scripts/reference_docs.py --check
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict

## The built site at http://127.0.0.1:8001 (search needs a server, not file://).
docs-serve: docs
	$(PY) -m http.server 8001 --bind 127.0.0.1 --directory site

## Regenerate docs/reference/*.md from the code (CLI, settings, export fields, REST API, methodology).
docs-reference: $(DEV_STAMP)
	$(PY) scripts/reference_docs.py

## Retake the screenshots of the README and the docs (demo dashboard, headless chromium).
docs-screenshots: $(DEV_STAMP) system-deps
	$(PY) scripts/docs_screenshots.py

lint: $(DEV_STAMP)
	$(PY) -m ruff check .

bench: $(DEV_STAMP)
	$(PY) -m bench

bench-quick: $(DEV_STAMP)
	$(PY) -m bench --quick

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts site
