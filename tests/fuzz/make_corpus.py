#!/usr/bin/python3
"""make_corpus.py — regenerate the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/, docs/FUZZING.md).

Seeds are small valid inputs, so that mutations start from the accepted format and reach deep into each reader:
  npy, npz            np.save / np.savez / np.savez_compressed: float64, float32, int, uint8, bool; 0-D to 4-D; empty
  trajectory          noether simulate's output, noether rollout's output, NumPy-built trajectories (masses (N), (B, N))
  evaluate            noether simulate and rollout outputs (both have every key `noether evaluate` reads)
  simulation_config   configs/*.json that are simulation configs, plus small variants (inline state, gravity, rk45)
  train_config        `noether train --config` files using every key of the "train" section
  model_file          a model written by noether train, and the same with the other model kinds
  table_file          a table written by noether tabulate (coarse tolerance, to stay small)
  checkpoint          checkpoints written by noether train --hidden 4,4 --epochs 3 (the options of fuzz_checkpoint.cpp)
  run_config          configs/mclnn_*.json and configs/hnn_*.json (golden versions too)
  real_pendulum       slices of data/schmidt-lipson/real_pend_h_1.txt
Regression inputs (files named regression-*) are never touched: they are the findings of earlier fuzzing runs.

Usage: make_corpus.py --noether BUILD/noether [--out tests/fuzz/corpus]   (needs NumPy)
"""
import argparse
import glob
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

import numpy as np

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def put(out, target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(os.path.join(d, name), mode) as f:
        f.write(data)


def npy_bytes(a):
    b = io.BytesIO()
    np.save(b, a)
    return b.getvalue()


def npz_bytes(arrays, compressed):
    b = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(b, **arrays)
    return b.getvalue()


def numpy_seeds(out):
    rng = np.random.default_rng(15)
    arrays = {
        "f8_1d": rng.standard_normal(5),
        "f4_2d": rng.standard_normal((3, 2)).astype(np.float32),
        "f8_3d": rng.standard_normal((2, 2, 3)),
        "f4_4d": rng.standard_normal((1, 2, 2, 2)).astype(np.float32),
        "i8_1d": np.arange(4, dtype=np.int64),
        "i4_2d": np.arange(6, dtype=np.int32).reshape(2, 3),
        "u1_1d": np.arange(3, dtype=np.uint8),
        "b1_1d": np.array([True, False, True]),
        "f8_0d": np.array(2.5),
        "f8_empty": np.zeros((0,)),
    }
    for name, a in arrays.items():
        put(out, "npy", name + ".npy", npy_bytes(a))
    for compressed in (False, True):
        tag = "savez_compressed" if compressed else "savez"
        put(out, "npz", f"{tag}_mixed.npz", npz_bytes(arrays, compressed))
        put(out, "npz", f"{tag}_one.npz", npz_bytes({"x": arrays["f8_1d"]}, compressed))
    # A trajectory as NumPy users write it: float32, masses per trajectory (B, N), no accelerations.
    B, T, N, D = 2, 4, 3, 2
    q = rng.standard_normal((B, T, N, D)) * 2
    v = rng.standard_normal((B, T, N, D)) * 0.1
    times = np.arange(T) * 0.1
    traj = {"positions": q.astype(np.float32), "velocities": v.astype(np.float32), "masses": np.ones((B, N)),
            "times": times}
    put(out, "trajectory", "numpy_float32_masses_bn.npz", npz_bytes(traj, True))
    traj64 = {"positions": q, "velocities": v, "masses": np.ones(N)}  # no times: frame_dt given by the caller
    put(out, "trajectory", "numpy_float64_no_times.npz", npz_bytes(traj64, False))
    put(out, "trajectory", "numpy_initial_state_2d.npz",
        npz_bytes({"positions": q[0, 0], "velocities": v[0, 0], "masses": np.ones(N)}, False))


def run(cmd, cwd):
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"make_corpus: {' '.join(cmd)} failed:\n{r.stdout}{r.stderr}")


def small_sim_config(particles, frames, potential):
    return {"description": "fuzz seed: a small simulation",
            "system": potential,
            "initial_state": {"sampler": "uniform", "trajectories": 2, "particles": particles, "dim": 2,
                              "seed": 3, "box": 2.0, "min_distance": 0.3, "velocity": "uniform",
                              "velocity_scale": 0.5, "zero_momentum": True, "masses": 1.0},
            "integrator": {"method": "verlet", "dt": 0.01, "stride": 5, "frames": frames},
            "precision": "float64", "device": "cpu"}


def noether_seeds(out, noether):
    with tempfile.TemporaryDirectory() as tmp:
        spring = {"potential": "linear_spring", "k": 1.0, "r0": 1.0}
        # Training data: small, yet enough segments for a few Adam steps.
        with open(os.path.join(tmp, "data.json"), "w") as f:
            json.dump(small_sim_config(3, 6, spring), f)
        run([noether, "simulate", "data.json", "-o", "data.npz", "-q"], tmp)
        with open(os.path.join(tmp, "data.npz"), "rb") as f:
            data = f.read()
        for target in ("npz", "trajectory", "evaluate"):
            put(out, target, "noether_simulate.npz", data)
        with zipfile.ZipFile(os.path.join(tmp, "data.npz")) as z:
            for member in ("positions.npy", "masses.npy", "times.npy"):
                put(out, "npy", "noether_" + member, z.read(member))
        run([noether, "train", "--data", "data.npz", "-o", "model.json", "--hidden", "4,4", "--epochs", "3",
             "--time-budget", "0", "--checkpoint", "checkpoint.json", "--device", "cpu", "-q"], tmp)
        with open(os.path.join(tmp, "model.json")) as f:
            model_text = f.read()
        put(out, "model_file", "noether_train_mclnn.json", model_text)
        model = json.loads(model_text)
        for kind in ("lnn", "hnn", "mlp"):  # the other kinds: the same layers under another name
            other = dict(model, model=kind)
            other.pop("metadata", None)
            put(out, "model_file", f"kind_{kind}.json", json.dumps(other))
        for policy in ("zero", "power"):  # the tail key (docs/MODEL_FORMAT.md); power may be refused at load
            put(out, "model_file", f"tail_{policy}.json", json.dumps(dict(model, tail={"policy": policy})))
        with open(os.path.join(tmp, "checkpoint.json")) as f:
            put(out, "checkpoint", "noether_train_epoch3.json", f.read())
        ck = json.loads(open(os.path.join(tmp, "checkpoint.json")).read())
        ck["epoch"] = 1  # a mid-run checkpoint (the counters differ from the final one)
        put(out, "checkpoint", "mid_run_epoch1.json", json.dumps(ck))
        run([noether, "tabulate", "--model", "model.json", "-o", "table.json", "--tolerance", "1e-2", "-q"], tmp)
        with open(os.path.join(tmp, "table.json")) as f:
            put(out, "table_file", "noether_tabulate.json", f.read())
        run([noether, "tabulate", "--model", "model.json", "-o", "table_zero.json", "--tolerance", "1e-2", "--tail",
             "zero", "-q"], tmp)
        with open(os.path.join(tmp, "table_zero.json")) as f:  # with the support and tail keys
            put(out, "table_file", "noether_tabulate_tail_zero.json", f.read())
        run([noether, "rollout", "--model", "model.json", "--init", "data.npz", "--dt", "0.01", "--steps", "6",
             "--stride", "2", "-o", "rollout.npz", "--device", "cpu", "-q"], tmp)
        with open(os.path.join(tmp, "rollout.npz"), "rb") as f:
            rollout = f.read()
        for target in ("trajectory", "evaluate"):
            put(out, target, "noether_rollout.npz", rollout)


def config_seeds(out):
    for path in sorted(glob.glob(os.path.join(REPO, "configs", "*.json"))):
        name = os.path.basename(path)
        text = open(path).read()
        root = json.loads(text)
        if "task" in root or "cases" in root:
            if name == "bulk_lj_generalization.json":
                continue  # its million-particle case makes every parse (fcc sampling) slow; the golden version stands in
            put(out, "run_config", name, text)
        elif "system" in root and "integrator" in root:
            put(out, "simulation_config", name, text)
    for path in sorted(glob.glob(os.path.join(REPO, "configs", "golden", "*.json"))):
        put(out, "run_config", "golden_" + os.path.basename(path), open(path).read())
    gravity = small_sim_config(4, 3, {"potential": "gravity", "G": 1.0, "softening": 0.01})
    gravity["integrator"] = {"method": "rk45", "dt": 0.01, "stride": 2, "frames": 3, "rtol": 1e-8, "atol": 1e-10}
    put(out, "simulation_config", "small_gravity_rk45.json", json.dumps(gravity, indent=1))
    inline = small_sim_config(2, 3, {"potential": "linear_spring", "k": 2.0, "r0": 0.5})
    inline["initial_state"] = {"positions": [[0.0, 0.0], [1.0, 0.0]], "velocities": [[0.0, 0.1], [0.0, -0.1]],
                               "masses": [1.0, 2.0]}
    put(out, "simulation_config", "small_inline_state.json", json.dumps(inline, indent=1))
    mixed = {"system": {"potential": "lennard_jones", "cutoff": 2.5, "r_on": 2.0,
                        "pairs": [{"species": [0, 0], "epsilon": 1.0},
                                  {"species": [0, 1], "potential": "linear_spring", "k": 2.0, "r0": 1.1},
                                  {"species": [1, 1], "potential": "gravity", "G": 0.5, "softening": 0.1,
                                   "smoothing": "shifted_force"}]},
             "initial_state": {"positions": [[1, 1, 1], [2.1, 1, 1], [1, 2.2, 1]],
                               "velocities": [[0, 0, 0], [0, 0, 0], [0, 0, 0]]},
             "species": [0, 1, 1], "box": {"lengths": [6, 6, 6]},
             "integrator": {"method": "verlet", "dt": 0.005, "stride": 2, "frames": 3}}
    put(out, "simulation_config", "small_mixed_species_pairs.json", json.dumps(mixed, indent=1))
    train = {"hidden": [8, 8], "activation": "softplus", "stride": 5, "horizon": 2, "epochs": 10, "batch_size": 4,
             "lr": 0.003, "lr_final": 1e-5, "weight_decay": 0.0, "clip_norm": 1.0, "val_fraction": 0.2, "seed": 7,
             "threads": 1, "checkpoint_every": 5, "time_budget_s": 30, "polish": 5, "polish_method": "lm"}
    put(out, "train_config", "every_key.json", json.dumps(
        {"description": "fuzz seed", "model": "mclnn", "data": "data.npz", "output": "model.json", "train": train},
        indent=1))
    put(out, "train_config", "minimal.json", json.dumps({"data": "data.npz", "output": "model.json"}))
    put(out, "train_config", "train_only.json", json.dumps({"train": {"epochs": 3, "hidden": [4, 4]}}))


def pendulum_seeds(out):
    lines = open(os.path.join(REPO, "data", "schmidt-lipson", "real_pend_h_1.txt")).read().splitlines()
    header = [l for l in lines[:10] if l.lstrip().startswith(("%", "#"))]
    rows = [l for l in lines if l.strip() and not l.lstrip().startswith(("%", "#"))]
    put(out, "real_pendulum", "real_pend_head.txt", "\n".join(header + rows[:12]) + "\n")
    put(out, "real_pendulum", "real_pend_rows_only.txt", "\n".join(rows[100:106]) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--noether", required=True, help="the noether binary (e.g. build/noether)")
    ap.add_argument("--out", default=os.path.join(REPO, "tests", "fuzz", "corpus"))
    a = ap.parse_args()
    noether = os.path.abspath(a.noether)
    for d in glob.glob(os.path.join(a.out, "*")):  # regenerate every seed, keep the regression inputs
        for f in glob.glob(os.path.join(d, "*")):
            if not os.path.basename(f).startswith("regression-"):
                os.remove(f)
    numpy_seeds(a.out)
    noether_seeds(a.out, noether)
    config_seeds(a.out)
    pendulum_seeds(a.out)
    total = sum(os.path.getsize(f) for f in glob.glob(os.path.join(a.out, "*", "*")))
    print(f"make_corpus: {len(glob.glob(os.path.join(a.out, '*', '*')))} files, {total / 1024:.0f} KiB in {a.out}")


if __name__ == "__main__":
    main()
