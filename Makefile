# Two commands on a fresh machine with only python3:
#   make demo   set up, then validate, solve, verify and publish the bundled Pengshui sample, then plan
#               its change set (tongbu substitute) and verify that
#   make test   set up, then run the tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SAMPLE ?= samples/pengshui
OUT ?= out/pengshui

.PHONY: demo test setup clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/tongbu validate $(SAMPLE)
	$(BIN)/tongbu describe $(SAMPLE)
	$(BIN)/tongbu solve $(SAMPLE) --out $(OUT)
	$(BIN)/tongbu verify $(SAMPLE) $(OUT)
	if [ -d $(SAMPLE)/changes ]; then \
		$(BIN)/tongbu substitute $(SAMPLE) $(OUT) --changes $(SAMPLE)/changes --out $(OUT)-changed && \
		$(BIN)/tongbu verify $(SAMPLE) $(OUT)-changed; fi

test: $(STAMP)
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) out
