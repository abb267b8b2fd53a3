# helpsvc: `make run` serves the help site; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HELPSVC := $(VENV)/bin/helpsvc
SHARED ?= ../shared

.PHONY: run install index check test eval eval-pii bench demo clean

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

test: install
	$(PY) -m pytest -q

eval: install
	$(PY) eval/known_item.py --shared $(SHARED)

eval-pii: install
	$(PY) eval/pii.py

bench: install
	$(PY) bench/run.py --shared $(SHARED)

demo: install index
	$(HELPSVC) demo-data --admin demo

clean:
	rm -rf $(VENV) var indexes/builds indexes/CURRENT
