# HumanITech — two commands on a fresh clone: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MANAGE := $(BIN)/python manage.py
APPS := accounts organisations students matching notifications

.PHONY: install messages-compile migrate seed run test test-fast lint typecheck check messages worker beat bench clean

$(STAMP): requirements/production.txt requirements/dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	@touch $(STAMP)

install: $(STAMP)

messages-compile: install
	@$(BIN)/python scripts/compile_messages.py

migrate: messages-compile
	$(MANAGE) migrate --noinput

seed: migrate
	$(MANAGE) seed_demo --if-empty

## Serve the site on http://127.0.0.1:8000 (SQLite, eager Celery, console email).
run: seed
	$(MANAGE) runserver 127.0.0.1:8000

## The whole test suite (unit, access matrix, browser tests).
test: messages-compile
	$(BIN)/pytest $(PYTEST_ARGS)

## Everything but the browser tests, reusing the test database.
test-fast: messages-compile
	$(BIN)/pytest -m "not browser" --reuse-db $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy .

check: lint typecheck
	$(MANAGE) makemigrations --check --dry-run
	DJANGO_SECRET_KEY=check-only-$$(date +%s)-not-a-real-secret-but-long-enough-for-django \
	DJANGO_ALLOWED_HOSTS=humanitech.example \
	DJANGO_SETTINGS_MODULE=humanitech.settings.production \
	$(MANAGE) check --deploy --fail-level WARNING

## Regenerate the .po catalogues (needs GNU gettext) after changing translatable strings.
## English msgstrs always equal their msgids; French ones are written by hand (scripts/po_fill.py).
messages: install
	@for app in $(APPS); do \
	  if [ -d $$app/locale ]; then (cd $$app && ../$(BIN)/django-admin makemessages -l fr -l en --no-obsolete --no-location >/dev/null); fi; \
	done
	$(MANAGE) makemessages -l fr -l en --no-obsolete --no-location $(foreach app,$(APPS),-i '$(app)/*') -i '.venv/*' -i 'tests/*' -i 'scripts/*' >/dev/null
	$(BIN)/python scripts/po_english.py $(wildcard locale/en/LC_MESSAGES/django.po $(foreach app,$(APPS),$(app)/locale/en/LC_MESSAGES/django.po))
	@for po in locale/fr/LC_MESSAGES/django.po $(foreach app,$(APPS),$(app)/locale/fr/LC_MESSAGES/django.po); do \
	  if [ -f $$po ]; then msgfmt --statistics -o /dev/null $$po; fi; \
	done

worker: install
	$(BIN)/celery -A humanitech worker --loglevel=INFO

beat: install
	$(BIN)/celery -A humanitech beat --loglevel=INFO

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .mypy_cache .ruff_cache
