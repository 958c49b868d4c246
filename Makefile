# Quick start:  make demo   (set up .venv, run examples/matmul.py end to end)
#               make test   (set up .venv, run pytest and the lit/FileCheck suite)

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lit pytest bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "need $(PYTHON) on PATH (or make PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch from the CPU wheel this machine keeps on disk (a bare `torch` may pull a CUDA build)
	$(BIN)/pip install --quiet "torch==2.13.0"
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python examples/matmul.py --demo

pytest: $(STAMP)
	$(BIN)/python -m pytest -q -W error::DeprecationWarning

lit: $(STAMP)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/lit -q filecheck_tests

test: pytest lit

bench: $(STAMP)
	$(BIN)/python benchmarks/bind_emit.py
	$(BIN)/python benchmarks/dispatch.py

clean:
	rm -rf $(VENV) .pytest_cache
