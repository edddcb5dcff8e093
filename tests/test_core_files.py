"""Fault injection for atomic writes: a writer killed mid-way leaves the old file intact."""
import os, signal, subprocess, sys, textwrap
from pathlib import Path

def test_atomic_write_survives_sigkill(tmp_path):
    "A process killed (SIGKILL) in the middle of an atomic write leaves the previous file whole."
    target = tmp_path / 'data.bin'
    target.write_bytes(b'old contents')
    code = textwrap.dedent(f'''
        import os, time
        from physvid.core import atomic_write
        with atomic_write({str(target)!r}) as f:
            f.write(b'x' * 1_000_000); f.flush()
            print('writing', flush=True); time.sleep(60)
    ''')
    p = subprocess.Popen([sys.executable, '-c', code], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == 'writing'
    p.send_signal(signal.SIGKILL); p.wait(timeout=30)
    assert target.read_bytes() == b'old contents'
