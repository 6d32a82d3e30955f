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
	mkdir -p out
	$(BIN)/crmclean profile examples/customers.csv
	$(BIN)/crmclean validate examples/customers.csv || true
	$(BIN)/crmclean clean examples/customers.csv -o out/cleaned.csv --rejects out/rejects.csv \
		--changes out/changes.csv --findings out/findings.csv
	@echo "outputs in out/: cleaned.csv rejects.csv changes.csv findings.csv"

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
