# ipskurs: `make run` serves the demo site, `make test` runs the test suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test test-clock lint format install check-system migrate seed messages clean bench layers \
	oidc-provider oidc-provider-deps browser-deps

# Stops with the Debian package to install when a system library or tool is missing.
check-system:
	@$(PYTHON) scripts/check_system.py

$(STAMP): requirements/base.txt requirements/dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/base.txt -r requirements/dev.txt
	@touch $(STAMP)

install: check-system $(STAMP)

migrate: install
	@mkdir -p var/mail
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# Serves http://127.0.0.1:$(PORT) with a Celery worker + beat on kombu's filesystem broker
# (var/celery/), so background and periodic tasks really run without Redis.
# Compiled translations are committed; recompile when gettext is there (the .po may be newer).
COMPILE_MESSAGES := command -v msgfmt >/dev/null && $(BIN)/python manage.py compilemessages --ignore=.venv -v 0 || true

run: seed
	@$(COMPILE_MESSAGES)
	@echo "Starting Celery worker with beat (log: var/celery.log)"
	@$(BIN)/celery -A config worker --beat --pool=solo --loglevel=INFO --logfile=var/celery.log \
		--schedule=var/celerybeat-schedule & echo $$! > var/celery.pid
	@trap 'kill $$(cat var/celery.pid) 2>/dev/null' EXIT INT TERM; \
		$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The local OpenID provider (Node, tests/oidc_provider/): used by the federated sign-in tests,
# and by `make oidc-provider` to try federated sign-in under `make run` (docs/login.md).
OIDC_PROVIDER_DIR := tests/oidc_provider
OIDC_PROVIDER_STAMP := $(OIDC_PROVIDER_DIR)/node_modules/.package-lock.json
$(OIDC_PROVIDER_STAMP): $(OIDC_PROVIDER_DIR)/package-lock.json
	cd $(OIDC_PROVIDER_DIR) && npm ci --no-audit --no-fund --loglevel=error

oidc-provider-deps: $(OIDC_PROVIDER_STAMP)

oidc-provider: oidc-provider-deps
	node $(OIDC_PROVIDER_DIR)/server.js

# The browser tests (tests/browser/): axe-core from npm, injected into each page by Playwright,
# which drives Debian's Chromium (/usr/bin/chromium; `apt-get install chromium`).
BROWSER_DIR := tests/browser
BROWSER_STAMP := $(BROWSER_DIR)/node_modules/.package-lock.json
$(BROWSER_STAMP): $(BROWSER_DIR)/package-lock.json
	cd $(BROWSER_DIR) && npm ci --no-audit --no-fund --loglevel=error

browser-deps: $(BROWSER_STAMP)

# Line and branch coverage is printed after the tests (files at 100 % are left out). Tests
# run in parallel on every core (pytest-xdist); PYTEST_WORKERS=0 runs them in one process.
# Without Node.js the federated sign-in tests are skipped (CI has Node and runs them).
PYTEST_WORKERS ?= auto
test: install
	@$(COMPILE_MESSAGES)
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory oidc-provider-deps browser-deps; \
		else echo "Node.js not found: the federated sign-in and browser tests will be skipped"; fi
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup --cov --cov-report= -m "not browser" $(PYTEST_ARGS)
	@# The browser tests flush their live-server database: a process of their own, on a fresh one.
	$(BIN)/pytest -n 0 --cov --cov-append --cov-report=term:skip-covered -m browser $(PYTEST_ARGS)

# The time-sensitive tests again under libfaketime, with the machine's clock at awkward
# instants, each in the machine time zone given. Each instant packs several hazards, so two
# runs cover them all (each run takes minutes, and CI runs this):
# - 20:30 on New Year's Eve on a machine in California: in Oslo it is already 05:30 on
#   1 January, so the machine's date, the year and Oslo's date all disagree;
# - 23:59 in Oslo the evening before the clocks go forward: the run crosses midnight into the
#   23-hour day.
# The clock runs on from each instant.
CLOCK_TESTS ?= tests/attendance tests/calendars tests/enrollment tests/coordinators tests/reports \
	tests/training tests/teaching tests/test_catalogue.py tests/test_api.py tests/people/test_invitations.py
CLOCK_INSTANTS ?= "America/Los_Angeles|2026-12-31 20:30:00" "UTC|2027-03-27 22:59:00"
test-clock: install
	@command -v faketime >/dev/null || { echo "make test-clock needs libfaketime: sudo apt-get install faketime"; exit 1; }
	@for spec in $(CLOCK_INSTANTS); do \
		zone=$${spec%%|*}; at=$${spec#*|}; \
		echo "== machine clock at $$at ($$zone)"; \
		TZ=$$zone FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "@$$at" \
			$(BIN)/pytest -q -p no:cacheprovider -n 2 $(CLOCK_TESTS) $(PYTEST_ARGS) || exit 1; \
	done

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py layers --check

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install
	$(BIN)/python manage.py makemessages -l nb --ignore=.venv --ignore=static_collected --ignore=tests
	$(BIN)/python manage.py compilemessages --ignore=.venv

# Redraw the picture of the apps and their imports in docs/architecture.md.
layers: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py layers

bench: install
	$(BIN)/python manage.py bench

clean:
	rm -rf var/ static_collected/
