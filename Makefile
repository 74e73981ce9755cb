# Every target makes .venv when it is missing and reuses it afterwards; the
# venv's bin/ comes first on PATH (nbgrader runs `alembic` from there).
VENV := .venv
BIN := $(abspath $(VENV))/bin
export PATH := $(BIN):$(PATH)
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test build lab bench system lock

# Debian packages, installed only when missing: bubblewrap (the grader's OS sandbox) and
# chromium (tests/test_browser.py drives it with Playwright; nothing downloads a browser)
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

system:
	@missing=""; \
	command -v bwrap >/dev/null 2>&1 || missing="$$missing bubblewrap"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	if [ -n "$$missing" ] && command -v apt-get >/dev/null 2>&1; then \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	elif [ -n "$$missing" ]; then \
		echo "warning: install$$missing with your system's package manager"; \
	fi

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test,torch,cluster]'
	touch $@

# The one pinned environment (make, the student bundle, grading): resolve pyproject.toml's
# ranges afresh and write every version to constraints.txt. Commit the result.
lock:
	rm -rf .lock-venv && python3 -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet '.[test,torch,cluster]'
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^cnn-course' > constraints.txt
	rm -rf .lock-venv

demo: system $(STAMP)
	cnn-course demo

test: system $(TEST_STAMP)
	python -m pytest -n 2 --dist loadgroup --durations=25

build: $(STAMP)
	cnn-course build

# JupyterLab on release/, with nbgrader's extensions and this course's exchange folder; as
# root (a container) it adds --allow-root. More options: make lab LAB_ARGS="--port 8890 --no-browser"
LAB_ARGS ?=
lab: $(STAMP)
	mkdir -p exchange
	jupyter lab --ServerApp.root_dir=release $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

# Speed of the reference layers against PyTorch and naive loops (benchmarks/run.py);
# needs the torch extra for the PyTorch ratios, like the tests.
bench: $(TEST_STAMP)
	python -m benchmarks
