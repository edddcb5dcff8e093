"""A full disk and a read-only folder, simulated in-process (the tests run as root, where chmod cannot make a
folder read-only): every writing command ends with exit 1 and one line naming the problem and the file, leaves
no temp file, and keeps what was there before."""
import errno, os, tempfile
from pathlib import Path
import pytest
from physvid import cli

def _full_disk(*a, **k): raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
def _read_only(*a, **k): raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

@pytest.fixture(scope='module')
def world(tmp_path_factory):
    p = tmp_path_factory.mktemp('w') / 'w.npz'
    assert cli.main(['world', 'one_body', '--n', '8', '--frames', '6', '--size', '16', '--out', str(p)]) == 0
    return p

CASES = {  # command line (with {w} the world, {o} the output) -> the file whose write fails
    'world': (['world', 'one_body', '--n', '2', '--frames', '4', '--size', '16', '--out', '{o}/w.npz'], 'w.npz'),
    'train': (['train', 'convlstm', '--world', '{w}', '--steps', '2', '--out', '{o}/run', '--quiet',
               '--set', 'batch_size=2', '--set', 'context=3', '--set', 'horizon=2', '--set', 'hidden=4'], 'run'),
}

@pytest.mark.parametrize('fault,words', [('fsync', 'No space left on device'), ('mkstemp', 'Permission denied')])
@pytest.mark.parametrize('command', list(CASES))
def test_os_error_is_one_line_exit_1(command, fault, words, world, tmp_path, monkeypatch, capsys):
    argv, target = CASES[command]
    keep = tmp_path / 'keep.txt'; keep.write_text('mine')                      # something the user had in the folder
    if command == 'world': (tmp_path / 'w.npz').write_bytes(b'previous world')  # an earlier output: must survive
    argv = [a.format(w=world, o=tmp_path) for a in argv]
    if fault == 'fsync': monkeypatch.setattr(os, 'fsync', _full_disk)
    else: monkeypatch.setattr(tempfile, 'mkstemp', _read_only)
    code = cli.main(argv)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1, (code, err)
    assert len(err) == 1 and err[0].startswith(f'physvid {command}:') and words in err[0] and target in err[0], err
    assert not [p for p in tmp_path.rglob('*.tmp')], list(tmp_path.rglob('*'))   # no litter
    assert keep.read_text() == 'mine'
    if command == 'world': assert (tmp_path / 'w.npz').read_bytes() == b'previous world'
