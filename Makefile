# Two commands: `make run` serves the portal with its worker and scheduler; `make test` runs
# every test. Both set up what they need from nothing but Python 3.11.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?= -n 2
export PORT

.PHONY: run test install system-packages messages migrate demo lint format bench screenshots mutation clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is needed (set PYTHON=... to use another 3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# WeasyPrint (the dashboard's PDF report) needs Pango, HarfBuzz and fonts with every Cyrillic and
# Kazakh letter from the system. Installed with apt-get only when missing (asked of dpkg), so
# this step costs nothing once done; elsewhere it says what to install.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core

system-packages:
	@command -v dpkg >/dev/null || { echo "Not Debian: install Pango and the DejaVu fonts for the PDF report yourself"; exit 0; }; \
	missing=""; for package in $(SYSTEM_PACKAGES); do dpkg -s $$package 2>/dev/null | grep -q "^Status: install ok installed" || missing="$$missing $$package"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "Installing$$missing (for the PDF report)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "The PDF report needs:$$missing (sudo apt-get install$$missing)"; fi

install: system-packages $(VENV)/.installed

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

# The README's screenshots, taken again on purpose (a test run saves them to docs/screenshots/tmp/).
screenshots: messages
	UPDATE_SCREENSHOTS=1 $(BIN)/pytest -p no:cacheprovider cooperation/tests/test_browser_screenshots.py cooperation/dashboard/tests/test_browser_dashboard.py

# Mutation testing of the rule modules (docs/TESTING.md): slow, so neither in `make test` nor in
# CI. `make mutation MODULE=reminders` runs mutation/reminders.toml alone; plain `make mutation`
# runs every module; MUTATION_ARGS=--again tests only the last run's survivors again,
# MUTATION_ARGS="--only 'agreements.ewp.iia_hash.*'" the named mutants of a stopped run. Needs
# DATABASE_URL=postgres://... (the tests run on PostgreSQL).
mutation: messages
	$(BIN)/python scripts/mutation.py $(MUTATION_ARGS) $(MODULE)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Benchmarks print figures (docs/PERFORMANCE.md); they need PostgreSQL on 127.0.0.1:5432, and
# the pages benchmark Redis on 127.0.0.1:6379 (database 13, BENCH_REDIS_URL). bench/pages.py
# and bench/sending.py (send_reminders through a local SMTP server) write their tables into
# docs/PERFORMANCE.md; BENCH_PAGES_ARGS="--partners 500 ..." for a quick run of both.
BENCH_PAGES_ARGS ?= --partners 10000 --agreements 50000 --visits 20000 --participants 200000
bench: install messages
	$(BIN)/python bench/reminder_sweep.py --agreements 100000 --visits 20000
	$(BIN)/python bench/pages.py $(BENCH_PAGES_ARGS) --write
	$(BIN)/python bench/sending.py $(BENCH_PAGES_ARGS) --write

clean:
	rm -rf $(VENV) var/broker var/static
