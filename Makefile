# The two commands a newcomer needs:  make run  (the assistant)  and  make test  (the suite).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.lock | cut -c1-16)

.PHONY: run test shell setup model lint validate test-flows lock clean bench

run: setup ## set up, train if needed, serve (REST :5005, demo page :8080) until Ctrl-C
	@$(PY) scripts/stack.py serve --demo-page

test: setup ## set up, then run the whole test suite
	@$(PY) -m pytest

shell: setup ## a terminal conversation (rasa shell) with the action server running
	@$(PY) scripts/stack.py shell

setup: $(STAMP)

# Re-install only when the lock file changed; the stamp's name carries its hash.
$(STAMP): requirements.lock
	@py=$$(scripts/find-python310) || exit 1; \
	if [ ! -x $(PY) ]; then echo "setup: creating $(VENV) from $$py"; $$py -m venv $(VENV); fi
	@echo "setup: installing locked dependencies (first time: about 3 minutes) ..."
	@$(PY) -m pip install -qq --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install -qq --disable-pip-version-check -r requirements.lock
	@rm -f $(VENV)/.installed-*; touch $@

model: setup ## train only if training data, domain or config changed
	@$(PY) scripts/stack.py model

# Our assistant against Rasa's default bot (bench/README.md); e.g. make bench ARGS=--quick
bench: setup
	@$(PY) -m bench.perf $(ARGS)

lint: setup
	@$(VENV)/bin/ruff check .

lock: ## regenerate requirements.lock from pyproject.toml
	@scripts/lock.sh

clean:
	rm -rf $(VENV) models .state .build
