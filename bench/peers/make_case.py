"""Write the benchmark's learned [1,16,16,1] squareplus pair model (noether model JSON) and an initial state
(.npz) of N particles in 3-D: positions on a jittered cubic lattice of spacing 1.2, small random velocities,
masses in [0.5, 1.5]. Usage: python make_case.py OUT_DIR N [N ...]"""
import json
import os
import sys

import numpy as np


def model(seed=1):
    rng = np.random.default_rng(seed)
    widths = [1, 16, 16, 1]
    layers = []
    for l in range(1, len(widths)):
        a = 1.5 * np.sqrt(3.0 / widths[l - 1])
        W = a * rng.uniform(-1, 1, (widths[l], widths[l - 1]))
        b = 0.5 * rng.uniform(-1, 1, widths[l])
        layers.append({"weight": W.tolist(), "bias": b.tolist()})
    return {"format": "noether-model", "version": 1, "model": "mclnn", "activation": "squareplus",
            "layers": layers, "input_scaling": {"shift": [1.0], "scale": [0.8]},
            "output_scaling": {"shift": [0.0], "scale": [0.05]},
            "metadata": {"note": "random weights: benchmark model of bench/peers (make_case.py)"}}


def init(n, seed=2):
    rng = np.random.default_rng(seed + n)
    side = int(np.ceil(n ** (1 / 3)))
    grid = np.stack(np.meshgrid(*[np.arange(side)] * 3, indexing="ij"), -1).reshape(-1, 3)[:n]
    q = 1.2 * grid + 0.1 * rng.standard_normal((n, 3))
    v = 0.1 * rng.standard_normal((n, 3))
    m = rng.uniform(0.5, 1.5, n)
    return q, v, m


if __name__ == "__main__":
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    json.dump(model(), open(os.path.join(out, "model.json"), "w"))
    for n in map(int, sys.argv[2:]):
        q, v, m = init(n)
        np.savez(os.path.join(out, f"init_{n}.npz"), positions=q, velocities=v, masses=m)
