"""The main job (`make demo`): run nbs/demo.ipynb headless with papermill into runs/demo/ (make the
bouncing-balls world, train the latent world model on the CPU, score and draw its rollouts), then say
where everything is and print a short metrics table."""
import json, sys, time
from pathlib import Path
import papermill as pm
from physvid.core import save_json

ROOT = Path(__file__).resolve().parents[1]

def main():
    out = ROOT / 'runs' / 'demo'
    if (out / 'run').exists():                       # a new demo replaces the old one's training run
        import shutil; shutil.rmtree(out / 'run')
    out.mkdir(parents=True, exist_ok=True)
    nb = out / 'demo.ipynb'
    print(f'demo: running nbs/demo.ipynb headless with papermill -> {nb.relative_to(ROOT)} (about 10 minutes on 2 CPU cores)')
    t0 = time.perf_counter()
    params = {'out_dir': str(out)}
    save_json(params, out / 'params.json')          # so `physvid results runs/demo` finds this run
    try:
        pm.execute_notebook(str(ROOT / 'nbs' / 'demo.ipynb'), str(nb), parameters=params,
                            kernel_name='python3', cwd=str(ROOT / 'nbs'), progress_bar=False)
    except pm.PapermillExecutionError as e:
        print(f'demo: FAILED in cell {e.exec_count}: {e.ename}: {e.evalue}\n(partial notebook kept at {nb})', file=sys.stderr)
        return 1
    m = json.loads((out / 'metrics.json').read_text())
    print(f'demo: done in {time.perf_counter() - t0:.0f} s; results in {out.relative_to(ROOT)}/:')
    for p in sorted(out.iterdir()): print(f'  {p.relative_to(ROOT)}' + ('/' if p.is_dir() else f'  ({p.stat().st_size / 1024:.0f} KiB)'))
    h = m['horizon']
    print(f"\nworld {m['world']}: world model trained {m['steps']} steps in {m['train_minutes']:.1f} min; "
          f"{m['clips']} held-out clips, {m['context']} context -> {h} predicted frames")
    print(f"{'predictor':12s} {'MSE@1':>8s} {'MSE@10':>8s} {f'MSE@{h}':>8s} {'SSIM@1':>8s} {'SSIM@10':>8s} {f'SSIM@{h}':>8s} {'VPT':>5s}")
    for name in ('world_model', 'copy_last', 'linear'):
        mse, ssim = m[f'{name}_mse'], m[f'{name}_ssim']
        print(f"{name:12s} {mse[0]:8.4f} {mse[9]:8.4f} {mse[-1]:8.4f} {ssim[0]:8.3f} {ssim[9]:8.3f} {ssim[-1]:8.3f} {m[f'{name}_vpt']:5g}")
    vis = m.get('world_model_balls_visible') or []
    if vis:
        print(f"\nballs visible on their true path (share, steps 1..{len(vis)}): " + ' '.join(f'{v:.2f}' for v in vis))
        print(f"every ball kept for a median of {m['world_model_visible_time_median']:g} steps (target: 10)")
    return 0

if __name__ == '__main__': sys.exit(main())
