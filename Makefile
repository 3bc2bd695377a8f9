# The two set-up commands: `make run` and `make test`. Both work on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# Smart Turn's ONNX file, copied out of the pipecat-ai wheel at install time (voices/turn/install.py)
TURN_MODEL := $(VENV)/share/walkaway/smart-turn-v3.2-cpu.onnx
# glibc gives each worker thread its own malloc arena; with the speech models' threads that
# grows resident memory call after call (soak: +118 MB over 60 calls, +49 MB with 2 arenas).
export MALLOC_ARENA_MAX ?= 2
APT_PACKAGES := espeak-ng ffmpeg sox chromium haproxy

.PHONY: run test eval deps system-deps fixtures lint clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

# Debian packages the tests use (a second voice for fixtures, decoders). Installed only when
# missing, and only where we may (root with apt-get).
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "please install:$$missing"; fi; \
	fi

$(TURN_MODEL): | $(VENV)/bin/python
	$(PY) voices/turn/install.py

deps: $(STAMP) $(TURN_MODEL)

run: $(STAMP) $(TURN_MODEL)
	$(VENV)/bin/walkaway serve

test: system-deps $(TEST_STAMP) $(TURN_MODEL)
	$(PY) -m pytest

# Full evaluations: figures for docs/ (docs/transcripts.md); `make test` runs a sample.
eval: system-deps $(TEST_STAMP) $(TURN_MODEL)
	$(PY) scripts/make_stt_corpus.py --part tune
	$(PY) scripts/eval_stt.py --part test --path live --path accurate --json build/stt_eval/test.json
	$(PY) scripts/eval_stt.py --part tune --json build/stt_eval/tune.json
	$(PY) scripts/eval_moves.py tests/data/moves/fresh_2026-11-30e.yaml tests/data/moves/fresh_2026-11-30d.yaml tests/data/moves/fresh_2026-11-30c.yaml tests/data/moves/fresh_2026-11-30b.yaml tests/data/moves/fresh_2026-11-30.yaml tests/data/moves/fresh_2026-11-29b.yaml tests/data/moves/fresh_2026-11-29.yaml tests/data/moves/frozen_test.yaml tests/data/moves/tune.yaml tests/data/moves/tune_extra.yaml tests/data/moves/tune_more.yaml tests/data/moves/tune_own.yaml tests/data/moves/tune_multi.yaml tests/data/moves/tune_long2.yaml tests/data/moves/tune_styles3.yaml tests/data/moves/tune_implicit4.yaml tests/data/moves/tune_offers4.yaml tests/data/moves/tune_ramble5.yaml tests/data/moves/tune_variety6.yaml tests/data/moves/tune_context7.yaml tests/data/moves/tune_short8.yaml --doc docs/moves.md
	$(PY) scripts/eval_turns.py --json build/turn_eval/turns.json

fixtures: $(STAMP)
	$(PY) scripts/make_fixtures.py

clean:
	rm -rf $(VENV) build *.egg-info
