# The two set-up commands of the README, and the tools around them. Everything lives in .venv.
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: run test lint bench bench-scale soak format compilemessages messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

## make compilemessages: the translations' .mo files from each locale/'s .po (gettext's msgfmt; never committed)
compilemessages:
	@find src/candor -path '*/locale/*/LC_MESSAGES/*.po' | while read -r po; do \
		msgfmt --check-format -o "$${po%.po}.mo" "$$po" || exit 1; done

## make messages: extract the marked strings into the .po files of every app with a locale/ (docs/translating.md)
# The shipped languages other than English: keep in step with settings.LANGUAGES (a test checks each has its .po).
LANGS := -l fr -l de -l es -l ar
messages: $(VENV)/.installed-test
	cd src/candor && for dir in */locale; do (cd "$${dir%/locale}" && DJANGO_SETTINGS_MODULE=candor.settings \
		../../../$(BIN)/django-admin makemessages $(LANGS) --no-location --no-obsolete); done
	cd src/candor && DJANGO_SETTINGS_MODULE=candor.settings ../../$(BIN)/django-admin makemessages $(LANGS) \
		--no-location --no-obsolete --ignore=static $$(for d in */; do [ -f "$$d/__init__.py" ] && echo "--ignore=$${d%/}"; done)

## make run: install, migrate a local SQLite file, load the sample wiki, serve on http://127.0.0.1:8000
run: $(VENV)/.installed-run compilemessages
	$(BIN)/candor migrate --noinput
	$(BIN)/candor load_sample
	CANDOR_HTTPS=false $(BIN)/candor runserver 127.0.0.1:8000

## make test: install with the test extras and run the whole suite (SQLite unless DATABASE_URL says otherwise)
test: $(VENV)/.installed-test compilemessages
	$(BIN)/pytest

## make lint: ruff, and the layers of DESIGN.md read from the imports (tests/test_layers.py)
lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/pytest -q tests/test_layers.py

format: $(VENV)/.installed-test
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

## make bench: the speed figures of docs/performance.md (gunicorn on 127.0.0.1, load from a second process)
bench: $(VENV)/.installed-test compilemessages
	$(BIN)/python bench/run.py

## make bench-scale: the growth curves of docs/performance.md (10,000 and 100,000 pages; SIZES=... for more)
$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@ $(VENV)/.installed-test $(VENV)/.installed-run

bench-scale: $(VENV)/.installed-bench
	$(BIN)/python bench/scale.py $(if $(SIZES),--sizes $(SIZES))

## make soak: a mixed load on gunicorn (SQLite, then PostgreSQL with Redis) and the checks of docs/reliability.md
## "Load held": nothing lost, no 5xx, flat memory and queue, no canary leaked. DURATION seconds on each database.
DURATION ?= 600
soak: $(VENV)/.installed-test compilemessages
	$(BIN)/python bench/soak.py --seconds $(DURATION)
