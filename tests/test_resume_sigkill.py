"""A training process killed with SIGKILL resumes from last.pt to the same weights as an uninterrupted run."""
import os, signal, subprocess, sys, time
from pathlib import Path
import pytest
import torch

SCRIPT = r'''
import sys, time
import torch
from torch import nn
from physvid.core import seed_everything
from physvid.learner import Learner, Checkpoint, NanGuard, GradClip, Callback

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.f = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.Conv2d(4, 1, 3, padding=1))
        self.drop = nn.Dropout(0.2)            # uses the global RNG: resume must restore it
    def loss(self, b):
        B, T = b.shape[:2]
        p = self.f(self.drop(b[:, :-1].flatten(0, 1))).unflatten(0, (B, T - 1))
        return nn.functional.mse_loss(p, b[:, 1:]), {}

class Slow(Callback):
    def __init__(self, s): self.s = s
    def after_step(self): time.sleep(self.s)

run, mode, pause = sys.argv[1], sys.argv[2], float(sys.argv[3])
g = torch.Generator().manual_seed(0)
data = torch.rand(40, 3, 1, 8, 8, generator=g)
cfg = dict(steps=40, batch_size=8, lr=1e-2, warmup=4, seed=7, valid_every=10)
cbs = [NanGuard(), GradClip(1.0), Checkpoint(every=5), Slow(pause)]
if mode == 'fresh':
    seed_everything(cfg['seed'])
    Learner(Net(), data[:32], data[32:], cfg, cbs, run).fit()
else:
    Learner.resume(run, Net(), data[:32], data[32:], cbs).fit()
'''

def _launch(tmp, run, mode, pause):
    script = tmp / 'train.py'; script.write_text(SCRIPT)
    env = {**os.environ, 'PYTHONHASHSEED': '0', 'OMP_NUM_THREADS': '1'}
    return subprocess.Popen([sys.executable, str(script), str(run), mode, str(pause)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

def _finish(p, timeout=60):
    out, err = p.communicate(timeout=timeout)
    assert p.returncode == 0, err

def _step(path):
    from physvid.learner import load_checkpoint
    return load_checkpoint(path)['step']

def test_sigkill_then_resume_matches_uninterrupted(tmp_path):
    from physvid.learner import load_checkpoint
    full, cut = tmp_path / 'full', tmp_path / 'cut'
    _finish(_launch(tmp_path, full, 'fresh', 0.0))
    p = _launch(tmp_path, cut, 'fresh', 0.1)                  # ~0.1 s a step: time to kill it in the middle
    t0 = time.time()
    while not (cut / 'last.pt').exists() or _step(cut / 'last.pt') < 10:
        assert p.poll() is None, 'the run ended before it could be killed'
        assert time.time() - t0 < 40, 'no checkpoint appeared'
        time.sleep(0.05)
    p.send_signal(signal.SIGKILL); p.wait(timeout=10)
    assert p.returncode == -signal.SIGKILL
    k = _step(cut / 'last.pt')
    assert 10 <= k < 40, f'killed at an unexpected step {k}'
    _finish(_launch(tmp_path, cut, 'resume', 0.0))
    a, b = load_checkpoint(full / 'last.pt'), load_checkpoint(cut / 'last.pt')
    assert a['step'] == b['step'] == 40
    for name in a['model']:
        assert torch.equal(a['model'][name], b['model'][name]), f'{name} differs after resume from step {k}'
    for name in a['opts']['opt']['state']:
        assert torch.equal(a['opts']['opt']['state'][name]['exp_avg'], b['opts']['opt']['state'][name]['exp_avg'])
