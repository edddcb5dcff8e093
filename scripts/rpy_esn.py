"""reservoirpy's side of issue 15's matched ESN protocol, run by `scripts/compare_models.py` in a
separate virtualenv that has reservoirpy (never a dependency of physvid):

    /path/to/venv/bin/python scripts/rpy_esn.py IN.npz OUT.npz

IN.npz holds `seeds` (R,), `train` (R, T, 3), `warm` (R, W, warm, 3) and `horizon` (the data of
`physvid.esn.lorenz_task(..., substeps=20, dtype=torch.float64)`); OUT.npz gets `pred`
(R, W, horizon, 3), `init_fit_s` and `init_fit_cpu_s` (R,) (building the ESN + `fit`: wall clock, CPU time), and `radius` (R,) (the
dense spectral radius of the W reservoirpy drew, to check its scaling). Only numpy and reservoirpy.
"""
import sys, time
import numpy as np

def esn(seed, units=1000):
    "The protocol's reservoir with reservoirpy's own initialisers: sparse Gaussian W (0.1), dense uniform W_in, uniform bias."
    from reservoirpy import ESN
    from reservoirpy.nodes import Reservoir, Ridge
    from reservoirpy.mat_gen import normal, uniform
    res = Reservoir(units, lr=1.0, sr=0.9, input_scaling=0.5, input_connectivity=1.0, rc_connectivity=0.1,
                    W=normal, Win=uniform, bias=uniform(low=-1.0, high=1.0), seed=seed)
    return ESN(reservoir=res, readout=Ridge(ridge=1e-8), input_to_readout=True)

def main(src, dst):
    import reservoirpy
    d = np.load(src)
    seeds, train, warm, H = d['seeds'], d['train'], d['warm'], int(d['horizon'])
    preds, times, cpu, radii = [], [], [], []
    for s, u, wm in zip(seeds, train, warm):
        t0, c0 = time.perf_counter(), time.process_time()
        m = esn(int(s)); m.fit(u[:-1], u[1:], warmup=100)
        times.append(time.perf_counter() - t0); cpu.append(time.process_time() - c0)
        W = m.reservoir.W
        radii.append(np.abs(np.linalg.eigvals(W.toarray() if hasattr(W, 'toarray') else W)).max())
        out = np.empty((len(wm), H, 3))
        for k, w in enumerate(wm):                  # each window from a zero state: warm up, then closed loop
            m.reset()
            y = m.run(w)[-1]
            for t in range(H):
                out[k, t] = y; y = m.step(y)
        preds.append(out)
    np.savez(dst, pred=np.stack(preds), init_fit_s=np.array(times), init_fit_cpu_s=np.array(cpu), radius=np.array(radii),
             version=np.array(reservoirpy.__version__))

if __name__ == '__main__':
    if len(sys.argv) != 3: sys.exit("usage: rpy_esn.py IN.npz OUT.npz")
    main(sys.argv[1], sys.argv[2])
