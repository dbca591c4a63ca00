# Makefile for the ketamine handbook, in Sphinx's conventional shape.
# `make` sets up .venv and builds everything into build/; `make test` runs the tests.

SPHINXOPTS    ?= -W --keep-going -n -j auto
SOURCEDIR     = source
BUILDDIR      = build
PAPER         ?= all
# veraPDF (verapdf.org) is on none of the registries these machines reach: point VERAPDF at it.
VERAPDF       ?= verapdf
# Debian's own python3 where there is one: it runs WeasyPrint 10-15% faster than an interpreter
# built without optimizations (pyenv's default), measured side by side on the sheet batch.
PYTHON3       ?= $(firstword $(wildcard /usr/bin/python3) python3)
VENV          = .venv
PY            = $(VENV)/bin/python
HANDBOOK      = $(VENV)/bin/handbook
STAMP         = $(VENV)/.installed-stamp
# Every version `make` installs, resolved by `make lock` from pyproject.toml (all extras).
LOCK          = constraints.txt

.DEFAULT_GOAL := all
.PHONY: help all html pdf sheet test check clean live bench fuzz lock verapdf serve

help:  ## Show this list of targets
	@echo "Targets (PAPER=all|letter|a4, SPHINXOPTS=\"$(SPHINXOPTS)\"):"
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z]+):.*## /  \1\t/'

$(STAMP): pyproject.toml $(LOCK) tests/browser/package-lock.json
	@echo "make: setting up $(VENV) from $(LOCK) (pip), then tests/browser (npm)"
	@$(PYTHON3) -m venv $(VENV)
	@$(PY) -m pip install -qq --upgrade pip
	@$(PY) -m pip install -qq -c $(LOCK) -e ".[test]"
	@if command -v npm >/dev/null; then npm ci --prefix tests/browser --ignore-scripts --no-audit --no-fund --silent; \
	  else echo "make: npm not found: the browser tests and the HTML and PDF.js checks will skip (apt-get install nodejs npm)"; fi
	@touch $@

all: $(STAMP)  ## Build the site, the PDF handbook and the blank patient sheets into build/
	@$(HANDBOOK) build --paper $(PAPER) --sphinxopts "$(SPHINXOPTS)"

html: $(STAMP)  ## Build the site into build/html
	@$(HANDBOOK) html --sphinxopts "$(SPHINXOPTS)"

pdf: $(STAMP)  ## Build the PDF handbook into build/pdf, Letter and A4 (PAPER=a4 for A4 only)
	@$(HANDBOOK) pdf --paper $(PAPER) --sphinxopts "$(SPHINXOPTS)"

sheet: $(STAMP)  ## Build the blank patient sheet into build/sheet (PAPER=letter|a4)
	@mkdir -p $(BUILDDIR)/sheet
	@$(HANDBOOK) sheet -o $(BUILDDIR)/sheet/patient-sheet-$(subst all,letter,$(PAPER)).pdf --paper $(subst all,letter,$(PAPER))

serve: $(STAMP)  ## Run the patient sheet as a local web page on http://127.0.0.1:8000/ (handbook serve)
	@$(HANDBOOK) serve

test: $(STAMP)  ## Run the tests (they build the handbook themselves, in a temporary folder)
	$(PY) -m pytest

fuzz: $(STAMP)  ## Property tests with many more examples (Hypothesis), with statistics
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q tests/test_fuzz.py --hypothesis-show-statistics

check: $(STAMP)  ## ruff, then a strict Sphinx build (-W --keep-going -n)
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/sphinx-build -b html -W --keep-going -n -q $(SOURCEDIR) $(BUILDDIR)/check-html

live: $(STAMP)  ## Preview the site with live reload (sphinx-autobuild)
	$(PY) -m pip install --quiet -c $(LOCK) -e ".[live]"
	$(VENV)/bin/sphinx-autobuild $(SPHINXOPTS) $(SOURCEDIR) $(BUILDDIR)/live-html

bench: $(STAMP)  ## Measure build and sheet speed; writes build/bench/results.md
	$(PY) -m pip install --quiet -c $(LOCK) -e ".[bench]"
	@# Byte-compile our package as an installed one would be, so no run pays to compile it
	@# (Python skips this itself where PYTHONDONTWRITEBYTECODE is set).
	$(PY) -m compileall -q src bench
	$(PY) -m bench

verapdf: all  ## Check the PDFs against PDF/UA-1 with veraPDF (VERAPDF=/path/to/verapdf); skips without it
	@if ! command -v "$(VERAPDF)" >/dev/null 2>&1; then \
	  echo "make verapdf: skipped: veraPDF not found ($(VERAPDF)); install it from verapdf.org, then make verapdf VERAPDF=/path/to/verapdf"; \
	else "$(VERAPDF)" --flavour ua1 --format text $(BUILDDIR)/pdf/*.pdf $(BUILDDIR)/sheet/*.pdf; fi

lock:  ## Re-resolve constraints.txt from pyproject.toml (uv); commit it with the change that needed it
	@test -x $(PY) || $(PYTHON3) -m venv $(VENV)
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --all-extras --python-version 3.11 --quiet \
	  --custom-compile-command "make lock" -o $(LOCK)

clean:  ## Remove build/ (keeps .venv)
	rm -rf $(BUILDDIR)
