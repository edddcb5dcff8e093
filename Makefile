# physvid: one command to set up and run the main job (`make demo`), one to set up and run every
# test (`make test`). Everything installs into the project virtual environment .venv/.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.physvid-installed

.PHONY: help setup demo test test-slow export clean-nbs docs readme bench lock clean

help:
	@echo "make demo   set up, then run the main job (writes runs/demo/)"
	@echo "make test   set up, then check sync/cleanliness, run every notebook and the pytest suite"
	@echo "make setup  create .venv, install what is missing (pinned by constraints.txt), fetch the I3D weights for FVD and MathJax for the HTML"
	@echo "make docs   execute and render every notebook to HTML under _site/ (reads offline: MathJax copied beside it)"
	@echo "make readme regenerate README.md from nbs/index.ipynb"
	@echo "make bench  print throughput and memory for every world and every model"

# the environment is installed once (a stamp); the I3D weights and MathJax steps run every time and have
# nothing to do when their checked files are there
setup: $(STAMP)
	@bash scripts/setup.sh --weights $(VENV)
	@bash scripts/setup.sh --mathjax $(VENV) || echo "setup: no MathJax: make docs and the demo's HTML report need it (bash scripts/setup.sh --mathjax $(VENV)); the tests do not"

$(STAMP): settings.ini setup.py constraints.txt
	@bash scripts/setup.sh --install $(VENV)
	@touch $(STAMP)

demo: setup
	@$(BIN)/python scripts/demo.py

test: setup
	@bash scripts/test.sh

test-slow: setup
	@FLAGS=slow bash scripts/test.sh

export: setup
	@$(BIN)/nbdev_export && $(BIN)/nbdev_clean

docs: setup
	@$(BIN)/python scripts/docs.py --execute _site nbs/*.ipynb

readme: setup
	@$(BIN)/python scripts/make_readme.py

bench: setup
	@$(BIN)/physvid bench worlds --sizes 32 64 && $(BIN)/physvid bench models

lock: setup
	@{ head -2 constraints.txt; $(BIN)/pip freeze --exclude-editable | grep -v '^physvid' | sed 's/+cpu$$//'; } > constraints.txt.new && mv constraints.txt.new constraints.txt

clean:
	rm -rf _site .pytest_cache .test-results
