"""The repository is consistent: the package is what the notebooks export, the notebooks are clean,
and the notebooks a user opens keep papermill's `parameters` tags."""
import json, shutil, subprocess, sys, filecmp
from pathlib import Path
import pytest
from conftest import ROOT, BIN

def _copy_project(dst):
    for name in ('nbs', 'physvid'): shutil.copytree(ROOT / name, dst / name, ignore=shutil.ignore_patterns('__pycache__'))
    for name in ('settings.ini', 'setup.py', 'README.md'): shutil.copy(ROOT / name, dst / name)

def _diff(a, b):
    "Relative paths that differ between folders a and b (added, removed or changed files)."
    out, cmp = [], filecmp.dircmp(a, b, ignore=['__pycache__'])
    def walk(c, rel):
        out.extend(str(rel / n) for n in c.left_only + c.right_only + c.diff_files)
        for n, sub in c.subdirs.items(): walk(sub, rel / n)
    walk(cmp, Path('.'))
    return out

def test_export_in_sync(tmp_path):
    "nbdev_export would not change physvid/: notebooks and package agree."
    _copy_project(tmp_path)
    r = subprocess.run([str(BIN / 'nbdev_export')], cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    changed = _diff(ROOT / 'physvid', tmp_path / 'physvid')
    assert not changed, f"run `nbdev_export`: physvid/ is out of sync with nbs/ in {changed}"

def test_notebooks_clean(tmp_path):
    "nbdev_clean would not change any notebook."
    _copy_project(tmp_path)
    r = subprocess.run([str(BIN / 'nbdev_clean')], cwd=tmp_path, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    changed = _diff(ROOT / 'nbs', tmp_path / 'nbs')
    assert not changed, f"run `nbdev_clean`: these notebooks are not clean: {changed}"

@pytest.mark.parametrize('nb', sorted(p.name for p in (ROOT / 'nbs').glob('*.ipynb')))
def test_notebook_kernel_and_no_outputs(nb):
    "Every notebook runs on the `python3` kernel and is committed without outputs."
    d = json.loads((ROOT / 'nbs' / nb).read_text())
    assert d['metadata'].get('kernelspec', {}).get('name') == 'python3', f"{nb}: kernel must be python3"
    with_out = [i for i, c in enumerate(d['cells']) if c['cell_type'] == 'code' and c.get('outputs')]
    assert not with_out, f"{nb}: cells {with_out} carry outputs"

def test_readme_in_step_with_index():
    "README.md is what `make readme` makes from nbs/index.ipynb."
    sys.path.insert(0, str(ROOT / 'scripts'))
    from make_readme import notebook_to_markdown
    readme = (ROOT / 'README.md').read_text(encoding='utf-8')
    assert readme.endswith(notebook_to_markdown(ROOT / 'nbs' / 'index.ipynb')), 'run `make readme`'
