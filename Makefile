# One-command set-up and tests. `make run` and `make test` create .venv when it is absent.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# MathJax 3 for the docs site, served locally (npm)
MATHJAX := node_modules/mathjax/es5/tex-mml-chtml.js

.PHONY: run test docs lab venv sync nbtest pytest export clean-nbs readme

$(STAMP): settings.ini setup.py constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing into $(VENV) (pinned by constraints.txt; the first time takes a few minutes)"
	@$(BIN)/pip install -q -c constraints.txt -e '.[dev]' > $(VENV)/pip.log 2>&1 || { grep -v 'is ignored' $(VENV)/pip.log; exit 1; }
	@touch $(STAMP)

venv: $(STAMP)

run: venv
	$(BIN)/fgvc train --method baseline --preset quick

test: venv $(MATHJAX)
	PATH=$(abspath $(BIN)):$$PATH bash tools/ci_sync.sh
	PATH=$(abspath $(BIN)):$$PATH bash tools/nbtest_timed.sh   # one torch thread per notebook, two at a time, no loader processes; fails above 200 s each
	$(BIN)/pytest -q tests/

$(MATHJAX):
	npm install --no-save --no-package-lock --silent mathjax@3.2.2

docs: venv $(MATHJAX)
	$(BIN)/python tools/nbdocs.py docs
	$(BIN)/python tools/linkcheck.py _docs

lab: venv
	$(BIN)/jupyter lab nbs/

export: venv
	$(BIN)/nbdev_export && $(BIN)/nbdev_clean && $(BIN)/python tools/nbdocs.py readme
