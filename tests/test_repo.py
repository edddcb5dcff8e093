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

def _every_world(text):
    "World -> size -> (ratio to cosmo, times as fast as the `--before` checkout, cosmo's frames/s) from `compare_worlds.py`'s section (f)."
    import re
    out = {}
    for line in text.splitlines():
        m = re.match(r"\| \(f\) `(\w+)`, 16 videos x 60 frames, (\d+) px.*?\| ([\d,]+) frames/s \| ([\d.]+) \| [\d,]+ frames/s; this one ([\d.]+)x as fast \|$", line)
        if m: out.setdefault(m[1], {})[int(m[2])] = (float(m[4]), float(m[5]), int(m[3].replace(',', '')))
    return out

def test_readme_every_world_table():
    "The README's every-world table and its counts are `results/compare_worlds.md`'s section (f), as measured."
    runs = _every_world((ROOT / 'results' / 'compare_worlds.md').read_text())
    assert len(runs) == 14 and all(sorted(v) == [32, 64, 128, 256] for v in runs.values()), runs
    readme = (ROOT / 'README.md').read_text()
    def cell(r, x, _): return (f'**{r:.2f}**' if r >= 3 else f'{r:.2f}') + (f' ({x:.0f}x)' if x >= 9.5 else f' ({x:.1f}x)' if x >= 1.25 else '')
    for w, d in runs.items():
        assert f'| `{w}` | ' + ' | '.join(cell(*d[s]) for s in (32, 64, 128, 256)) + ' |' in readme, w
    at3 = [sum(d[s][0] >= 3 for d in runs.values()) for s in (32, 64, 128, 256)]
    assert f'worlds at 3 or more: **{at3[0]} of 14** / {at3[1]} / {at3[2]} / {at3[3]}' in readme
    below64 = [(w, d[64][0]) for w, d in runs.items() if d[64][0] < 3]
    assert (' and '.join(f'`{w}` ({r:.2f}x)' for w, r in below64) in readme) if below64 else 'every world at 32 and 64 px (14 and 14 of 14)' in readme
    both = [w for w, d in runs.items() if d[128][0] >= 3 and d[256][0] >= 3]
    assert f"at 128 and 256 px every world but {' and '.join(f'`{w}`' for w in both)}" in readme
    hds = [runs[w][s][1] for w in ('mass_spring', 'pendulum', 'double_pendulum', 'two_body', 'three_body') for s in (32, 64)]
    assert f'{min(hds):.0f}-{max(hds):.0f}x as fast at 32 and 64 px' in readme
    bound = {int(l.split('|')[1].split()[0]): [float(x.split()[0]) for x in l.split('|')[2:6]]
             for l in (ROOT / 'results' / 'render_bound.md').read_text().splitlines() if l[:2] == '| ' and l[2].isdigit()}
    cosmo128 = runs['ramp'][128][2]
    assert f'together {bound[128][3]:.1f} us of the {1e6 / cosmo128 / 3:.1f} us a frame that 3x cosmo allows' in readme
