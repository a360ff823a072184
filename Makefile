# Two commands: `make run` (local demo on SQLite, web + worker + beat) and `make test`.
# Everything else here is what those two need.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= backend.settings.local

.DELETE_ON_ERROR:
.PHONY: run test setup system lock dirs lint format fuzz bench audit messages clean help

help:
	@echo "make run    - set up and serve the platform with demo data on http://127.0.0.1:$(PORT)"
	@echo "make test   - set up and run the test suite"
	@echo "make lint   - ruff"

## System packages (Debian): installed when make runs as root, else one line says which and how.
## SYSTEM is what the goal needs: run (default), test or bench.
SYSTEM ?= run
run: SYSTEM = run
test: SYSTEM = test
bench: SYSTEM = bench
system:
	@PYTHON=$(PYTHON) scripts/system-packages $(SYSTEM)

## Python environment from the lock files (hash-checked), rebuilt when a lock changes.
## requirements.lock: what production runs (the Docker image); requirements-dev.lock adds the
## test and lint tools. Regenerate both with `make lock` after changing pyproject.toml.
## The marker .installed is written last: a failed step leaves nothing the next run trusts.
$(VENV)/.installed: requirements.lock requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	@$(PY) -m pip --version >/dev/null 2>&1 || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); } || \
	  { rm -rf $(VENV); echo "Could not create the virtual environment with $(PYTHON) -m venv (on Debian: sudo apt-get install -y python3-venv)." >&2; exit 1; }
	@$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements-dev.lock || \
	  { echo "Could not install the Python packages of requirements-dev.lock (is PyPI reachable?); run make again when it is." >&2; exit 1; }
	@touch $@

lock:
	uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -o requirements.lock --no-header -q
	uv pip compile pyproject.toml --group dev --generate-hashes --python-version 3.11 -o requirements-dev.lock --no-header -q

## Front-end assets (KERN UX, htmx) from npm, served by the app.
node_modules/.installed: package.json package-lock.json
	@npm ci --no-audit --no-fund --loglevel=error || \
	  { rm -rf node_modules; echo "Could not install the front-end packages with npm ci (is the npm registry reachable?); run make again when it is." >&2; exit 1; }
	@touch $@

dirs:
	@mkdir -p var/broker/queue var/broker/processed var/broker/control var/mail var/cache var/private

## Compiled translations (.mo files are build output, not tracked).
messages: $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

setup: system $(VENV)/.installed node_modules/.installed dirs messages

run: setup
	$(PY) manage.py migrate --noinput -v0
	test -f var/.demo-seeded || { $(PY) manage.py seed_demo && touch var/.demo-seeded; }
	@echo "Serving on http://127.0.0.1:$(PORT) (web + worker + beat); Ctrl-C stops all three."
	PATH="$(CURDIR)/$(BIN):$$PATH" PORT=$(PORT) $(BIN)/honcho start -f Procfile

## The suite runs on every core (pytest-xdist; at most three workers: each has its own Redis
## databases, see backend/settings/test.py). TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: setup
	DJANGO_SETTINGS_MODULE=backend.settings.test $(BIN)/pytest -n $(TEST_WORKERS) --maxprocesses=3 $(PYTEST_ARGS)

## Only the API fuzzing (part of make test), as anonymous and as every demo role.
fuzz: setup
	DJANGO_SETTINGS_MODULE=backend.settings.test $(BIN)/pytest -n $(TEST_WORKERS) --maxprocesses=3 tests/fuzz $(PYTEST_ARGS)

## Benchmarks (not part of `make test`): `make bench`, `make bench SCALE=10000`.
SCALE ?= 100000
bench: setup
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
