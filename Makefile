# Two commands: `make run` (local demo on SQLite, web + worker + beat) and `make test`.
# Everything else here is what those two need.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= backend.settings.local

.PHONY: run test setup dirs lint format fuzz bench messages clean help

help:
	@echo "make run    - set up and serve the platform with demo data on http://127.0.0.1:$(PORT)"
	@echo "make test   - set up and run the test suite"
	@echo "make lint   - ruff"

## Python environment from the lock file (hash-checked), rebuilt when the lock changes.
$(VENV)/.installed: requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	touch $@

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

test: setup
	DJANGO_SETTINGS_MODULE=backend.settings.test $(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf var .venv node_modules
