"""How much of a frame's time the soft edge itself costs, at the sizes where the world targets of issue 15 are not met.

    python scripts/render_bound.py [--sizes 128 256] [--reps 7]

For the bouncing balls (16 videos x 60 frames, 3 balls, seed 0) it times, in this process, pinned to one core with one
thread, the fastest of --reps calls of:

- `render` as physvid draws the world (the C kernel);
- the same kernel cut short after every object's coverage over its box is computed (the sigmoid edge, `exp` and
  division included), composited and written nowhere: a build of `RENDER_C` with the row loop removed, in a
  private kernel cache;
- the floor: allocating the frames and writing each byte once (`np.empty` + `fill`), as `compare_worlds.py` does.

and prints microseconds per frame. Coverage + floor is what this kernel's design pays before it composites anything:
the soft edge over each object's whole box (its corners included: computing only the pixels the edge reaches, row
by row, was slower) and new frames written once; compositing and packing three channels per pixel come on top.
Compare it with a third of cosmo's time per frame from `compare_worlds.py` (the 3x target).
"""
from __future__ import annotations
import argparse, os, sys, tempfile, time
from pathlib import Path

for k in ('OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS'): os.environ[k] = '1'
os.environ['PHYSVID_CACHE'] = tempfile.mkdtemp(prefix='physvid-bound-')    # the cut-short build never lands in the user's cache
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import numpy as np
import physvid.worlds.base as B
import physvid.worlds.arcade as A

def coverage_only(source:str) -> str:
    "RENDER_C with `physvid_render`'s row loop (compositing and packing) replaced by one read of the coverage."
    start = source.index('        for (int64_t y = 0; y < H; y++) {\n            uint8_t *o = img + y * H * C;')
    end = source.index('    free(buf); free(box); free(bgb); free(cov);')
    body = source[start:end]
    frame_end = body.rindex('    }\n')                                    # the frame loop's closing brace
    out = source[:start] + '        if (need) sink += cov[need / 2];\n' + body[frame_end:] + source[end:]
    return out.replace('VARIANTS int physvid_render(', 'static volatile float sink;   /* keeps the coverage from being optimised away */\nVARIANTS int physvid_render(', 1)

def best(fn, reps):
    ts = []
    for _ in range(reps):
        t = time.perf_counter(); fn(); ts.append(time.perf_counter() - t)
    return min(ts)

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--sizes', type=int, nargs='+', default=[128, 256])
    ap.add_argument('--reps', type=int, default=7)
    a = ap.parse_args(argv)
    if hasattr(os, 'sched_setaffinity'): os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[-1]})
    if B.render_backend()[0] != 'c': raise SystemExit(f'no C kernel here ({B.render_backend()[1]}): nothing to bound')
    full = B._KERNELS['raster'][0]
    B._KERNELS.pop('raster')
    cut = B.load_kernel('raster_coverage', coverage_only(B.RENDER_C), {'physvid_render': ['c_int64'] * 4 + ['c_void_p'] * 7 + ['c_float', 'c_float', 'c_int', 'c_void_p']})[0]
    if cut is None: raise SystemExit('the cut-short kernel did not build')
    print('| size | render (full kernel) | coverage only | floor (np.empty + fill) | coverage + floor |\n|---|---|---|---|---|')
    for size in a.sizes:
        cap, orig = {}, A.render
        def spy(*x, **k): cap['a'], cap['k'] = x, k; return orig(*x, **k)
        A.render = spy
        B.make_world('bouncing_balls', n=16, frames=60, size=size, seed=0)
        A.render = orig
        M = 16 * 60
        times = {}
        for name, lib in (('full', full), ('coverage', cut)):
            B._KERNELS['raster'] = (lib, '')
            times[name] = best(lambda: B.render(*cap['a'], **cap['k']), a.reps)
        B._KERNELS['raster'] = (full, '')
        def floor(): f = np.empty((16, 60, size, size, 3), np.uint8); f.fill(255)
        times['floor'] = best(floor, a.reps)
        us = {k: 1e6 * v / M for k, v in times.items()}
        print(f"| {size} px | {us['full']:.1f} us/frame | {us['coverage']:.1f} us/frame | {us['floor']:.1f} us/frame | {us['coverage'] + us['floor']:.1f} us/frame |")

if __name__ == '__main__':
    main()
