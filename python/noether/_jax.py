"""noether._jax — PairPotentialModel.as_jax(): the learned pair MLP as a pure JAX function V(r, params).

Same formulas as the engine (docs/MODEL_FORMAT.md): x = (g(r) − in_shift)/in_scale (g = r, or log r for
"input_transform": "log"), y = W_L σ(… σ(W_1 x + b_1) …) + b_L,
V = out_scale·y + out_shift, with σ = squareplus ((x + √(x² + 4))/2), softplus, tanh or relu. jax is optional: it is
imported only here.
"""
from __future__ import annotations

import numpy as np


def params_of(model) -> dict:
    """The model's parameters as NumPy float64 arrays: weights [(out, in)], biases [(out,)] and the scalings."""
    widths = list(model.widths)
    flat = np.asarray(model.parameters)
    weights, biases, o = [], [], 0
    for l in range(1, len(widths)):
        n_in, n_out = widths[l - 1], widths[l]
        weights.append(flat[o:o + n_out * n_in].reshape(n_out, n_in))
        o += n_out * n_in
        biases.append(flat[o:o + n_out])
        o += n_out
    (ish, isc), (osh, osc) = model.input_scaling, model.output_scaling
    return {"weights": weights, "biases": biases, "log_input": getattr(model, "input_transform", "none") == "log",
            "in_shift": float(ish[0]) if ish else 0.0, "in_scale": float(isc[0]) if isc else 1.0,
            "out_shift": float(osh[0]) if osh else 0.0, "out_scale": float(osc[0]) if osc else 1.0}


def as_jax(model):
    """(V, params): V(r, params) evaluates V at jnp distances r of any shape; params is a pytree of jnp arrays."""
    import jax.numpy as jnp

    act = {"squareplus": lambda x: 0.5 * (x + jnp.sqrt(x * x + 4.0)),
           "softplus": lambda x: jnp.logaddexp(x, 0.0),
           "tanh": jnp.tanh,
           "relu": lambda x: jnp.maximum(x, 0.0)}[model.activation]
    p = params_of(model)
    log_input = p.pop("log_input")  # a property of the model, not a parameter
    params = {k: ([jnp.asarray(a) for a in v] if isinstance(v, list) else jnp.asarray(v)) for k, v in p.items()}

    def V(r, params):
        r = jnp.asarray(r)  # the log input takes r = 0 at the smallest normal number, as the engine does
        g = jnp.log(jnp.maximum(r, jnp.finfo(r.dtype).tiny)) if log_input else r
        h = ((g - params["in_shift"]) / params["in_scale"])[..., None]
        n = len(params["weights"])
        for l, (W, b) in enumerate(zip(params["weights"], params["biases"])):
            h = h @ W.T + b
            if l < n - 1:
                h = act(h)
        return params["out_scale"] * h[..., 0] + params["out_shift"]

    return V, params
