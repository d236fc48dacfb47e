#!/usr/bin/env python3
"""generalize_lj.py — train on 256 Lennard-Jones particles, predict thousands (issue 18): the learned law against
ground truth at the same N, by noether's own commands.

  /usr/bin/python3 scripts/generalize_lj.py [--noether BIN] [--out DIR] [--sizes 256,2048,16384] [--epochs 20]

 1. Training data: the LJ liquid of configs/lj_liquid_256_prep.json (ρ = 0.8, T = 1.0, ε = σ = 1, r_c = 2.5 switched
    from 2.0) equilibrated with the Bussi thermostat (2,000 steps of 0.005 from the fcc lattice), then an NVE run of
    41 frames 0.05 apart (`noether simulate`).
 2. `noether train --data train.npz -o model.json --epochs E --stride 5 --batch-size 4` (the force-matching start,
    then the trajectory loss through Verlet with the periodic box and the cutoff: docs/BULK_TRAINING.md), then
    `noether tabulate` of the species-pair model file (one table per pair, the same cutoff).
 3. For every N = 4 c³ of --sizes: an fcc lattice of c³ cells at the same density and temperature, equilibrated with
    the true law and the thermostat (2,000 steps); from that state both the true law (`noether simulate`) and the
    learned table (`noether rollout`) run 1,000 NVE steps, 21 frames.
 4. Compared per N: g(r) (NumPy histogram of the saved frames, minimum image; at N > 4,000 the distances from 2,000
    particles to all), its largest |Δg|; mean pressure (virial) and temperature over the frames; the relative energy
    drift max |H(t) − H(0)| / |H(0)|; the mean-squared displacement at the end; the learned rollout's pair visits
    outside its trained range (the `support_visits` key).
Writes DIR/generalize_lj.json and DIR/generalize_lj.png, and prints a markdown table (docs/EXPERIMENTS.md).
Never run by ctest (minutes of CPU).
"""
import argparse
import datetime
import json
import os
import pathlib
import subprocess
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
LAW = {"potential": "lennard_jones", "epsilon": 1.0, "sigma": 1.0, "cutoff": 2.5, "smoothing": "switch", "r_on": 2.0}
RHO, TEMP, DT = 0.8, 1.0, 0.005


def run(args, cwd):
    r = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"generalize_lj.py: {' '.join(map(str, args))} failed:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    return r.stdout + r.stderr


def write_json(path, obj):
    path.write_text(json.dumps(obj, indent=1))


def last_frame_state(npz, out):
    """The last frame of a trajectory file as an initial state (.npz with box, periodic, species when present)."""
    with np.load(npz) as z:
        keep = {"positions": z["positions"][0, -1], "velocities": z["velocities"][0, -1], "masses": z["masses"][0]}
        for k in ("box", "periodic", "species"):
            if k in z:
                keep[k] = z[k]
    np.savez(out, **keep)


def equilibrated(noether, d, cells, seed, steps=2000):
    cfg = {"system": LAW, "initial_state": {"sampler": "fcc", "cells": cells, "density": RHO, "temperature": TEMP,
                                            "seed": seed},
           "thermostat": {"method": "bussi", "temperature": TEMP, "tau": 0.1, "seed": seed},
           "integrator": {"method": "verlet", "dt": DT, "stride": steps, "frames": 2}}
    write_json(d / f"prep_{cells}.json", cfg)
    run([noether, "simulate", f"prep_{cells}.json", "-o", f"prep_{cells}.npz", "-q"], d)
    last_frame_state(d / f"prep_{cells}.npz", d / f"init_{cells}.npz")
    return d / f"init_{cells}.npz"


def gr(frames, L, r_max=3.4, bins=68, centres=2000, seed=0):
    """g(r) of one species in a cube of edge L: frames (F, N, 3); distances from `centres` particles (all when N is
    smaller) to every other particle, minimum image."""
    F, N, _ = frames.shape
    rng = np.random.default_rng(seed)
    idx = np.arange(N) if N <= centres else np.sort(rng.choice(N, centres, replace=False))
    edges = np.linspace(0, r_max, bins + 1)
    hist = np.zeros(bins)
    for q in frames:
        for c0 in range(0, len(idx), 256):
            c = idx[c0:c0 + 256]
            dq = q[c][:, None, :] - q[None, :, :]
            dq -= L * np.rint(dq / L)
            r = np.sqrt((dq**2).sum(-1))
            r[np.arange(len(c)), c] = np.inf  # self
            hist += np.histogram(r, edges)[0]
    shell = 4 * np.pi / 3 * (edges[1:] ** 3 - edges[:-1] ** 3)
    return 0.5 * (edges[1:] + edges[:-1]), hist / F / (len(idx) * (N - 1) / L**3) / shell


def observables(npz):
    with np.load(npz) as z:
        H = z["kinetic_energy"][0] + z["potential_energy"][0]
        L = float(z["box"][0])
        q = z["positions"][0]
        out = {"pressure": float(z["pressure"][0].mean()), "temperature": float(z["temperature"][0].mean()),
               "energy_drift": float(np.abs(H - H[0]).max() / abs(H[0])), "msd_end": float(z["msd"][0, -1]),
               "T_end": float(z["times"][-1])}
        if "support_visits" in z:
            v = z["support_visits"].reshape(-1, 3)[0]  # [pair visits, below lo, above hi] of pair (0, 0)
            out["outside_trained_range"] = float((v[1] + v[2]) / max(v[0], 1))
    r, g = gr(q, L)
    return out, r, g


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--noether", default=str(ROOT / "build" / "noether"))
    p.add_argument("--out", default=str(ROOT / "out" / "generalize_lj"))
    p.add_argument("--sizes", default="256,2048,16384")
    p.add_argument("--epochs", type=int, default=20)
    a = p.parse_args()
    noether = os.path.abspath(a.noether)
    if not os.access(noether, os.X_OK):
        sys.exit(f"--noether: no executable at {noether}")
    sizes = [int(s) for s in a.sizes.split(",")]
    for n in sizes:
        c = round((n / 4) ** (1 / 3))
        if 4 * c**3 != n or c < 4:
            sys.exit(f"--sizes: {n} is not 4·c³ with c >= 4 (the box must hold 2 cutoffs)")
    if a.epochs < 1:
        sys.exit("--epochs: expected >= 1")
    d = pathlib.Path(a.out)
    d.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    # 1. training data
    init = equilibrated(noether, d, 4, seed=4)
    write_json(d / "train.json", {"system": LAW, "initial_state": init.name,
                                  "integrator": {"method": "verlet", "dt": DT, "stride": 10, "frames": 41}})
    run([noether, "simulate", "train.json", "-o", "train.npz", "-q"], d)
    # 2. training and tabulation
    t_train = time.time()
    train_log = run([noether, "train", "--data", "train.npz", "-o", "model.json", "--epochs", a.epochs, "--stride", 5,
                     "--batch-size", 4], d)
    t_train = time.time() - t_train
    run([noether, "tabulate", "--model", "model.json", "-o", "tables.json", "-q"], d)
    # 3.–4. each N
    rows, curves = [], {}
    for n in sizes:
        c = round((n / 4) ** (1 / 3))
        init = equilibrated(noether, d, c, seed=100 + c)
        write_json(d / f"truth_{n}.json", {"system": LAW, "initial_state": init.name,
                                           "integrator": {"method": "verlet", "dt": DT, "stride": 50, "frames": 21}})
        run([noether, "simulate", f"truth_{n}.json", "-o", f"truth_{n}.npz", "-q"], d)
        run([noether, "rollout", "--model", "tables.json", "--init", init.name, "--dt", DT, "--steps", 1000,
             "--stride", 50, "-o", f"learned_{n}.npz", "-q"], d)
        ot, r, gt = observables(d / f"truth_{n}.npz")
        ol, _, gl = observables(d / f"learned_{n}.npz")
        rows.append({"N": n, "truth": ot, "learned": ol, "max_abs_dg": float(np.abs(gt - gl).max())})
        curves[n] = (r, gt, gl)
        print(f"N = {n}: g(r) max |Δg| {rows[-1]['max_abs_dg']:.3f}; P {ot['pressure']:.3f} vs {ol['pressure']:.3f}; "
              f"T {ot['temperature']:.3f} vs {ol['temperature']:.3f}; drift {ot['energy_drift']:.1e} vs "
              f"{ol['energy_drift']:.1e}; MSD {ot['msd_end']:.3f} vs {ol['msd_end']:.3f}", flush=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    result = {"meta": {"date": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"), "commit": commit,
                       "epochs": a.epochs, "train_seconds": t_train, "total_seconds": time.time() - t0,
                       "load_at_start": os.getloadavg()[0]},
              "train_log_tail": train_log.strip().splitlines()[-3:], "rows": rows}
    write_json(d / "generalize_lj.json", result)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(1, len(sizes), figsize=(4 * len(sizes), 3.2), squeeze=False)
        for k, n in enumerate(sizes):
            r, gt, gl = curves[n]
            ax[0, k].plot(r, gt, "k-", label="true LJ")
            ax[0, k].plot(r, gl, "r--", label="learned (trained at N = 256)")
            ax[0, k].set_title(f"N = {n:,}")
            ax[0, k].set_xlabel("r")
        ax[0, 0].set_ylabel("g(r)")
        ax[0, 0].legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(d / "generalize_lj.png", dpi=100)
    except ImportError:
        print("generalize_lj.py: no matplotlib; no plot", file=sys.stderr)
    print(f"\n{result['meta']['date']}, commit {commit}, {a.epochs} epochs ({t_train:.0f} s training)")
    print("| N | max \\|Δg(r)\\| | pressure true / learned | T true / learned | energy drift true / learned | "
          "MSD(t = 5) true / learned | pair visits outside the trained range |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        t, l = row["truth"], row["learned"]
        print(f"| {row['N']:,} | {row['max_abs_dg']:.3f} | {t['pressure']:.3f} / {l['pressure']:.3f} | "
              f"{t['temperature']:.3f} / {l['temperature']:.3f} | {t['energy_drift']:.1e} / {l['energy_drift']:.1e} | "
              f"{t['msd_end']:.3f} / {l['msd_end']:.3f} | {100 * l.get('outside_trained_range', float('nan')):.2f}% |")
    print(f"wrote {d / 'generalize_lj.json'}")


if __name__ == "__main__":
    main()
