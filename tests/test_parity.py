"""Issue 19, the options a user of each source reaches for: presets (`--preset source`), the options added to the models, the
import commands; and that none of them moves a leaderboard cell key (its config fingerprint) at the defaults."""
import json
import numpy as np
from pathlib import Path
import pytest
import torch
from physvid import leaderboard as lb
from physvid.models.base import model_config, config_fingerprint, model_presets, list_models, check_contract

# the leaderboard's config fingerprints computed on main before issue 19 (`_hash([model_config(...)])`, seed 0, default settings):
# a new hyperparameter must leave them as they were
FINGERPRINTS = {'world_model_gru': '83bd4fc12fa01f8d', 'world_model_lstm': 'd22a26416aebb78d', 'world_model_transformer': 'd0be6ad01518113a',
                'convlstm': '2be0f94f4e17f581', 'reservoir_convlstm': 'a9b568a952c593e1', 'conv_esn': 'e7970526ce46bade',
                'svg': '7ba140d31f3428c8', 'noether': '3b4715a81a18a1ff', 'hgn': 'dbfe5f6517825f4d'}

def test_leaderboard_fingerprints_unchanged():
    s = lb._check_settings({})
    got = {e: lb._hash([config_fingerprint(model_config(m, **lb._overrides(e, s), steps=int(s['steps']), seed=0))])
           for e, (m, _) in lb.ENTRIES.items() if m is not None}
    assert got == FINGERPRINTS

def test_a_changed_new_option_changes_the_fingerprint():
    base = config_fingerprint(model_config('noether'))
    for k, v in (('val_inner_lr', 0.01), ('num_emb_frames', 2)):
        assert config_fingerprint(model_config('noether', **{k: v})) != base, k

@pytest.fixture(scope='module')
def world(tmp_path_factory):
    from physvid.worlds.base import make_world
    from physvid.data import save_world
    path = tmp_path_factory.mktemp('w') / 'one.npz'
    save_world(make_world('one_body', n=8, frames=12, size=16, seed=0), path)
    return path

def _cfg(d): return json.loads((Path(d) / 'config.json').read_text())

def test_models_shows_presets(physvid):
    r = physvid('models')
    assert r.returncode == 0, r.stderr
    block = r.stdout.split('convlstm ', 1)[1].split('\n')[:3]
    assert any('--preset source: lr=0.001 (default 0.01) batch_size=32 (default 16)' in l for l in block), block

def test_train_preset(world, tmp_path, physvid):
    small = ['--steps', '1', '--quiet', '--world', world, '--set', 'hidden=2', '--set', 'context=3']
    r = physvid('train', 'convlstm', '--preset', 'source', '--out', tmp_path / 'a', *small)
    assert r.returncode == 0, r.stderr
    c = _cfg(tmp_path / 'a')
    assert (c['lr'], c['batch_size'], c['weight_decay'], c['preset'], c['hidden']) == (1e-3, 32, 0.01, 'source', [2])
    r = physvid('train', 'convlstm', '--set', 'preset=source', '--set', 'lr=0.005', '--out', tmp_path / 'b', *small)
    assert r.returncode == 0, r.stderr
    assert (_cfg(tmp_path / 'b')['lr'], _cfg(tmp_path / 'b')['batch_size']) == (0.005, 32)      # --set beats the preset
    r = physvid('train', 'convlstm', '--out', tmp_path / 'c', *small)
    assert r.returncode == 0 and 'preset' not in _cfg(tmp_path / 'c') and _cfg(tmp_path / 'c')['lr'] == 0.01

@pytest.mark.parametrize('args,msg', [
    (['--preset', 'paper'], "model 'convlstm' has no preset 'paper'; its presets: source"),
    (['--preset', 'source', '--set', 'preset=other'], '--preset source and --set preset=other disagree'),
])
def test_train_preset_errors(world, tmp_path, physvid, args, msg):
    r = physvid('train', 'convlstm', '--world', world, '--out', tmp_path / 'x', '--steps', '1', *args)
    assert r.returncode == 2 and msg in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    r = physvid('train', 'conv_esn', '--world', world, '--out', tmp_path / 'y', '--preset', 'source')
    assert r.returncode == 2 and "model 'conv_esn' has no preset 'source'; it has none" in r.stderr

def test_resume_refuses_preset(tmp_path, physvid):
    r = physvid('train', '--resume', tmp_path, '--preset', 'source')
    assert r.returncode == 2 and '--resume takes only' in r.stderr

PRESET_MODELS = sorted(m for m, *_ in list_models() if model_presets(m))

@pytest.mark.parametrize('name', PRESET_MODELS)
def test_every_source_preset_builds_and_steps(name):
    torch.manual_seed(0)
    cfg = model_config(name, preset='source')
    assert cfg['preset'] == 'source' and all(cfg[k] == (list(v) if isinstance(v, tuple) else v) for k, v in model_presets(name)['source'].items())
    check_contract(cfg)                                    # builds, one training step, one prediction / generation of the right shape

def test_crossconv_source_full_size():
    "Xue et al.'s configuration: z of 3,200 and 4 scales x 32 kernels of 5x5, one training step."
    m = check_contract(model_config('crossconv', preset='source'))
    assert m.z_dim == 3200 and len(m.image_encoder(torch.rand(1, 3, 32, 32))) == 4
    assert m.kernel_decoder(torch.zeros(1, 3200)).shape[1:3] == (4, 32)
    assert sum(p.numel() for p in m.parameters()) == 2_516_339 and m.motion_encoder.net[7].weight.numel() == 2 * 3200 * 256   # quoted in nbs/17

def test_model_grad_clips_reach_the_learner():
    "A model that clips a part of its gradient (noether's emb_grad_clip) gets GradClip even with grad_clip 0 (the source preset)."
    from physvid.learner import run_callbacks, model_grad_clips, GradClip
    from physvid.models.base import build_model
    cfg = model_config('noether', preset='source')
    m = build_model(model_config('noether', size=16, nf=4, g_dim=16, z_dim=4, rnn_size=16, emb_dim=8, emb_nf=4, horizon=3, emb_grad_clip=1000.0))
    assert cfg['grad_clip'] == 0 and cfg['emb_grad_clip'] == 1000.0 and model_grad_clips(m)[0][1] == 1000.0
    names = lambda cbs: [type(c).__name__ for c in cbs]
    assert 'GradClip' in names(run_callbacks(cfg, progress=False, write=False, clips=True))
    assert 'GradClip' not in names(run_callbacks(cfg, progress=False, write=False))

def test_n_body_at_the_source_size():
    "imgphys' n-body data: 128 px, 2-8 squares by parameter (edges 2-8), binary frames; the count per video is what was asked."
    from scipy import ndimage
    from physvid.worlds.base import make_world
    w = make_world('n_body', n=6, frames=3, size=128, seed=0, bodies_min=2, bodies_max=8)
    assert w.frames.shape == (6, 3, 128, 128, 1) and set(np.unique(w.frames)) <= {0, 255}
    counts = w.meta['count']
    assert all(2 <= c <= 8 for c in counts) and len(set(counts)) > 1
    # at t = 0 the squares do not overlap: each is one connected blob
    assert [ndimage.label(w.frames[i, 0, ..., 0] > 0)[1] for i in range(6)] == counts
    w5 = make_world('n_body', n=3, frames=2, size=128, seed=1, bodies_min=5, bodies_max=5)
    assert w5.meta['count'] == [5, 5, 5]

def test_dense_reservoir_preset_trains(world, tmp_path, physvid):
    r = physvid('train', 'reservoir_convlstm', '--preset', 'source', '--world', world, '--out', tmp_path / 'r', '--steps', '2', '--quiet',
                '--set', 'context=3', '--set', 'batch_size=4')
    assert r.returncode == 0, r.stderr
    c = _cfg(tmp_path / 'r')
    assert (c['reservoir'], c['radius'], c['leaks'], c['lr'], c['weight_decay'], c['batch_size']) == ('dense', 0.25, [0.1, 0.1, 0.1], 1e-3, 0.01, 4)
    r = physvid('evaluate', tmp_path / 'r', '--world', world, '--context', '3', '--horizon', '2', '--out', tmp_path / 'e.json')
    assert r.returncode == 0, r.stderr                       # the rebuilt reservoir loads with the checkpoint

def _gif(path, frames):
    import imageio.v3 as iio
    iio.imwrite(path, frames, duration=100, loop=0)

def test_import_videos_cli(tmp_path, physvid):
    import imageio.v3 as iio
    from physvid.data import load_world
    vids = tmp_path / 'vids'; vids.mkdir()
    clip = (np.arange(8, dtype=np.uint8)[:, None, None, None] * 30).repeat(24, 1).repeat(32, 2).repeat(3, 3)   # frame t is grey 30 t
    _gif(vids / 'a.gif', clip); iio.imwrite(vids / 'b.mp4', clip, fps=10, codec='libx264', macro_block_size=1); _gif(vids / 'c_short.gif', clip[:3])
    r = physvid('import', vids, '--out', tmp_path / 'w.npz', '--size', '16', '--frames', '6')
    assert r.returncode == 0, r.stderr
    w = load_world(tmp_path / 'w.npz')
    assert w.frames.shape == (2, 6, 16, 16, 3) and [v['name'] for v in w.meta['videos']] == ['a.gif', 'b.mp4']
    assert np.allclose(w.frames[0].reshape(6, -1).mean(1), 30 * np.arange(6), atol=1)
    assert 'wrote' in r.stdout and r.stderr.count('\n') == 1 and 'warning: skipped 1 video(s)' in r.stderr and 'c_short.gif' in r.stderr
    (vids / 'x.mp4').write_bytes(b'junk'); (vids / 'y.gif').write_bytes(b'GIF89a junk')
    r = physvid('import', vids, '--out', tmp_path / 'w2.npz', '--size', '16', '--frames', '6')
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert '2 of 5 video(s) cannot be read' in r.stderr and 'x.mp4: cannot read' in r.stderr and 'y.gif: cannot read' in r.stderr
    assert not (tmp_path / 'w2.npz').exists()

def test_import_physics101_cli(tmp_path, physvid):
    "A ramp world written in the Physics 101 layout by physvid, read back by `physvid import physics101` with the paper's split."
    from physvid.data import write_physics101, load_world
    from physvid.worlds.base import make_world
    w = make_world('ramp', n=10, frames=22, size=32, seed=3)
    write_physics101(w, tmp_path / 'dl' / 'phys101')
    r = physvid('import', 'physics101', tmp_path / 'dl', '--out', tmp_path / 'tr.npz', '--test-out', tmp_path / 'te.npz', '--size', '32')
    assert r.returncode == 0, r.stderr
    tr, te = load_world(tmp_path / 'tr.npz'), load_world(tmp_path / 'te.npz')
    assert (tr.n, te.n) == (8, 2) and tr.frames.shape[1:] == (22, 32, 32, 3)      # 78/389 of 10 clips is 2
    assert sorted(tr.meta['split_indices'] + te.meta['split_indices']) == list(range(10))
    assert {v['angle'] for v in tr.meta['videos']} == {20} and tr.meta['world'] == 'physics101_ramp'
    r = physvid('import', 'physics101', tmp_path / 'dl', '--out', tmp_path / 'ur.npz', '--size', '32', '--crop', 'upper_right')
    assert r.returncode == 0 and load_world(tmp_path / 'ur.npz').meta['params']['crop'] == 'upper_right'
    r = physvid('import', 'physics101', tmp_path / 'dl', '--out', tmp_path / 'x.npz', '--angle', '10')
    assert r.returncode == 2 and 'no Camera_1.mp4 at angle 10 (angles found: 20)' in r.stderr

def test_rollout_video_idx(world, tmp_path, physvid):
    r = physvid('train', 'convlstm', '--world', world, '--out', tmp_path / 'run', '--steps', '2', '--quiet', '--set', 'hidden=2', '--set', 'context=3')
    assert r.returncode == 0, r.stderr
    r = physvid('rollout', tmp_path / 'run', '--video-idx', '0', '--horizon', '4', '--out', tmp_path / 'ro')
    assert r.returncode == 0 and (tmp_path / 'ro' / 'grid.png').is_file(), r.stderr
    r = physvid('rollout', tmp_path / 'run', '--video-idx', '50', '--horizon', '4')
    assert r.returncode == 2 and 'video index(es) [50] outside the test split' in r.stderr

def test_flip_is_a_training_setting(world):
    "flip=True mirrors training clips left-right with probability 1/2 (and only those); augment keeps its brightness meaning."
    from physvid.data import load_world
    from physvid.train import run_data
    w = load_world(world)
    cfg = model_config('convlstm', context=3, horizon=2, size=16, channels=1)
    plain, _ = run_data(w, cfg)
    flipped, valid = run_data(w, {**cfg, 'flip': True})
    same = mirrored = 0
    for i in range(len(plain)):
        a, b = plain[i], flipped[i]
        x, y = torch.cat([a['context'], a['target']]), torch.cat([b['context'], b['target']])
        if torch.equal(x, y): same += 1
        else: assert torch.equal(x.flip(-1), y), i; mirrored += 1     # mirrored exactly, never changed otherwise
    assert same > 0 and mirrored > 0, (same, mirrored)
    assert not valid.augment                                            # validation clips are never augmented
    old = {k: v for k, v in cfg.items() if k != 'flip'}                # a config from before the setting: no flips
    assert all(torch.equal(run_data(w, old)[0][i]['context'], plain[i]['context']) for i in range(len(plain)))

def test_world_model_source_preset_and_auto_decoder(tmp_path):
    cfg = model_config('world_model', preset='source')
    assert (cfg['latent'], cfg['hidden'], cfg['layers'], cfg['context'], cfg['horizon'], cfg['flip'], cfg['augment'], cfg['decoder']) == \
           (256, 512, 2, 30, 30, True, True, 'cnn')
    from physvid.models.worldmodel import ResNet
    torch.save(ResNet('resnet18').state_dict(), tmp_path / 'r18.pt')
    kw = dict(size=16, encoder='resnet18', encoder_weights=str(tmp_path / 'r18.pt'))
    assert model_config('world_model', **kw)['decoder'] == 'attention'
    assert model_config('world_model', **kw, decoder='cnn')['decoder'] == 'cnn'
    assert model_config('world_model', preset='source', **kw)['decoder'] == 'attention'

def test_hgan_cyclic_grid_file():
    "The paper's lambda grid is a `physvid run --grid` file whose parameters the generative notebook takes."
    from physvid.runs import read_grid, _check_params
    root = Path(__file__).resolve().parents[1]
    nb, grid = root / 'nbs' / '33_generative_experiments.ipynb', read_grid(root / 'nbs' / 'grids' / 'hgan_cyclic.json')
    assert sorted(g['cyclic'] for g in grid) == [0.001, 0.01, 0.1] and {g['models'] for g in grid} == {'hgan'}
    for g in grid: _check_params(nb, g)                      # every name is a parameter of the notebook (a typo would fail here)
    with pytest.raises(Exception, match='cyclc'): _check_params(nb, {'cyclc': 0.1})
