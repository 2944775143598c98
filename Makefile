# Two commands on a fresh machine: `make demo` and `make test`. Each sets up .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench bench-refs bench-agencies bench-jobs lint readme setup clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[all,dev]"
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/offduty demo
	@echo "offduty is installed in $(VENV): run 'source $(BIN)/activate' to put it on PATH,"
	@echo "or call $(BIN)/offduty. 'offduty serve --db out/demo/offduty.db' starts the console (/) and the API (/docs)."

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 -m "not serial"
	$(BIN)/python -m pytest -m serial

# The family suite (under 15 min on 2 cores); `offduty bench` is still the single-family run.
bench: $(STAMP)
	$(BIN)/offduty bench-suite

# HiGHS references at 12x each limit, stored in benchmarks/refs/ (about an hour on 2 cores).
bench-refs: $(STAMP)
	nice $(BIN)/offduty bench-suite --refs

# A night of 50 generated agencies on 1 process, 2 processes and a local Dask cluster.
bench-agencies: $(STAMP)
	$(BIN)/offduty -v bench-agencies --agencies 50 --time-limit 1 --out benchmarks/AGENCIES.md

# A minute of sustained durable-job load on a real server, then a flood beyond its queue.
bench-jobs: $(STAMP)
	$(BIN)/offduty bench-jobs --duration 60 --clients 4 --out benchmarks/JOBS_LOAD.md

# Re-run the commands whose output README.md shows (scenario tables) and rewrite those blocks;
# `--all` also the time-limited ones, `--check` only compares.
readme: $(STAMP)
	$(BIN)/python scripts/readme_outputs.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
