"""The model commands end to end through the installed `physvid` script: models, train (every registered model), SIGKILL + resume, evaluate, rollout, leaderboard."""
import json, os, signal, subprocess, sys, time
from pathlib import Path
import numpy as np
import pytest
import torch
from physvid.models.base import list_models

BIN = Path(sys.executable).parent
SMALL = ['--set', 'hidden=4', '--set', 'context=3', '--set', 'horizon=2']   # a tiny ConvLSTM

@pytest.fixture(scope='module')
def world(tmp_path_factory):
    path = tmp_path_factory.mktemp('w') / 'balls.npz'
    r = subprocess.run([str(BIN / 'physvid'), 'world', 'bouncing_balls', '--n', '12', '--frames', '12', '--size', '16',
                        '--seed', '0', '--out', str(path)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return path

def _step(path):
    from physvid.learner import load_checkpoint
    return load_checkpoint(path)['step']

ENV = {**os.environ, 'PYTHONHASHSEED': '0', 'OMP_NUM_THREADS': '1'}   # one thread: the same float sums in every run

def _train(world, out, steps, *extra):
    return subprocess.Popen([str(BIN / 'physvid'), 'train', 'convlstm', '--world', str(world), '--steps', str(steps), '--out', str(out),
                             '--quiet', '--seed', '3', '--set', 'checkpoint_every=1', *SMALL, *extra],
                            env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

def test_models_lists_every_registered_model(physvid):
    r = physvid('models')
    assert r.returncode == 0, r.stderr
    names = [l.split()[0] for l in r.stdout.splitlines() if l and not l.startswith(' ')]
    assert 'convlstm' in names and len(names) == len(set(names))

def test_train_sigkill_resume_evaluate_rollout(world, tmp_path, physvid):
    from physvid.learner import load_checkpoint
    full, cut, steps = tmp_path / 'full', tmp_path / 'cut', 60
    p = _train(world, full, steps); out, err = p.communicate(timeout=300)
    assert p.returncode == 0, err
    assert f'step {steps}' in out
    for f in ('config.json', 'last.pt', 'best.pt', 'metrics.json'): assert (full / f).is_file(), f
    cfg = json.loads((full / 'config.json').read_text())
    assert (cfg['model'], cfg['hidden'], cfg['size'], cfg['channels'], cfg['seed']) == ('convlstm', [4], 16, 3, 3)

    p, t0 = _train(world, cut, steps), time.time()
    while not (cut / 'last.pt').exists() or _step(cut / 'last.pt') < 5:
        assert p.poll() is None, 'the run ended before it could be killed'
        assert time.time() - t0 < 120, 'no checkpoint appeared'
        time.sleep(0.02)
    p.send_signal(signal.SIGKILL); p.wait(timeout=10)
    k = _step(cut / 'last.pt')
    assert p.returncode == -signal.SIGKILL and 5 <= k < steps, (p.returncode, k)
    r = subprocess.run([str(BIN / 'physvid'), 'train', '--resume', str(cut), '--quiet'], env=ENV, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    a, b = load_checkpoint(full / 'last.pt'), load_checkpoint(cut / 'last.pt')
    assert a['step'] == b['step'] == steps
    for name in a['model']: assert torch.equal(a['model'][name], b['model'][name]), f'{name} differs after resume from step {k}'

    js, npz = tmp_path / 'm.json', tmp_path / 'p.npz'
    r = physvid('evaluate', full, '--world', world, '--context', '3', '--horizon', '6', '--out', js, '--predictions', npz)
    assert r.returncode == 0, r.stderr
    m = json.loads(js.read_text())
    for key in ('mse', 'mae', 'psnr', 'ssim'): assert len(m[key]) == 6 and all(np.isfinite(m[key])), key
    assert 'vpt' in m and m['n'] == 12
    assert len(m['visible']) == len(m['position_error']) == 6 and all(0 <= v <= 1 for v in m['visible'])
    assert '| step | mse | mae | psnr | ssim | visible | position error (px) |' in r.stdout
    with np.load(npz) as z:
        assert z['frames'].shape == z['truth'].shape == (12, 6, 16, 16, 3) and z['frames'].dtype == np.uint8

    r = physvid('rollout', full, '--horizon', '8', '--out', tmp_path / 'ro')
    assert r.returncode == 0, r.stderr
    for f in ('rollout.mp4', 'rollout.gif', 'grid.png'): assert (tmp_path / 'ro' / f).stat().st_size > 0, f
    for cmd, msg in ((('evaluate', full, '--world', world, '--context', '3', '--horizon', '0'), 'horizon must be an integer >= 1, got 0'),
                     (('rollout', full, '--videos', '0'), 'videos must be an integer >= 1, got 0'),
                     (('rollout', full, '--context', '0'), 'context must be an integer >= 1, got 0')):
        r = physvid(*cmd)
        assert r.returncode == 2 and msg in r.stderr and 'Traceback' not in r.stderr, (cmd, r.stderr)

def test_train_refuses_bad_input(world, tmp_path, physvid):
    r = physvid('train', 'convlstm', '--world', world, '--out', tmp_path / 'r', '--set', 'hidden=many')
    assert r.returncode == 2 and "parameter 'hidden' expects" in r.stderr and 'Traceback' not in r.stderr
    r = physvid('train', 'no_such', '--world', world, '--out', tmp_path / 'r')
    assert r.returncode == 2 and "unknown model 'no_such'" in r.stderr
    bad = tmp_path / 'bad.npz'; bad.write_bytes(b'not a zip')
    r = physvid('train', 'convlstm', '--world', bad, '--out', tmp_path / 'r')
    assert r.returncode == 2 and 'bad.npz' in r.stderr and 'Traceback' not in r.stderr
    r = physvid('train', '--resume', tmp_path / 'nothing')
    assert r.returncode == 2 and 'config.json is missing' in r.stderr
    assert not (tmp_path / 'r' / 'last.pt').exists()

def test_leaderboard_command(tmp_path, physvid):
    root = tmp_path / 'lb'
    r = physvid('leaderboard', '--root', root, '--table-only')
    assert r.returncode == 2 and 'no finished leaderboard cell yet' in r.stderr and 'Traceback' not in r.stderr
    r = physvid('leaderboard', '--root', root, '--set', 'max_minutes=-1')
    assert r.returncode == 2 and "'max_minutes' must be a number > 0" in r.stderr
    r = physvid('leaderboard', '--root', root, '--set', 'speed=11')
    assert r.returncode == 2 and "unknown leaderboard setting 'speed'" in r.stderr
    small = ['--set', 'size=16', '--set', 'context=3', '--set', 'horizon=2', '--set', 'eval_horizon=4', '--set', 'max_minutes=0.02',
             '--set', 'seeds=1', '--set', 'n_train=12', '--set', 'n_test=4', '--set', 'steps=3', '--set', 'batch_size=4']
    r = physvid('leaderboard', '--root', root, '--models', 'convlstm', 'copy_last', '--worlds', 'one_body', '--workers', '1',
                '--table', tmp_path / 't.md', '--figure', tmp_path / 'v.png', *small)
    assert r.returncode == 0, r.stderr
    assert '| one_body | convlstm |' in r.stdout and '| one_body | copy_last |' in r.stdout
    assert (tmp_path / 't.md').read_text().startswith('| world | model |') and (tmp_path / 'v.png').stat().st_size > 0
    again = physvid('leaderboard', '--root', root, '--models', 'convlstm', 'copy_last', '--worlds', 'one_body', '--workers', '1', *small)
    assert again.returncode == 0 and '2 done, 0 to run' in again.stdout

def _tiny(name):
    "Settings that make model `name` train in seconds on the 16 px, 12-frame test world."
    from physvid.models.base import model_params
    ps = model_params(name)
    s = {'batch_size': 2, 'valid_every': 1, 'checkpoint_every': 1}
    if 'horizon' in ps and ps['horizon'] > 1: s['horizon'] = 2
    if 'context' in ps and ps['context'] > 3: s['context'] = 3
    if 'frames' in ps: s['frames'] = 6
    if 'clip' in ps: s['clip'] = 6
    return [a for k, v in s.items() for a in ('--set', f'{k}={v}')]

@pytest.mark.parametrize('name', [m[0] for m in list_models()])
def test_every_model_trains_from_the_cli(name, world, tmp_path, physvid):
    "Every registered model (a new one cannot skip this) trains, validates, checkpoints and resumes through `physvid train`."
    out = tmp_path / name
    r = physvid('train', name, '--world', world, '--steps', '2', '--out', out, '--quiet', *_tiny(name))
    assert r.returncode == 0, r.stderr
    assert (out / 'last.pt').is_file() and (out / 'best.pt').is_file() and _step(out / 'last.pt') == 2
    assert 'Traceback' not in r.stderr
    r = physvid('train', '--resume', out, '--steps', '3', '--quiet')
    assert r.returncode == 0, r.stderr
    assert _step(out / 'last.pt') == 3 and json.loads((out / 'config.json').read_text())['steps'] == 3
    cfg = json.loads((out / 'config.json').read_text())
    if cfg.get('kind') != 'generator':
        r = physvid('evaluate', out, '--world', world, '--context', str(cfg.get('context', 1)), '--horizon', '2', '--out', tmp_path / 'e.json')
        assert r.returncode == 0, r.stderr
