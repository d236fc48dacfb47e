#!/usr/bin/env python3
"""python_overhead.py — what calling the engine through Python costs (docs/PYTHON.md, "Call overhead").

1. Tiny calls: per-call time of model.potential on one distance, forces on 2 particles, and a 1-step rollout of
   2 particles (argument checks, conversion, GIL release/re-acquire, result arrays), best of 50 timeit repeats
   of 200 calls.
2. A 1,000-particle rollout (learned MLP [10, 10], float64, CPU): `noether rollout` (CLI process: start, read the
   model and initial state, roll out, write the .npz) against `noether.rollout(...)` + `Trajectory.save` in a
   running interpreter, interleaved CLI/Python pairs; reports each pair's ratio and their median.

Usage: PYTHONPATH=build/python python3 bench/python_overhead.py [--binary build/noether] [--pairs 5] [--steps 10]
"""
import argparse
import os
import statistics
import subprocess
import tempfile
import time
import timeit

import numpy as np

import noether


def lattice(n):
    side = int(np.ceil(n ** (1 / 3)))
    g = np.stack(np.meshgrid(*[np.arange(side, dtype=float)] * 3, indexing="ij"), -1).reshape(-1, 3)[:n]
    rng = np.random.default_rng(0)
    return g + rng.normal(0, 0.05, g.shape), rng.normal(0, 0.05, g.shape), np.ones(n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default="build/noether")
    ap.add_argument("--pairs", type=int, default=5)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--particles", type=int, default=1000)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="noether_overhead_")
    cfg = {"system": {"potential": "linear_spring", "k": 1.0, "r0": 1.0},
           "initial_state": {"sampler": "uniform", "trajectories": 8, "particles": 3, "dim": 3, "planar": True,
                             "seed": 1, "box": 2.0, "min_distance": 0.3, "velocity": "uniform", "velocity_scale": 0.8,
                             "zero_momentum": True, "masses": 1.0},
           "integrator": {"method": "verlet", "dt": 0.01, "stride": 10, "frames": 6}, "device": "cpu"}
    model, _ = noether.train_mclnn(noether.simulate(cfg), epochs=5, time_budget_s=0, progress=False)
    model_path = os.path.join(tmp, "model.json")
    model.save(model_path)
    law = model.law()

    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    r1 = np.array([1.0])
    q2, v2, m2 = np.array([[0.0, 0, 0], [1.2, 0, 0]]), np.zeros((2, 3)), np.ones(2)
    tiny = {
        "model.potential(1 distance)": lambda: model.potential(r1),
        "law.forces(2 particles)": lambda: law.forces(q2, m2),
        "rollout(2 particles, 1 step)": lambda: noether.rollout(law, q2, v2, m2, dt=0.01, steps=1, progress=False),
    }
    for name, fn in tiny.items():
        n = 200  # short repeats: on a loaded machine some of them run without being preempted
        best = min(timeit.repeat(fn, number=n, repeat=50)) / n
        print(f"tiny call {name}: {best * 1e6:.1f} us")

    q, v, m = lattice(a.particles)
    init = os.path.join(tmp, "init.npz")
    noether.Trajectory(positions=q[None], velocities=v[None], masses=m).save(init)
    steps = a.steps
    ratios = []
    for i in range(a.pairs):
        t0 = time.perf_counter()
        subprocess.run([a.binary, "rollout", "--model", model_path, "--init", init, "--dt", "0.001", "--steps",
                        str(steps), "--stride", str(steps), "--device", "cpu", "-q", "-o", os.path.join(tmp, "cli.npz")],
                       check=True)
        t_cli = time.perf_counter() - t0
        t0 = time.perf_counter()
        out = noether.rollout(model, q[None], v[None], m, dt=0.001, steps=steps, stride=steps, device="cpu",
                              progress=False)
        out.save(os.path.join(tmp, "py.npz"))
        t_py = time.perf_counter() - t0
        ratios.append(t_py / t_cli)
        print(f"pair {i + 1}: CLI {t_cli:.3f} s, Python {t_py:.3f} s, ratio {t_py / t_cli:.3f}")
    same = open(os.path.join(tmp, "cli.npz"), "rb").read() == open(os.path.join(tmp, "py.npz"), "rb").read()
    print(f"{a.particles}-particle rollout, {steps} steps: median Python/CLI ratio {statistics.median(ratios):.3f} "
          f"(min {min(ratios):.3f}, max {max(ratios):.3f}); files identical: {same}; "
          f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
