"""Side-by-side benchmark of physvid's worlds against cosmo's generator (issue #15).

    python scripts/compare_worlds.py --cosmo-dir /path/to/cosmo_video_world_model [--cosmo-python PY] [--rounds 5]

Everything runs pinned to one core with one thread (os.sched_setaffinity, OMP/MKL/OpenBLAS at 1, cv2 at 1), each
measurement in a fresh process, physvid and cosmo alternated round by round; the table gives medians over the rounds
and the ratio cosmo time / physvid time (above 1: physvid is faster). It prints a Markdown table:

(a) 16 videos x 60 frames at 32, 64 and 128 px (--sizes), simulate + render in-process (physvid
    `make_world('bouncing_balls')`, 3 balls; cosmo `generate_video('bouncing', num_objects=3)` once per video);
(b) the whole command with its file written, 256 videos x 60 frames at 64 px (`physvid world bouncing_balls ... --out
    X.npz`; cosmo `tools/generate_sample_videos.py`, one MP4 per video, 1-8 balls per video as that tool draws them);
(c) as (a) at 256 px, with the peak resident memory each adds over its imports (ru_maxrss) and the frames' own size;
(floor) for (a) and (c): allocating the frames and writing each byte once (np.empty + fill), in the same rounds: no
    renderer that returns new frames can be faster, so it bounds the ratio any renderer can reach against cosmo;
(d) every world cosmo has, at 64 px, in-process, against physvid's world made from it (cosmo's 'bouncing' with 3 balls
    against `bouncing_balls`, 'pendulum' against `damped_pendulum`, 'falling' with 3 objects against `falling_objects`,
    'projectile' against `projectile`, each with its defaults);
(e) start-up: `physvid --help`, `physvid world --list` and `physvid world bouncing_balls` (2 videos of 5 frames at
    16 px) against `python -c pass`, after one untimed warm-up run of each (bytecode cached: PYTHONDONTWRITEBYTECODE is
    dropped for the children);
(f) every registered world of physvid, 16 videos x 60 frames at each of --world-sizes (default 32 64 128 256 px),
    in-process, at its defaults, against cosmo's 'bouncing' (3 balls) at the same size in the same rounds: the rate the
    issue's target is set against (cosmo has no Hamiltonian, gravity, cat-map or shapes worlds). `one_body`, `n_body`
    and `cat_map` draw grey frames (one channel), the others RGB like cosmo.

--sections picks which of (a)-(f) to run (default: all).

--heap-reuse runs every worker with glibc's MALLOC_MMAP_THRESHOLD_ and MALLOC_TRIM_THRESHOLD_ at 1 GiB and 4 GiB, so
that a freed block of any size is reused by the next call instead of being mapped afresh (and zeroed by the kernel).
By default glibc maps large blocks afresh: always above 32 MiB (physvid's frames array from 128 px), and below that
until a free raises its threshold. The flag takes page zeroing out of both sides' times (results/compare_worlds_heap.md:
cosmo gains more from it than physvid).

Without --cosmo-dir (or with one that holds no tools/generate_sample_videos.py) the cosmo columns are skipped and the
script says so. cosmo needs numpy, opencv-python-headless and tqdm: give the Python that has them with --cosmo-python.
Only the standard library is imported here; the workers import physvid or cosmo.
"""
from __future__ import annotations
import argparse, json, os, resource, shutil, statistics, subprocess, sys, tempfile, time
from pathlib import Path

WORKER_ENV = {k: '1' for k in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'NUMEXPR_NUM_THREADS')}   # every worker and timed command: one thread (--heap-reuse adds glibc's settings)
ROOT = Path(__file__).resolve().parent.parent
PAIRS = [('bouncing', 3, 'bouncing_balls'), ('pendulum', 1, 'damped_pendulum'), ('falling', 3, 'falling_objects'), ('projectile', 1, 'projectile')]

# ---------------------------------------------------------------- workers (run in a fresh process each)
def _peak_mib(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

def worker_physvid(n, frames, size, reps, world='bouncing_balls'):
    "Seconds of each `make_world` call, the peak resident MiB it added and the frames' MiB."
    from physvid.worlds.base import make_world, list_worlds
    list_worlds()
    base, times = _peak_mib(), []
    for i in range(reps):
        t0 = time.perf_counter(); w = make_world(world, n=n, frames=frames, size=size, seed=i)
        times.append(time.perf_counter() - t0)
        fmib = w.frames.nbytes / 2**20; del w
    return {'times': times, 'peak_mib': _peak_mib() - base, 'frames_mib': fmib}

def worker_floor(n, frames, size, reps):
    "Seconds to allocate a world's frames and write every byte once (np.empty + fill): a floor under any renderer that returns new frames."
    import numpy as np
    times = []
    for i in range(reps):
        t0 = time.perf_counter(); f = np.empty((n, frames, size, size, 3), np.uint8); f.fill(255)
        times.append(time.perf_counter() - t0); del f
    return {'times': times}

def worker_cosmo(cosmo_dir, n, frames, size, reps, kind='bouncing', objects=3):
    "The same for cosmo: `generate_video` once per video, every video's frames kept (as physvid keeps them)."
    sys.path.insert(0, str(Path(cosmo_dir) / 'tools'))
    import numpy as np, cv2
    cv2.setNumThreads(1)
    from generate_sample_videos import generate_video
    base, times = _peak_mib(), []
    for i in range(reps):
        np.random.seed(i)
        t0 = time.perf_counter()
        vids = [generate_video(kind, num_frames=frames, width=size, height=size, num_objects=objects) for _ in range(n)]
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
    e = {**os.environ, **WORKER_ENV, **(extra or {})}
    e.pop('PYTHONSTARTUP', None)
    e.pop('PYTHONDONTWRITEBYTECODE', None)       # as installed: modules load from their cached bytecode (written by the warm-up runs)
    return e

def _run_worker(python, fn, *args, env=None):
    "Run worker `fn(*args)` of this script in a fresh `python`; return its JSON result."
    code = (f"import sys, json; sys.path.insert(0, {str(Path(__file__).parent)!r}); import compare_worlds as c; "
            f"print('@@' + json.dumps(c.{fn}(*{args!r})))")
    r = subprocess.run([python, '-c', code], capture_output=True, text=True, env=_env(env), cwd=tempfile.gettempdir())   # not a checkout: '' leads sys.path
    if r.returncode: raise RuntimeError(f"{fn} failed:\n{r.stderr[-2000:]}")
    return json.loads(r.stdout.split('@@')[-1])

def _wall(cmd, env=None, cwd=None, cpu=False):
    "Wall seconds of a command (which must succeed); with `cpu`, also its user + system CPU seconds."
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=_env(env), cwd=cwd)
    dt = time.perf_counter() - t0
    if r.returncode: raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({r.returncode}):\n{r.stderr[-2000:]}")
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (dt, c1.ru_utime + c1.ru_stime - c0.ru_utime - c0.ru_stime) if cpu else dt

def _med(xs): return statistics.median(xs)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--cosmo-dir', type=Path, help='a checkout of github.com/chenli-git/cosmo_video_world_model')
    ap.add_argument('--cosmo-python', default=sys.executable, help='the Python with numpy, opencv-python-headless, tqdm (default: this one)')
    ap.add_argument('--physvid', default=str(Path(sys.executable).parent / 'physvid'), help='the physvid console script (default: next to this Python)')
    ap.add_argument('--before', type=Path, help='optional: another physvid checkout (e.g. before a change) measured in an extra column')
    ap.add_argument('--rounds', type=int, default=5, help='alternated rounds per measurement (default 5)')
    ap.add_argument('--reps', type=int, default=3, help='in-process calls per round, the fastest counts (default 3)')
    ap.add_argument('--videos', type=int, default=256, help='videos for the whole-command comparison (b) (default 256)')
    ap.add_argument('--sizes', type=int, nargs='+', default=[32, 64, 128], help='frame sizes for (a), in px (default 32 64 128; (c) is 256)')
    ap.add_argument('--world-sizes', type=int, nargs='+', default=[32, 64, 128, 256], help='frame sizes for (f), in px (default 32 64 128 256)')
    ap.add_argument('--sections', default='abcdef', help='which of (a)-(f) to run, e.g. f (default abcdef)')
    ap.add_argument('--heap-reuse', action='store_true', help="every worker reuses freed blocks of any size (glibc's MALLOC_MMAP_THRESHOLD_=1 GiB): see above")
    a = ap.parse_args(argv)
    if a.heap_reuse: WORKER_ENV.update(MALLOC_MMAP_THRESHOLD_=str(2**30), MALLOC_TRIM_THRESHOLD_=str(2**32))
    core = _pin()
    py, env = sys.executable, {'PYTHONPATH': os.pathsep.join(filter(None, [str(ROOT), os.environ.get('PYTHONPATH')]))}
    cosmo = a.cosmo_dir if a.cosmo_dir and (a.cosmo_dir / 'tools' / 'generate_sample_videos.py').is_file() else None
    skipped = []
    if cosmo is None:
        skipped.append(f"(a)-(d) cosmo columns: no cosmo checkout ({'--cosmo-dir not given' if a.cosmo_dir is None else f'{a.cosmo_dir} has no tools/generate_sample_videos.py'})")
    elif shutil.which(a.cosmo_python) is None and not Path(a.cosmo_python).is_file():
        skipped.append(f"(a)-(d) cosmo columns: no Python {a.cosmo_python}"); cosmo = None
    env0 = {'PYTHONPATH': os.pathsep.join(filter(None, [str(a.before), os.environ.get('PYTHONPATH')]))} if a.before else None
    rows = []
    def fmt(nf, T, m):
        t = f"{nf / _med(T):,.0f} frames/s"
        return t + (f", peak +{m['peak_mib']:.0f} MiB ({m['peak_mib'] / m['frames_mib']:.2f}x its {m['frames_mib']:.0f} MiB of frames)" if m else '')
    def inproc(label, n, frames, size, mem=False):
        P, C, B, F, pm, cm, bm = [], [], [], [], None, None, None
        for _ in range(a.rounds):
            r = _run_worker(py, 'worker_physvid', n, frames, size, a.reps, env=env); P.append(min(r['times'])); pm = r
            F.append(min(_run_worker(py, 'worker_floor', n, frames, size, a.reps)['times']))
            if env0:
                r = _run_worker(py, 'worker_physvid', n, frames, size, a.reps, env=env0); B.append(min(r['times'])); bm = r
            if cosmo:
                r = _run_worker(a.cosmo_python, 'worker_cosmo', str(cosmo), n, frames, size, a.reps); C.append(min(r['times'])); cm = r
        nf = n * frames
        rows.append((label, fmt(nf, P, pm if mem else None), fmt(nf, C, cm if mem else None) if C else 'skipped', f"{_med(C) / _med(P):.2f}" if C else '-',
                     f"{fmt(nf, B, bm if mem else None)}; this one {_med(B) / _med(P):.2f}x as fast" if B else '-'))
        rows.append((f'{label.split(" ")[0]} {size} px floor: allocate the frames, write each byte once (np.empty + fill)', fmt(nf, F, None), '-',
                     f"{_med(C) / _med(F):.2f} (the most any renderer could reach)" if C else '-', '-'))
    for size in (a.sizes if 'a' in a.sections else []): inproc(f'(a) 16 videos x 60 frames, {size} px, simulate + render in-process', 16, 60, size)
    # (b) the whole command, file written
    if 'b' in a.sections:
        with tempfile.TemporaryDirectory() as tmp:
            P, C, B = [], [], []
            for i in range(a.rounds):
                cmd = [a.physvid, 'world', 'bouncing_balls', '--n', a.videos, '--frames', 60, '--size', 64, '--seed', i, '--out', f'{tmp}/w.npz']
                P.append(_wall(cmd, env=env))
                if env0: B.append(_wall(cmd, env=env0))
                if cosmo:
                    C.append(_wall([a.cosmo_python, 'tools/generate_sample_videos.py', '--output', f'{tmp}/cosmo', '--num-videos', a.videos,
                                    '--num-frames', 60, '--width', 64, '--height', 64], cwd=cosmo))
            nf = a.videos * 60
            rows.append((f'(b) {a.videos} videos x 60 frames, 64 px, whole command, file written (physvid .npz; cosmo one MP4 per video, 1-8 balls)',
                         f"{_med(P):.2f} s ({nf / _med(P):,.0f} frames/s)", f"{_med(C):.2f} s ({nf / _med(C):,.0f} frames/s)" if C else 'skipped',
                         f"{_med(C) / _med(P):.2f}" if C else '-', f"{_med(B):.2f} s; this one {_med(B) / _med(P):.2f}x as fast" if B else '-'))
    if 'c' in a.sections: inproc('(c) 16 videos x 60 frames, 256 px, in-process, peak memory', 16, 60, 256, mem=True)
    # (d) every world of cosmo's against physvid's own version of it
    if cosmo and 'd' in a.sections:
        for kind, k, world in PAIRS:
            P, C = [], []
            for _ in range(a.rounds):
                P.append(min(_run_worker(py, 'worker_physvid', 16, 60, 64, a.reps, world, env=env)['times']))
                C.append(min(_run_worker(a.cosmo_python, 'worker_cosmo', str(cosmo), 16, 60, 64, a.reps, kind, k)['times']))
            rows.append((f"(d) `{world}` against cosmo's '{kind}' ({k} object{'s' if k > 1 else ''}), 16 videos x 60 frames, 64 px, in-process",
                         f"{960 / _med(P):,.0f} frames/s", f"{960 / _med(C):,.0f} frames/s", f"{_med(C) / _med(P):.2f}", '-'))
    # (f) every world of physvid against cosmo's bouncing balls at the same size
    if 'f' in a.sections:
        code = 'import json, physvid.worlds.base as B; print(json.dumps([w for w, _, _ in B.list_worlds()]))'
        names = json.loads(subprocess.run([py, '-c', code], capture_output=True, text=True, env=_env(env), check=True).stdout)
        for size in a.world_sizes:
            C, P, B = [], {w: [] for w in names}, {w: [] for w in names}
            for _ in range(a.rounds):
                if cosmo: C.append(min(_run_worker(a.cosmo_python, 'worker_cosmo', str(cosmo), 16, 60, size, a.reps)['times']))
                for w in names:
                    P[w].append(min(_run_worker(py, 'worker_physvid', 16, 60, size, a.reps, w, env=env)['times']))
                    if env0: B[w].append(min(_run_worker(py, 'worker_physvid', 16, 60, size, a.reps, w, env=env0)['times']))
            for w in names:
                rows.append((f"(f) `{w}`, 16 videos x 60 frames, {size} px, in-process, against cosmo's 'bouncing' (3 balls) at {size} px",
                             f"{960 / _med(P[w]):,.0f} frames/s", f"{960 / _med(C):,.0f} frames/s" if C else 'skipped',
                             f"{_med(C) / _med(P[w]):.2f}" if C else '-',
                             f"{960 / _med(B[w]):,.0f} frames/s; this one {_med(B[w]) / _med(P[w]):.2f}x as fast" if env0 else '-'))
    # (e) start-up
    if 'e' in a.sections:
        with tempfile.TemporaryDirectory() as tmp:
            cmds = {'python -c pass': [py, '-c', 'pass'], 'physvid --help': [a.physvid, '--help'], 'physvid world --list': [a.physvid, 'world', '--list'],
                    'physvid world bouncing_balls (2 x 5 frames, 16 px)': [a.physvid, 'world', 'bouncing_balls', '--n', 2, '--frames', 5, '--size', 16, '--out', f'{tmp}/s.npz']}
            T, T0 = {k: [] for k in cmds}, {k: [] for k in cmds}
            for k, c in cmds.items():                   # warm-up, not timed: bytecode caches and the page cache as after any first run
                _wall(c, env=env)
                if env0: _wall(c, env=env0)
            for _ in range(a.rounds):
                for k, c in cmds.items():
                    T[k].append(_wall(c, env=env, cpu=True))
                    if env0: T0[k].append(_wall(c, env=env0, cpu=True))
            w = lambda k, T=T: _med([t[0] for t in T[k]]); u = lambda k, T=T: _med([t[1] for t in T[k]])
            for k in list(cmds)[1:]:
                rows.append((f'(e) start-up: `{k}`, wall (CPU) seconds', f"{w(k):.3f} s ({u(k):.3f} s CPU); `python -c pass`: {w('python -c pass'):.3f} s "
                             f"({u('python -c pass'):.3f} s CPU)", '-', '-', f"{w(k, T0):.3f} s ({u(k, T0):.3f} s CPU)" if env0 else '-'))
    print(f"one core ({core}), one thread; medians of {a.rounds} alternated rounds (in-process: the fastest of {a.reps} calls per round)"
          + ("; every worker with freed blocks reused (--heap-reuse)" if a.heap_reuse else '') + "\n")
    print('| measure | physvid | cosmo | ratio (cosmo time / physvid time) |' + (f' physvid at {a.before} |' if env0 else '') + '\n|---|---|---|---|' + ('---|' if env0 else ''))
    for r in rows: print('| ' + ' | '.join(r if env0 else r[:4]) + ' |')
    for s in skipped: print(f"\nskipped: {s}")

if __name__ == '__main__':
    main()
