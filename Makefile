# The single entry point: make run | test | bench | lint | messages
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEV_ENV := DJANGO_DEBUG=1 JISREVIEW_SITE_URL=http://127.0.0.1:$(PORT)

.PHONY: venv run test lint format bench messages clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

run: venv
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py seed_demo
	@echo "jisreview: http://127.0.0.1:$(PORT)/ (Ctrl-C stops web, worker and beat)"
	@export $(DEV_ENV); trap 'kill 0' INT TERM EXIT; \
	$(BIN)/celery -A jisreview worker --loglevel=info --concurrency=2 & \
	$(BIN)/celery -A jisreview beat --loglevel=info --schedule var/celerybeat-schedule & \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(DEV_ENV) $(BIN)/python scripts/compile_messages.py --check
	$(BIN)/pytest $(PYTEST_ARGS)

bench: venv
	$(BIN)/python scripts/bench.py

messages: venv
	$(DEV_ENV) $(BIN)/python manage.py makemessages --locale ja --no-obsolete --ignore=.venv
	$(BIN)/python scripts/compile_messages.py

clean:
	rm -rf $(VENV) var staticfiles
