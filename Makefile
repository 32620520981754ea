# Relationship Cockpit. `make demo` and `make test` are all a new user needs.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test audit loadtest lint format migrations-check messages install install-dev run clean

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/activate
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## demo: install, migrate, seed the demo book and serve it on http://127.0.0.1:8000
demo: export DEBUG = 1
demo: export EMAIL_BACKEND = file
demo: export SITE_URL ?= http://$(HOST):$(PORT)
demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py seed_demo_agenda
	$(PY) manage.py send_digest
	@echo ""
	@echo "Relationship Cockpit runs on http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	$(PY) manage.py runserver $(HOST):$(PORT)

## test: install the dev extras, lint, check migrations, run the whole suite
test: install-dev lint migrations-check
	$(PY) -m pytest $(PYTEST_ARGS)

## loadtest: 30 users for 60 s against gunicorn + PostgreSQL on a 100,000-customer book (LOAD_DATABASE_URL, default cockpit_load)
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/cockpit_load
loadtest: install-dev
	-createdb -h 127.0.0.1 -U postgres cockpit_load 2>/dev/null
	DATABASE_URL=$(LOAD_DATABASE_URL) $(PY) manage.py migrate -v0
	DATABASE_URL=$(LOAD_DATABASE_URL) $(PY) manage.py loadtest --customers 100000 --users 30 --seconds 60

## audit: bandit (no high-severity finding) and pip-audit (known vulnerabilities) over the code and its dependencies
audit: install-dev
	$(VENV)/bin/bandit -q -r cockpit customers alerts agenda -x '*/migrations/*' --severity-level high
	$(VENV)/bin/pip-audit --skip-editable --progress-spinner off

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

## messages: extract and compile the German translations (needs GNU gettext)
messages: install
	$(PY) manage.py makemessages -l de --ignore=.venv --ignore=tests
	$(PY) manage.py compilemessages --ignore=.venv

run: export DEBUG = 1
run: export SITE_URL ?= http://$(HOST):$(PORT)
run: install
	$(PY) manage.py runserver $(HOST):$(PORT)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles test-artifacts var
