"""Plain JAX velocity-Verlet rollout of a learned pair potential (the peer of `noether rollout`).

Written the way a researcher would: the pair MLP V(r) of a noether model file (docs/MODEL_FORMAT.md) applied to
the (N, N) distance matrix, forces by jax.grad of the summed pair energy U = ½ Σ_{i≠j} V(r_ij), the Verlet steps in
lax.scan, everything under jax.jit:
    q' = q + v dt + ½ a dt²;   a' = a(q');   v' = v + ½ (a + a') dt        (a = −∇U / m)
"""
import json

import jax
import jax.numpy as jnp
import numpy as np


def load_model(path, dtype):
    m = json.load(open(path))
    assert m["model"] == "mclnn" and m["activation"] == "squareplus", "this peer does squareplus pair models"
    assert m.get("input_transform", "none") == "none", "this peer does the affine input x = (r - shift)/scale only"
    layers = [(jnp.asarray(l["weight"], dtype), jnp.asarray(l["bias"], dtype)) for l in m["layers"]]
    ins = m.get("input_scaling", {})
    outs = m.get("output_scaling", {})
    scaling = (ins.get("shift", [0.0])[0], ins.get("scale", [1.0])[0],
               outs.get("shift", [0.0])[0], outs.get("scale", [1.0])[0])
    return layers, scaling


def make_rollout(layers, scaling, dt, steps):
    in_shift, in_scale, out_shift, out_scale = scaling

    def pair_V(r):  # r: (N, N) -> V(r): (N, N)
        h = ((r - in_shift) / in_scale)[..., None]
        for k, (W, b) in enumerate(layers):
            z = h @ W.T + b
            h = 0.5 * (z + jnp.sqrt(z * z + 4.0)) if k + 1 < len(layers) else z
        return out_scale * h[..., 0] + out_shift

    def energy(q):
        n = q.shape[0]
        eye = jnp.eye(n, dtype=bool)
        d = q[:, None, :] - q[None, :, :]
        r2 = jnp.where(eye, 1.0, jnp.sum(d * d, axis=-1))  # safe at i = j (masked below)
        V = jnp.where(eye, 0.0, pair_V(jnp.sqrt(r2)))
        return 0.5 * jnp.sum(V)

    force = jax.grad(lambda q: -energy(q))

    @jax.jit
    def rollout(q, v, m):
        inv_m = (1.0 / m)[:, None]
        a = force(q) * inv_m

        def step(carry, _):
            q, v, a = carry
            q = q + v * dt + 0.5 * a * dt * dt
            a_new = force(q) * inv_m
            v = v + 0.5 * (a + a_new) * dt
            return (q, v, a_new), None

        (q, v, a), _ = jax.lax.scan(step, (q, v, a), None, length=steps)
        return q, v

    return rollout
