# Oskus: `make run` (demo site on SQLite) and `make test` (the whole suite). See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
APT_RUN := libpq-dev libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core gettext
APT_TEST := $(APT_RUN) chromium poppler-utils libzbar0 wrk postgresql-client default-jre-headless

.PHONY: run test system-deps-run system-deps-test system-deps-npm venv messages compilemessages lint bench demo worker clean

define apt_install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
			echo "Installing system packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "Please install these Debian/Ubuntu packages first: sudo apt-get install$$missing"; exit 1; \
		fi; \
	fi
endef

system-deps-run:
	$(call apt_install,$(APT_RUN))
	@# npm (Chart.js, axe-core): any npm will do, e.g. the one nodejs ships; Debian's package only when none is there.
	@command -v npm >/dev/null || $(MAKE) --no-print-directory system-deps-npm

system-deps-npm:
	$(call apt_install,npm)

system-deps-test: system-deps-run
	$(call apt_install,$(APT_TEST))

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11+ is needed"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

venv: $(VENV)/.installed

node_modules/.installed: package.json
	npm install --no-audit --no-fund --silent
	touch $@

compilemessages: venv
	$(BIN)/python manage.py compilemessages -v 0 --ignore=.venv --ignore=node_modules

messages: venv
	$(BIN)/python manage.py makemessages -l et -l en -l ru --no-obsolete --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=tests --ignore=bench

demo: venv compilemessages
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo

# The demo site: SQLite, the task worker beside the development server, demo log-ins printed.
run: system-deps-run venv node_modules/.installed demo
	@echo "Serving http://127.0.0.1:$(PORT)/  (admin: http://127.0.0.1:$(PORT)/admin/)"
	@$(BIN)/python manage.py db_worker >/dev/null 2>&1 & worker=$$!; \
	$(BIN)/python manage.py sweep --loop 300 >/dev/null 2>&1 & sweeper=$$!; \
	trap "kill $$worker $$sweeper 2>/dev/null" EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

worker: venv
	$(BIN)/python manage.py db_worker

# The whole suite: PostgreSQL when DATABASE_URL points at one, else SQLite.
test: system-deps-test venv node_modules/.installed compilemessages
	@if [[ "$${DATABASE_URL:-}" == postgres* ]]; then echo "Database: PostgreSQL ($${DATABASE_URL%%\?*})"; \
	else echo "Database: SQLite (tests marked 'postgres' are skipped; set DATABASE_URL=postgres://... to run them)"; fi
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: venv
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles
