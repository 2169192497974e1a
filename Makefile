# Two commands on a fresh machine with Python 3.11+:
#   make serve   set up .venv, install the kit, start the workshop server (SQLite store)
#   make test    set up .venv with the test extra and run the whole suite
#   make lab     JupyterLab for working through the modules alone (answers kept on this computer)
PYTHON ?= python3
VENV   ?= .venv
HOST   ?= 127.0.0.1
PORT   ?= 8866
PYTEST_ARGS ?=

BIN := $(VENV)/bin

.PHONY: serve test demo lab bench translations clean-venv

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "The kit needs Python 3.11 or newer; this is " + sys.version.split()[0] + ". Run: make PYTHON=python3.11 serve")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

# axe-core (npm) for the accessibility checks in the browser tests; they skip without it.
AXE_VERSION ?= 4.14

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@if command -v npm >/dev/null 2>&1; then npm install --silent --no-audit --no-fund --prefix $(VENV)/axe axe-core@$(AXE_VERSION) \
		|| echo "axe-core could not be installed: the accessibility checks will skip"; \
	else echo "npm not found: the accessibility checks will skip"; fi
	@touch $@ $(VENV)/.installed

serve: $(VENV)/.installed
	$(BIN)/slkit serve --host $(HOST) --port $(PORT)

demo: $(VENV)/.installed
	$(BIN)/slkit demo

lab: $(VENV)/.installed
	$(BIN)/slkit lab

# Two test processes (pytest-xdist, a file stays in one process); then, on their own, the tests
# that stop the machine's PostgreSQL. (pytest's 5 means "no test selected", e.g. by PYTEST_ARGS.)
TEST_WORKERS ?= 2

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile -m "not alone" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m alone $(PYTEST_ARGS) || [ $$? -eq 5 ]

bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks

# Interface strings: extract them from the code into slkit/locale/slkit.pot, merge that into the
# en and nb catalogs (new strings arrive untranslated; tests/slkit/test_i18n.py fails until
# each has its Norwegian), and compile the catalogs the pages read.
translations: $(VENV)/.installed
	$(BIN)/pybabel --quiet extract -F babel.cfg --no-location --sort-output --omit-header -k N_ -k NP_:1c,2 -o slkit/locale/slkit.pot .
	$(BIN)/pybabel --quiet update --no-fuzzy-matching --ignore-obsolete -D slkit -i slkit/locale/slkit.pot -d slkit/locale
	$(BIN)/pybabel --quiet compile --statistics -D slkit -d slkit/locale

clean-venv:
	rm -rf $(VENV)
