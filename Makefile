# Entry points, all self-installing on a fresh machine with Python 3.11:
#   make plan       install the kit, validate every example stack, print its offline plan
#   make validate   install the kit, validate every example stack
#   make check      the edit loop: every test but the slow ones, on every core, property tests lighter
#   make test       install the kit with its test dependencies, type-check it (mypy), run every test (CI)
#   make constraints   rewrite constraints.txt (the exact versions installs use) from pyproject's ranges,
#                      and foundry_estate/constraints.txt (the part of it the wheel carries for teams)
# Installs are pinned by constraints.txt; pyproject.toml says the ranges the kit accepts.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: install install-live install-test validate plan check test constraints clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt

# the kit with its 'live' extra (drift, import, quota --live), pinned like the rest
install-live: $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[live]'

# The test install is redone only when what it reads changes (the edit loop skips pip).
$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

install-test: $(VENV)/.installed-test

validate: install
	$(BIN)/foundry-estate validate

plan: validate
	$(BIN)/foundry-estate plan

# pytest-xdist spreads the tests over the cores (-n auto); the tiers are tests/unit/<stage>/ and
# tests/acceptance/, and `-m "not slow"` leaves out the wheel and the added-stack run.
check: install-test
	$(BIN)/python -m pytest -q -n auto -m "not slow" --hypothesis-profile=check

test: install-test
	$(BIN)/python tools/typecheck.py
	$(BIN)/python -m pytest -n auto

constraints: $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade -e '.[test,live]'
	{ sed -n '/^#/p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable; } > constraints.txt.new
	mv constraints.txt.new constraints.txt
	$(BIN)/python tools/shipped_constraints.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
