# Two commands: `make run` (local demo on SQLite, web + worker + beat) and `make test`.
# Everything else here is what those two need.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= backend.settings.local

.PHONY: run test setup lock dirs lint format fuzz bench audit browser messages clean help

help:
	@echo "make run    - set up and serve the platform with demo data on http://127.0.0.1:$(PORT)"
	@echo "make test   - set up and run the test suite"
	@echo "make lint   - ruff"

## Python environment from the lock files (hash-checked), rebuilt when a lock changes.
## requirements.lock: what production runs (the Docker image); requirements-dev.lock adds the
## test and lint tools. Regenerate both with `make lock` after changing pyproject.toml.
$(VENV)/.installed: requirements.lock requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	touch $@

lock:
	uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -o requirements.lock --no-header -q
	uv pip compile pyproject.toml --group dev --generate-hashes --python-version 3.11 -o requirements-dev.lock --no-header -q

## Front-end assets (KERN UX, htmx) from npm, served by the app.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js) is required: apt-get install nodejs npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

dirs:
	@mkdir -p var/broker/queue var/broker/processed var/broker/control var/mail var/cache var/private

## Compiled translations (.mo files are build output, not tracked).
messages: $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

setup: $(VENV)/.installed node_modules/.installed dirs messages

run: setup
	$(PY) manage.py migrate --noinput -v0
	test -f var/.demo-seeded || { $(PY) manage.py seed_demo && touch var/.demo-seeded; }
	@echo "Serving on http://127.0.0.1:$(PORT) (web + worker + beat); Ctrl-C stops all three."
	PATH="$(CURDIR)/$(BIN):$$PATH" PORT=$(PORT) $(BIN)/honcho start -f Procfile

test: setup browser
	DJANGO_SETTINGS_MODULE=backend.settings.test $(BIN)/pytest $(PYTEST_ARGS)

## Debian's Chromium for the browser tests (Playwright drives it; it never downloads one).
browser:
	@command -v chromium >/dev/null || { echo "installing Debian's chromium"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

## API fuzzing against the live schema, as anonymous and as every demo role.
fuzz: setup
	DJANGO_SETTINGS_MODULE=backend.settings.test $(BIN)/pytest tests/fuzz $(PYTEST_ARGS)

## Benchmarks (not part of `make test`): `make bench`, `make bench SCALE=10000`.
SCALE ?= 100000
bench: setup
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(PY) -m tests.bench.run --scale $(SCALE)
	$(PY) -m tests.bench.certificates --attendees 500
	$(PY) -m tests.bench.outbox --count 10000

## Security lint and known vulnerabilities of the locked dependencies.
audit: $(VENV)/.installed
	$(BIN)/bandit -q --severity-level medium -c pyproject.toml -r backend volunteers funding notifications directory
	@# Fails on any known vulnerability. Packages the vulnerability service cannot answer for
	@# are listed as skipped (this network serves PyPI's index but not its per-release JSON).
	$(BIN)/pip-audit --disable-pip --require-hashes -r requirements-dev.lock --progress-spinner off

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var .venv node_modules
