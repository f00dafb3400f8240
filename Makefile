# Two commands on a fresh Debian machine with python3: `make demo` and `make test`.
# Both create .venv in the repo root, install the package with its test extra, make sure a Chromium
# exists (Playwright's download first, Debian's chromium package where that cannot be reached);
# `make test` also makes sure Tesseract exists (Debian's tesseract-ocr), to read the run's pictures.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-fast bench bench-renderings bench-every-step setup browser ocr sandbox screenshots clean

# The sandbox practice holds a provider in conflict on purpose, so the demo's run exits 1 (a provider
# needs a person); only 2 (the run could not start) fails `make demo`.
demo: setup
	@$(PY) -m robot --sandbox || { rc=$$?; [ $$rc -eq 1 ] && echo "(exit 1: the sandbox practice has a provider in conflict on purpose; see the report)"; [ $$rc -eq 1 ]; }

# The whole suite, its independent tests side by side on TEST_WORKERS processes (pytest-xdist): they mostly
# wait on browsers and subprocesses, so 3 workers keep 2 cores busy. --dist loadgroup keeps the tests that share
# a fixture (a seeded run, a module's server) and the ones marked `alone` together (tests/conftest.py).
TEST_WORKERS ?= 3
test: setup ocr
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup

# The unit tests alone, in one process: no browser, seconds.
test-fast: setup
	$(PY) -m pytest tests/unit

# The benchmark of docs/benchmarks.md, the command it was made with (about 15 minutes on 2 cores); it rewrites that file.
bench: setup
	$(PY) -m robot.bench --sizes 50,200 --workers 1 --skins default --repeat 3 --write docs/benchmarks.md

# Each rendering beside its own bare baseline (about 35 minutes); it rewrites docs/benchmarks-renderings.md.
bench-renderings: setup
	$(PY) -m robot.bench --sizes 200 --workers 1 --skins default,legacy,modern,spa --repeat 3 --write docs/benchmarks-renderings.md

# What screenshots: every-step costs beside the evidence pictures (about 12 minutes); it rewrites docs/benchmarks-every-step.md.
bench-every-step: setup
	$(PY) -m robot.bench --sizes 200 --workers 1 --repeat 3 --screenshots every-step --write docs/benchmarks-every-step.md

sandbox: setup
	$(PY) -m robot.sandbox

screenshots: setup
	$(PY) scripts/sandbox_screenshots.py
	$(PY) scripts/report_screenshot.py

setup: $(STAMP) browser

$(PY):
	$(PYTHON) -m venv $(VENV) || { \
	  echo "python3 -m venv failed; installing Debian's python3-venv"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq python3-venv; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq python3-venv; fi && \
	  $(PYTHON) -m venv $(VENV); }

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

browser: $(STAMP)
	$(PY) -m robot.browser --ensure

# The tests read the run's pictures with Tesseract (tests/e2e/test_pictures_ocr.py): Debian's tesseract-ocr,
# through apt-get as root or sudo, as Chromium is. A test-only need: `make demo` does not install it.
ocr: $(STAMP)
	$(PY) tests/ocr_helpers.py --ensure

clean:
	rm -rf $(VENV) runs .pytest_cache
