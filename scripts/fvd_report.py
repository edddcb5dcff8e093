"""Does FVD rank at CPU size? FVD with bootstrap intervals of real, baseline and generated videos against one real set.

For each world: the reference is a set of real videos (`physvid world ... --seed 1000`); against it, with the same number
of clips per side, are scored
- real: the same world with another seed (2000): the floor, what FVD gives for a perfect generator at this clip count;
- blurred: the other-seed videos blurred (Gaussian, sigma 1 px at 32 px): objects kept, detail lost;
- static: the first frame of each other-seed video repeated (the right pictures, no motion);
- every trained generator given as WORLD:NAME=RUN_DIR (sampled with `physvid generate --which WHICH`, default best.pt: the
  checkpoint whose samples were judged best during training).
Features (I3D, `physvid.fvd`) are computed once per set and kept in ROOT/features/ (a generator's under a key of its run and
checkpoint, so another run under the same name is sampled again); the interval is `fvd_interval`'s
bias-corrected bootstrap over clips. The object census (`physvid.metrics.object_census`) is reported next to each FVD.

    python scripts/fvd_report.py --root runs/fvd_report --clips 256 --world pendulum --world mass_spring \\
        --model pendulum:hgan=runs/sweeps/gans/runs/pendulum/hgan_sn ...

writes ROOT/fvd_report.md and .json (and prints the table); --md/--json copy them elsewhere (e.g. results/).
"""
import argparse, hashlib, json, re, shlex, subprocess, sys, time
from pathlib import Path
import numpy as np
import torch
from scipy.ndimage import gaussian_filter
from physvid.core import save_json, to_memory
from physvid.data import load_world
from physvid.fvd import load_i3d, i3d_features, fvd_interval
from physvid.metrics import object_census
from physvid.probe import fit_probe, hds_energy, probe_states

def parse(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--root', type=Path, required=True)
    p.add_argument('--world', action='append', default=[], help='world name (repeatable)')
    p.add_argument('--model', action='append', default=[], help='WORLD:NAME=RUN_DIR of a trained generator (repeatable)')
    p.add_argument('--clips', type=int, default=256, help='clips per side')
    p.add_argument('--frames', type=int, default=16)
    p.add_argument('--size', type=int, default=32)
    p.add_argument('--blur', type=float, default=1.0, help='sigma (pixels) of the blurred-real baseline')
    p.add_argument('--resamples', type=int, default=200)
    p.add_argument('--which', choices=['best', 'last'], default='best', help="the generators' checkpoint (default best)")
    p.add_argument('--md', type=Path, help='also write the Markdown report here')
    p.add_argument('--json', type=Path, help='also write the JSON report here')
    return p.parse_args(argv)

def sh(cmd):
    print('$', cmd, flush=True); subprocess.run(shlex.split(cmd), check=True); return cmd

def video_sets(a, world, models):
    "{name: (videos (N, T, C, S, S) in [0, 1], how it was made, cache key)} for one world; 'reference' holds the reference WorldData instead."
    wf = {}
    for part, seed in (('reference', 1000), ('other', 2000)):
        f = a.root/'worlds'/f'{world}_{part}.npz'
        if not f.is_file():
            f.parent.mkdir(parents=True, exist_ok=True)
            sh(f'physvid world {world} --n {a.clips} --frames {a.frames} --size {a.size} --seed {seed} --out {f}')
        wf[part] = load_world(f)
    other = to_memory(wf['other'].frames[:a.clips, :a.frames])
    base = {'reference': (wf['reference'], f'physvid world {world} --seed 1000'),   # the WorldData: its states fit the probe
            'real (seed 2000)': (other, f'physvid world {world} --seed 2000'),
            f'blurred real (sigma {a.blur:g} px)': (torch.from_numpy(gaussian_filter(other.numpy(), (0, 0, 0, a.blur, a.blur))).clamp(0, 1), 'blur of seed 2000'),
            'static (first real frame repeated)': (other[:, :1].expand_as(other).contiguous(), 'first frame of seed 2000, repeated')}
    sets = {k: (*v, slug(k)) for k, v in base.items()}              # cached under their names (slug('reference') is 'reference')
    for name, run in models:
        key = f"{slug(name)}_{hashlib.sha1(f'{Path(run).resolve()}|{a.which}'.encode()).hexdigest()[:8]}"   # the run and checkpoint, not only the name
        f, how = a.root/'samples'/f'{world}_{key}.npz', f'physvid generate {run} --n {a.clips} --frames {a.frames} --which {a.which} --seed 1'
        if not f.is_file():
            f.parent.mkdir(parents=True, exist_ok=True)
            sh(f'{how} --out {f}')
        sets[name] = (to_memory(load_world(f).frames), how, key)
    return sets

def slug(name:str) -> str: return re.sub('[^a-z0-9]+', '_', name.lower()).strip('_')

def features(a, world, key, video, model):
    "I3D features of a set, cached under ROOT/features by its key."
    f = a.root/'features'/f"{world}_{key}_{a.clips}.npy"
    if f.is_file(): return np.load(f)
    t0 = time.process_time()
    x = i3d_features(video, model, batch_size=8)
    f.parent.mkdir(parents=True, exist_ok=True); np.save(f, x)
    print(f'  I3D features of {world} / {key}: {len(video)} clips in {time.process_time() - t0:.0f} CPU s', flush=True)
    return x

def energies(probe, E, video, n=64):
    "Probed energy of the first `n` videos: the median over videos of std/|mean| along each video, and the std over videos of their mean."
    with torch.no_grad(): e = torch.as_tensor(E(probe_states(probe, video[:n])), dtype=torch.float64)   # (n, T')
    return float((e.std(1) / e.mean(1).abs().clamp_min(1e-12)).median()), float(e.mean(1).std())

def report(a, rows, ref_energy):
    head = ('| world | videos | FVD | 95% interval | objects right | motion ratio | spread ratio | variety ratio | energy drift along videos | energy spread across videos |\n'
            '|---|---|---|---|---|---|---|---|---|---|\n')
    f = lambda x: 'n/a' if x is None or not np.isfinite(x) else f'{x:.2f}'
    body = ''.join(f"| {r['world']} | {r['name']} | {r['fvd']:.1f} | [{r['lo']:.1f}, {r['hi']:.1f}] | {r['objects_right']:.1%} | {f(r['motion_ratio'])} | {f(r['spread_ratio'])} | {f(r.get('variety_ratio'))} | "
                   f"{r['energy_drift']:.3f} | {r['energy_across']:.2f} |\n" for r in rows)
    n = rows[0]['clips'] if rows else [a.clips, a.clips]
    ref = ', '.join(f'{w} drift {d:.3f}, spread {sp:.2f}' for w, (d, sp) in ref_energy.items())
    return (f'FVD against {n[0]} real clips (seed 1000) with {n[1]} clips per compared set, {a.frames} frames at {a.size} px '
            f'resized to 224 (I3D, Kinetics-400); 95% bias-corrected bootstrap over clips ({a.resamples} resamples). '
            f'Objects right / motion, spread and variety ratios: `physvid.metrics.object_census` against the same reference videos. Energy: the state probe '
            f'(`physvid.probe.fit_probe`, 400 steps on the reference videos) reads (q, p) off the first 64 videos of each set and the world\'s '
            f'Hamiltonian turns them into energies; drift: median over videos of std/|mean| along a video (a still video has 0); spread: '
            f'std over videos of their mean energy (the reference videos: {ref}).\n\n' + head + body)

def main(argv):
    a = parse(argv)
    torch.set_num_threads(1)
    i3d = load_i3d()
    models = {}
    for m in a.model:
        w, _, rest = m.partition(':'); name, _, run = rest.partition('=')
        models.setdefault(w, []).append((name, run))
    rows, ref_energy = [], {}
    for w in a.world:
        sets = video_sets(a, w, models.get(w, []))
        ref_world, _, key = sets.pop('reference')
        ref = to_memory(ref_world.frames[:a.clips, :a.frames])
        fr = features(a, w, key, ref, i3d)
        probe, E = fit_probe(ref_world, steps=400, batch_size=64, seed=0), hds_energy(ref_world)
        ref_energy[w] = energies(probe, E, ref)
        for name, (video, how, key) in sets.items():
            r = fvd_interval(fr, features(a, w, key, video, i3d), a.resamples, seed=0)
            c = object_census(video, ref)
            drift, across = energies(probe, E, video)
            rows.append({'world': w, 'name': name, 'made_by': how, **r, 'objects_right': c['objects_right'], 'energy_drift': drift, 'energy_across': across,
                         **{k: c[k] if np.isfinite(c[k]) else None for k in ('motion_ratio', 'spread_ratio', 'variety_ratio')}})
            print(f"{w:12s} {name:36s} FVD {r['fvd']:8.1f} [{r['lo']:.1f}, {r['hi']:.1f}]  objects {c['objects_right']:.1%}  motion {c['motion_ratio']:.2f}  energy drift {drift:.3f} across {across:.2f}", flush=True)
    cmd = 'python scripts/fvd_report.py ' + shlex.join(argv)
    md, out = f"`{cmd}`\n\n" + report(a, rows, ref_energy), {'command': cmd, 'rows': rows, 'reference_energy': ref_energy}
    for mdf, jf in ((a.root/'fvd_report.md', a.root/'fvd_report.json'), (a.md, a.json)):
        if mdf: mdf.write_text(md)
        if jf: save_json(out, jf)
    print(md)

if __name__ == '__main__': main(sys.argv[1:])
