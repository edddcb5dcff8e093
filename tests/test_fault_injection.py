"""Fault injection (#18): SIGKILL at seeded random points during `physvid world`, `physvid train` and `physvid run`, then check
what a kill -9 may leave: the previous output intact (byte-identical) or the new one complete and valid; `train --resume`
reaching the uninterrupted run's weights bit for bit; and no temp file or lock left once the next run has finished.

Each command is killed several times in a row (a chain of kills on the same output), so kills land during start-up, the
work, the atomic writes and the resumes. tests/test_resume_sigkill.py kills a Learner script once, after a checkpoint;
this file kills the installed command line at random points."""
import hashlib, json, os, random, signal, subprocess, sys, time
from pathlib import Path
import numpy as np
import pytest
import torch
from physvid.data import load_world
from physvid.learner import load_checkpoint

BIN = Path(sys.executable).parent / 'physvid'
ENV = {**os.environ, 'PYTHONHASHSEED': '0', 'OMP_NUM_THREADS': '1'}
KILLS = 5                                                             # kill points per command (4 for run)
SMALL = ['--set', 'hidden=4', '--set', 'context=3', '--set', 'horizon=2', '--set', 'batch_size=2', '--quiet']

def _start(*args):
    return subprocess.Popen([str(BIN), *map(str, args)], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

def _run(*args, timeout=120):
    r = subprocess.run([str(BIN), *map(str, args)], env=ENV, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, (args, r.stderr)
    return r

def _timed(*args) -> float:
    t0 = time.perf_counter(); _run(*args); return time.perf_counter() - t0

def _proc_stat(pid:int) -> list[str]:
    "Fields of /proc/PID/stat after the command name: [state, ppid, ...]; [] once the process is gone."
    try: return Path(f'/proc/{pid}/stat').read_text().rsplit(')', 1)[1].split()
    except (OSError, IndexError): return []

def _alive(pid:int) -> bool: return _proc_stat(pid)[:1] not in ([], ['Z'])

def _children(pid:int) -> set[int]:
    "Every live descendant of `pid` (from /proc)."
    kids = {}
    for d in Path('/proc').iterdir():
        if d.name.isdigit() and len(st := _proc_stat(int(d.name))) > 1: kids.setdefault(int(st[1]), []).append(int(d.name))
    out, todo = set(), [pid]
    while todo:
        new = [c for c in kids.get(todo.pop(), []) if c not in out]
        out.update(new); todo += new
    return out

def _kill_after(p:subprocess.Popen, delay:float, after=None) -> bool:
    "SIGKILL `p` `delay` seconds after it started (or after `after()` first holds) unless it ended first; waits for its children (a papermill kernel) to go too. True if killed."
    while after is not None and p.poll() is None and not after(): time.sleep(0.01)
    try: p.wait(timeout=delay)
    except subprocess.TimeoutExpired: pass
    kids = _children(p.pid)
    killed = p.poll() is None
    if killed: p.send_signal(signal.SIGKILL)
    p.communicate(timeout=30)
    t0 = time.time()
    while any(map(_alive, kids)):
        assert time.time() - t0 < 20, 'a child of the killed process (the kernel?) lives on'
        time.sleep(0.1)
    return killed

def _litter(root:Path) -> list[Path]:
    "Temp files of atomic_write and run-folder locks anywhere below `root`."
    return sorted(p for p in root.rglob('.*') if p.name.endswith('.tmp') or p.name == '.lock')

def _digest(folder:Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob('*')) if p.is_file()}

def _delays(seed:int, span:float, kills:int=KILLS) -> list[float]:
    "`kills` seeded kill times spread over the command's span (start-up included)."
    rng = random.Random(seed)
    return [rng.uniform(0.15, 1.0) * span for _ in range(kills)]

def test_world_killed_leaves_old_or_new_file(tmp_path):
    args = ('world', 'bouncing_balls', '--n', 256, '--frames', 20, '--size', 32)
    ref, out = tmp_path / 'ref' / 'w.npz', tmp_path / 'w.npz'
    span = _timed(*args, '--seed', 2, '--out', ref)
    _run(*args, '--seed', 1, '--out', out)
    sha = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()
    old, new = sha(out), sha(ref)
    assert old != new
    seen, before = [], out.read_bytes()
    for delay in _delays(18, span):
        out.write_bytes(before)                                          # each kill replaces the previous file anew
        killed = _kill_after(_start(*args, '--seed', 2, '--out', out), delay)
        now = sha(out)
        assert now in (old, new), f'killed after {delay:.2f} s: {out} is neither the previous file nor the new one'
        seen.append((killed, now == new, len(_litter(tmp_path))))                  # a temp file left: killed while writing
        if now == new: load_world(out)                                   # complete and valid
    print(f'world: span {span:.1f} s, (killed, new file complete, temp files left) per kill: {seen}')                 # shown with pytest -s
    assert sum(k for k, _, _ in seen) >= 3, f'fewer than 3 kills landed before the command ended: {seen}'
    _run(*args, '--seed', 2, '--out', out)                               # the next run
    assert sha(out) == new and _litter(tmp_path) == []

def _recover(world, out):
    "What a user does after a kill: resume if a checkpoint was saved, else start again (the folder holds no run yet)."
    if (out / 'last.pt').exists(): return _start('train', '--resume', out, '--quiet')
    return _start('train', 'convlstm', '--world', world, '--steps', 24, '--out', out, '--set', 'checkpoint_every=1', *SMALL)

def test_train_killed_then_resumed_matches_uninterrupted(tmp_path):
    world = tmp_path / 'w.npz'
    _run('world', 'one_body', '--n', 4, '--frames', 6, '--size', 16, '--out', world)
    full, cut = tmp_path / 'full', tmp_path / 'cut'
    train = ('train', 'convlstm', '--world', world, '--steps', 24, '--set', 'checkpoint_every=1', *SMALL)
    t0, p = time.perf_counter(), _start(*train, '--out', full)
    while p.poll() is None and not (full / 'last.pt').exists(): time.sleep(0.02)
    ready = time.perf_counter() - t0                                 # start-up: imports, data, model, first step
    _, err = p.communicate(timeout=120); span = time.perf_counter() - t0
    assert p.returncode == 0, err
    rng = random.Random(180)                                         # kills during start-up (a time since the start), and during training:
    when = ['start', 'train', 'train', 'start', 'train']             # after a random number of new checkpoints (one a step), plus up to 0.1 s
    delays = [rng.uniform(0.3, 1.0) * ready if w == 'start' else rng.uniform(0, 0.1) for w in when]
    saves = [rng.randint(1, 5) for _ in when]
    steps, kills, left = [], 0, []
    for w, delay, k in zip(when, delays, saves):
        seen_ = [(cut / 'last.pt').stat().st_mtime_ns if (cut / 'last.pt').exists() else 0]
        def saved():                                                 # the k-th checkpoint this process wrote
            m = (cut / 'last.pt').stat().st_mtime_ns if (cut / 'last.pt').exists() else 0
            if m != seen_[-1]: seen_.append(m)
            return len(seen_) > k
        kills += _kill_after(_recover(world, cut), delay, saved if w == 'train' else None)
        left.append(len([f for f in _litter(cut) if f.name != '.lock']))       # temp files: killed while writing
        if (cut / 'config.json').exists(): json.loads((cut / 'config.json').read_text())      # never half-written
        if (cut / 'last.pt').exists():
            steps.append(load_checkpoint(cut / 'last.pt')['step'])                          # loads: complete
            assert steps == sorted(steps), f'last.pt went back in time: {steps}'
    print(f'train: start-up {ready:.1f} s of {span:.1f} s, kills at {[f"{w} + {d:.2f} s" if w == "start" else f"{k} saves + {d:.2f} s" for w, d, k in zip(when, delays, saves)]}, {kills} landed, last.pt steps after each: {steps}, temp files left: {left}')
    assert kills >= 3, f'only {kills} kills landed before the command ended'
    p = _recover(world, cut); _, err = p.communicate(timeout=120)
    assert p.returncode == 0, err
    a, b = load_checkpoint(full / 'last.pt'), load_checkpoint(cut / 'last.pt')
    assert a['step'] == b['step'] == 24, (a['step'], b['step'])
    assert a['model'].keys() == b['model'].keys()
    for k in a['model']: assert torch.equal(a['model'][k], b['model'][k]), f'{k} differs after kills at steps {steps}'
    sa, sb = a['opts']['opt']['state'], b['opts']['opt']['state']
    for i in sa:
        for k in sa[i]: assert torch.equal(torch.as_tensor(sa[i][k]), torch.as_tensor(sb[i][k])), f'optimiser {k} of {i} differs'
    assert _litter(cut) == [], _litter(cut)

NB = '''
import json, time
from pathlib import Path
from physvid.core import save_json
for i in range(steps):
    save_json({'i': i, 'x': list(range(2000))}, Path(out_dir) / 'metrics.json')
    time.sleep(0.05)
'''

def _notebook(path:Path):
    import nbformat as nbf
    nb = nbf.v4.new_notebook(); nb.metadata['kernelspec'] = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}
    p = nbf.v4.new_code_cell("steps = 10\nout_dir = ''"); p.metadata['tags'] = ['parameters']
    nb.cells = [p, nbf.v4.new_code_cell(NB)]
    nbf.write(nb, path)

def _check_runs(root:Path):
    "Every run folder is finished (status ok, metrics and notebook readable) or visibly unfinished (no status.json)."
    for d in (root / 'nb').iterdir():
        if (d / 'status.json').exists():
            assert json.loads((d / 'status.json').read_text())['status'] == 'ok'
            assert json.loads((d / 'metrics.json').read_text())['i'] == 19
            json.loads((d / 'nb.ipynb').read_text())

def test_run_killed_leaves_earlier_runs_intact(tmp_path):
    nb, root = tmp_path / 'nb.ipynb', tmp_path / 'runs'
    _notebook(nb)
    span = _timed('run', nb, '--runs-root', root, '-p', 'steps', 20)
    first = next((root / 'nb').iterdir())
    before = _digest(first)
    kills = 0
    for delay in _delays(1800, span, 4):                           # 4: each run starts a kernel (slow)
        kills += _kill_after(_start('run', nb, '--runs-root', root, '-p', 'steps', 20), delay)
        assert _digest(first) == before, 'a killed run changed an earlier run folder'
        _check_runs(root)
        r = subprocess.run([str(BIN), 'results', root], env=ENV, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0 and 'Traceback' not in r.stderr, r.stderr
    print(f'run: span {span:.1f} s, {kills} kills, run folders: {sorted((d.name, (d / "status.json").exists()) for d in (root / "nb").iterdir())}')
    assert kills >= 3, f'only {kills} kills landed before the command ended'
    _run('run', nb, '--runs-root', root, '-p', 'steps', 20)                # the next run of the notebook
    _check_runs(root)
    assert _digest(first) == before and _litter(tmp_path) == [], _litter(tmp_path)
