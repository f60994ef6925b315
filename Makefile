# Lijfwijs entry points. Each target bootstraps what it needs on a fresh clone.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM := /usr/bin/chromium-headless-shell
# Python keeps its compiled modules (__pycache__, git-ignored) even where the machine's environment
# says not to (PYTHONDONTWRITEBYTECODE=1 here): otherwise every process compiles the project again
# and every test process rewrites the asserts of 45,000 lines of tests, some 17 s each
# (docs/decisions.md). Empty means unset to Python.
export PYTHONDONTWRITEBYTECODE :=

.PHONY: run test lint bench e2e browser screenshots clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# Debian's Chromium and axe-core for the browser tests (installed once; skipped without root/apt).
browser:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-headless-shell) >/dev/null; \
	  else echo "note: $(CHROMIUM) missing and cannot be installed here; browser tests use /usr/bin/chromium if present, else are skipped"; fi; }
	@test -f node_modules/axe-core/axe.min.js || { \
	  if command -v npm >/dev/null; then npm ci --silent --no-audit --no-fund; \
	  else echo "note: npm missing; browser tests will be skipped"; fi; }

# Development: SQLite in var/, emails printed by the task worker that runs beside the server.
run: $(STAMP)
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_content
	DEBUG=1 $(PY) manage.py load_demo
	DEBUG=1 $(PY) manage.py db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP) browser
	$(PY) -m pytest -n 2 --dist loadgroup -q

e2e: $(STAMP) browser
	$(PY) -m pytest -q e2e

# The main pages at 390 px and 1280 px, with the demo practice, into var/screenshots/.
screenshots: $(STAMP) browser
	$(PY) -m pytest -q -s e2e/take_screenshots.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) node_modules var/test*.sqlite3
