# Voices: `make run` for the site with a demo contest, `make test` for the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
export VOICES_PORT ?= 8000
export VOICES_HOST ?= 127.0.0.1
export SITE_URL ?= http://$(VOICES_HOST):$(VOICES_PORT)

.PHONY: run test fuzz bench lint messages makemessages install install-dev migrate storage demo clean lock

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed-runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed-runtime
install-dev: $(VENV)/.installed-dev

# Compile translations with Babel, so no system gettext is needed.
messages: $(VENV)/.installed-runtime
	$(VENV)/bin/pybabel compile --domain django --directory locale

# Extract strings into locale/*/LC_MESSAGES/django.po (needs GNU gettext).
makemessages: $(VENV)/.installed-runtime
	$(PY) manage.py makemessages --all --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=benchmarks

migrate: install messages
	$(PY) manage.py migrate --noinput

# With S3 settings: makes the bucket, lets anyone read published files and nothing else, and checks it.
storage: install
	$(PY) manage.py prepare_storage

demo: migrate storage
	$(PY) manage.py seed_demo

run: demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo
	@echo "Voices is starting on $(SITE_URL)/  (Ctrl-C stops the web server, the worker and beat)"
	@echo
	$(VENV)/bin/honcho start --procfile Procfile

test: install-dev messages
	$(PY) -m pytest

# The fuzz suite for longer than CI runs it, with fresh random examples; prints every request that got a 5xx.
FUZZ_EXAMPLES ?= 5000
FUZZ_SECONDS ?= 600
fuzz: install-dev messages
	FUZZ_RANDOM=1 FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) FUZZ_SECONDS=$(FUZZ_SECONDS) \
		$(PY) -m pytest tests/hostile/test_fuzz.py -p no:cacheprovider -s -q

# B7 and B8 need PostgreSQL: this machine's, as the test suite uses, unless DATABASE_URL names another.
bench: install-dev messages
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(PY) -m benchmarks

lint: install-dev
	$(VENV)/bin/ruff check .

lock:
	$(VENV)/bin/pip-compile --strip-extras --no-header --allow-unsafe requirements.in -o requirements.txt

clean:
	rm -rf var test-results
