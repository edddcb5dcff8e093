"""Processes against processes, through the installed `physvid` script (#18): the run-folder lock, stale locks and temp
files of killed writers, SIGINT/SIGTERM during train (last.pt saved, how to resume, 130/143), world and run
(stopped cleanly, nothing half-written), and resume with a moved world file."""
import json, os, signal, subprocess, sys, time
from pathlib import Path
import pytest
from physvid.learner import load_checkpoint

BIN = Path(sys.executable).parent / 'physvid'
ENV = {**os.environ, 'PYTHONHASHSEED': '0', 'OMP_NUM_THREADS': '1'}
SMALL = ['--set', 'hidden=4', '--set', 'context=3', '--set', 'horizon=2', '--set', 'batch_size=2', '--quiet']

def _default_signals():
    """In the child: SIGINT back to its default. A shell starting a job in the background without job control sets it to
    ignored, and an ignored signal survives exec: the Ctrl-C tests would then measure the launcher, not physvid."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)

def _start(*args):
    return subprocess.Popen([str(BIN), *map(str, args)], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=_default_signals)

def _run(*args, timeout=300):
    return subprocess.run([str(BIN), *map(str, args)], env=ENV, capture_output=True, text=True, timeout=timeout)

def _wait_for(cond, p, what, limit=120):
    t0 = time.time()
    while not cond():
        assert p.poll() is None, f'the process ended before {what}: {p.communicate()}'
        assert time.time() - t0 < limit, f'no {what} after {limit} s'
        time.sleep(0.05)

def _dead_pid():
    p = subprocess.Popen([sys.executable, '-c', 'pass']); p.wait(); return p.pid

@pytest.fixture(scope='module')
def world(tmp_path_factory):
    path = tmp_path_factory.mktemp('w') / 'w.npz'
    r = _run('world', 'one_body', '--n', 4, '--frames', 6, '--size', 16, '--out', path)
    assert r.returncode == 0, r.stderr
    return path

def _long_train(world, out):
    "A run long enough to be caught in the middle (a checkpoint every step)."
    return _start('train', 'convlstm', '--world', world, '--steps', 100000, '--out', out, '--set', 'checkpoint_every=1', *SMALL)

@pytest.mark.parametrize('sig', [signal.SIGINT, signal.SIGTERM])
def test_lock_then_signal_then_resume(world, tmp_path, sig):
    out = tmp_path / 'run'
    a = _long_train(world, out)
    _wait_for(lambda: (out / 'last.pt').exists(), a, 'a first checkpoint')
    assert (out / '.lock').read_text().split()[0] == str(a.pid)
    b = _run('train', 'convlstm', '--world', world, '--steps', 2, '--out', out, *SMALL)      # a second writer of the same folder
    assert b.returncode == 1 and b.stderr.count('\n') == 1 and f'locked by process {a.pid}' in b.stderr, b.stderr
    a.send_signal(sig)
    _, err = a.communicate(timeout=120)
    assert a.returncode == 128 + sig, (a.returncode, err)
    assert f'interrupted ({sig.name})' in err and f'continue with: physvid train --resume {out}' in err and 'Traceback' not in err, err
    step = load_checkpoint(out / 'last.pt')['step']
    assert 0 < step < 100000 and f'after step {step};' in err, (step, err)          # last.pt holds the step it stopped at
    assert not (out / '.lock').exists() and not list(out.glob('.*.tmp'))
    r = _run('train', '--resume', out, '--steps', step + 2, '--quiet')
    assert r.returncode == 0 and f'step {step + 2}' in r.stdout, r.stderr
    assert load_checkpoint(out / 'last.pt')['step'] == step + 2

def test_stale_lock_and_temp_files_of_a_dead_process(world, tmp_path):
    out, dead = tmp_path / 'run', _dead_pid()
    out.mkdir(); (out / 'pictures').mkdir()
    (out / '.lock').write_text(f'{dead}\n')                                       # what a SIGKILLed train leaves
    litter = [out / f'.last.pt.{dead}.k2j4h5g6.tmp', out / f'.metrics.json.{dead}.a1b2c3d4.tmp', out / 'pictures' / f'.step_000002.png.{dead}.zz11yy22.tmp']
    for f in litter: f.write_bytes(b'half a file')
    r = _run('train', 'convlstm', '--world', world, '--steps', 2, '--out', out, *SMALL)
    assert r.returncode == 0, r.stderr
    assert f'taking over a stale lock of process {dead}, which no longer runs' in r.stderr
    assert not any(f.exists() for f in litter) and not (out / '.lock').exists()
    w2 = tmp_path / 'w2.npz'; tmp = tmp_path / f'.w2.npz.{dead}.q9w8e7r6.tmp'; tmp.write_bytes(b'half')
    assert _run('world', 'one_body', '--n', 2, '--frames', 4, '--size', 16, '--out', w2).returncode == 0
    assert w2.is_file() and not tmp.exists()                                      # the world command cleans its own litter too

def test_resume_with_a_moved_world(world, tmp_path):
    out, moved = tmp_path / 'run', tmp_path / 'elsewhere' / 'w.npz'
    w = tmp_path / 'w.npz'; w.write_bytes(world.read_bytes())
    assert _run('train', 'convlstm', '--world', w, '--steps', 2, '--out', out, *SMALL).returncode == 0
    moved.parent.mkdir(); w.rename(moved)
    r = _run('train', '--resume', out, '--steps', 3, '--quiet')
    assert r.returncode == 2 and 'is missing; pass the world file explicitly (--world)' in r.stderr, r.stderr
    r = _run('train', '--resume', out, '--world', moved, '--steps', 3, '--quiet')
    assert r.returncode == 0 and 'step 3' in r.stdout, r.stderr
    assert json.loads((out / 'config.json').read_text())['world'] == str(moved.resolve())
    r = _run('train', '--resume', out, '--steps', 2)                               # below the step reached: an error, config untouched
    assert r.returncode == 2 and 'must be >= 3' in r.stderr
    assert json.loads((out / 'config.json').read_text())['steps'] == 3

def test_world_stops_cleanly_on_sigint(tmp_path):
    out = tmp_path / 'slow.npz'
    p = _start('world', 'pendulum', '--n', 1000, '--frames', 1000, '--size', 16, '--substeps', 1000, '--out', out)  # about 100 s (C kernel)
    time.sleep(8)                                                                 # well past the imports: inside the simulation
    assert p.poll() is None
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130 and err.strip().count('\n') == 0 and 'interrupted (SIGINT)' in err and 'Traceback' not in err, err
    assert list(tmp_path.iterdir()) == []                                        # no file, no temp file

def test_run_stops_cleanly_on_sigint(tmp_path):
    import nbformat as nbf
    nb = nbf.v4.new_notebook(); nb.metadata['kernelspec'] = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}
    c = nbf.v4.new_code_cell('x = 1'); c.metadata['tags'] = ['parameters']
    nb.cells = [c, nbf.v4.new_code_cell("open('started', 'w').close()\nimport time; time.sleep(120)")]
    nbf.write(nb, tmp_path / 'sleepy.ipynb')
    p = _start('run', tmp_path / 'sleepy.ipynb', '--runs-root', tmp_path / 'runs')
    _wait_for(lambda: (tmp_path / 'started').exists(), p, 'the notebook started')
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode == 130 and 'interrupted (SIGINT)' in err and 'Traceback' not in err, err
    assert not list((tmp_path / 'runs').rglob('*.ipynb')) and not list((tmp_path / 'runs').rglob('params.json'))   # no half-made run folder

@pytest.mark.parametrize('delay', [0.3, 0.8, 1.5])
def test_ctrl_c_while_starting(tmp_path, delay):
    "Ctrl-C while physvid is still importing torch and the library: one line, no traceback."
    p = _start('world', 'pendulum', '--n', 1000, '--frames', 1000, '--size', 16, '--substeps', 1000, '--out', tmp_path / 'w.npz')   # about 100 s
    time.sleep(delay); p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    assert p.returncode in (130, -signal.SIGINT) and 'Traceback' not in err, (p.returncode, err)   # -2: before Python's own handler
    assert list(tmp_path.iterdir()) == []

def test_two_trains_started_together(world, tmp_path):
    "The issue's case: two `train --out same` at once. One run owns the folder; the other is refused; config and weights agree."
    out = tmp_path / 'same'
    ps = [_start('train', 'convlstm', '--world', world, '--steps', 3, '--out', out, '--seed', s, *SMALL) for s in (1, 2)]
    res = [(p.wait(timeout=300), *p.communicate()) for p in ps]
    codes = sorted(r[0] for r in res)
    assert codes in ([0, 1], [0, 2]), res                                        # never two successes
    loser = next(r for r in res if r[0] != 0)
    assert ('locked by process' in loser[2]) if loser[0] == 1 else ('already holds a run' in loser[2]), loser
    winner = [s for s, r in zip((1, 2), res) if r[0] == 0][0]
    cfg = json.loads((out / 'config.json').read_text())
    assert cfg['seed'] == winner and load_checkpoint(out / 'last.pt')['cfg']['seed'] == winner

def test_world_shows_progress_on_a_terminal(tmp_path):
    "A world that takes more than 3 s keeps one self-rewriting progress line on a terminal's stderr, cleared at the end."
    import pty
    master, slave = pty.openpty()
    p = subprocess.Popen([str(BIN), 'world', 'pendulum', '--n', '1000', '--frames', '100', '--size', '16', '--substeps', '1000',   # about 10 s
                          '--out', str(tmp_path / 'p.npz')], env=ENV, stdout=subprocess.PIPE, stderr=slave, text=True)
    os.close(slave)
    err = b''
    while True:
        try: chunk = os.read(master, 4096)
        except OSError: break                                                   # EIO: the process closed the terminal
        if not chunk: break
        err += chunk
    out, _ = p.communicate(timeout=120); os.close(master)
    assert p.returncode == 0 and out.startswith('wrote '), (p.returncode, out, err)
    lines = err.split(b'\r')
    assert any(l.startswith(b'physvid world: simulating ') and b's left' in l for l in lines), err
    assert b'\n' not in err and err.endswith(b'\r') and not err.split(b'\r')[-2].strip(), err      # cleared: the last line written is blank

def test_ctrl_c_while_parsing_arguments(monkeypatch, capsys):
    "Ctrl-C while the argument parser is built (it imports lazily, so under load it can land there): one line, status 130."
    import physvid.cli as cli
    def interrupted(): raise KeyboardInterrupt()
    monkeypatch.setattr(cli, 'make_parser', interrupted)
    assert cli.main(['world', '--list']) == 130
    err = capsys.readouterr().err
    assert err.count('\n') == 1 and err.startswith('physvid: interrupted (SIGINT)') and 'Traceback' not in err, err
