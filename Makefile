# Two set-up commands for a fresh machine:
#   make demo   virtual environment + install + `lithiophile demo` (the main job)
#   make test   install with the test extras (+ mdbtools for Arbin .res) and run every test
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PIP     = $(BIN)/python -m pip --disable-pip-version-check

.PHONY: demo test lint bench mdbtools chromium mutate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip

# torch first, the CPU build (a local wheel): the atomistic extra (CHGNet, SevenNet) needs it,
# and any other torch would pull several GB of GPU packages. The demo runs every capability,
# so it needs the atomistic and deposition (JAX) extras.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install torch==2.13.0
	$(PIP) install -e ".[atomistic,deposition]"
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(BIN)/python
	$(PIP) install torch==2.13.0
	$(PIP) install -e ".[test,atomistic,deposition]"
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/lithiophile demo

# mdbtools' mdb-export reads Arbin .res files (an MS Access database); Debian/Ubuntu package.
mdbtools:
	@command -v mdb-export >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && apt-get install -y -qq mdbtools) >/dev/null; \
	  elif command -v sudo >/dev/null 2>&1; then (sudo apt-get update -qq && sudo apt-get install -y -qq mdbtools) >/dev/null; \
	  else echo "note: mdbtools not installed (apt-get install mdbtools); Arbin .res tests will skip"; fi; }

# Debian's chromium (and chromium-driver) for the browser tests of the report and dashboard
# (driven by Playwright with the system browser; `playwright install` is never needed).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && apt-get install -y -qq chromium chromium-driver) >/dev/null; \
	  elif command -v sudo >/dev/null 2>&1; then (sudo apt-get update -qq && sudo apt-get install -y -qq chromium chromium-driver) >/dev/null; \
	  else echo "note: chromium not installed (apt-get install chromium chromium-driver); browser tests will skip"; fi; }

test: $(VENV)/.test-installed mdbtools chromium
	$(BIN)/python -m pytest -n 2 -q

lint: $(VENV)/.test-installed
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

# Cross-check libraries that pin what the runtime must not get (cellpy: pandas<3) live in
# their own environment, so neither `make test` nor `make bench` changes what `make demo` made.
# Benchmarks find its interpreter in LITHIOPHILE_CROSSCHECK_PYTHON.
XVENV ?= $(VENV)/crosscheck
$(XVENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(XVENV)
	$(XVENV)/bin/python -m pip --disable-pip-version-check install -q "cellpy>=1.0"
	touch $@

bench: $(VENV)/.test-installed mdbtools $(XVENV)/.installed
	for b in benchmarks/bench_*.py; do echo "== $$b"; \
	  LITHIOPHILE_CROSSCHECK_PYTHON=$(XVENV)/bin/python $(BIN)/python $$b || exit 1; done

# Mutation testing with mutmut, outside CI (slow): every module in MUTATE (comma-separated) is
# mutated and MUTATE_TESTS run against each mutant. Other areas pass their own, e.g.
#   make mutate MUTATE=src/lithiophile/units.py MUTATE_TESTS=tests/test_units.py
MUTATE ?= src/lithiophile/echem/segments.py,src/lithiophile/echem/symmetric.py,src/lithiophile/echem/coulombic.py,src/lithiophile/echem/ccd.py,src/lithiophile/echem/nucleation.py,src/lithiophile/echem/supplied.py
MUTATE_TESTS ?= tests/echem/test_mutants_segments.py tests/echem/test_mutants_ccd.py tests/echem/test_mutants_nucleation.py tests/echem/test_mutants_supplied.py tests/echem/test_robust.py tests/echem/test_shorts.py tests/echem/test_formulas.py tests/echem/test_symmetric.py tests/echem/test_coulombic.py tests/echem/test_ccd.py tests/echem/test_nucleation.py tests/echem/test_voltage_only.py tests/echem/test_segments.py
# scripts/mutmut_fork.py runs each mutant's tests in a fork of a server that has imported the
# third-party modules once (seconds per mutant instead of tens); it stops the server at the end.
mutate: $(VENV)/.test-installed
	-$(BIN)/python scripts/mutmut_fork.py mutate --paths-to-mutate "$(MUTATE)" \
	  --tests "$(MUTATE_TESTS)"
	$(BIN)/mutmut results

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache .mypy_cache
