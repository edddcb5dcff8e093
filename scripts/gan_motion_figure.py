"""The paper's Figure 7 for trained physvid GANs: t-SNE of the one-step motion vectors y_1, coloured by the
energy that a state probe reads off the video each vector drives (mean over its frames).

    python scripts/gan_motion_figure.py --world pendulum --which last --out nbs/images/gan_motion_tsne.png \
        --run 'HNN-GAN (defaults)=runs/sweeps/gans/runs/pendulum/hnn_gan_dt01' --run 'HGAN (defaults)=runs/sweeps/gans/runs/pendulum/hgan_ema0' \
        --run 'MoCoGAN (defaults)=runs/sweeps/gans/runs/pendulum/mocogan_defaults' --json results/gan_motion.json

The runs come from scripts/gan_sweep.py (see results/sweeps/gans.md); everything is seeded."""
import argparse, json, sys
from pathlib import Path
import numpy as np, torch

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--world', default='pendulum'); ap.add_argument('--out', required=True)
    ap.add_argument('--json', default='', help='also write the printed figures to this JSON file')
    ap.add_argument('--run', action='append', required=True, help="LABEL=RUN_DIR (a trained mocogan / hnn_gan / hgan)")
    ap.add_argument('--which', choices=['best', 'last'], default='best', help="each run's checkpoint (default best.pt, as physvid generate)")
    ap.add_argument('--n', type=int, default=512); ap.add_argument('--frames', type=int, default=16); ap.add_argument('--seed', type=int, default=0)
    a = ap.parse_args(argv)
    torch.set_num_threads(1)
    import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt
    from physvid.core import atomic_write
    from physvid.learner import load_run
    from physvid.models.base import build_model
    from physvid.worlds.base import make_world
    from physvid.probe import fit_probe, probe_states, hds_energy
    from physvid.analysis import tsne, principal_shares
    bad = [r for r in a.run if '=' not in r]
    if bad: sys.exit(f"gan_motion_figure: --run must be LABEL=RUN_DIR, got {bad[0]!r}")
    runs = [r.split('=', 1) for r in a.run]
    models = [(label, load_run(d, build_model, a.which)) for label, d in runs]
    size = json.loads((Path(runs[0][1]) / 'config.json').read_text())['size']
    world = make_world(a.world, n=256, frames=a.frames, size=size, seed=a.seed + 7)
    probe, energy = fit_probe(world, steps=300, seed=a.seed), hds_energy(world)
    real_E = energy(world.states).mean(1).numpy()
    fig, axes = plt.subplots(1, len(models), figsize=(4.2 * len(models), 4.4), dpi=100, squeeze=False, layout='constrained')
    lo, hi = np.percentile(real_E, [2, 98])
    report = {'world': a.world, 'n': a.n, 'frames': a.frames, 'seed': a.seed, 'which': a.which, 'real_energy': [float(real_E.mean()), float(real_E.std())], 'models': {}}
    for ax, (label, m) in zip(axes[0], models):
        with torch.no_grad(): video, y, _ = m.sample(a.n, a.frames, torch.Generator().manual_seed(a.seed), averaged=True)
        mv = y[1].double().numpy()
        E = energy(probe_states(probe, video)).mean(1).numpy()
        xy = tsne(mv, seed=a.seed)
        report['models'][label] = {'run': dict(runs)[label], 'principal_shares': principal_shares(mv)[:3].tolist(), 'energy': [float(E.mean()), float(E.std())]}
        sc = ax.scatter(xy[:, 0], xy[:, 1], c=E, s=6, cmap='viridis', vmin=lo, vmax=hi)
        ax.set_title(f"{label}\nfirst principal share {principal_shares(mv)[0]:.2f}", fontsize=10); ax.set_xticks([]); ax.set_yticks([])
        print(f"{label}: principal shares {np.round(principal_shares(mv)[:3], 2).tolist()}, probed energy {E.mean():.3f} ± {E.std():.3f} "
              f"(real {real_E.mean():.3f} ± {real_E.std():.3f})")
    fig.colorbar(sc, ax=axes[0].tolist(), label='probed energy (range: real 2-98%)')
    fig.suptitle(f't-SNE of one-step motion vectors y_1 ({a.n} draws each), {a.world}', fontsize=11)
    with atomic_write(a.out, 'wb') as f: fig.savefig(f, format='png', bbox_inches='tight')
    print('wrote', a.out)
    if a.json:
        with atomic_write(a.json, 'w') as f: json.dump(report, f, indent=1)
        print('wrote', a.json)

if __name__ == '__main__': main()
