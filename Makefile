# Tutti: the three commands a newcomer needs.
#
#   make run     install what is missing, build the SPA and the server, seed the demo data,
#                serve on http://127.0.0.1:8080
#   make test    the Rust API tests (SQLite, and PostgreSQL when TEST_DATABASE_URL is set)
#                and the browser tests in Debian's Chromium
#   make bench   throughput and latency of the API on SQLite and PostgreSQL, uploads too
#                (BENCH_SCENARIOS=uploads make bench runs only those)
#
# Builds go to $(CARGO_TARGET_DIR), by default outside the work tree so that a fresh
# clone (CI's, for one) reuses the previous build instead of starting cold.

SHELL := /bin/bash

CARGO_TARGET_DIR ?= $(HOME)/.cache/tutti/target
export CARGO_TARGET_DIR
export TRUNK_SKIP_VERSION_CHECK := true
# wasm-opt from npm's binaryen (project-local), then cargo-installed tools (trunk, wasm-bindgen).
CARGO_HOME ?= $(HOME)/.cargo
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(CARGO_HOME)/bin:$(PATH)

.PHONY: run test bench openapi setup setup-test web server clean-data help

help:
	@echo "make run    build everything and serve the demo on http://127.0.0.1:8080"
	@echo "make test   run every test (set TEST_DATABASE_URL to include PostgreSQL)"
	@echo "make bench  measure the API on SQLite and PostgreSQL (BENCH_SCENARIOS=uploads: uploads only)"
	@echo "make openapi  rewrite openapi/openapi.json from the code"

run:
	@scripts/run.sh

test:
	@scripts/test.sh

bench:
	@scripts/bench.sh

# Rewrites the committed OpenAPI document from the code (a test fails when they differ).
openapi:
	cargo run -q -p tutti-api -- openapi > openapi/openapi.json

# The pieces, for when you want only one of them.
setup:
	@scripts/setup-tools.sh

setup-test:
	@scripts/setup-tools.sh --test

web: setup
	@scripts/build-web.sh

server:
	cargo build -p tutti-api

clean-data:
	rm -rf data
