# Two commands on a fresh machine: `make demo` and `make test`. Each sets up .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench bench-agencies bench-jobs lint setup clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/offduty demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/offduty bench

# A night of 50 generated agencies on 1 process, 2 processes and a local Dask cluster.
bench-agencies: $(STAMP)
	$(BIN)/offduty -v bench-agencies --agencies 50 --time-limit 1 --out benchmarks/AGENCIES.md

# A minute of sustained durable-job load on a real server, then a flood beyond its queue.
bench-jobs: $(STAMP)
	$(BIN)/offduty bench-jobs --duration 60 --clients 4 --out benchmarks/JOBS_LOAD.md

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
