# Two commands: `make run` starts the app, `make test` runs every test. See README.md.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: install run test test-sqlite test-postgres system-deps check lock stack-test

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --requirement requirements.lock
	@touch $@

run: install
	@WITH_BROWSER=0 bash tools/system-deps.sh || echo "warning: code runs will fail until the packages above are installed"
	$(PY) -m interviewprep.launch

system-deps:
	bash tools/system-deps.sh

# The whole suite on SQLite, then again on PostgreSQL every test that opens the database (browser
# journeys and database-free tests are left out there: tests/conftest.py says why).
test: install system-deps test-sqlite test-postgres

test-sqlite: install
	$(PY) -m pytest

test-postgres: install
	DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest --database-dependent-only --ignore=tests/sandbox

# The production stack built and run on Docker from a clean clone of HEAD (root; minutes; not part of `make test`).
# Needs dockerd and docker-compose running here (README.md, Production: the stack test).
stack-test:
	$(PYTHON) tests/deploy/stack_test.py

check: install
	$(PY) manage.py check
	$(PY) -m sandbox check

# Re-pin requirements.lock from pyproject.toml's ranges (run after changing dependencies).
lock:
	rm -rf /tmp/interviewprep-lock && $(PYTHON) -m venv /tmp/interviewprep-lock
	$(PYTHON) -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
	  print("\n".join(p["dependencies"] + p["optional-dependencies"]["test"]))' > /tmp/interviewprep-lock/ranges.txt
	/tmp/interviewprep-lock/bin/pip install --quiet --requirement /tmp/interviewprep-lock/ranges.txt
	/tmp/interviewprep-lock/bin/pip freeze > requirements.lock
