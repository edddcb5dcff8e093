"""Shared fixtures for the pytest suite: paths and a runner for the installed `physvid` command."""
import os, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

@pytest.fixture
def physvid():
    "Run the installed `physvid` console script; returns the CompletedProcess (text mode)."
    def run(*args, timeout=300):
        env = {**os.environ, 'PYTHONHASHSEED': '0'}
        return subprocess.run([str(BIN / 'physvid'), *map(str, args)], capture_output=True, text=True,
                              timeout=timeout, env=env, cwd=ROOT)
    return run
