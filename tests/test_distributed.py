"""Two torchrun ranks (gloo, CPU) train the demo to identical weights, equal to single-process training on the
global batch; only rank 0 writes the run directory."""
import json, os, subprocess, sys
import torch

def test_torchrun_two_ranks_match_single_process(tmp_path):
    from physvid.distributed import ddp_fit, demo_model, demo_data
    from physvid.learner import load_checkpoint
    steps, out = 12, tmp_path / 'ddp'
    env = {**os.environ, 'OMP_NUM_THREADS': '1', 'PYTHONHASHSEED': '0'}
    for k in ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR', 'MASTER_PORT'): env.pop(k, None)
    cmd = [sys.executable, '-m', 'torch.distributed.run', '--standalone', '--nproc_per_node', '2',
           '-m', 'physvid.distributed', '--demo', '--steps', str(steps), '--batch-size', '8',
           '--backend', 'gloo', '--out', str(out)]
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    w = [torch.load(out / f'rank{r}.pt', weights_only=True) for r in (0, 1)]
    info = [json.loads((out / f'rank{r}.json').read_text()) for r in (0, 1)]
    # (1) both ranks end with identical weights
    assert w[0].keys() == w[1].keys() and all(torch.equal(w[0][k], w[1][k]) for k in w[0])
    assert [i['world_size'] for i in info] == [2, 2] and [i['rank'] for i in info] == [0, 1]
    # (2) equal to single-process training on the same global batch (only the order of float sums differs)
    cfg = dict(steps=steps, batch_size=8, lr=1e-2, seed=0, valid_every=10)   # as main() builds it
    single = ddp_fit(demo_model, demo_data, cfg, backend='gloo')
    assert single.world_size == 1
    s = single.model.state_dict()
    print('max |2 ranks - 1 process| =', max((w[0][k] - s[k]).abs().max().item() for k in s))
    for k in s: torch.testing.assert_close(w[0][k], s[k], rtol=1e-5, atol=1e-6)
    assert abs(info[0]['loss'] - single.history[-1]['loss']) < 1e-6    # logged loss = global-batch loss
    assert info[0]['loss'] == info[1]['loss']
    # (3) only rank 0 wrote: it alone had the Checkpoint callback and a run_dir, and the checkpoint holds its weights
    assert info[0]['callbacks'] == ['Checkpoint'] and info[0]['run_dir'] == str(out / 'run')
    assert info[1]['callbacks'] == [] and info[1]['run_dir'] is None
    assert sorted(x.name for x in (out / 'run').iterdir()) == ['best.pt', 'config.json', 'last.pt', 'metrics.json']
    ck = load_checkpoint(out / 'run' / 'last.pt')
    assert ck['step'] == steps and all(torch.equal(ck['model'][k], w[0][k]) for k in w[0])
