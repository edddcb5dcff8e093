#!/usr/bin/env bash
# Create the project virtual environment and install what is missing, pinned by constraints.txt
# (torch 2.13.0 CPU and the nbdev 2.4.14 set), so a fresh machine never pulls a CUDA build.
set -euo pipefail
venv=${1:-.venv}
py=${PYTHON:-python3}
if [ ! -x "$venv/bin/python" ]; then
  echo "setup: creating the virtual environment $venv with $($py --version 2>&1)"
  "$py" -m venv "$venv"
else
  echo "setup: using the existing virtual environment $venv"
fi
echo "setup: installing physvid (editable) and its pinned dependencies; pip skips what is already there"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  -c constraints.txt -e ".[dev]"
echo "setup: registering the 'python3' Jupyter kernel of $venv for papermill and nbdev_test"
"$venv/bin/python" -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (physvid)" >/dev/null
echo "setup: done ($("$venv/bin/python" -c 'import torch; print("torch", torch.__version__)'))"
