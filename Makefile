# Entry points. Every target installs what it needs first (a pinned virtualenv in .venv).
#   make site    converge the whole platform on the embedded emulators (inventories/local)
#   make test    every test: lint, unit tests, emulator tests, the Molecule scenario
#   make down    stop the emulators

SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
ENV ?= local
INVENTORY := inventories/$(ENV)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export ANSIBLE_HOME := $(CURDIR)/.ansible

.PHONY: help venv up down status site test lint clean

help:
	@sed -n 's/^#   //p' Makefile

$(BIN)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required (Python 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

venv: $(BIN)/.installed

up: venv
	$(BIN)/python tests/emulators/ctl.py up

down:
	@if [ -x $(BIN)/python ]; then $(BIN)/python tests/emulators/ctl.py down; fi

status: venv
	$(BIN)/python tests/emulators/ctl.py status

# The local inventory points at the emulators; other inventories reach real AWS.
site: venv
	@if [ "$(ENV)" = local ]; then $(MAKE) --no-print-directory up; fi
	$(BIN)/ansible-playbook site.yml -i $(INVENTORY)

test: venv
	$(BIN)/python -m pytest

lint: venv
	$(BIN)/python -m pytest tests/test_lint.py

clean: down
	rm -rf $(VENV) .emulators .ansible .pytest_cache reports .kube
