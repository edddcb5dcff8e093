"""Side-by-side model benchmark of issue 15: physvid's ESN against reservoirpy and its ConvLSTM-S
against OpenSTL's, pinned to one core with one thread, runs alternated, printing a ratio table.

    python scripts/compare_models.py --openstl-dir /path/to/OpenSTL --reservoirpy-python /path/to/venv/bin/python

- ESN, issue 15's matched protocol (`physvid.esn.lorenz_vpt_protocol`): Lorenz-63 from RK4 at
  h = 0.001, 10,000 training samples, 1,000 units, 10 windows of 200 warm-up + 1,500 closed-loop
  steps per seed. The data are made once by physvid and handed to reservoirpy (run in its own
  virtualenv, `scripts/rpy_esn.py`, in a subprocess), and every forecast is scored by the same
  function, so the seeds are the same trajectories for both; each library draws its own weights
  from the same distributions. Seed by seed: physvid float64, reservoirpy, physvid float32.
  Reports the median VPT over seeds and the median of the per-seed init + fit times (CPU time of
  the one thread: on a shared machine the wall clock also counts the time others hold the core).
- ConvLSTM-S (OpenSTL's Moving-MNIST config, batch 4): OpenSTL's `ConvLSTM_Model`, loaded by file
  path with a stub `openstl.modules` package (none of OpenSTL's dependencies are needed), gets its
  weights copied into physvid's `convlstm_s`, once with its default Winograd gate convolutions and
  once with `conv='direct'`; the three losses on the same clip are printed, then training steps
  (forward, backward, Adam; full teacher forcing, as OpenSTL's mask of ones) alternate between the
  three, rotating who goes first; the table gives CPU time (the lines above it the wall clock too).

A comparison whose anchor is absent (no `--openstl-dir`, no `--reservoirpy-python`) is skipped and
the table says so. `--quick` runs 3 seeds and 2 timed ConvLSTM steps each (about 3 minutes of wall
clock on the shared 2-core machine); the default, 10 seeds and 4 steps, took 6 with two ConvLSTM-S
contestants, about 8 with three (the ConvLSTM-S part alone: 3 minutes).
"""
import os
os.environ.update(OMP_NUM_THREADS='1', MKL_NUM_THREADS='1', OPENBLAS_NUM_THREADS='1')
import argparse, importlib.util, subprocess, sys, tempfile, time, types
from pathlib import Path
import numpy as np

def pin(core):
    "Pin this process (and the subprocesses it starts) to one core; torch to one thread."
    if hasattr(os, 'sched_setaffinity'): os.sched_setaffinity(0, {core})
    import torch; torch.set_num_threads(1)

# ---------------------------------------------------------------- ESN
def esn_compare(seeds, rpy_python, rows, skipped):
    import torch, warnings
    from physvid.esn import lorenz_task, lorenz_vpt_protocol, vpt_lyapunov
    warnings.filterwarnings('ignore', 'Sparse')
    task64 = lorenz_task(seeds, substeps=20, dtype=torch.float64)
    task32 = {**task64, 'train': task64['train'].float(), 'warm': task64['warm'].float()}
    sub = lambda t, i: {**t, 'seeds': [t['seeds'][i]], 'train': t['train'][i:i + 1], 'warm': t['warm'][i:i + 1],
                        'truth': t['truth'][i:i + 1]}
    res = {'physvid float64': ([], []), 'physvid float32': ([], []), 'reservoirpy': ([], [])}
    tmp = Path(tempfile.mkdtemp(prefix='compare_esn_'))
    if rpy_python is None: skipped.append('reservoirpy (no --reservoirpy-python)')
    for i, s in enumerate(seeds):                     # alternate seed by seed
        r = lorenz_vpt_protocol(task=sub(task64, i), dtype=torch.float64)
        res['physvid float64'][0].append(r['per_seed'][0]); res['physvid float64'][1].append(r['init_cpu_s'][0] + r['fit_cpu_s'][0])
        if rpy_python is not None:
            t = sub(task64, i)
            np.savez(tmp / 'in.npz', seeds=np.array([s]), train=t['train'].numpy(), warm=t['warm'].numpy(), horizon=t['truth'].shape[2])
            subprocess.run([rpy_python, str(Path(__file__).with_name('rpy_esn.py')), str(tmp / 'in.npz'), str(tmp / 'out.npz')],
                           check=True, env={**os.environ, 'PYTHONPATH': ''})
            o = np.load(tmp / 'out.npz')
            res['reservoirpy'][0].append(vpt_lyapunov(o['pred'][0], t['truth'][0], t['train'][0]).mean())
            res['reservoirpy'][1].append(float(o['init_fit_cpu_s'][0]))
            rad = float(o['radius'][0])
        r = lorenz_vpt_protocol(task=sub(task32, i), dtype=torch.float32)
        res['physvid float32'][0].append(r['per_seed'][0]); res['physvid float32'][1].append(r['init_cpu_s'][0] + r['fit_cpu_s'][0])
        print(f"  seed {s}: VPT " + ', '.join(f"{k} {v[0][-1]:.2f}" for k, v in res.items() if v[0]) +
              "; init+fit " + ', '.join(f"{k} {v[1][-1]:.2f} s" for k, v in res.items() if v[1]) +
              (f"; reservoirpy's W radius {rad:.4f}" if rpy_python else ''), flush=True)
    med = {k: (float(np.median(v[0])), float(np.median(v[1]))) for k, v in res.items() if v[0]}
    anchor = med.get('reservoirpy')
    wins = {k: int(sum(a >= b for a, b in zip(res[k][0], res['reservoirpy'][0]))) for k in med if anchor and k != 'reservoirpy'}
    for k, (vpt, t) in med.items():
        rows.append((f'ESN VPT, median of {len(seeds)} seeds (LT)', k, f'{vpt:.2f}',
                     'anchor' if k == 'reservoirpy' else (f'{vpt / anchor[0]:.3f} ({wins[k]}/{len(seeds)} seeds >=)' if anchor else 'n/a')))
    for k in wins:                                    # is the gap in medians more than the draw of weights? resample the seeds
        a, b = np.array(res[k][0]), np.array(res['reservoirpy'][0])
        idx = np.random.default_rng(0).integers(0, len(a), (2000, len(a)))
        lo, hi = np.percentile(np.median(a[idx], 1) - np.median(b[idx], 1), [2.5, 97.5])
        rows.append((f'ESN VPT, median minus reservoirpy\'s, {len(seeds)} seeds (LT; bootstrap 95% over seeds)', k,
                     f'{med[k][0] - anchor[0]:+.2f} [{lo:+.2f}, {hi:+.2f}]', 'anchor: 0'))
    for k, (vpt, t) in med.items():
        rows.append(('ESN init + fit, 10,000 steps (CPU s, median)', k, f'{t:.2f}',
                     'anchor' if k == 'reservoirpy' else (f'{t / anchor[1]:.3f}' if anchor else 'n/a')))
    return {'seeds': list(seeds), 'vpt_per_seed': {k: [float(x) for x in v[0]] for k, v in res.items() if v[0]},
            'init_fit_cpu_s': {k: [float(x) for x in v[1]] for k, v in res.items() if v[1]}}

# ---------------------------------------------------------------- ConvLSTM-S
OPENSTL_FILES = ('openstl/modules/convlstm_modules.py', 'openstl/models/convlstm_model.py')

def load_openstl(root):
    "OpenSTL's ConvLSTM_Model class, from its two files, with a stub `openstl.modules` package."
    files = [Path(root) / f for f in OPENSTL_FILES]
    pkg, mods = types.ModuleType('openstl'), types.ModuleType('openstl.modules')
    pkg.__path__, mods.__path__ = [], []
    sys.modules.update({'openstl': pkg, 'openstl.modules': mods})
    def load(name, path):
        spec = importlib.util.spec_from_file_location(name, path); m = importlib.util.module_from_spec(spec)
        sys.modules[name] = m; spec.loader.exec_module(m); return m
    mods.ConvLSTMCell = load('openstl.modules.convlstm_modules', files[0]).ConvLSTMCell
    return load('openstl.models.convlstm_model', files[1]).ConvLSTM_Model

def convlstm_compare(openstl_dir, batch, steps, rows, skipped):
    import torch
    from physvid.models.convlstm import ConvLSTMS
    if openstl_dir is None: skipped.append('OpenSTL ConvLSTM-S (no --openstl-dir)'); return
    Model = load_openstl(openstl_dir)
    p, T0, T1, H = 4, 10, 10, 64
    cfg = types.SimpleNamespace(in_shape=(T0, 1, H, H), patch_size=p, filter_size=5, stride=1, layer_norm=0,
                                pre_seq_length=T0, aft_seq_length=T1, reverse_scheduled_sampling=0)
    torch.manual_seed(0)
    ref = Model(4, [128] * 4, cfg)
    sd = {}
    for i in range(4):
        sd[f'cells.{i}.conv_x.weight'] = ref.cell_list[i].conv_x[0].weight
        sd[f'cells.{i}.conv_h.weight'] = ref.cell_list[i].conv_h[0].weight
    sd['head.weight'] = ref.conv_last.weight
    ours = {}
    for conv in ('winograd', 'direct'):                  # teacher 1.0 throughout, as OpenSTL's mask of ones
        ours[conv] = ConvLSTMS(teacher_steps=0, conv=conv)
        missing, unexpected = ours[conv].load_state_dict(sd, strict=False)
        if unexpected or set(missing) - {'steps_done'}: raise RuntimeError(f"weight copy: missing {missing}, unexpected {unexpected}")
    clip = torch.rand(batch, T0 + T1, 1, H, H, generator=torch.Generator().manual_seed(1))
    patched = clip.permute(0, 1, 3, 4, 2).reshape(batch, T0 + T1, H // p, p, H // p, p, 1) \
                  .permute(0, 1, 2, 4, 3, 5, 6).reshape(batch, T0 + T1, H // p, H // p, p * p)
    mask = torch.ones(batch, T1 - 1, H // p, H // p, p * p)
    b = {'context': clip[:, :T0], 'target': clip[:, T0:]}
    with torch.no_grad():                                # training mode: the teacher-forced loss both train on
        l_ref = ref(patched, mask)[1].item(); l_ours = {k: m.loss(b)[0].item() for k, m in ours.items()}
    print(f"  loss, same weights and clip: OpenSTL {l_ref:.8f}, physvid {l_ours['winograd']:.8f} (Winograd), "
          f"{l_ours['direct']:.8f} (direct)", flush=True)
    opts = {'OpenSTL': torch.optim.Adam(ref.parameters(), 5e-4), **{k: torch.optim.Adam(m.parameters(), 5e-4) for k, m in ours.items()}}
    def step(name):
        opts[name].zero_grad(); (ref(patched, mask)[1] if name == 'OpenSTL' else ours[name].loss(b)[0]).backward(); opts[name].step()
    names = ['OpenSTL', 'winograd', 'direct']
    times, walls = {k: [] for k in names}, {k: [] for k in names}
    for n in names: step(n)                              # warm-up (allocator, oneDNN kernels)
    for k in range(steps):                               # alternate, rotating who goes first
        for name in names[k % len(names):] + names[:k % len(names)]:
            t, c = time.perf_counter(), time.process_time(); step(name)
            times[name].append(time.process_time() - c); walls[name].append(time.perf_counter() - t)
        print(f"  step {k}: " + ', '.join(f"{n} {times[n][-1]:.2f} s CPU ({walls[n][-1]:.2f} s wall)" for n in names), flush=True)
    med = {k: float(np.median(v)) for k, v in times.items()}
    what = f'ConvLSTM-S training step, batch {batch} (CPU s, median of {steps})'
    rows.append((what, 'OpenSTL', f"{med['OpenSTL']:.2f}", 'anchor'))
    label = {'winograd': ('physvid (Winograd, the default)', 'physvid (Winograd)'), 'direct': ('physvid (conv=direct)', 'physvid (direct)')}
    rows += [(what, label[k][0], f"{med[k]:.2f}", f"{med[k] / med['OpenSTL']:.3f}") for k in ours]
    rows.append(('ConvLSTM-S loss, same weights', 'OpenSTL', f'{l_ref:.8f}', 'anchor'))
    rows += [('ConvLSTM-S loss, same weights', label[k][1], f"{l_ours[k]:.8f}", f"diff {l_ours[k] - l_ref:+.1e}") for k in ours]

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--openstl-dir', help='a checkout (or exported tree) of github.com/chengtan9907/OpenSTL')
    ap.add_argument('--reservoirpy-python', help='python of a virtualenv with reservoirpy (0.4.2 measured)')
    ap.add_argument('--quick', action='store_true', help='3 seeds and 2 timed ConvLSTM steps instead of 10 and 4')
    ap.add_argument('--seeds', type=int, help="ESN seeds 0 .. N-1 (default 10, the protocol's; 3 with --quick)")
    ap.add_argument('--core', type=int, default=0, help='the CPU core to pin to (default 0)')
    ap.add_argument('--batch', type=int, default=4, help='ConvLSTM-S batch size (default 4)')
    ap.add_argument('--only', choices=('esn', 'convlstm'), help='run one of the two comparisons')
    ap.add_argument('--json', help='also write the table and the per-seed ESN figures to this JSON file (e.g. results/compare_models_esn.json)')
    a = ap.parse_args(argv)
    for opt, path in (('--openstl-dir', a.openstl_dir), ('--reservoirpy-python', a.reservoirpy_python)):
        if path is not None and not Path(path).exists(): ap.error(f"{opt}: {path} does not exist")
    for f in OPENSTL_FILES if a.openstl_dir else ():
        if not (Path(a.openstl_dir) / f).is_file(): ap.error(f"--openstl-dir: {a.openstl_dir} has no {f} (not an OpenSTL checkout?)")
    if a.seeds is not None and a.seeds < 2: ap.error(f'--seeds: at least 2, got {a.seeds}')
    pin(a.core)
    rows, skipped, esn = [], [], None
    if a.only != 'convlstm':
        print('ESN, matched protocol:', flush=True)
        esn = esn_compare(list(range(a.seeds or (3 if a.quick else 10))), a.reservoirpy_python, rows, skipped)
    if a.only != 'esn':
        print('ConvLSTM-S:', flush=True)
        convlstm_compare(a.openstl_dir, a.batch, 2 if a.quick else 4, rows, skipped)
    print('\n| measure | implementation | value | ratio to anchor |\n|---|---|---|---|')
    for r in rows: print('| ' + ' | '.join(r) + ' |')
    if skipped: print('\nskipped: ' + '; '.join(skipped))
    if a.json:
        import json, platform, torch
        rpy = None
        if a.reservoirpy_python:
            rpy = subprocess.run([a.reservoirpy_python, '-c', 'import reservoirpy; print(reservoirpy.__version__)'], capture_output=True,
                                 text=True, env={**os.environ, 'PYTHONPATH': ''}).stdout.strip()
        out = {'command': 'python scripts/compare_models.py ' + ' '.join(argv if argv is not None else sys.argv[1:]),
               'date': time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime()), 'torch': torch.__version__, 'reservoirpy': rpy,
               'machine': platform.processor() or platform.machine(), 'rows': [list(r) for r in rows], 'skipped': skipped, 'esn': esn}
        Path(a.json).parent.mkdir(parents=True, exist_ok=True); Path(a.json).write_text(json.dumps(out, indent=1) + '\n')
        print(f'wrote {a.json}')

if __name__ == '__main__':
    main()
