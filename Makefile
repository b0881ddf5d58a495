# 廉防 — two commands: `make run` (platform with demo data) and `make test` (the test suite).
PORT ?= 8000
HOST ?= 127.0.0.1
PYTEST_ARGS ?= -n 2
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint serve demo clean

$(BIN)/lianfang: pyproject.toml
	test -x $(BIN)/python || "$$(bin/find-python)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(BIN)/lianfang node_modules/.package-lock.json

run: install
	$(BIN)/lianfang demo
	$(BIN)/lianfang collectstatic --noinput -v0
	$(BIN)/lianfang serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lianfang makemigrations --check --dry-run

clean:
	rm -rf $(VENV) node_modules var/static
