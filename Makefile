# The two commands a new user needs: `make run` and `make test`. Both set up from nothing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ENGAGE := $(BIN)/engage
HOST ?= 127.0.0.1
PORT ?= 5000
CHROMIUM ?= /usr/bin/chromium

.DEFAULT_GOAL := help
.PHONY: help bootstrap run test test-postgres lint check-browser clean translations extract-messages lock

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Engage needs Python 3.11 or newer"'
	$(PYTHON) -m venv $(VENV)

# Exactly the versions in the lock file, each checked against its hash; then Engage
# itself, whose dependencies the lock already holds.
$(VENV)/.installed: $(BIN)/python pyproject.toml requirements/dev.lock
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

bootstrap: $(VENV)/.installed translations ## Create the virtual environment and install Engage into it

translations: $(VENV)/.installed ## Compile the message catalogues (engage/translations/*/LC_MESSAGES/*.po)
	$(BIN)/pybabel -q compile -d engage/translations

extract-messages: $(VENV)/.installed ## Collect new translatable text into the catalogues, for translators
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 --no-location --sort-output \
	  --project Engage -o engage/translations/messages.pot .
	$(BIN)/pybabel -q update -i engage/translations/messages.pot -d engage/translations --no-fuzzy-matching

run: bootstrap ## Run the site on SQLite with demo data at http://127.0.0.1:5000
	ENGAGE_ENV=development $(ENGAGE) db upgrade
	ENGAGE_ENV=development LOG_LEVEL=WARNING $(ENGAGE) demo load
	ENGAGE_ENV=development SITE_URL=http://$(HOST):$(PORT) $(ENGAGE) run --host $(HOST) --port $(PORT)

check-browser:
	@test -x "$(CHROMIUM)" || { \
	  echo "The browser tests need Chromium at $(CHROMIUM)."; \
	  echo "On Debian or Ubuntu: sudo apt-get install chromium"; \
	  echo "Or point CHROMIUM=/path/to/chromium at another build."; \
	  exit 1; }

test: bootstrap check-browser ## Run the whole test suite (SQLite; PostgreSQL when TEST_DATABASE_URL is set)
	ENGAGE_CHROMIUM=$(CHROMIUM) $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: bootstrap check-browser ## The suite against PostgreSQL at 127.0.0.1:5432, database test
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} \
	  ENGAGE_CHROMIUM=$(CHROMIUM) $(BIN)/pytest $(PYTEST_ARGS)

lint: bootstrap ## Ruff lint and format check
	$(BIN)/ruff check engage tests
	$(BIN)/ruff format --check engage tests

clean: ## Remove the virtual environment and local databases
	rm -rf $(VENV) instance .pytest_cache

UV_VERSION := 0.13.9
lock: ## Pin every dependency again (after changing pyproject.toml): requirements/*.lock
	test -x .venv-lock/bin/uv || { $(PYTHON) -m venv .venv-lock && .venv-lock/bin/pip install --quiet uv==$(UV_VERSION); }
	for extra in production dev; do \
	  .venv-lock/bin/uv pip compile pyproject.toml $$( [ $$extra = dev ] && echo --extra dev ) \
	    --python-version 3.11 --python-platform x86_64-unknown-linux-gnu --generate-hashes \
	    --no-header --annotation-style line --upgrade -o requirements/$$extra.lock --quiet; \
	done
