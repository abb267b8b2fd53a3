# helpsvc: `make run` serves the help site; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HELPSVC := $(VENV)/bin/helpsvc
SHARED ?= ../shared

.PHONY: run install index check test eval eval-bundle eval-pii bench soak demo models messages clean

run: install index
	$(HELPSVC) serve

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

index: install
	$(HELPSVC) index

check: install
	$(HELPSVC) check

test: install node_modules/.installed
	$(PY) -m pytest -q --cov --cov-branch --cov-report=term

# axe-core for the accessibility checks in the browser tests (skipped with a message without it).
node_modules/.installed: package.json
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund && touch $@; \
	else echo "npm not found: browser accessibility tests will be skipped"; fi

eval: install
	$(PY) eval/known_item.py --shared $(SHARED)

# The offline bundle's own search (MiniSearch in Node) beside the server's, on the readers' short queries.
eval-bundle: install node_modules/.installed
	$(PY) eval/bundle_search.py --shared $(SHARED)

eval-pii: install
	$(PY) eval/pii.py
	$(PY) eval/pii.py --through-api

bench: install
	$(PY) bench/run.py --shared $(SHARED)

# 10,000 requests of readers and hostile input against a real server: no 5xx, flat memory, nothing lost;
# then a worker, the scrubber process and (with HELPSVC_TEST_POSTGRES_URL) PostgreSQL taken away under load.
soak: install
	$(PY) bench/soak.py
	$(PY) bench/faults.py

# The name tagger's model: trained from generated text and the help articles, same seed, same bytes.
models: install
	$(PY) -m pip install -q -e '.[models]'
	$(PY) -m helpsvc.privacy.detectors.train_names --articles content $(SHARED)/corpus

# The UI catalogs: the English source text extracted from the code and templates (babel.cfg) into
# messages.pot, then merged into each language's messages.po; new or changed strings come out empty or
# fuzzy for a translator (tests/test_i18n.py fails until they are done). The site reads the .po files.
LOCALE_DIR := helpsvc/locale
messages: install
	$(VENV)/bin/pybabel extract -F babel.cfg --add-comments=Translators: --sort-by-file \
		--project=helpsvc --version=0.1.0 --copyright-holder=helpsvc -o $(LOCALE_DIR)/messages.pot .
	$(VENV)/bin/pybabel update -i $(LOCALE_DIR)/messages.pot -d $(LOCALE_DIR) -D messages --ignore-obsolete

demo: install index
	$(HELPSVC) demo-data --admin demo

clean:
	rm -rf $(VENV) var indexes/builds indexes/CURRENT
