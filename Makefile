# Maillage: everything a developer or CI runs. Python 3.11+ is the only prerequisite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test test-fast bench lint format install migrate demo messages clean print-samples

# Production is the settings' default; these targets are development (a development key, plain
# HTTP, debug pages) unless DEBUG is set. A deployment sets its own variables (README).
run demo migrate print-samples messages test test-fast: export DEBUG ?= on

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_territory
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py rebuild_search

## Set everything up and serve the demo on http://127.0.0.1:$(PORT), with the background worker
## (emails, reminders, link checks; emails print on the console). Ctrl-C stops both.
run: demo
	@$(BIN)/python manage.py worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## The whole suite (browser tests included when Chromium is installed)
test: install
	$(BIN)/python manage.py compilemessages --ignore=.venv >/dev/null 2>&1 || true
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

## Budgets of the issues, measured over HTTP against the production configuration (its throughput
## section needs wrk, `apt install wrk`; skipped with a message without it)
bench: install
	$(BIN)/python -m bench $(BENCH_ARGS)

## Sample printed documents of the demo (PDF + one PNG per page) in var/print-samples/, to look at
print-samples: demo
	$(BIN)/python manage.py print_samples

## ruff, and the layers of the code (import-linter contracts in pyproject.toml; README, "Layout")
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Refresh the translation catalogues (needs GNU gettext); compiled .mo files are committed
messages: install
	$(BIN)/python manage.py makemessages -l fr -l nl -l en --ignore=.venv --ignore=bench --ignore=staticfiles --ignore="*/tests/*"
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles db.sqlite3*
