"""The `physvid` command as a user runs it: the installed console script, end to end."""
import hashlib, json, re
import numpy as np
import pytest

WORLDS = ['mass_spring', 'pendulum', 'double_pendulum', 'two_body', 'three_body', 'bouncing_balls',
          'damped_pendulum', 'falling_objects', 'projectile', 'one_body', 'n_body', 'cat_map',
          'moving_shapes', 'ramp']

def test_help_and_version(physvid):
    r = physvid('--help')
    assert r.returncode == 0 and 'world' in r.stdout and 'bench' in r.stdout
    r = physvid('--version')
    assert r.returncode == 0 and r.stdout.startswith('physvid ')

@pytest.mark.parametrize('args', [['frobnicate'], ['world', '--frames', 'ten'], ['bench', 'nothing']])
def test_usage_errors_not_tracebacks(physvid, args):
    r = physvid(*args)
    assert r.returncode == 2 and 'usage:' in r.stderr and 'Traceback' not in r.stderr

def test_world_list_names_every_world(physvid):
    r = physvid('world', '--list')
    assert r.returncode == 0, r.stderr
    listed = {line.split()[0] for line in r.stdout.splitlines() if line and not line.startswith(' ')}
    assert set(WORLDS) <= listed, f"missing from --list: {set(WORLDS) - listed}"

@pytest.mark.parametrize('world', WORLDS)
def test_world_file_contract(physvid, tmp_path, world):
    "Every world writes the contracted .npz; the same seed gives the same bytes, another seed others."
    files = {}
    for name, seed in [('a', 3), ('b', 3), ('c', 4)]:
        out = tmp_path / f'{name}.npz'
        r = physvid('world', world, '--n', 3, '--frames', 6, '--size', 24, '--seed', seed, '--out', out)
        assert r.returncode == 0, r.stderr
        files[name] = out.read_bytes()
    assert files['a'] == files['b'], 'same seed must give the same bytes'
    assert files['a'] != files['c'], 'another seed must give another world'
    with np.load(tmp_path / 'a.npz', allow_pickle=False) as z:
        assert {'frames', 'states', 'dt', 'meta'} <= set(z.files)
        fr, st = z['frames'], z['states']
        assert fr.dtype == np.uint8 and fr.shape[:4] == (3, 6, 24, 24) and fr.shape[4] in (1, 3)
        assert st.dtype == np.float32 and st.shape[:2] == (3, 6)
        if 'energy' in z.files and z['energy'].size: assert z['energy'].shape == (3, 6)
        meta = json.loads(str(z['meta']))
        assert meta['world'] == world and meta['seed'] == 3 and 'physvid_version' in meta
        assert fr.std() > 0, 'frames must not be blank'

def test_world_params_as_options(physvid, tmp_path):
    out = tmp_path / 'p.npz'
    r = physvid('world', 'pendulum', '--n', 2, '--frames', 5, '--friction', 0.05, '--out', out)
    assert r.returncode == 0, r.stderr
    with np.load(out) as z: assert json.loads(str(z['meta']))['params']['friction'] == 0.05

@pytest.mark.parametrize('args,msg', [
    (['world', 'no_such_world'], "unknown world 'no_such_world'"),
    (['world', 'pendulum', '--colour', 'red'], 'unknown parameter(s) colour'),
    (['world', 'pendulum', '--friction', 'lots'], "parameter 'friction' expects a float"),
    (['world', 'pendulum', '--n', '0'], 'n must be a positive integer'),
])
def test_bad_world_input_keeps_existing_file(physvid, tmp_path, args, msg):
    "A bad name or parameter is one clear line (exit 2), and the existing output file is untouched."
    out = tmp_path / 'keep.npz'; out.write_bytes(b'precious')
    r = physvid(*args, '--out', out)
    assert r.returncode == 2 and msg in r.stderr and 'Traceback' not in r.stderr, r.stderr
    assert out.read_bytes() == b'precious'

def test_bench_worlds_prints_peak_memory(physvid):
    "`bench worlds` prints frames/s, the frames' MiB, the peak MiB, the peak as a multiple of the frames and the seconds of a first small call (figures, not limits)."
    r = physvid('bench', 'worlds', '--worlds', 'one_body', '--n', 32, '--frames', 4, '--sizes', 64)
    assert r.returncode == 0, r.stderr
    head, row = r.stdout.splitlines()[:2]
    assert head.split()[:6] == ['world', 'size', 'frames/s', 'frames', 'MiB', 'peak'] and 'x frames' in head, head
    name, size, fps, fmib, peak, ratio, first = row.split()
    assert (name, size) == ('one_body', '64') and float(fmib) == 0.5 and float(peak) >= 0 and float(ratio) == pytest.approx(float(peak) / 0.5, abs=0.2), row
    assert 0 < float(first) < 60 and head.split()[-4:-2] == ['first', 's'], (row, head)
    assert re.fullmatch(r'renderer: (c|numpy) \(.+\)', r.stdout.splitlines()[-1]), r.stdout

def test_bench_worlds_names_the_renderer(physvid, monkeypatch):
    "The last line of `bench worlds` says which renderer drew the frames and why: PHYSVID_RENDER=numpy is the NumPy path."
    monkeypatch.setenv('PHYSVID_RENDER', 'numpy')
    r = physvid('bench', 'worlds', '--worlds', 'one_body', '--n', 8, '--frames', 2, '--sizes', 32)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == 'renderer: numpy (PHYSVID_RENDER=numpy)', r.stdout
