"""`physvid generate`, `physvid fvd` and `physvid evaluate --samples K` end to end on tiny runs of the real models (#14):
every sampler writes a world file (same seed, same bytes), FVD prints one line with its interval and reads the I3D
weights only from the cache (missing or corrupt: exit 1, one line naming the file and `make setup`)."""
import io, json
from contextlib import redirect_stderr, redirect_stdout
import numpy as np
import pytest
from physvid.cli import main
from physvid.data import load_world

def _run(*argv):
    "main(argv) in this process: (status, stdout, stderr)."
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err): code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()

def _ok(*argv):
    code, out, err = _run(*argv)
    assert code == 0 and 'Traceback' not in out + err, (argv, code, err)
    return out

TINY = {  # settings that train each model in a second on 16 px pendulum videos of 12 frames
    'mocogan': ['--set', 'width=4', '--set', 'batch_size=4'],
    'hgn': ['--set', 'context=3', '--set', 'horizon=4', '--set', 'width=4', '--set', 'hidden=8', '--set', 'batch_size=4'],
    'svg': ['--set', 'nf=4', '--set', 'g_dim=16', '--set', 'z_dim=4', '--set', 'rnn_size=16', '--set', 'horizon=3', '--set', 'batch_size=4'],
    'noether': ['--set', 'nf=4', '--set', 'g_dim=16', '--set', 'z_dim=4', '--set', 'rnn_size=16', '--set', 'horizon=3',
                '--set', 'emb_dim=8', '--set', 'emb_nf=4', '--set', 'batch_size=4'],
    'crossconv': ['--set', 'context=2', '--set', 'horizon=2', '--set', 'width=4', '--set', 'features=4', '--set', 'batch_size=4'],
    'convlstm': ['--set', 'hidden=4', '--set', 'context=3', '--set', 'horizon=2', '--set', 'batch_size=4'],
}

@pytest.fixture(scope='module')
def fx(tmp_path_factory):
    "A 16 px pendulum world, a 32 px one, and a 2-step run of each model in TINY."
    d = tmp_path_factory.mktemp('gen')
    _ok('world', 'pendulum', '--n', 6, '--frames', 12, '--size', 16, '--seed', 0, '--out', d / 'w.npz')
    _ok('world', 'pendulum', '--n', 3, '--frames', 10, '--size', 32, '--seed', 1, '--out', d / 'w32.npz')
    for name, sets in TINY.items():
        _ok('train', name, '--world', d / 'w.npz', '--steps', 2, '--out', d / name, '--quiet', *sets)
    return d

@pytest.mark.parametrize('name', ['mocogan', 'hgn', 'svg', 'noether', 'crossconv'])
def test_generate_every_sampler(fx, name):
    ctx = [] if name in ('mocogan', 'hgn') else ['--context-world', fx / 'w.npz', '--context', 2]
    out = _ok('generate', fx / name, '--n', 7, '--frames', 5, '--out', fx / f'{name}.npz', '--seed', 3, *ctx)
    assert out.startswith(f"wrote {fx / name}.npz: 7 videos of 5 frames") and len(out.strip().splitlines()) == 1, out
    w = load_world(fx / f'{name}.npz')
    assert w.frames.shape == (7, 5, 16, 16, 3) and w.frames.dtype == np.uint8
    assert (w.meta['run'], w.meta['model'], w.meta['seed']) == (str(fx / name), name, 3)
    if ctx:                                            # the context is the world's first 2 frames of video i mod 6
        real = load_world(fx / 'w.npz').frames
        assert np.array_equal(w.frames[:, :2], real[np.arange(7) % 6, :2])
        assert (w.meta['sampling'], w.meta['context'], w.meta['context_world']) == ('context', 2, str(fx / 'w.npz'))
    else: assert w.meta['sampling'] == 'prior'
    _ok('generate', fx / name, '--n', 7, '--frames', 5, '--out', fx / f'{name}_again.npz', '--seed', 3, *ctx)
    assert (fx / f'{name}_again.npz').read_bytes() == (fx / f'{name}.npz').read_bytes()     # same seed, same bytes
    _ok('generate', fx / name, '--n', 7, '--frames', 5, '--out', fx / f'{name}_other.npz', '--seed', 4, *ctx)
    assert not np.array_equal(load_world(fx / f'{name}_other.npz').frames, w.frames)

@pytest.mark.parametrize('args,status,words', [
    (['svg', '--n', 2, '--frames', 5], 2, "model 'svg' samples futures of given clips: pass --context-world W.npz"),
    (['convlstm', '--n', 2, '--frames', 5], 2, "model 'convlstm' is a deterministic predictor: it does not sample"),
    (['mocogan', '--n', 2, '--frames', 5, '--context-world', 'w.npz'], 2, "samples from its prior; it takes no --context-world"),
    (['svg', '--n', 2, '--frames', 5, '--context-world', 'w32.npz'], 2, "the context world's frames {'channels': 3, 'size': 32} differ"),
])
def test_generate_refuses(fx, args, status, words):
    argv = ['generate', fx / args[0], *[fx / a if str(a).endswith('.npz') else a for a in args[1:]], '--out', fx / 'bad.npz']
    code, out, err = _run(*argv)
    assert code == status and len(err.strip().splitlines()) == 1 and words in err and 'Traceback' not in err, err
    assert not (fx / 'bad.npz').exists()

def test_evaluate_samples(fx):
    ev = ['evaluate', fx / 'svg', '--world', fx / 'w.npz', '--context', 2, '--horizon', 3]
    _ok(*ev, '--out', fx / 'e.json')
    _ok(*ev, '--out', fx / 'e1.json', '--samples', 1)
    assert json.loads((fx / 'e1.json').read_text()) == json.loads((fx / 'e.json').read_text())   # K = 1: today's output
    out = _ok(*ev, '--out', fx / 'e3.json', '--samples', 3)
    assert out.startswith('| step | mse mean / best | psnr mean / best | ssim mean / best | spread |') and 'best-of-3' in out, out
    r = json.loads((fx / 'e3.json').read_text())
    assert r['samples'] == 3 and len(r['spread']) == 3 and min(r['spread']) > 0 and len(r['best']['ssim']) == 3
    assert sum(r['best']['mse']) <= sum(r['mse']) and len(r['visible']) == 3
    code, _, err = _run('evaluate', fx / 'convlstm', '--world', fx / 'w.npz', '--context', 3, '--horizon', 2, '--samples', 2)
    assert code == 2 and "'convlstm' is a deterministic predictor" in err, err

def test_fvd(fx):
    _ok('generate', fx / 'mocogan', '--n', 3, '--frames', 9, '--out', fx / 'fake.npz')
    fvd = ['fvd', fx / 'w.npz', fx / 'fake.npz', '--clips', 3, '--frames', 9, '--resamples', 20]
    out = _ok(*fvd, '--out', fx / 'f.json')
    lines = out.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith('FVD ') and '95% bootstrap interval' in lines[0] and '3 real and 3 fake clips of 9 frames' in lines[0], out
    assert 'frames 16x16x3 resized to 224x224 as the FVD protocol does' in lines[0] and 'rank-deficient' in lines[0]
    r = json.loads((fx / 'f.json').read_text())
    assert r['clips'] == [3, 3] and r['lo'] <= r['hi'] and r['fvd'] > 0 and {'fvd', 'lo', 'hi', 'clips'} <= set(r)
    assert f"{r['fvd']:.2f}" in lines[0] and str(fx / 'f.json') in lines[0]
    _ok(*fvd, '--out', fx / 'f2.json')
    assert json.loads((fx / 'f2.json').read_text()) == r                          # same seed, same interval
    out = _ok('fvd', fx / 'w.npz', fx / 'w32.npz', '--clips', 2, '--frames', 9, '--resamples', 10)
    assert '16x16x3 (real) and 32x32x3 (fake): sizes differ, resized to 224x224' in out, out

def test_fvd_reads_the_weights_only_from_the_cache(fx, tmp_path, monkeypatch):
    "No weights in the cache: exit 1 with one line naming the file and `make setup`; a corrupt file likewise; nothing is downloaded."
    monkeypatch.setenv('PHYSVID_CACHE', str(tmp_path))
    monkeypatch.setenv('PIP_NO_INDEX', '1')                                       # were anything to call pip, it would find nothing
    argv = ['fvd', fx / 'w.npz', fx / 'w.npz', '--frames', 9]
    code, out, err = _run(*argv)
    line = f"physvid fvd: error: I3D weights not found: {tmp_path / 'i3d' / 'i3d_kinetics400.pt'} is missing; fetch them once with `make setup`"
    assert code == 1 and err.startswith(line) and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / 'i3d').exists()
    (tmp_path / 'i3d').mkdir(); (tmp_path / 'i3d' / 'i3d_kinetics400.pt').write_bytes(b'\0' * 100)
    code, out, err = _run(*argv)
    assert code == 1 and 'i3d_kinetics400.pt is corrupt (not a readable torch file); fetch them again with `make setup`' in err, err
    assert len(err.strip().splitlines()) == 1
