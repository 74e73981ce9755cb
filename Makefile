# Every target makes .venv when it is missing and reuses it afterwards; the
# venv's bin/ comes first on PATH (nbgrader runs `alembic` from there).
VENV := .venv
BIN := $(abspath $(VENV))/bin
export PATH := $(BIN):$(PATH)
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test build lab bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,torch]'
	touch $@

demo: $(STAMP)
	cnn-course demo

test: $(TEST_STAMP)
	python -m pytest -n 2 --dist loadgroup

build: $(STAMP)
	cnn-course build

lab: $(STAMP)
	jupyter lab --ServerApp.root_dir=release

# Speed of the reference layers against PyTorch and naive loops (benchmarks/run.py);
# needs the torch extra for the PyTorch ratios, like the tests.
bench: $(TEST_STAMP)
	python -m benchmarks
