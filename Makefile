# Entry points, all self-installing on a fresh machine with Python 3.11:
#   make plan       install the kit, validate every example stack, print its offline plan
#   make validate   install the kit, validate every example stack
#   make test       install the kit with its test dependencies, run the tests
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: install install-test validate plan test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'

validate: install
	$(BIN)/foundry-kit validate

plan: validate
	$(BIN)/foundry-kit plan

test: install-test
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
