"""`physvid run` and `physvid results` end to end: real papermill runs of a tiny notebook (4 kernel starts)."""
import csv, io, json
from pathlib import Path
import nbformat
import pytest

def tiny_notebook(path):
    "A parameters cell, a cell writing per-step metrics to out_dir (fails when x == 0), a print."
    nb = nbformat.v4.new_notebook()
    p = nbformat.v4.new_code_cell("x = 1\nout_dir = ''"); p.metadata['tags'] = ['parameters']
    nb.cells = [p, nbformat.v4.new_code_cell(
        "import json, os\nmse = [t / x for t in range(1, 11)]\n"
        "json.dump({'mse': mse, 'final': mse[-1]}, open(os.path.join(out_dir, 'metrics.json'), 'w'))"),
        nbformat.v4.new_code_cell("print('done', x)")]
    nb.metadata['kernelspec'] = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}
    nbformat.write(nb, path)
    return path

@pytest.fixture(scope='module')
def runs(tmp_path_factory):
    return tmp_path_factory.mktemp('runs')

@pytest.fixture(scope='module')
def nb(tmp_path_factory):
    return tiny_notebook(tmp_path_factory.mktemp('nb') / 'tiny.ipynb')

def test_run_one(physvid, nb, runs):
    r = physvid('run', nb, '-p', 'x', '2', '--runs-root', runs)
    assert r.returncode == 0, r.stderr
    d = Path(r.stdout.strip())
    assert d.parent == runs / 'tiny'
    assert {p.name for p in d.iterdir()} == {'tiny.ipynb', 'params.json', 'metrics.json', 'status.json'}
    assert json.loads((d / 'params.json').read_text()) == {'x': 2}
    assert json.loads((d / 'metrics.json').read_text())['final'] == 5.0

def test_run_failing_cell(physvid, nb, runs):
    r = physvid('run', nb, '-p', 'x', '0', '--runs-root', runs, '--name', 'broken')
    assert r.returncode == 1 and 'Traceback' not in r.stderr, r.stderr
    assert 'ZeroDivisionError' in r.stderr and 'cell [' in r.stderr and 'partial notebook kept at' in r.stderr
    partial = Path(r.stderr.strip().rsplit('kept at ', 1)[1])
    assert partial.is_file() and partial.parent.parent == runs / 'broken'
    status = json.loads((partial.parent / 'status.json').read_text())
    assert status['status'] == 'failed' and status['ename'] == 'ZeroDivisionError'
    assert str(status['cell']) in r.stderr

def test_run_unknown_param(physvid, nb, runs):
    r = physvid('run', nb, '-p', 'y', '1', '--runs-root', runs)
    assert r.returncode == 2 and 'unknown parameter(s) y' in r.stderr and 'valid: out_dir, x' in r.stderr, r.stderr

def test_run_grid_csv(physvid, nb, runs, tmp_path):
    grid = tmp_path / 'grid.csv'; grid.write_text('x\n4\n0\n')
    r = physvid('run', nb, '--grid', grid, '--runs-root', runs, '--name', 'grid')
    assert r.returncode == 1, r.stderr
    assert '1 of 2 runs failed' in r.stderr and "run 2 {'x': 0}" in r.stderr, r.stderr
    done = [Path(l) for l in r.stdout.split()]
    assert len(done) == 1 and json.loads((done[0] / 'params.json').read_text()) == {'x': 4}

def test_results_tables(physvid, runs, tmp_path):
    r = physvid('results', runs)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[0] == '| run | x | mse@1 | mse@10 | final |'
    assert len(lines) == 4  # header, rule, the x=2 and x=4 runs (failed runs have no metrics)
    out = tmp_path / 'res.csv'
    r = physvid('results', runs / 'tiny', runs / 'grid', '--format', 'csv', '--csv', out)
    assert r.returncode == 0, r.stderr
    assert r.stdout == out.read_text()
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert sorted((int(r['x']), float(r['mse@10'])) for r in rows) == [(2, 5.0), (4, 2.5)]

def test_run_keeps_kernel_stderr_off_the_terminal(physvid, tmp_path):
    "What the kernel process writes to its own stderr (ipykernel's shutdown races log tracebacks there) is not shown."
    nb = nbformat.v4.new_notebook()
    p = nbformat.v4.new_code_cell("x = 1"); p.metadata['tags'] = ['parameters']
    nb.cells = [p, nbformat.v4.new_code_cell("import os\nos.write(2, b'Traceback (kernel noise on fd 2)\\n')")]
    nb.metadata['kernelspec'] = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}
    nbformat.write(nb, tmp_path / 'noisy.ipynb')
    r = physvid('run', tmp_path / 'noisy.ipynb', '--runs-root', tmp_path / 'runs')
    assert r.returncode == 0, r.stderr
    assert 'kernel noise' not in r.stderr and 'Traceback' not in r.stderr, r.stderr
