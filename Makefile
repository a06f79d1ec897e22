# Two commands: `make run` serves the portal with its worker and scheduler; `make test` runs
# every test. Both set up what they need from nothing but Python 3.11.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?= -n 2
export PORT

.PHONY: run test install messages migrate demo lint format bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed (set PYTHON=... to use another 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

messages: install
	$(BIN)/python scripts/compile_messages.py

migrate: messages
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput

# Demo data is loaded once per database (the stamp is named after DATABASE_URL); `make demo`
# loads it again, which is safe: load_demo is idempotent.
DEMO_STAMP := var/.demo-loaded-$(shell printf '%s' "$$DATABASE_URL" | cksum | cut -d' ' -f1)

demo: migrate
	$(BIN)/python manage.py load_demo

$(DEMO_STAMP): | migrate
	$(BIN)/python manage.py load_demo
	@touch $@

run: migrate $(DEMO_STAMP)
	$(BIN)/python scripts/serve.py

test: messages
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Benchmarks print figures (docs/PERFORMANCE.md); they need PostgreSQL on 127.0.0.1:5432.
bench: install
	$(BIN)/python bench/reminder_sweep.py --agreements 100000 --visits 20000

clean:
	rm -rf $(VENV) var/broker var/static
