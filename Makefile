# Peer Support: `make` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export UV_PYTHON_DOWNLOADS := never
VENV := .venv/bin
# Checks import the settings, which need a SECRET_KEY when DEBUG is off and no .env exists.
CHECK_ENV := SECRET_KEY="$${SECRET_KEY:-checks-only-not-secret}" FIELD_ENCRYPTION_KEY="$${FIELD_ENCRYPTION_KEY:-checks-only-not-secret-field-encryption-key}"

.PHONY: help install run test lint fmt typecheck check-migrations pytest

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

install: ## Create .venv, install the locked packages, start Postgres and Redis
	@scripts/bootstrap.sh

run: install ## Serve a development site with a Celery worker and beat on http://127.0.0.1:8000
	@scripts/run.sh

test: ## Run lint, types, the migration check and the whole test suite
	@scripts/bootstrap.sh --browser
	@$(MAKE) --no-print-directory lint typecheck check-migrations pytest

lint: ## ruff check and ruff format --check
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .

fmt: ## Format and fix what ruff can
	$(VENV)/ruff format .
	$(VENV)/ruff check --fix .

typecheck: ## mypy with django-stubs
	$(CHECK_ENV) $(VENV)/mypy .

check-migrations: ## Fail when a model change has no migration
	$(CHECK_ENV) $(VENV)/python manage.py makemigrations --check --dry-run

pytest: ## The test suite only (PYTEST_ARGS="-k name" to pick tests)
	$(VENV)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)
