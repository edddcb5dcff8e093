"""Measure settings before they become defaults: train and score leaderboard-style cells on variants of a world.

Every cell goes through `physvid.leaderboard.run_cell` (so `train_model` + `evaluate_run`, the leaderboard's
budget, context, horizons and metrics), on world files made with the given world parameters.

    python scripts/sweep.py --root runs/sweeps/balls --world bouncing_balls --variant r2=radius=16 --variant r4=radius=32 \\
        --entry gru=world_model:dynamics=gru --entry free=world_model:dynamics=gru,teacher_steps=0

prints one line per cell and writes ROOT/sweep.md and ROOT/sweep.json (every cell in ROOT, with the commands that made them).
"""
import argparse, sys
from pathlib import Path
import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
from physvid.core import cast_like, save_json
from physvid.worlds.base import make_world, world_params
from physvid.data import save_world
from physvid import leaderboard as lb

def _pairs(text):
    out, last = {}, None
    for item in filter(None, text.split(',')):
        if '=' not in item and last is not None: out[last] += ',' + item; continue   # a list value: hidden=16,16,16
        last, _, v = item.partition('=')
        out[last] = v
    return out

def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--root', type=Path, required=True)
    p.add_argument('--world', required=True)
    p.add_argument('--variant', action='append', default=[], help='NAME=param=value,param=value (world parameters)')
    p.add_argument('--entry', action='append', default=[], help='NAME=model:setting=value,... (model settings on top of its defaults)')
    p.add_argument('--seeds', type=int, default=1)
    p.add_argument('--minutes', type=float, default=lb.DEFAULTS['max_minutes'])
    p.add_argument('--workers', type=int, default=2)
    p.add_argument('--table-only', action='store_true', help='run nothing: rewrite sweep.md / sweep.json from the cells in ROOT')
    return p.parse_args(argv)

ARGS = parse(sys.argv[1:])
for e in ARGS.entry:                       # registered here, at import, so that spawned workers see them too
    name, _, spec = e.partition('=')
    model, _, sets = spec.partition(':')
    lb.ENTRIES[name] = (model or None, _pairs(sets))

def files(variant):
    name, _, params = variant.partition('=')
    defaults = world_params(ARGS.world)
    kw = {k: cast_like(v, defaults[k], k) for k, v in _pairs(params).items()}
    out = {}
    for part, n, seed in (('train', lb.DEFAULTS['n_train'], lb.DEFAULTS['train_seed']), ('test', lb.DEFAULTS['n_test'], lb.DEFAULTS['test_seed'])):
        f = ARGS.root/'worlds'/f'{ARGS.world}_{name}_{part}.npz'
        if not f.is_file():
            f.parent.mkdir(parents=True, exist_ok=True)
            frames = lb.DEFAULTS['context'] + lb.DEFAULTS['eval_horizon']
            save_world(make_world(ARGS.world, n=n, frames=frames, size=lb.DEFAULTS['size'], seed=seed, **kw), f)
        out[part] = f
    return out

def job(a):
    variant, entry, seed = a
    r = lb.run_cell(ARGS.root, entry, f"{ARGS.world}_{variant.partition('=')[0]}", seed, files(variant), {'max_minutes': ARGS.minutes})
    if 'metrics' not in r: return f"{r['world']:28s} {entry:16s} seed {seed}: cannot run: {r.get('unsupported')}"
    m, v = r['metrics'], r['metrics'].get('visible', [None] * 20)
    f = lambda x: '-' if x is None else f'{x:.0%}'
    return (f"{r['world']:28s} {entry:16s} seed {seed}: mse@10 {m['mse'][9]:.4f}  visible@5/10/20 {f(v[4])} {f(v[9])} {f(v[19])}"
            f"  pos_err@10 {m.get('position_error', [None] * 20)[9]}  steps {r['steps']}")

def write_table():
    rows = lb.leaderboard_rows(ARGS.root)
    table = lb.leaderboard_table(rows, ['mse@1', 'mse@10', 'mse@20', 'visible@5', 'visible@10', 'visible@20', 'pos_err@10'])
    log = ARGS.root/'commands.txt'
    cmds = log.read_text().splitlines() if log.is_file() else []
    (ARGS.root/'sweep.md').write_text(''.join(f'`{c}`\n\n' for c in cmds) + table + '\n'); print(table)
    save_json({'commands': cmds, 'rows': rows}, ARGS.root/'sweep.json')

if __name__ == '__main__':
    if ARGS.table_only: write_table(); sys.exit()
    variants = ARGS.variant or ['default=']
    jobs = [(v, e.partition('=')[0], k) for k in range(ARGS.seeds) for v in variants for e in ARGS.entry]
    for v in variants: files(v)
    with ProcessPoolExecutor(ARGS.workers, mp_context=mp.get_context('spawn'), initializer=lb._worker_init) as pool:
        for line in pool.map(job, jobs): print(line, flush=True)
    cmd, log = 'python scripts/sweep.py ' + ' '.join(sys.argv[1:]), ARGS.root/'commands.txt'
    cmds = [c for c in (log.read_text().splitlines() if log.is_file() else []) if c != cmd] + [cmd]
    log.write_text('\n'.join(cmds) + '\n')                 # every sweep that wrote cells into this root
    write_table()
