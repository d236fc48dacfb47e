"""JAX MD velocity-Verlet rollout of a learned pair potential (a second peer of `noether rollout`).

The way a JAX MD user writes it: free space (`space.free()`), the pair MLP V(r) of a noether model file
(docs/MODEL_FORMAT.md; the same function as jax_rollout.py's) turned into a total energy by `smap.pair` (½ Σ_{i≠j}
V(r_ij) over all pairs, no neighbour list: the same all-pairs work as noether and plain JAX), integrated by
`simulate.nve` (velocity Verlet: p += ½ dt F; q += dt p/m; F = −∇U; p += ½ dt F), the steps in lax.scan under
jax.jit. The state starts from the given velocities (momenta = m v) instead of NVE's thermal draw. JAX MD rounds dt to
float32 (simulate.velocity_verlet: dt = f32(dt)), so compare.py uses dt = 2⁻¹⁰, exact in both precisions.
    make_rollout(layers, scaling, dt, steps)(q, v, m) -> (q, v)      (compare.py times and checks it)
"""
import jax
import jax.numpy as jnp
from jax_md import simulate, smap, space


def make_rollout(layers, scaling, dt, steps):
    in_shift, in_scale, out_shift, out_scale = scaling

    def pair_V(dr):  # dr: pair distances (any shape) -> V(dr)
        h = ((dr - in_shift) / in_scale)[..., None]
        for k, (W, b) in enumerate(layers):
            z = h @ W.T + b
            h = 0.5 * (z + jnp.sqrt(z * z + 4.0)) if k + 1 < len(layers) else z
        return out_scale * h[..., 0] + out_shift

    displacement, shift = space.free()
    energy = smap.pair(pair_V, space.canonicalize_displacement_or_metric(displacement))
    init, apply = simulate.nve(energy, shift, dt)

    @jax.jit
    def rollout(q, v, m):
        state = init(jax.random.PRNGKey(0), q, kT=0.0, mass=m, momenta=v * m[:, None])

        def step(s, _):
            return apply(s), None

        state, _ = jax.lax.scan(step, state, None, length=steps)
        return state.position, state.velocity

    return rollout
