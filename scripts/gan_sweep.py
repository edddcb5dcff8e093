"""Measure video-GAN settings before they become defaults: train with `physvid train`, sample with `physvid generate`, count objects.

Every cell is one (world, entry): `physvid train MODEL --world ROOT/worlds/W_train.npz --set max_minutes=M,budget_clock=cpu ...`,
then `physvid generate RUN --n N --frames F` of best.pt (the checkpoint whose samples scored best on the validation clips
during training) and of last.pt (`--which last`), each scored by `physvid.metrics.object_census` against held-out real
videos of the same world (another seed): the share of generated frames with the real number of objects of plausible area,
the ratio of their mean per-frame motion to the real videos', and the spread and variety ratios (object positions over
all frames, and across the videos at one frame: one trajectory for every noise has a spread but no variety). A strip of sample frames (samples.png) and a GIF, real videos above generated ones (samples.gif), go next to each run.

    python scripts/gan_sweep.py --root runs/sweeps/gans --world pendulum --world mass_spring \\
        --entry hgan_sn=hgan:spectral_norm=true,lr_d=4e-4 --minutes 5

prints one line per cell and writes ROOT/sweep.md and ROOT/sweep.json (every cell in ROOT, with the commands that made them);
`--table-only` rewrites the tables from the cells already in ROOT.
"""
import argparse, json, shlex, subprocess, sys, time
from pathlib import Path
import numpy as np
import torch
from physvid.core import save_json, to_memory
from physvid.data import load_world
from physvid.metrics import object_census

def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--root', type=Path, required=True)
    p.add_argument('--world', action='append', default=[], help='a Hamiltonian world name (repeatable)')
    p.add_argument('--entry', action='append', default=[], help='NAME=model:setting=value,... (on top of the model defaults; steps=N / seed=N: the --steps / --seed of physvid train)')
    p.add_argument('--minutes', type=float, default=5.0, help='CPU minutes per training run (budget_clock=cpu); 0: the registered steps, no budget')
    p.add_argument('--n-train', type=int, default=320, help='training videos per world')
    p.add_argument('--n-real', type=int, default=256, help='held-out real videos (and generated ones) per cell')
    p.add_argument('--frames', type=int, default=16, help='frames per world video and per generated video')
    p.add_argument('--size', type=int, default=32)
    p.add_argument('--table-only', action='store_true', help='run nothing: rewrite sweep.md / sweep.json from the cells in ROOT')
    p.add_argument('--rescore', action='store_true', help='with --table-only: score the saved samples of every cell again first (cells whose samples are gone keep their census)')
    return p.parse_args(argv)

def sh(cmd):
    "Run a physvid command line, echoing it; returns it as text."
    print('$', cmd, flush=True)
    subprocess.run(shlex.split(cmd), check=True)
    return cmd

def worlds(a, name):
    "Training (seed 0) and held-out real (seed 1000) world files of `name`."
    out = {}
    for part, n, seed in (('train', a.n_train, 0), ('real', a.n_real, 1000)):
        f = a.root/'worlds'/f'{name}_{part}.npz'
        if not f.is_file():
            f.parent.mkdir(parents=True, exist_ok=True)
            sh(f'physvid world {name} --n {n} --frames {a.frames} --size {a.size} --seed {seed} --out {f}')
        out[part] = f
    return out

def strip(video, path, videos=4, frames=8):
    "PNG: `videos` rows of `frames` frames (every other frame), 3x nearest upscale."
    from physvid.viz import png_bytes
    v = video[:videos, ::max(1, video.shape[1] // frames)][:, :frames]          # (V, F, C, S, S)
    img = v.permute(0, 3, 1, 4, 2).reshape(v.shape[0] * v.shape[3], -1, v.shape[2])   # (V S, F S, C)
    img = (img.clamp(0, 1) * 255).round().byte().numpy().repeat(3, 0).repeat(3, 1)
    Path(path).write_bytes(png_bytes(img))

def gif(real, fake, path, videos=4):
    "GIF: top row `videos` real videos, bottom row `videos` generated ones, every frame, 3x nearest upscale."
    from physvid.viz import write_video
    T = min(real.shape[1], fake.shape[1])
    rows = [v[:videos, :T].permute(1, 3, 0, 4, 2).flatten(2, 3) for v in (real, fake)]    # (T, S, V S, C)
    img = (torch.cat(rows, 1).clamp(0, 1) * 255).round().byte().numpy().repeat(3, 1).repeat(3, 2)
    write_video(img, path, fps=8)

def cell(a, world, entry):
    name, _, spec = entry.partition('=')
    model, _, sets = spec.partition(':')
    run = a.root/'runs'/world/name
    done = run/'census.json'
    if done.is_file(): return json.loads(done.read_text())
    files = worlds(a, world)
    budget = [f'max_minutes={a.minutes}', 'budget_clock=cpu'] if a.minutes > 0 else []   # 0: the model's registered steps
    sets = ','.join(filter(None, [*budget, sets]))
    items = [s for s in sets.split(',') if s]
    own = {k: s.split('=', 1)[1] for s in items for k in ('steps', 'seed') if s.startswith(k + '=')}   # steps=N / seed=N in an entry: `physvid train --steps N --seed N`
    setargs = ' '.join(f'--set {s}' for s in items if s.split('=', 1)[0] not in own)
    if run.exists(): import shutil; shutil.rmtree(run)                   # an unfinished cell: start again
    t0 = time.process_time()
    if a.minutes > 0: own['steps'] = '100000'                            # the CPU budget ends the run, not the steps
    train = ['physvid train', model, f'--world {files["train"]}', *(f'--{k} {v}' for k, v in own.items()), f'--out {run}', setargs, '--quiet']
    cmds = [sh(' '.join(filter(None, train)))]
    for which, f in (('best', 'samples.npz'), ('last', 'samples_last.npz')):
        cmds.append(sh(f'physvid generate {run} --n {a.n_real} --frames {a.frames} --which {which} --out {run/f} --seed 1'))
    step = lambda f: int(torch.load(run/f, map_location='cpu', weights_only=True)['step']) if (run/f).is_file() else None
    cfg = json.loads((run/'config.json').read_text())
    res = {'world': world, 'entry': name, 'model': model, 'sets': sets, 'steps': step('last.pt'), 'which': 'best', 'best_step': step('best.pt'),
           'frames_trained': cfg.get('frames'), 'batch_size': cfg.get('batch_size'), 'commands': cmds}
    return score(a, res, run)

def score(a, res, run):
    "The object census of a cell's samples against the world's held-out real videos, saved as the cell's census.json."
    real = to_memory(load_world(a.root/'worlds'/f"{res['world']}_real.npz").frames)
    fake = to_memory(load_world(run/'samples.npz').frames)
    figures = lambda r: {'objects_right': r['objects_right'], **{k: num(r[k]) for k in ('motion_ratio', 'spread_ratio', 'variety_ratio')}}
    r = object_census(fake, real)
    strip(fake, run/'samples.png'); gif(real, fake, run/'samples.gif')
    res.update(figures(r), motion_px=num(r['motion']), real_motion_px=r['real_motion'], real_right=r['real_right'])
    if (run/'samples_last.npz').is_file():                              # cells that pick best.pt also score last.pt
        res['last'] = figures(object_census(to_memory(load_world(run/'samples_last.npz').frames), real))
    save_json(res, run/'census.json')
    return res

def num(x):
    "A float, or None for NaN / missing (JSON has no NaN)."
    return None if x is None or not np.isfinite(x) else float(x)

def target(r): return r['objects_right'] >= 0.8 and num(r['motion_ratio']) is not None and 0.5 <= r['motion_ratio'] <= 2

def line(r):
    ok = target(r)
    return (f"{r['world']:12s} {r['entry']:22s} steps {r['steps']:5d}  objects right {r['objects_right']:6.1%}  "
            f"motion ratio {r['motion_ratio'] if num(r['motion_ratio']) is not None else float('nan'):.2f}  spread ratio {r.get('spread_ratio') or 0:.2f}  "
            f"variety ratio {r.get('variety_ratio') or 0:.2f}  {'TARGET' if ok else ''}")

def write_table(a):
    rows = sorted((json.loads(p.read_text()) for p in a.root.glob('runs/*/*/census.json')), key=lambda r: (r['world'], r['model'], r['entry']))
    head = ('| world | entry | model | settings (--set) | steps | checkpoint | objects right | motion ratio | spread ratio | variety ratio | target | last.pt: right / motion / spread / variety |\n'
            '|---|---|---|---|---|---|---|---|---|---|---|---|\n')
    f = lambda x: 'n/a' if x is None or not np.isfinite(x) else f'{x:.2f}'
    ck = lambda r: f"best (step {r['best_step']})" if r.get('which') == 'best' and r.get('best_step') else 'last'     # rows before best.pt was picked by samples: last.pt
    lst = lambda r: (f"{r['last']['objects_right']:.1%} / {f(r['last']['motion_ratio'])} / {f(r['last']['spread_ratio'])} / "
                     f"{f(r['last'].get('variety_ratio'))}" if 'last' in r else '')
    body = ''.join(f"| {r['world']} | {r['entry']} | {r['model']} | `{r['sets']}` | {r['steps']} | {ck(r)} | {r['objects_right']:.1%} | "
                   f"{f(r['motion_ratio'])} | {f(r.get('spread_ratio'))} | {f(r.get('variety_ratio'))} | {'yes' if target(r) else 'no'} | {lst(r)} |\n" for r in rows)
    log = a.root/'commands.txt'
    cmds = log.read_text().splitlines() if log.is_file() else []
    (a.root/'sweep.md').write_text(''.join(f'`{c}`\n\n' for c in cmds) + head + body)
    save_json({'commands': cmds, 'rows': rows}, a.root/'sweep.json')
    print(head + body)

def main(argv):
    a = parse(argv)
    torch.set_num_threads(1)
    if a.table_only and a.rescore:
        for p in sorted(a.root.glob('runs/*/*/census.json')):
            if (p.parent/'samples.npz').is_file(): print(line(score(a, json.loads(p.read_text()), p.parent)))
            else: print(f'{p.parent}: no samples.npz (removed since), its census kept as it was')
    if not a.table_only:
        for w in a.world:
            for e in a.entry: print(line(cell(a, w, e)), flush=True)
        cmd, log = 'python scripts/gan_sweep.py ' + ' '.join(argv), a.root/'commands.txt'
        cmds = [c for c in (log.read_text().splitlines() if log.is_file() else []) if c != cmd] + [cmd]
        log.write_text('\n'.join(cmds) + '\n')
    write_table(a)

if __name__ == '__main__': main(sys.argv[1:])
