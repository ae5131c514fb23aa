# MHSIP: `make run` serves the platform with demo data; `make test` runs every check.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MHSIP := $(VENV)/bin/mhsip
export MHSIP_ENV ?= development

.PHONY: help run test venv assets chromium migrate demo lint typecheck pytest pytest-fast clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

venv: $(VENV)/.installed ## Create or update .venv with the package and dev tools

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

assets: node_modules/.package-lock.json ## Build NHS.UK frontend and chart assets into assets/dist
	node scripts/build-assets.mjs

chromium: ## Install Debian's Chromium for the browser tests (once per machine)
	@command -v /usr/bin/chromium >/dev/null || { \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) \
	  || { echo "Could not install chromium: run 'sudo apt-get install chromium'"; exit 1; }; }

migrate: venv ## Create or update the database (SQLite under var/ unless DATABASE_URL is set)
	mkdir -p var
	$(MHSIP) migrate --no-input -v0
	$(MHSIP) createcachetable

demo: migrate ## Load the demo collaborative if the database is empty, and demo sign-ins
	$(PY) -c "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','mhsip.settings');django.setup();from mhsip.organisations.models import Trust;raise SystemExit(0 if Trust.objects.exists() else 1)" \
	  || $(MHSIP) demo --seed 1
	$(MHSIP) demousers

run: venv assets demo ## Serve the platform with demo data on http://127.0.0.1:8000
	$(MHSIP) serve 127.0.0.1:8000

lint: venv ## ruff lint and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: venv ## mypy --strict on the statistics core
	$(VENV)/bin/mypy

pytest: venv assets chromium ## The whole pytest suite, browser tests included
	MHSIP_ENV=test $(MHSIP) makemigrations --check --dry-run
	MHSIP_ENV=test $(PY) -m pytest -n 2 --dist loadgroup

test: lint typecheck pytest ## Every check: lint, types, migrations, tests (SQLite)

clean: ## Remove the venv, node modules, built assets and the local database
	rm -rf $(VENV) node_modules assets/dist var
