# Children's Services Portal: set-up, run, test.
#
#   make run     set up if needed, migrate, seed demo accounts, serve http://127.0.0.1:5000
#   make test    set up if needed, lint, run all tests (unit, functional, e2e)
#
# `make setup` is idempotent: each step re-runs only when its input changed (stamps in .stamps/),
# so a second run does nothing and takes well under a second.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

# Python 3.11 (pyproject: requires-python >=3.11,<3.12).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || echo python3)
VENV   := .venv
STAMPS := .stamps
FLASK  := $(VENV)/bin/flask --app webapp

# TEST_DATABASE_URL (for example postgresql+psycopg://postgres@127.0.0.1:5432/test) reaches pytest
# from the environment unchanged; unset means SQLite.

.PHONY: help setup system-packages assets run test lint bench clean FORCE

help:
	@echo "make run    - set up if needed and serve the portal at http://127.0.0.1:5000 (demo accounts printed)"
	@echo "make test   - set up if needed, lint, run all tests (TEST_DATABASE_URL=postgresql+psycopg://... for PostgreSQL)"
	@echo "make lint   - ruff and bandit"
	@echo "make bench  - run the benchmarks"
	@echo "make setup  - install system packages (where missing), .venv, node_modules, static assets"
	@echo "make clean  - remove .venv, node_modules, built assets and stamps"

setup: system-packages $(STAMPS)/venv $(STAMPS)/npm assets

# (a) Debian packages, only those missing (a dpkg check per package: fast, so it always runs).
system-packages:
	@PYTHON="$(PYTHON)" scripts/system-packages.sh

$(STAMPS):
	@mkdir -p $@

# (b) Python virtual environment and the dependencies listed in pyproject.toml (project + test).
# The project is not an installable package, so the lists are read with tomllib and pip-installed.
$(VENV)/pyvenv.cfg: | system-packages
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
	  || { echo "setup: $(PYTHON) is not Python 3.11; set PYTHON=/path/to/python3.11" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMPS)/venv: pyproject.toml $(VENV)/pyvenv.cfg | $(STAMPS)
	$(VENV)/bin/python -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
	  print("\n".join(p["dependencies"] + p.get("optional-dependencies", {}).get("test", [])))' \
	  > $(STAMPS)/requirements.txt
	$(VENV)/bin/python -m pip install -q --disable-pip-version-check -r $(STAMPS)/requirements.txt
	@touch $@

# (c) node_modules exactly as package-lock.json says (install scripts are not needed, so not run).
$(STAMPS)/npm: package-lock.json package.json | $(STAMPS) system-packages
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

# Redo a step whose output was deleted even though its stamp is still there.
ifeq ($(wildcard $(VENV)/bin/python),)
$(STAMPS)/venv: FORCE
endif
ifeq ($(wildcard node_modules/.package-lock.json),)
$(STAMPS)/npm: FORCE
endif
FORCE:

# (d) static/vendor/ and static/build/ (the script skips itself when its outputs are up to date).
assets: $(STAMPS)/npm
	@scripts/build-assets.sh

run: export PORTAL_ENV = development
run: setup
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) run --host 127.0.0.1 --port 5000

lint: $(STAMPS)/venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/bandit -q -c pyproject.toml -r webapp -ll

# The suite runs in TEST_WORKERS processes (pytest-xdist), each on a database of its own (tests/conftest.py).
# One more worker than the machine has cores, because an end-to-end test spends much of its time waiting
# (for a page, for an idle timeout to run out); `worksteal` hands a finished worker the rest of another's.
# TEST_WORKERS=0 runs it in one process. Set ALLOW_NO_TESTS=1 to accept pytest's exit code 5 ("no tests
# collected").
TEST_WORKERS ?= 3
test: setup lint
	@rc=0; $(VENV)/bin/python -m pytest -q -n $(TEST_WORKERS) --dist worksteal || rc=$$?; \
	if [[ $$rc -eq 5 && "$${ALLOW_NO_TESTS:-0}" == 1 ]]; then echo "make test: no tests were collected"; rc=0; fi; \
	exit $$rc

# The load generator (locust) is only needed here, so `make test` never installs it.
$(STAMPS)/bench: pyproject.toml $(STAMPS)/venv
	$(VENV)/bin/python -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["project"]["optional-dependencies"]["bench"]))' \
	  > $(STAMPS)/bench-requirements.txt
	$(VENV)/bin/python -m pip install -q --disable-pip-version-check -r $(STAMPS)/bench-requirements.txt
	@touch $@

bench: setup $(STAMPS)/bench
	$(VENV)/bin/python -m benchmarks

clean:
	rm -rf $(VENV) node_modules static/vendor static/build $(STAMPS)
