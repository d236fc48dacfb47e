#!/usr/bin/env python3
"""plot_hnn.py — figures for one HNN `noether run configs/hnn_<task>.json -o DIR` output (HNN paper, Fig. 2–3).

Usage: plot_hnn.py DIR [--dpi DPI] [--states K]

Reads DIR/trajectories.npz (written by `noether run` for the first seed; arrays below) and, for the
title, DIR/metrics.json; writes next to them:

  DIR/phase_space.png  one degree of freedom (dim == 2): the true, baseline and HNN vector fields on a
                       grid with the rollouts from the first K initial states drawn over them (q, p);
                       N bodies (dim == 4N, coordinates [qx_1..qx_N, qy_1..qy_N, px_1.., py_1..]): the
                       bodies' paths in the plane from the first initial state, true vs baseline vs HNN
  DIR/energy.png       the true energy H along the true path and along each model's path over time for
                       the first initial state, and the squared energy error (H_true - H_model)^2
                       averaged over all S states (log y) — the integrand of the energy MSE
  DIR/learned_H.png    the learned conserved quantity: H_theta along the true paths against the true H
                       (a line of slope 1 up to an additive constant means H_theta is the energy), and,
                       for dim == 2, contours of the true H and of H_theta (shifted by the mean offset)

trajectories.npz arrays (float64): times (T); true, hnn, baseline (S, T, dim); true_energy,
hnn_energy, baseline_energy (S, T) (the TRUE H along each path); hnn_learned_H (S, T) (H_theta along
the true path); for dim == 2 also grid_q (G), grid_p (G), grid_true_H, grid_hnn_H (G, G) indexed
[iq, ip], grid_true_field, grid_hnn_field, grid_baseline_field (G, G, 2).

Each file is written to a temporary name and renamed; one "wrote PATH" line per file. A missing DIR or
trajectories.npz, or an array of the wrong shape, is an error naming the file and array (exit 1).
Needs numpy and matplotlib (Debian: python3-numpy python3-matplotlib); run with /usr/bin/python3.
"""
import argparse
import json
import os
import sys

import numpy as np
import matplotlib.pyplot as plt

from plot_common import InputError, load_npz, save_figure  # also selects matplotlib's Agg backend

STYLE = {"true": dict(color="black", lw=1.8, label="ground truth"),
         "baseline": dict(color="tab:red", lw=1.4, label="baseline MLP"),
         "hnn": dict(color="tab:blue", lw=1.4, label="HNN")}


def load(path):
    d = load_npz(path, ("times", "true", "hnn", "baseline", "true_energy", "hnn_energy", "baseline_energy",
                        "hnn_learned_H"), "run `noether run configs/hnn_<task>.json -o DIR` first")
    S, T, dim = d["true"].shape if d["true"].ndim == 3 else (None, None, None)
    if S is None:
        raise InputError(f"{path}: array 'true' must be (S, T, dim), got shape {d['true'].shape}")
    if d["times"].shape != (T,):
        raise InputError(f"{path}: array 'times' must be ({T},), got {d['times'].shape}")
    for k in ("hnn", "baseline"):
        if d[k].shape != (S, T, dim):
            raise InputError(f"{path}: array '{k}' must be {(S, T, dim)}, got {d[k].shape}")
    for k in ("true_energy", "hnn_energy", "baseline_energy", "hnn_learned_H"):
        if d[k].shape != (S, T):
            raise InputError(f"{path}: array '{k}' must be {(S, T)}, got {d[k].shape}")
    if dim == 2 and "grid_q" in d:
        for k in ("grid_p", "grid_true_H", "grid_hnn_H", "grid_true_field", "grid_hnn_field", "grid_baseline_field"):
            if k not in d:
                raise InputError(f"{path}: array '{k}' missing (grid_q is present)")
        G, H = d["grid_q"].shape[0], d["grid_p"].shape[0]
        for k in ("grid_true_H", "grid_hnn_H"):
            if d[k].shape != (G, H):
                raise InputError(f"{path}: array '{k}' must be {(G, H)}, got {d[k].shape}")
        for k in ("grid_true_field", "grid_hnn_field", "grid_baseline_field"):
            if d[k].shape != (G, H, 2):
                raise InputError(f"{path}: array '{k}' must be {(G, H, 2)}, got {d[k].shape}")
    elif dim % 4 != 0 and dim != 2:
        raise InputError(f"{path}: state dimension {dim} is neither 2 (q, p) nor 4 x bodies")
    return d


def phase_space(d, path, title, dpi, K):
    dim = d["true"].shape[2]
    if dim == 2:
        have_grid = "grid_q" in d
        names = ("true", "baseline", "hnn")
        fig, axes = plt.subplots(1, 3, figsize=(13, 4.2), sharex=True, sharey=True)
        for ax, name in zip(axes, names):
            if have_grid:
                Q, P = np.meshgrid(d["grid_q"], d["grid_p"], indexing="ij")
                F = d[f"grid_{name}_field"]
                ax.quiver(Q, P, F[..., 0], F[..., 1], color="0.6", angles="xy", width=0.003)
            for s in range(min(K, d["true"].shape[0])):
                x = d[name][s]
                ax.plot(x[:, 0], x[:, 1], **{**STYLE[name], "label": STYLE[name]["label"] if s == 0 else None})
                ax.plot(x[0, 0], x[0, 1], "o", color=STYLE[name]["color"], ms=3)
            ax.set_title(STYLE[name]["label"] + (" field + rollouts" if have_grid else " rollouts"))
            ax.set_xlabel("q")
        axes[0].set_ylabel("p")
    else:
        n = dim // 4
        fig, axes = plt.subplots(1, 3, figsize=(13, 4.4), sharex=True, sharey=True)
        for ax, name in zip(axes, ("true", "baseline", "hnn")):
            x = d[name][0]
            for b in range(n):
                qx, qy = x[:, b], x[:, n + b]
                ax.plot(qx, qy, lw=1.4, label=f"body {b + 1}")
                ax.plot(qx[0], qy[0], "o", ms=3, color=ax.lines[-1].get_color())
            ax.set_title(STYLE[name]["label"])
            ax.set_xlabel("x")
            ax.set_aspect("equal", adjustable="box")
        axes[0].set_ylabel("y")
        axes[0].legend(fontsize=8)
    fig.suptitle(title, y=1.02)
    save_figure(fig, path, dpi, tight=True)


def energy(d, path, title, dpi):
    t = d["times"]
    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 4.2))
    for name, key in (("true", "true_energy"), ("baseline", "baseline_energy"), ("hnn", "hnn_energy")):
        a.plot(t, d[key][0], **STYLE[name])
    a.set_xlabel("t")
    a.set_ylabel("true energy H")
    a.set_title("energy along the rollout (first initial state)")
    a.legend(fontsize=8)
    for name, key in (("baseline", "baseline_energy"), ("hnn", "hnn_energy")):
        err = ((d["true_energy"] - d[key]) ** 2).mean(axis=0)
        # The error is exactly 0 at t = 0 (same initial state): leave out exact zeros on the log axis.
        pos = err > 0
        b.semilogy(t[pos], err[pos], **{**STYLE[name], "label": f"{STYLE[name]['label']} (MSE {err.mean():.2e})"})
    b.set_xlabel("t")
    b.set_ylabel("(H_true - H_model)^2, mean over states")
    b.set_title(f"energy error over time ({d['true'].shape[0]} states)")
    b.legend(fontsize=8)
    fig.suptitle(title, y=1.02)
    save_figure(fig, path, dpi, tight=True)


def learned_h(d, path, title, dpi):
    Ht, Hl = d["true_energy"].ravel(), d["hnn_learned_H"].ravel()
    offset = float(np.mean(Hl - Ht))
    have_grid = d["true"].shape[2] == 2 and "grid_q" in d
    fig, axes = plt.subplots(1, 3 if have_grid else 1, figsize=(14, 4.2) if have_grid else (5, 4.4))
    ax = axes[0] if have_grid else axes
    ax.plot(Ht, Hl - offset, ".", ms=2, color="tab:blue", label="H_theta - offset along true paths")
    lo, hi = float(min(Ht.min(), (Hl - offset).min())), float(max(Ht.max(), (Hl - offset).max()))
    ax.plot([lo, hi], [lo, hi], "k--", lw=1, label="slope 1")
    ax.set_xlabel("true H")
    ax.set_ylabel(f"learned H_theta - {offset:.3g}")
    ax.set_title("learned conserved quantity vs true energy")
    ax.legend(fontsize=8)
    if have_grid:
        Q, P = np.meshgrid(d["grid_q"], d["grid_p"], indexing="ij")
        levels = np.linspace(d["grid_true_H"].min(), d["grid_true_H"].max(), 12)
        for a, key, name in ((axes[1], "grid_true_H", "true H"), (axes[2], "grid_hnn_H", "H_theta - offset")):
            Z = d[key] - (offset if key == "grid_hnn_H" else 0.0)
            cs = a.contourf(Q, P, Z, levels=levels, cmap="viridis", extend="both")
            a.contour(Q, P, d["grid_true_H"], levels=levels, colors="k", linewidths=0.4)
            a.set_title(name + (" (black: true H contours)" if key == "grid_hnn_H" else ""))
            a.set_xlabel("q")
            a.set_ylabel("p")
        fig.colorbar(cs, ax=axes[1:].tolist())
    fig.suptitle(title, y=1.02)
    save_figure(fig, path, dpi, tight=True)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--dpi", type=int, default=110)
    ap.add_argument("--states", type=int, default=5, help="rollouts drawn in the phase plane (dim == 2)")
    a = ap.parse_args(argv)
    if not os.path.isdir(a.dir):
        print(f"plot_hnn.py: {a.dir}: not a directory", file=sys.stderr)
        return 1
    try:
        d = load(os.path.join(a.dir, "trajectories.npz"))
    except (InputError, ValueError, OSError) as e:
        print(f"plot_hnn.py: {e}", file=sys.stderr)
        return 1
    title = "HNN experiment"
    mpath = os.path.join(a.dir, "metrics.json")
    if os.path.isfile(mpath):
        try:
            with open(mpath) as f:
                title = f"{json.load(f).get('task', title)} (first seed)"
        except (ValueError, OSError):
            pass
    phase_space(d, os.path.join(a.dir, "phase_space.png"), title, a.dpi, a.states)
    energy(d, os.path.join(a.dir, "energy.png"), title, a.dpi)
    learned_h(d, os.path.join(a.dir, "learned_H.png"), title, a.dpi)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
