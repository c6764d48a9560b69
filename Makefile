# Two commands do everything on a fresh machine:
#   make run    install, build spaCy pipelines, train if data/config changed, start the servers
#   make test   the same set-up, then every test (see README)

VENV    := .venv
BIN     := $(VENV)/bin
PY      := $(BIN)/python
RASA    := $(BIN)/rasa
MODEL   := models/bot.tar.gz
SPACY   := build/spacy/.built
STAMP   := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
CHROMIUM := /usr/bin/chromium
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
TRAINING_INPUTS := config.yml $(wildcard domain/*.yml) $(shell find data -name '*.yml') $(wildcard bot/components/*.py)

export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false
export PYTHONWARNINGS := ignore::DeprecationWarning

.PHONY: run test test-fast lint install install-test train validate test-conversations test-python evaluate-nlu crossval safety-report bench bench-knowledge soak bench-starter lock clean

run: $(MODEL)
	$(PY) -m bot run

test: lint validate test-conversations test-python

# Unit tests only: no trained model, no servers, no browser (pytest markers in pyproject.toml)
test-fast: $(TEST_STAMP) $(SPACY)
	$(PY) -m pytest -m "not model and not servers and not browser" -q

lint: $(TEST_STAMP)
	$(BIN)/ruff check bot actions tests bench
	$(BIN)/ruff format --check bot actions
	$(BIN)/mypy

install: $(STAMP)

$(STAMP): requirements.txt pyproject.toml scripts/find_python.sh
	@python310=$$(scripts/find_python.sh) && echo "Using $$python310" && "$$python310" -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip==24.0
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

install-test: $(TEST_STAMP)

# Test and lint tools, pinned in their own file: `make run` does without them.
$(TEST_STAMP): $(STAMP) requirements-test.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

$(SPACY): $(STAMP) bot/tools/spacy_pipelines.py
	$(PY) -m bot build-spacy
	touch $@

train: $(MODEL)

# Rasa skips work itself when nothing changed; the stamp keeps `make run` from
# even asking when no training input is newer than the model.
$(MODEL): $(STAMP) $(SPACY) $(TRAINING_INPUTS)
	$(PY) -m bot.rasa_main train --domain domain --fixed-model-name bot --out models
	touch $@

validate: $(STAMP) $(SPACY)
	@mkdir -p results
	$(RASA) data validate --domain domain --fail-on-warnings 2>&1 | tee results/validate.log
	@! grep -E "UserWarning|WARNING " results/validate.log || (echo "rasa data validate printed warnings" && false)

test-conversations: $(MODEL)
	$(PY) -m bot.rasa_main test core --model $(MODEL) --stories tests/ --fail-on-prediction-errors --out results/conversations

test-python: $(TEST_STAMP) $(MODEL) $(CHROMIUM)
	$(PY) -m pytest

# Browser tests drive Debian's Chromium with Playwright (Playwright's own browser
# download does not work offline). Installs it when missing (needs root or sudo).
$(CHROMIUM):
	@echo "Installing Debian's chromium for the browser tests"
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium

evaluate-nlu: $(STAMP) $(SPACY)
	$(PY) -m bot evaluate-nlu

safety-report: $(MODEL)
	$(PY) -m bot safety-report

bench: $(MODEL)
	$(PY) bench/load.py

# 30 minutes of mixed traffic with faults injected (not part of `make test`)
soak: $(MODEL)
	$(PY) bench/soak.py --minutes 30

bench-knowledge: $(STAMP) $(SPACY)
	$(PY) bench/knowledge.py

bench-starter: $(STAMP)
	$(PY) bench/starter.py

crossval: $(STAMP) $(SPACY)
	$(PY) -m bot crossval

lock: $(STAMP)
	sed -n 's/==.*/==/p' requirements-test.txt > $(VENV)/test-only.txt
	$(BIN)/pip freeze --exclude-editable | grep -v -i -F -f $(VENV)/test-only.txt \
		| sed '1i # Pinned dependencies (full lock, Python 3.10). Direct ones: requirements.in. Regenerate: make lock' > requirements.txt

clean:
	rm -rf $(VENV) build models results var .rasa
