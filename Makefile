# The verbs a newcomer needs. `make run` and `make test` are all it takes on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Every command below sees them, so the links the site e-mails and prints (SITE_URL, unless set)
# name the address runserver really listens on.
export HOST PORT

.PHONY: install run serve test test-fast lint format messages compilemessages migrations-check bench mutation mutation-again mutation-report clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) compilemessages

# Compiled catalogues are build output: made from the committed .po files on every setup.
compilemessages: $(STAMP)
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv --verbosity 0

run: install
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(PY) manage.py load_demo
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(PY) manage.py demo_two_factor
	# The mail worker runs beside the server and stops with it.
	export DJANGO_DEBUG=$${DJANGO_DEBUG-1}; \
	$(PY) manage.py send_queued_mail --loop & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# Production: settings from the environment (README, "Configuration"; docs/deploy.md). Migrates,
# collects static files, then serves with several workers plus the mail worker and the scheduled
# commands until SIGTERM or Ctrl-C stops them all.
serve: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	exec $(PY) manage.py serve --host $(HOST) --port $(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: install
	$(PY) -m pytest -m "not browser" $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

messages: $(STAMP)
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -l ko -l en --ignore=.venv --ignore=bench --no-obsolete

migrations-check: $(STAMP)
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

# Benchmarks print their figures and conditions; each takes several minutes (see bench/README.md).
bench: install
	$(PY) bench/faq_search.py
	$(PY) bench/tickets_ingest.py
	$(PY) bench/tickets_webform.py

# Mutation testing of refunds/, tickets/mail/ and the FAQ search ([tool.mutmut] in pyproject.toml):
# a fresh mutants/ each time, then the kill rate per module (fails below 80 % in an area). Every
# mutant takes hours on a busy 2-core machine; SAMPLE=150 runs 150 random ones per area instead
# (tests/mutation_sample.py). MUTATION_CHILDREN sets how many mutants run side by side. mutmut is
# driven by tests/mutation_sample.py, which leaves out its second whole-suite pass (see there).
MUTATION_CHILDREN ?= 2
mutation: compilemessages
	rm -rf mutants
ifeq ($(SAMPLE),)
	$(PY) tests/mutation_sample.py --all --max-children $(MUTATION_CHILDREN)
else
	$(PY) tests/mutation_sample.py --per-area $(SAMPLE) --max-children $(MUTATION_CHILDREN)
endif
	$(PY) tests/mutation_report.py --fail-under 80

# After adding tests: run the named mutants of the last run again (keeps mutants/), e.g.
# make mutation-again MUTANTS="refunds.forms.x_clean__mutmut_3 refunds.views.x_status__mutmut_1",
# or every survivor: make mutation-again MUTANTS="$(.venv/bin/python tests/mutation_report.py --names)"
mutation-again: $(STAMP)
	$(PY) tests/mutation_sample.py --again $(MUTANTS) --max-children $(MUTATION_CHILDREN)
	$(PY) tests/mutation_report.py

# The last run's table again, with every surviving mutant as a one-line diff.
mutation-report: $(STAMP)
	$(PY) tests/mutation_report.py --survivors

clean:
	rm -rf mutants $(VENV) staticfiles .pytest_cache
