# The two commands a newcomer needs:  make run  (the assistant)  and  make test  (the suite).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.lock | cut -c1-16)

.PHONY: run test check eval shell summary setup model lint generate test-flows lock clean cluster-up cluster-down bench

run: setup ## set up, train if needed, serve (REST :5005, demo page :8080) until Ctrl-C
	@$(PY) -m scripts.stack serve --demo-page

test: setup ## set up, then run the whole test suite
	@$(PY) -m pytest

# The tiers are pytest markers (tests/conftest.py): model, server, browser, topology.
check: setup ## every hermetic test (no model, no server, no browser): about a minute
	@$(PY) -m pytest -q -m "not (model or server or browser or topology)"

shell: setup ## a terminal conversation (rasa shell) with the action server; the summary at the end
	@$(PY) -m scripts.stack shell

summary: ## the therapist's summary of a conversation's last check: make summary ID=<conversation id>
	@test -n "$(ID)" || { echo "usage: make summary ID=<conversation id> (RASA_API_TOKEN as for make run)"; exit 2; }
	@$(PY) -m scripts.summary "$(ID)"

test-flows: setup ## only the client conversations in tests/conversations/ (docs/therapists.md)
	@$(PY) -m pytest tests/server/test_conversations.py -q

setup: $(STAMP)

# Re-install only when the lock file changed; the stamp's name carries its hash.
$(STAMP): requirements.lock
	@py=$$(scripts/find-python310) || exit 1; \
	if [ ! -x $(PY) ]; then echo "setup: creating $(VENV) from $$py"; $$py -m venv $(VENV); fi
	@echo "setup: installing locked dependencies (first time: about 3 minutes) ..."
	@$(PY) -m pip install -qq --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install -qq --disable-pip-version-check -r requirements.lock
	@rm -f $(VENV)/.installed-*; touch $@

# The scaled topology on this machine (docs/deployment.md): PostgreSQL, Redis, two Rasa and
# two action-server replicas behind nginx; installs the Debian packages it needs (as root).
cluster-up: setup ## start the cluster in the background (assistant on :5005 through nginx)
	@$(PY) -m scripts.cluster up --detach

cluster-down: ## stop what cluster-up started
	@$(PY) -m scripts.cluster down

model: setup ## train only if training data, domain or config changed
	@$(PY) -m scripts.stack model

# How well the assistant understands clients as they write, on the frozen blind banks
# (README "Measuring understanding"); e.g. make eval ARGS="--bank 2026-12-02b --part all"
eval: setup
	@$(PY) -m bench.understanding $(ARGS)

# Our assistant against Rasa's default bot (bench/README.md); e.g. make bench ARGS=--quick
bench: setup
	@$(PY) -m bench.perf $(ARGS)

lint: setup
	@$(VENV)/bin/ruff check .

generate: setup ## rewrite the files derived from the protocol and the patches (scripts/generate.py)
	@$(PY) -m scripts.generate

lock: ## regenerate requirements.lock from pyproject.toml
	@scripts/lock.sh

clean:
	rm -rf $(VENV) models .state .build
