"""Every `physvid` command, driven with a table of bad arguments, files and environment conditions: each ends with
exit 2 (bad input) or 1 (environment), one line on stderr naming the problem, and no traceback (#18)."""
import io, json, shutil, zipfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
import numpy as np
import pytest
from physvid.cli import main

SMALL = ['--set', 'hidden=4', '--set', 'context=3', '--set', 'horizon=2', '--set', 'batch_size=2', '--quiet']

def _run(*argv):
    "main(argv) in this process: (status, stdout, stderr)."
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err): code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()

def _npy(a): b = io.BytesIO(); np.save(b, a); return b.getvalue()

@pytest.fixture(scope='module')
def fx(tmp_path_factory):
    "A tiny world, a 2-step ConvLSTM run, and the bad files the table refers to."
    d = tmp_path_factory.mktemp('bad')
    assert _run('world', 'one_body', '--n', 4, '--frames', 6, '--size', 16, '--out', d / 'w.npz')[0] == 0
    assert _run('world', 'one_body', '--n', 4, '--frames', 6, '--size', 8, '--out', d / 'w8.npz')[0] == 0
    code, _, err = _run('train', 'convlstm', '--world', d / 'w.npz', '--steps', 2, '--out', d / 'r', *SMALL)
    assert code == 0, err
    with np.load(d / 'w.npz') as z: arr = {k: z[k] for k in z.files}
    np.savez(d / 'w0.npz', **{**arr, **{k: arr[k][:0] for k in ('frames', 'states', 'energy')}})           # N = 0
    members = {f'{k}.npy': _npy(v) for k, v in arr.items()}
    raw, forged = members['frames.npy'], io.BytesIO()        # a header that claims 100 GB over the 6 kB of data
    np.lib.format.write_array_header_1_0(forged, {'descr': '|u1', 'fortran_order': False, 'shape': (10**11, 6, 16, 16, 1)})
    body = raw[raw.index(b'\n') + 1:]
    for name, extra in (('huge.npz', {'frames.npy': forged.getvalue() + body}), ('member.npz', {'notes.txt': b'hello'}),
                        ('garbled.npz', {'frames.npy': raw[:20] + b'(((' + raw[23:]})):
        with zipfile.ZipFile(d / name, 'w') as z:
            for k, v in {**members, **extra}.items(): z.writestr(k, v)
    cfg = json.loads((d / 'r' / 'config.json').read_text())
    for name, c in (('cfg_list', [1, 2]), ('cfg_unknown', {**cfg, 'model': 'no_such_model'}), ('ck_other', {**cfg, 'hidden': [8]}),
                    ('ck_svg', {**cfg, 'model': 'crossconv'})):
        shutil.copytree(d / 'r', d / name); (d / name / 'config.json').write_text(json.dumps(c))
    (d / 'file.txt').write_text('a file')
    (d / 'adir.npz').mkdir()
    (d / 'text.ipynb').write_text('not json')
    (d / 'cfgdir' / 'config.json').mkdir(parents=True)                          # the run's config.json cannot be written
    (d / 'holes.csv').write_text('x,y\n1,2\n3\n')
    nb = {'cells': [{'cell_type': 'code', 'id': 'p0', 'metadata': {'tags': ['parameters']}, 'source': 'x = 1', 'outputs': [], 'execution_count': None}],
          'metadata': {'kernelspec': {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}}, 'nbformat': 4, 'nbformat_minor': 5}
    (d / 'tiny.ipynb').write_text(json.dumps(nb))
    for name, p, m in (('res_list', '[1, 2]', '{}'), ('res_str', '{}', '"done"')):
        (d / name / 'r1').mkdir(parents=True); (d / name / 'r1' / 'params.json').write_text(p); (d / name / 'r1' / 'metrics.json').write_text(m)
    return d

EV = ['--context', 3, '--horizon', 2]
TABLE = [ # (command line with {d} for the fixture folder, exit status, words the one line must hold)
    # world: sizes, ranges, output paths
    ('world bouncing_balls --n 1 --frames 2 --size 100000 --out {d}/big.npz', 2, 'GB of memory'),
    ('world pendulum --n 1 --frames 2 --size 16 --substeps 1000000000 --out {d}/s.npz', 2, 'substeps must be an integer in [1, 1000]'),
    ('world pendulum --n 4 --frames 10 --size 16 --dt 1e9 --out {d}/s.npz', 2, 'is unstable for this system'),
    ('world pendulum --n 0 --out {d}/s.npz', 2, 'n must be a positive integer'),
    ('world nowhere --out {d}/s.npz', 2, "unknown world 'nowhere'"),
    ('world one_body --n 2 --frames 4 --size 16 --out {d}/adir.npz', 1, 'Is a directory'),
    ('world one_body --n 2 --frames 4 --size 16 --out {d}/file.txt/w.npz', 1, 'File exists'),
    # train: settings by range and type, settings the world decides, files
    ('train convlstm --world {d}/w.npz --steps 2 --out {d}/x --set lr=nan', 2, "'lr' must be a finite number > 0, got nan"),
    ('train convlstm --world {d}/w.npz --steps 2 --out {d}/x --set lr=-1', 2, "'lr' must be a finite number > 0"),
    ('train convlstm --world {d}/w.npz --steps 2 --out {d}/x --set kernel=-3', 2, 'kernel must be an odd integer >= 1'),
    ('train convlstm --world {d}/w.npz --steps 2 --out {d}/x --set conv=fft', 2, "conv must be one of ('direct', 'winograd'), got 'fft'"),
    ('train convlstm --world {d}/w.npz --steps 2 --out {d}/x --set conv=winograd --set kernel=1', 2, "conv='winograd' needs kernel >= 3"),
    ('train convlstm --world {d}/w.npz --steps 2 --out {d}/x --set channels=3', 2, 'channels is decided by the world file'),
    ('train convlstm --world {d}/w.npz --steps 2 --out {d}/x --set size=64', 2, 'size is decided by the world file'),
    ('train convlstm --world {d}/w.npz --steps 0 --out {d}/x', 2, "'steps' must be an integer >= 1"),
    ('train convlstm --world {d}/w.npz --out {d}/x --set steps=5', 2, 'steps has its own option: --steps 5, not --set steps=5'),
    ('train convlstm --world {d}/w.npz --steps 2 --out {d}/x --set seed=3', 2, 'seed has its own option: --seed 3, not --set seed=3'),
    ('train convlstm --world {d}/w.npz --steps 2 --out {d}/x --set signals=true', 2, 'signals is not a setting (--set signals=true)'),
    ('train convlstm --world {d}/missing.npz --out {d}/x', 2, 'no such file'),
    ('train convlstm --world {d}/huge.npz --out {d}/x', 2, 'claims a uint8 array of shape (100000000000, 6, 16, 16, 1)'),
    ('train convlstm --world {d}/w.npz --steps 2 --out {d}/r', 2, 'already holds a run'),
    ('train convlstm --world {d}/w.npz --steps 2 --out {d}/file.txt', 1, 'File exists'),
    ('train convlstm --world {d}/w.npz --steps 2 --out {d}/cfgdir', 1, 'Is a directory ({d}/cfgdir/config.json)'),
    ('train --resume {d}/r --steps 1', 2, '--steps is the new total and must be >= 2'),
    ('train --resume {d}/r --world {d}/w8.npz', 2, 'does not match the run\'s world: size 8 instead of 16'),
    ('train --resume {d}/cfg_list', 2, 'config.json: expected a JSON object'),
    # evaluate and rollout: runs, checkpoints and worlds that do not fit
    ('evaluate {d}/r --world {d}/w0.npz', 2, 'the world holds no videos (N = 0)'),
    ('evaluate {d}/r --world {d}/member.npz', 2, "member 'notes.txt' is not an array"),
    ('evaluate {d}/r --world {d}/huge.npz', 2, 'the file is corrupt or forged'),
    ('evaluate {d}/r --world {d}/garbled.npz', 2, "member 'frames.npy' has no readable array header"),
    ('evaluate {d}/ck_other --world {d}/w.npz', 2, 'its weights do not fit this ConvLSTM'),
    ('evaluate {d}/ck_svg --world {d}/w.npz', 2, 'its weights do not fit'),
    ('evaluate {d}/cfg_unknown --world {d}/w.npz', 2, "unknown model 'no_such_model'"),
    ('evaluate {d}/cfg_list --world {d}/w.npz', 2, 'expected a JSON object (a run config), got a list'),
    ('evaluate {d}/r --world {d}/w.npz --context 3 --horizon 0', 2, 'horizon must be an integer >= 1, got 0'),
    ('rollout {d}/r --out {d}/file.txt --horizon 2', 2, 'is a file; rollout writes a folder'),
    ('rollout {d}/r --videos 0', 2, 'videos must be an integer >= 1, got 0'),
    ('rollout {d}/cfg_list', 2, 'expected a JSON object'),
    ('rollout {d}/r --video-idx 7 --horizon 2', 2, 'video index(es) [7] outside the test split'),
    ('train convlstm --world {d}/w.npz --steps 2 --out {d}/x --preset paper', 2, "model 'convlstm' has no preset 'paper'; its presets: source"),
    ('train convlstm_s --world {d}/w.npz --steps 2 --out {d}/x --set preset=source', 2, "model 'convlstm_s' has no preset 'source'; it has none"),
    # import: folders that hold no videos (or not the Physics 101 layout), output names, options of the other mode
    ('import {d}/nowhere --out {d}/x.npz', 2, 'nowhere: no such folder'),
    ('import {d}/res_list --out {d}/x.npz', 2, 'no videos found; expected .mp4/.gif'),
    ('import {d} --out {d}/x.txt', 2, '--out and --test-out must end in .npz'),
    ('import {d} --out {d}/x.npz --crop upper_right', 2, 'belong to `physvid import physics101 DIR`'),
    ('import physics101 {d} --out {d}/x.npz', 2, 'no Physics 101 ramp scenario here'),
    ('import physics101 {d} --out {d}/x.npz --crop left', 2, "crop must be one of ('center', 'upper_right')"),
    ('import physics101 {d} --out {d}/x.npz --frames 0', 2, 'frames must be a positive integer'),
    ('evaluate {d}/r --world {d}/w.npz --samples 2', 2, "'convlstm' is a deterministic predictor: its 2 samples would be the same"),
    ('evaluate {d}/r --world {d}/w.npz --samples 0', 2, 'samples must be an integer >= 1, got 0'),
    # generate: models that do not sample, context that does not fit, counts
    ('generate {d}/r --n 2 --frames 4 --out {d}/g.npz', 2, "model 'convlstm' is a deterministic predictor: it does not sample"),
    ('generate {d}/ck_svg --n 2 --frames 4 --out {d}/g.npz', 2, "model 'crossconv' samples futures of given clips: pass --context-world"),
    ('generate {d}/ck_svg --n 2 --frames 4 --out {d}/g.npz --context-world {d}/w8.npz', 2, "the context world's frames"),
    ('generate {d}/ck_svg --n 2 --frames 3 --out {d}/g.npz --context-world {d}/w.npz', 2, 'frames (3) must exceed context (3)'),
    ('generate {d}/r --n 0 --frames 4 --out {d}/g.npz', 2, 'n must be an integer >= 1, got 0'),
    ('generate {d}/cfg_list --n 2 --frames 4 --out {d}/g.npz', 2, 'expected a JSON object'),
    ('generate {d}/cfg_unknown --n 2 --frames 4 --out {d}/g.npz', 2, "unknown model 'no_such_model'"),
    # fvd: too few clips or frames, files that are not worlds (all refused before any I3D pass)
    ('fvd {d}/w.npz {d}/w.npz', 2, 'w.npz has 6 frames per video; --frames 16 needs at least 16 (I3D needs at least 9)'),
    ('fvd {d}/w.npz {d}/w.npz --frames 8', 2, 'frames must be an integer >= 9: I3D needs at least 9 frames per clip'),
    ('fvd {d}/w.npz {d}/w.npz --frames 9 --clips 1', 2, 'clips must be an integer >= 2'),
    ('fvd {d}/w.npz {d}/w.npz --frames 9 --clips 8', 2, 'w.npz holds 4 videos; --clips 8 needs 8'),
    ('fvd {d}/w0.npz {d}/w.npz --frames 9', 2, 'the world holds no videos (N = 0)'),
    ('fvd {d}/missing.npz {d}/w.npz --frames 9', 2, 'missing.npz: no such file'),
    ('fvd {d}/w.npz {d}/w.npz --frames 9 --resamples 3', 2, 'resamples must be an integer >= 10'),
    # bench, run, results, leaderboard
    ('bench models --steps 0 --models convlstm', 2, 'steps must be an integer >= 1, got 0'),
    ('run {d}/text.ipynb --runs-root {d}/runs', 2, 'not a readable Jupyter notebook'),
    ('run {d}/none.ipynb --runs-root {d}/runs', 2, 'no such notebook'),
    ('run {d}/tiny.ipynb -p x notanumber --runs-root {d}/runs', 2, "parameter 'x' of tiny.ipynb is an integer (default 1), got 'notanumber'"),
    ('run {d}/tiny.ipynb --grid {d}/holes.csv --runs-root {d}/runs', 2, 'holes.csv: row 3 has missing cells'),
    ('results {d}/res_list', 2, 'params.json: expected a JSON object'),
    ('results {d}/res_str', 2, 'metrics.json: expected a JSON object'),
    ('results {d}/nothing', 2, 'no such folder'),
    ('leaderboard --root {d}/lb --set max_minutes=-1', 2, "'max_minutes' must be a number > 0"),
]

@pytest.mark.parametrize('line,status,words', TABLE, ids=[t[0].split('{d}')[0].strip() + ' ' + t[2][:30] for t in TABLE])
def test_bad_input(fx, line, status, words):
    argv = line.format(d=fx).split()
    if argv[0] == 'evaluate' and '--context' not in argv: argv += [str(a) for a in EV]
    if argv[0] == 'train' and '--resume' not in argv: argv += SMALL
    code, out, err = _run(*argv)
    lines = err.strip().splitlines()
    assert code == status, (code, err)
    words = words.format(d=fx)
    assert len(lines) == 1 and words in lines[0] and lines[0].startswith(f'physvid {argv[0]}: '), err
    assert 'Traceback' not in out + err
    assert not (fx / 'x').exists()                              # nothing half-made was left behind

def test_debug_shows_the_traceback(fx):
    with pytest.raises(Exception, match='kernel must be an odd integer'):
        _run('--debug', 'train', 'convlstm', '--world', fx / 'w.npz', '--steps', 2, '--out', fx / 'x', '--set', 'kernel=-3', *SMALL)

def test_every_command_is_in_the_table():
    from physvid.cli import make_parser
    sub = next(a for a in make_parser()._actions if a.dest == 'command')
    tried = {t[0].split()[0] for t in TABLE}
    assert set(sub.choices) - {'models'} <= tried, set(sub.choices) - tried     # `models` takes no input
