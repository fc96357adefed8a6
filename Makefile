# Developer entry points. `make demo` runs the app, `make test` runs the tests (see README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo manage test lint format check-deploy lock schema messages compilemessages clean

$(STAMP): requirements/dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "ssrtracker needs Python 3.11 or newer; found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	@# First pip itself, as the lock pins it: an older pip (23.2) cannot install a pinned
	@# package that another asks for with an extra (pip-audit's CacheControl[filecache]) in
	@# --require-hashes mode once a newer release of it is published.
	sed -n '/^pip==/,/^ *#/p' requirements/dev.txt | grep -v '^ *#' > $(VENV)/pip-requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r $(VENV)/pip-requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	@touch $(STAMP)

## demo: install, migrate, load the seed data, create demo users and serve on http://$(HOST):$(PORT)
## (`make demo PORT=8101` for another port; `DEMO_ARGS=--new-token` replaces the demo API token)
demo: $(STAMP)
	DEBUG=1 $(PY) manage.py demo --base-url http://$(HOST):$(PORT) $(DEMO_ARGS)
	@echo "Open http://$(HOST):$(PORT)/ and log in with a user above. Ctrl-C stops the server."
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

## manage: any manage.py command in .venv, with the demo's development settings unless DEBUG is
## set (`make manage ARGS="send_reminders --dry-run"`)
DEBUG ?= 1
manage: $(STAMP)
	DEBUG=$(DEBUG) $(PY) manage.py $(ARGS)

## test: the whole test suite (SQLite by default; DATABASE_URL / CELERY_BROKER_URL for services)
test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

## lint: ruff (lint and format) and mypy, as CI runs them
lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy .

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

## check-deploy: Django's deployment checklist with production-like variables
check-deploy: $(STAMP)
	SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=ssrtracker.example.org \
	$(PY) manage.py check --deploy --fail-level WARNING

## schema: regenerate the committed OpenAPI schema after changing the API (a test checks it)
schema: $(STAMP)
	DJANGO_SETTINGS_MODULE=tests.settings $(PY) manage.py spectacular --validate --fail-on-warn --file docs/api/openapi.yaml

## messages: collect user-facing text into locale/fr/LC_MESSAGES/django.po (needs GNU gettext)
messages: $(STAMP)
	DEBUG=1 $(PY) manage.py makemessages -l fr --no-obsolete --ignore .venv --ignore var --ignore tests --ignore bench --ignore docs --ignore fixtures

## compilemessages: compile the catalogue to the committed .mo file
compilemessages: $(STAMP)
	DEBUG=1 $(PY) manage.py compilemessages -l fr --ignore .venv

## lock: re-pin requirements/*.txt with hashes after changing pyproject.toml (needs uv)
lock:
	uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --no-header -o requirements/base.txt
	uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 --generate-hashes --no-header -o requirements/dev.txt

clean:
	rm -rf $(VENV) var/*.sqlite3* var/static var/celery
