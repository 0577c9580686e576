# Maillage — développement, démonstration, tests.
# `make demo` et `make test` suffisent sur une machine neuve (voir README.md).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MAILLAGE := $(VENV)/bin/maillage
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
PYTEST_ARGS ?=
XDIST ?= -n 2

.PHONY: demo test test-postgres test-browser lint format bench serve migrate clean help

help:
	@echo "make demo          — installe, migre, charge la démo et sert sur http://127.0.0.1:8000"
	@echo "make test          — installe les dépendances de dev et lance toute la suite (SQLite + navigateur)"
	@echo "make test-postgres — la même suite sur la base PostgreSQL de DATABASE_URL (recréée)"
	@echo "make lint          — ruff, djlint, migrations manquantes, sens des dépendances"
	@echo "make bench         — les mesures de performance (bench/)"

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(VENV)/bin/activate
	$(PIP) install --quiet -e .
	@touch $@

$(DEV_STAMP): pyproject.toml $(STAMP)
	$(PIP) install --quiet -e ".[dev]"
	@touch $@

migrate: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.dev $(MAILLAGE) migrate --noinput

demo: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.dev $(MAILLAGE) migrate --noinput
	DJANGO_SETTINGS_MODULE=config.settings.dev $(MAILLAGE) createcachetable
	DJANGO_SETTINGS_MODULE=config.settings.dev $(MAILLAGE) demo
	DJANGO_SETTINGS_MODULE=config.settings.dev $(MAILLAGE) serve --dev

serve: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings.dev $(MAILLAGE) serve --dev

test: $(DEV_STAMP)
	$(PY) scripts/run_tests.py sqlite $(PYTEST_ARGS)

test-postgres: $(DEV_STAMP)
	$(PY) scripts/run_tests.py postgres $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint --lint maillage/
	DJANGO_SETTINGS_MODULE=config.settings.test $(MAILLAGE) makemigrations --check --dry-run
	$(VENV)/bin/lint-imports

format: $(DEV_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(DEV_STAMP)
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) var/*.sqlite3* var/test-media
