"""The main job (`make demo`): run nbs/demo.ipynb headless with papermill into runs/demo/ (make the
bouncing-balls world, train the latent world model on the CPU, score and draw its rollouts), streaming
the notebook's output as it runs (a progress line every 15 s of training: step, loss, time elapsed and
left), then render the executed notebook to runs/demo/demo.html (equations, figures; reads offline),
say where everything is and print a short metrics table.
Usage: python scripts/demo.py [--out DIR] [-p NAME VALUE]...   (-p: a parameter of nbs/demo.ipynb, e.g. -p steps 20)"""
import argparse, ast, json, sys, tempfile, time
from pathlib import Path
import papermill as pm
from jupyter_client.manager import AsyncKernelManager
from physvid.core import save_json

ROOT = Path(__file__).resolve().parents[1]

def ipc_kernel_manager(sock_dir:Path) -> type:
    "A kernel manager whose kernel talks over Unix sockets in `sock_dir` (local only) rather than TCP ports."
    class IPCKernelManager(AsyncKernelManager):       # ipykernel warns about plain TCP; a Unix socket gives it nothing to warn about
        def __init__(self, **kw):
            super().__init__(**kw)
            self.transport, self.ip = 'ipc', str(Path(sock_dir) / 'kernel')
    return IPCKernelManager

def literal(s:str):
    "A parameter value from the command line: a Python literal, else the string itself."
    try: return ast.literal_eval(s)
    except (ValueError, SyntaxError): return s

def main(argv=None):
    ap = argparse.ArgumentParser(description='Run the main job (nbs/demo.ipynb) headless and report it.')
    ap.add_argument('--out', type=Path, default=ROOT / 'runs' / 'demo', help='the output folder (default runs/demo)')
    ap.add_argument('-p', nargs=2, action='append', default=[], metavar=('NAME', 'VALUE'), help='a notebook parameter')
    a = ap.parse_args(argv)
    out = a.out.resolve()
    if (out / 'run').exists():                       # a new demo replaces the old one's training run
        import shutil; shutil.rmtree(out / 'run')
    out.mkdir(parents=True, exist_ok=True)
    nb = out / 'demo.ipynb'
    show = lambda p: p.relative_to(ROOT) if p.is_relative_to(ROOT) else p
    params = {**{k: literal(v) for k, v in a.p}, 'out_dir': str(out)}
    print(f'demo: running nbs/demo.ipynb headless with papermill -> {show(nb)} (about 10 minutes on 2 CPU cores);\n'
          f'demo: its output follows as it runs, with a progress line every 15 s while the model trains', flush=True)
    t0 = time.perf_counter()
    save_json(params, out / 'params.json')          # so `physvid results runs/demo` finds this run
    try:
        with tempfile.TemporaryDirectory(prefix='physvid-kernel-') as socks:
            pm.execute_notebook(str(ROOT / 'nbs' / 'demo.ipynb'), str(nb), parameters=params, kernel_name='python3',
                                cwd=str(ROOT / 'nbs'), progress_bar=False, stdout_file=sys.stdout, stderr_file=sys.stderr,
                                kernel_manager_class=ipc_kernel_manager(Path(socks)))
    except pm.PapermillExecutionError as e:
        print(f'demo: FAILED in cell {e.exec_count}: {e.ename}: {e.evalue}\n(partial notebook kept at {nb})', file=sys.stderr)
        return 1
    sys.path.insert(0, str(ROOT / 'scripts'))
    from docs import render                          # scripts/docs.py: offline HTML (local MathJax, embedded figures)
    try: html = render(out, [nb])[0]
    except (SystemExit, Exception) as e:             # the run itself succeeded: say why there is no HTML and go on
        html = None; print(f'demo: no HTML report ({e}); the executed notebook is {show(nb)}', file=sys.stderr)
    m = json.loads((out / 'metrics.json').read_text())
    print(f'\ndemo: done in {time.perf_counter() - t0:.0f} s; results in {show(out)}/:')
    for p in sorted(out.iterdir()): print(f'  {show(p)}' + ('/' if p.is_dir() else f'  ({p.stat().st_size / 1024:.0f} KiB)'))
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
    if html: print(f'\nThe report (the executed notebook with its equations and figures; open it in a browser):\n  {html}')
    return 0

if __name__ == '__main__': sys.exit(main())
