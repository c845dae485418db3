# The two commands: `make serve` (preview the sample site) and `make test` (the whole suite).
# Both set everything up first; set-up is quick when already done.
SHELL := /bin/bash
VENV := .venv/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve build test check lint bench

setup:
	@./build_tools/setup.sh

serve: setup
	$(VENV)/culture serve --address 127.0.0.1:8000

test: setup
	$(VENV)/ruff check build_tools tests benchmarks
	$(VENV)/pytest

build: setup
	$(VENV)/culture build

check: setup
	$(VENV)/culture check

lint: setup
	$(VENV)/ruff check build_tools tests benchmarks
	$(VENV)/ruff format --check build_tools tests benchmarks

# make bench ONLY="preview build" SIZES="sample 1000": some benchmarks, or other sizes
bench: setup
	$(VENV)/python -m pip install -q --disable-pip-version-check -e '.[test,bench]'
	$(VENV)/python benchmarks/run.py $(if $(ONLY),--only $(ONLY)) $(if $(SIZES),--sizes $(SIZES))
