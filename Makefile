# The single entry point: make run | test | bench | lint | messages | lock
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEV_ENV := DJANGO_DEBUG=1 JISREVIEW_SITE_URL=http://127.0.0.1:$(PORT)

# Resolves requirements*.in into the lock files: every package, direct or not, pinned with its
# hashes, for every platform (markers keep e.g. Windows-only packages out elsewhere).
LOCK := $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes \
	--custom-compile-command "make lock"

.PHONY: venv lock run test lint format bench messages clean

# Installs the lock file and nothing else: a package missing from it, or a file whose hash differs,
# fails the install.
$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

# After editing requirements.in or requirements-dev.in. Versions already locked are kept where they
# still fit; LOCK_ARGS="--upgrade-package NAME" (or --upgrade) moves them on.
lock: venv
	$(LOCK) $(LOCK_ARGS) requirements.in -o requirements.txt
	$(LOCK) $(LOCK_ARGS) requirements-dev.in -o requirements-dev.txt

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
	$(BIN)/lint-imports --no-logo

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
