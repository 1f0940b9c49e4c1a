# Two commands do everything: `make demo` and `make test`. Each creates the virtual
# environment, installs the package and makes sure Graphviz is present.

VENV      ?= .venv
BIN       := $(VENV)/bin
# The first Python >= 3.11 found on PATH.
PYTHON    ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && { echo $$p; break; }; done)
STAMP     := $(VENV)/.installed
# Test processes run side by side (pytest-xdist); each takes whole test files.
JOBS      ?= auto

.PHONY: demo test lint pytest graphviz chromium engines samples bench clean

$(STAMP): setup.cfg pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: Python 3.11 or newer is needed — install it and retry" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

graphviz:
	@bash scripts/ensure-graphviz.sh

chromium:
	@bash scripts/ensure-chromium.sh

## PostgreSQL's server programs and Java, for the engine tests (tests/test_engines.py).
engines:
	@bash scripts/ensure-postgresql.sh
	@bash scripts/ensure-java.sh

## The main job on the bundled sample logs, into reports/ (see README "Quick start").
demo: $(STAMP) graphviz chromium
	$(BIN)/bottleneck analyze event_logs/one_stop_shop_before.csv -o reports/one_stop_shop_before --format svg,png
	$(BIN)/bottleneck analyze event_logs/one_stop_shop_after.csv -o reports/one_stop_shop_after --format svg,png
	$(BIN)/bottleneck compare event_logs/one_stop_shop_rollout.csv --split 2025-04-14 --deadline 15d -o reports/rollout_compare --format svg,png
	$(BIN)/bottleneck drift event_logs/one_stop_shop_rollout.csv -o reports/rollout_drift
	$(BIN)/bottleneck causes event_logs/one_stop_shop_after.csv -o reports/one_stop_shop_after_causes
	$(BIN)/bottleneck discover event_logs/one_stop_shop_after.csv -o reports/one_stop_shop_after_model --format svg,png
	$(BIN)/bottleneck report event_logs/one_stop_shop_rollout.csv --split 2025-04-14 --deadline 5wd -o reports/rollout_report

## Lint, type-check and run the whole test suite.
test: $(STAMP) graphviz chromium engines lint pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests tools benchmarks event_logs
	$(BIN)/mypy src

pytest: $(STAMP)
	$(BIN)/python -m pytest -n $(JOBS) --dist loadfile

## Regenerate the simulated sample logs (deterministic).
samples: $(STAMP)
	$(BIN)/python event_logs/make_samples.py

## Benchmarks against pm4py (minutes; see benchmarks/README.md).
bench: $(STAMP)
	$(BIN)/python benchmarks/generate.py 100000 1000000 10000000
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) reports/*/ .pytest_cache .mypy_cache .ruff_cache
