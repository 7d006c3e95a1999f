# Two set-up commands for a fresh machine:
#   make demo   virtual environment + install + `lithiophile demo` (the main job)
#   make test   install with the test extras (+ mdbtools for Arbin .res) and run every test
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PIP     = $(BIN)/python -m pip --disable-pip-version-check

.PHONY: demo test lint bench mdbtools clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

# torch first, the CPU build (a local wheel): the atomistic extra (CHGNet, SevenNet) needs it,
# and any other torch would pull several GB of GPU packages.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install torch==2.13.0
	$(PIP) install -e ".[atomistic]"
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(PIP) install torch==2.13.0
	$(PIP) install -e ".[test,atomistic]"
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/lithiophile demo

# mdbtools' mdb-export reads Arbin .res files (an MS Access database); Debian/Ubuntu package.
mdbtools:
	@command -v mdb-export >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && apt-get install -y -qq mdbtools) >/dev/null; \
	  elif command -v sudo >/dev/null 2>&1; then (sudo apt-get update -qq && sudo apt-get install -y -qq mdbtools) >/dev/null; \
	  else echo "note: mdbtools not installed (apt-get install mdbtools); Arbin .res tests will skip"; fi; }

test: $(VENV)/.test-installed mdbtools
	$(BIN)/python -m pytest -n 2 -q

lint: $(VENV)/.test-installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

bench: $(VENV)/.test-installed mdbtools
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache .mypy_cache
