# ipskurs: `make run` serves the demo site, `make test` runs the test suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint format install migrate seed messages clean bench

$(STAMP): requirements/base.txt requirements/dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/base.txt -r requirements/dev.txt
	@touch $(STAMP)

install: $(STAMP)

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

test: install
	@$(COMPILE_MESSAGES)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install
	$(BIN)/python manage.py makemessages -l nb --ignore=.venv --ignore=static_collected --ignore=tests
	$(BIN)/python manage.py compilemessages --ignore=.venv

bench: install
	$(BIN)/python manage.py bench

clean:
	rm -rf var/ static_collected/
