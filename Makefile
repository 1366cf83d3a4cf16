# Two commands on a fresh machine with Python >= 3.11: `make serve` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO ?= demo-workbook
PORT ?= 8866
HOST ?= 127.0.0.1
EXPECT ?= 2

.PHONY: serve test lint bench docs clean screenshots

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Appraise needs Python 3.11 or newer (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

serve: $(VENV)/.installed  ## Create the demo workbook if needed and serve all three dashboards
	$(VENV)/bin/appraise demo $(DEMO)
	$(VENV)/bin/appraise serve --workbook $(DEMO) --host $(HOST) --port $(PORT) --expect $(EXPECT)

test: $(VENV)/.installed  ## Install the test extras and run the whole suite
	$(VENV)/bin/ruff check reviews widgets tests benchmarks
	$(VENV)/bin/ruff format --check reviews widgets tests benchmarks
	$(VENV)/bin/mypy
	$(PY) -m pytest

screenshots: $(VENV)/.installed  ## Rewrite the guides' screenshots in docs/screenshots (browser tests)
	APPRAISE_SCREENSHOTS=1 $(PY) -m pytest -m browser tests/widgets/test_learner_browser.py \
		tests/widgets/test_tutor_browser.py tests/export/test_export_browser.py

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix reviews widgets tests benchmarks
	$(VENV)/bin/ruff format reviews widgets tests benchmarks

bench: $(VENV)/.installed  ## Run the benchmarks and rewrite their reports in benchmarks/
	$(PY) benchmarks/bench_storage.py
	$(PY) benchmarks/bench_dashboard.py
	$(PY) benchmarks/bench_aggregation.py
	$(PY) benchmarks/bench_search.py
	$(PY) benchmarks/bench_postgres.py

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .ruff_cache
