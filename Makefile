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
# `make demo PORT=8765` serves elsewhere than 8000 (the CI's « readme » stage does).
PORT ?= 8000

.PHONY: demo test test-postgres test-browser lint format bench bench-load serve migrate lock clean help

help:
	@echo "make demo          — installe, migre, charge la démo et sert sur http://127.0.0.1:8000"
	@echo "make test          — installe les dépendances de dev et lance toute la suite (SQLite + navigateur)"
	@echo "make test-postgres — la même suite sur la base PostgreSQL de DATABASE_URL (recréée)"
	@echo "make lint          — ruff, djlint, migrations manquantes, sens des dépendances, types (mypy)"
	@echo "make bench         — les mesures de performance (bench/), puis le test de charge (bench/load/)"
	@echo "make bench-load    — le test de charge seul (LOAD_ARGS=\"--help\" pour ses options)"
	@echo "make lock          — recalcule requirements/lock*.txt depuis pyproject.toml (versions exactes, empreintes)"

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Installs come from the lock files (exact versions, hashes), then Maillage itself without dependencies.
$(STAMP): pyproject.toml requirements/lock.txt | $(VENV)/bin/activate
	$(PIP) install --quiet -r requirements/lock.txt
	$(PIP) install --quiet --no-deps -e .
	@touch $@

$(DEV_STAMP): pyproject.toml requirements/lock-dev.txt $(STAMP)
	$(PIP) install --quiet -r requirements/lock-dev.txt
	$(PIP) install --quiet --no-deps -e .
	@touch $@

# Re-computes both lock files from pyproject.toml (after adding or raising a dependency): one command.
# The dev lock is the superset; the runtime lock is constrained by it, so both agree on every version.
UV_COMPILE = $(VENV)/bin/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes --no-header \
	--annotation-style line --index-url https://pypi.org/simple --upgrade --quiet
lock: | $(VENV)/bin/activate
	$(PIP) install --quiet "uv>=0.5,<1"
	$(UV_COMPILE) --extra dev -o requirements/lock-dev.txt
	$(UV_COMPILE) -c requirements/lock-dev.txt -o requirements/lock.txt

# var/ is ignored by git: a fresh clone has none (config/env.py creates it too).
var:
	mkdir -p var

migrate: $(STAMP) | var
	DJANGO_SETTINGS_MODULE=config.settings.dev $(MAILLAGE) migrate --noinput

demo: $(STAMP) | var
	DJANGO_SETTINGS_MODULE=config.settings.dev $(MAILLAGE) migrate --noinput
	DJANGO_SETTINGS_MODULE=config.settings.dev $(MAILLAGE) createcachetable
	DJANGO_SETTINGS_MODULE=config.settings.dev $(MAILLAGE) demo
	DJANGO_SETTINGS_MODULE=config.settings.dev $(MAILLAGE) serve --dev --bind 127.0.0.1:$(PORT)

serve: $(STAMP) | var
	DJANGO_SETTINGS_MODULE=config.settings.dev $(MAILLAGE) serve --dev --bind 127.0.0.1:$(PORT)

test: $(DEV_STAMP) | var
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) scripts/run_tests.py sqlite $(PYTEST_ARGS)

test-postgres: $(DEV_STAMP) | var
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) scripts/run_tests.py postgres $(PYTEST_ARGS)

test-browser: $(DEV_STAMP) | var
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) scripts/run_tests.py sqlite -m browser $(PYTEST_ARGS)

# Every check runs, even after a failure, so one run shows everything to fix; the target fails if any did.
# mypy (the longest) runs beside the other checks; its output is printed after theirs.
lint: $(DEV_STAMP) | var
	@rc=0; \
	$(VENV)/bin/mypy > var/mypy.out 2>&1 & mypy_pid=$$!; \
	echo "$$ ruff check ."; $(VENV)/bin/ruff check . || rc=1; \
	echo "$$ ruff format --check ."; $(VENV)/bin/ruff format --check . || rc=1; \
	echo "$$ djlint --lint maillage/"; $(VENV)/bin/djlint --lint maillage/ || rc=1; \
	echo "$$ maillage makemigrations --check --dry-run"; \
	DJANGO_SETTINGS_MODULE=config.settings.test $(MAILLAGE) makemigrations --check --dry-run || rc=1; \
	echo "$$ lint-imports"; $(VENV)/bin/lint-imports --no-cache || rc=1; \
	echo "$$ mypy"; wait $$mypy_pid || rc=1; cat var/mypy.out; \
	if [ $$rc -ne 0 ]; then echo "make lint : ÉCHEC (voir ci-dessus)"; fi; \
	exit $$rc

format: $(DEV_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The benchmarks (bench/bench_*.py), then the load test (bench/load/run.py: gunicorn with the production
# settings under locust, then the ceiling ratio); LOAD_ARGS chooses its database and size, for instance
# `make bench LOAD_ARGS="--postgres-template bench200k --structures 200000"`; `make bench-load` runs it alone.
LOAD_ARGS ?=
bench: $(DEV_STAMP) | var
	$(PY) bench/run_all.py
	$(PY) bench/load/run.py $(LOAD_ARGS)

bench-load: $(DEV_STAMP) | var
	$(PY) bench/load/run.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) var/*.sqlite3* var/test-media
