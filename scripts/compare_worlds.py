"""Side-by-side benchmark of physvid's bouncing-balls world against cosmo's generator (issue #15).

    python scripts/compare_worlds.py --cosmo-dir /path/to/cosmo_video_world_model [--cosmo-python PY] [--rounds 5]

Everything runs pinned to one core with one thread (os.sched_setaffinity, OMP/MKL/OpenBLAS at 1, cv2 at 1), each
measurement in a fresh process, physvid and cosmo alternated round by round; the table gives medians over the rounds
and the ratio cosmo time / physvid time (above 1: physvid is faster). It prints a Markdown table:

(a) 16 videos x 60 frames at 64 px, simulate + render in-process (physvid `make_world('bouncing_balls')`, 3 balls;
    cosmo `generate_video('bouncing', num_objects=3)` once per video);
(b) the whole command with its file written, 256 videos x 60 frames at 64 px (`physvid world bouncing_balls ... --out
    X.npz`; cosmo `tools/generate_sample_videos.py`, one MP4 per video, 1-8 balls per video as that tool draws them);
(c) as (a) at 256 px, with the peak resident memory each adds over its imports (ru_maxrss) and the frames' own size;
(d) start-up: `physvid --help`, `physvid world --list` and `physvid world bouncing_balls` (2 videos of 5 frames at
    16 px) against `python -c pass`.

Without --cosmo-dir (or with one that holds no tools/generate_sample_videos.py) the cosmo columns are skipped and the
script says so. cosmo needs numpy, opencv-python-headless and tqdm: give the Python that has them with --cosmo-python.
Only the standard library is imported here; the workers import physvid or cosmo.
"""
from __future__ import annotations
import argparse, json, os, resource, shutil, statistics, subprocess, sys, tempfile, time
from pathlib import Path

ONE_THREAD = {k: '1' for k in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'NUMEXPR_NUM_THREADS')}
ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------- workers (run in a fresh process each)
def _peak_mib(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def worker_physvid(n, frames, size, reps):
    "Seconds of each `make_world` call, the peak resident MiB it added and the frames' MiB."
    from physvid.worlds.base import make_world, list_worlds
    list_worlds()
    base, times = _peak_mib(), []
    for i in range(reps):
        t0 = time.perf_counter(); w = make_world('bouncing_balls', n=n, frames=frames, size=size, seed=i)
        times.append(time.perf_counter() - t0)
        fmib = w.frames.nbytes / 2**20; del w
    return {'times': times, 'peak_mib': _peak_mib() - base, 'frames_mib': fmib}

def worker_cosmo(cosmo_dir, n, frames, size, reps):
    "The same for cosmo: `generate_video` once per video, every video's frames kept (as physvid keeps them)."
    sys.path.insert(0, str(Path(cosmo_dir) / 'tools'))
    import numpy as np, cv2
    cv2.setNumThreads(1)
    from generate_sample_videos import generate_video
    base, times = _peak_mib(), []
    for i in range(reps):
        np.random.seed(i)
        t0 = time.perf_counter()
        vids = [generate_video('bouncing', num_frames=frames, width=size, height=size, num_objects=3) for _ in range(n)]
        times.append(time.perf_counter() - t0)
        fmib = sum(v.nbytes for v in vids) / 2**20; del vids
    return {'times': times, 'peak_mib': _peak_mib() - base, 'frames_mib': fmib}

# ---------------------------------------------------------------- driver
def _pin():
    "Pin this process (and so every child) to one core."
    if hasattr(os, 'sched_setaffinity'):
        core = sorted(os.sched_getaffinity(0))[-1]
        os.sched_setaffinity(0, {core})
        return core

def _env(extra=None):
    e = {**os.environ, **ONE_THREAD, **(extra or {})}
    e.pop('PYTHONSTARTUP', None)
    return e

def _run_worker(python, fn, *args, env=None):
    "Run worker `fn(*args)` of this script in a fresh `python`; return its JSON result."
    code = (f"import sys, json; sys.path.insert(0, {str(Path(__file__).parent)!r}); import compare_worlds as c; "
            f"print('@@' + json.dumps(c.{fn}(*{args!r})))")
    r = subprocess.run([python, '-c', code], capture_output=True, text=True, env=_env(env))
    if r.returncode: raise RuntimeError(f"{fn} failed:\n{r.stderr[-2000:]}")
    return json.loads(r.stdout.split('@@')[-1])

def _wall(cmd, env=None, cwd=None):
    "Wall seconds of a command (which must succeed)."
    t0 = time.perf_counter()
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=_env(env), cwd=cwd)
    dt = time.perf_counter() - t0
    if r.returncode: raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({r.returncode}):\n{r.stderr[-2000:]}")
    return dt

def _med(xs): return statistics.median(xs)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--cosmo-dir', type=Path, help='a checkout of github.com/chenli-git/cosmo_video_world_model')
    ap.add_argument('--cosmo-python', default=sys.executable, help='the Python with numpy, opencv-python-headless, tqdm (default: this one)')
    ap.add_argument('--physvid', default=str(Path(sys.executable).parent / 'physvid'), help='the physvid console script (default: next to this Python)')
    ap.add_argument('--rounds', type=int, default=5, help='alternated rounds per measurement (default 5)')
    ap.add_argument('--reps', type=int, default=3, help='in-process calls per round, the fastest counts (default 3)')
    ap.add_argument('--videos', type=int, default=256, help='videos for the whole-command comparison (b) (default 256)')
    a = ap.parse_args(argv)
    core = _pin()
    py, env = sys.executable, {'PYTHONPATH': os.pathsep.join(filter(None, [str(ROOT), os.environ.get('PYTHONPATH')]))}
    cosmo = a.cosmo_dir if a.cosmo_dir and (a.cosmo_dir / 'tools' / 'generate_sample_videos.py').is_file() else None
    skipped = []
    if cosmo is None:
        skipped.append(f"(a)-(c) cosmo columns: no cosmo checkout ({'--cosmo-dir not given' if a.cosmo_dir is None else f'{a.cosmo_dir} has no tools/generate_sample_videos.py'})")
    elif shutil.which(a.cosmo_python) is None and not Path(a.cosmo_python).is_file():
        skipped.append(f"(a)-(c) cosmo columns: no Python {a.cosmo_python}"); cosmo = None
    rows = []
    def inproc(label, n, frames, size, mem=False):
        P, C, pm, cm = [], [], None, None
        for _ in range(a.rounds):
            r = _run_worker(py, 'worker_physvid', n, frames, size, a.reps, env=env); P.append(min(r['times'])); pm = r
            if cosmo:
                r = _run_worker(a.cosmo_python, 'worker_cosmo', str(cosmo), n, frames, size, a.reps); C.append(min(r['times'])); cm = r
        nf = n * frames
        ph = f"{nf / _med(P):,.0f} frames/s"
        ch = f"{nf / _med(C):,.0f} frames/s" if C else 'skipped'
        if mem:
            ph += f", peak +{pm['peak_mib']:.0f} MiB ({pm['peak_mib'] / pm['frames_mib']:.2f}x its {pm['frames_mib']:.0f} MiB of frames)"
            if cm: ch += f", peak +{cm['peak_mib']:.0f} MiB ({cm['peak_mib'] / cm['frames_mib']:.2f}x its {cm['frames_mib']:.0f} MiB of frames)"
        rows.append((label, ph, ch, f"{_med(C) / _med(P):.2f}" if C else '-'))
    inproc('(a) 16 videos x 60 frames, 64 px, simulate + render in-process', 16, 60, 64)
    # (b) the whole command, file written
    with tempfile.TemporaryDirectory() as tmp:
        P, C = [], []
        for i in range(a.rounds):
            P.append(_wall([a.physvid, 'world', 'bouncing_balls', '--n', a.videos, '--frames', 60, '--size', 64, '--seed', i, '--out', f'{tmp}/w.npz'], env=env))
            if cosmo:
                C.append(_wall([a.cosmo_python, 'tools/generate_sample_videos.py', '--output', f'{tmp}/cosmo', '--num-videos', a.videos,
                                '--num-frames', 60, '--width', 64, '--height', 64], cwd=cosmo))
        nf = a.videos * 60
        rows.append((f'(b) {a.videos} videos x 60 frames, 64 px, whole command, file written (physvid .npz; cosmo one MP4 per video, 1-8 balls)',
                     f"{_med(P):.2f} s ({nf / _med(P):,.0f} frames/s)", f"{_med(C):.2f} s ({nf / _med(C):,.0f} frames/s)" if C else 'skipped',
                     f"{_med(C) / _med(P):.2f}" if C else '-'))
    inproc('(c) 16 videos x 60 frames, 256 px, in-process, peak memory', 16, 60, 256, mem=True)
    # (d) start-up
    with tempfile.TemporaryDirectory() as tmp:
        cmds = {'python -c pass': [py, '-c', 'pass'], 'physvid --help': [a.physvid, '--help'], 'physvid world --list': [a.physvid, 'world', '--list'],
                'physvid world bouncing_balls (2 x 5 frames, 16 px)': [a.physvid, 'world', 'bouncing_balls', '--n', 2, '--frames', 5, '--size', 16, '--out', f'{tmp}/s.npz']}
        T = {k: [] for k in cmds}
        for _ in range(a.rounds):
            for k, c in cmds.items(): T[k].append(_wall([str(x) for x in c], env=env))
        base = _med(T['python -c pass'])
        for k in list(cmds)[1:]:
            rows.append((f'(d) start-up: `{k}`', f"{_med(T[k]):.3f} s ({_med(T[k]) - base:+.3f} s over `python -c pass`: {base:.3f} s)", '-', '-'))
    print(f"one core ({core}), one thread; medians of {a.rounds} alternated rounds (in-process: the fastest of {a.reps} calls per round)\n")
    print('| measure | physvid | cosmo | ratio (cosmo time / physvid time) |\n|---|---|---|---|')
    for r in rows: print('| ' + ' | '.join(r) + ' |')
    for s in skipped: print(f"\nskipped: {s}")

if __name__ == '__main__':
    main()
