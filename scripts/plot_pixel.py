#!/usr/bin/env python3
"""plot_pixel.py — figures for one pixel pendulum `noether run configs/hnn_pixel_pendulum.json -o DIR` output
(HNN paper Task 5, Fig. 4 and Fig. C.1).

Usage: plot_pixel.py DIR [--dpi DPI] [--trial B] [--strip N]

Reads DIR/rollouts.npz (written by `noether run` for the first seed; arrays below) and, for the title,
DIR/metrics.json; writes next to them:

  DIR/pixel_strip.png   paper Fig. 4: N frames spaced over the rollout of test trial B — ground truth,
                        HNN and baseline (each model's decoded latent rollout) — and the pendulum angle q
                        over time: the true angle and each model's (re-encoded decoded frames, mapped to
                        (q, p) by the least-squares latent map)
  DIR/latent_phase.png  the latent phase portraits (Fig. C.1): every test sample's latent code z = E(x)
                        coloured by its trial's true energy, the latent rollouts of the first test trials
                        drawn over them, and for the HNN the contours of the learned H_theta
  DIR/energy.png        the energy H(q, p) of the decoded motion over time for trial B (true, HNN,
                        baseline) and the squared energy error averaged over the test trials (log y) —
                        the integrand of the energy MSE

rollouts.npz arrays: dt (); true_frames, hnn_frames, baseline_frames (B, T, S, S); hnn_z, baseline_z
(B, T, 2); hnn_test_latents, baseline_test_latents (n, 2) with test_samples_per_trial () samples per
trial; true_q, true_p, hnn_q, hnn_p, baseline_q, baseline_p, true_H, hnn_H, baseline_H (B, T);
grid_z0 (G0), grid_z1 (G1), grid_hnn_H (G0, G1) indexed [i0, i1]; hnn_batch_loss, baseline_batch_loss.

Each file is written to a temporary name and renamed; one "wrote PATH" line per file. A missing DIR or
rollouts.npz, or an array of the wrong shape, is an error naming the file and array (exit 1).
Needs numpy and matplotlib (Debian: python3-numpy python3-matplotlib); run with /usr/bin/python3.
"""
import argparse
import json
import os
import sys

import numpy as np
import matplotlib.pyplot as plt

from plot_common import InputError, load_npz, save_figure  # also selects matplotlib's Agg backend

STYLE = {"true": dict(color="black", lw=2.0, label="ground truth"),
         "hnn": dict(color="tab:blue", lw=1.5, label="Hamiltonian NN"),
         "baseline": dict(color="tab:red", lw=1.5, label="baseline NN")}


def load(path):
    need = ("dt", "true_frames", "hnn_frames", "baseline_frames", "hnn_z", "baseline_z", "hnn_test_latents",
            "baseline_test_latents", "test_samples_per_trial", "true_q", "hnn_q", "baseline_q", "true_H", "hnn_H",
            "baseline_H", "grid_z0", "grid_z1", "grid_hnn_H")
    d = load_npz(path, need, "run `noether run configs/hnn_pixel_pendulum.json -o DIR` first")
    if d["true_frames"].ndim != 4:
        raise InputError(f"{path}: array 'true_frames' must be (B, T, S, S), got shape {d['true_frames'].shape}")
    B, T, S, _ = d["true_frames"].shape
    for k in ("hnn_frames", "baseline_frames"):
        if d[k].shape != (B, T, S, S):
            raise InputError(f"{path}: array '{k}' must be {(B, T, S, S)}, got {d[k].shape}")
    for k in ("hnn_z", "baseline_z"):
        if d[k].shape[:2] != (B, T) or d[k].ndim != 3 or d[k].shape[2] < 2:
            raise InputError(f"{path}: array '{k}' must be (B, T, 2k), got {d[k].shape}")
    for k in ("true_q", "hnn_q", "baseline_q", "true_H", "hnn_H", "baseline_H"):
        if d[k].shape != (B, T):
            raise InputError(f"{path}: array '{k}' must be {(B, T)}, got {d[k].shape}")
    G0, G1 = d["grid_z0"].size, d["grid_z1"].size
    if d["grid_hnn_H"].shape != (G0, G1):
        raise InputError(f"{path}: array 'grid_hnn_H' must be {(G0, G1)}, got {d['grid_hnn_H'].shape}")
    return d


def strip(d, path, title, dpi, b, N):
    B, T, S, _ = d["true_frames"].shape
    idx = np.unique(np.linspace(0, T - 1, min(N, T)).round().astype(int))
    vmax = max(float(d["true_frames"].max()), 1e-6)
    cell = 0.62  # inches per frame
    fig = plt.figure(figsize=(cell * len(idx) + 1.0, 3 * cell * 1.15 + 2.6))
    gs = fig.add_gridspec(4, len(idx), height_ratios=[1, 1, 1, 3.2], hspace=0.12, wspace=0.04)
    rows = (("true", "true_frames"), ("hnn", "hnn_frames"), ("baseline", "baseline_frames"))
    for r, (name, key) in enumerate(rows):
        for c, t in enumerate(idx):
            ax = fig.add_subplot(gs[r, c])
            ax.imshow(np.clip(d[key][b, t], 0, None), cmap="gray", vmin=0, vmax=vmax, interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(STYLE[name]["label"], color=STYLE[name]["color"], fontsize=8, rotation=0, ha="right",
                              va="center")
            if r == 0:
                ax.set_title(f"{t}", fontsize=7)
    ax = fig.add_subplot(gs[3, :])
    frames = np.arange(T)
    for name in ("true", "hnn", "baseline"):
        ax.plot(frames, d[f"{name}_q"][b], **STYLE[name])
    ax.set_xlabel(f"frame (dt = {float(d['dt']):g} s)")
    ax.set_ylabel("pendulum angle q (rad)")
    ax.legend(fontsize=8, loc="upper right")
    ax.set_xlim(0, T - 1)
    lim = 2.0 * max(float(np.abs(d["true_q"][b]).max()), 1e-3)  # a diverging model leaves the plot, not rescales it
    ax.set_ylim(-lim, lim)
    fig.suptitle(f"{title}\ntest trial {b}: frames over time (top: frame index)", fontsize=9)
    save_figure(fig, path, dpi, tight=True)


def latent_phase(d, path, title, dpi, K):
    per = int(d["test_samples_per_trial"])
    true_H = d["true_H"][:, 0]  # each trial's (conserved) true energy
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.4))
    for ax, name in zip(axes, ("hnn", "baseline")):
        z = d[f"{name}_test_latents"]
        trial = np.arange(z.shape[0]) // per
        colour = true_H[np.minimum(trial, true_H.size - 1)] if true_H.size else trial
        if name == "hnn":
            Z0, Z1 = np.meshgrid(d["grid_z0"], d["grid_z1"], indexing="ij")
            ax.contour(Z0, Z1, d["grid_hnn_H"], levels=20, colors="0.6", linewidths=0.6, linestyles="solid")
        sc = ax.scatter(z[:, 0], z[:, 1], c=colour, s=2, cmap="viridis", label="test codes E(x)")
        zr = d[f"{name}_z"]
        for i in range(min(K, zr.shape[0])):
            ax.plot(zr[i, :, 0], zr[i, :, 1], color=STYLE[name]["color"], lw=1.0,
                    label=f"{STYLE[name]['label']} rollouts" if i == 0 else None)
            ax.plot(zr[i, 0, 0], zr[i, 0, 1], "o", color=STYLE[name]["color"], ms=3)
        lo = np.percentile(z, 0.5, axis=0)
        hi = np.percentile(z, 99.5, axis=0)
        pad = 0.35 * (hi - lo)
        ax.set_xlim(lo[0] - pad[0], hi[0] + pad[0])
        ax.set_ylim(lo[1] - pad[1], hi[1] + pad[1])
        ax.set_xlabel("$z_0$ (analogous to $q$)")
        ax.set_ylabel("$z_1$ (analogous to $p$)")
        ax.set_title(f"{STYLE[name]['label']}: latent space" + (" and contours of $H_\\theta$" if name == "hnn" else ""),
                     fontsize=9)
        ax.legend(fontsize=7, loc="upper right")
        fig.colorbar(sc, ax=ax, label="true energy of the trial")
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    save_figure(fig, path, dpi, tight=True)


def energy(d, path, title, dpi, b):
    T = d["true_H"].shape[1]
    frames = np.arange(T)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for name in ("true", "hnn", "baseline"):
        axes[0].plot(frames, d[f"{name}_H"][b], **STYLE[name])
    axes[0].set_xlabel("frame")
    axes[0].set_ylabel("H(q, p) of the decoded motion")
    axes[0].set_title(f"test trial {b}", fontsize=9)
    axes[0].legend(fontsize=8)
    for name in ("hnn", "baseline"):
        err = ((d["true_H"] - d[f"{name}_H"]) ** 2).mean(axis=0)
        axes[1].semilogy(frames, np.maximum(err, 1e-16), color=STYLE[name]["color"], lw=1.5,
                         label=f"{STYLE[name]['label']} (MSE {err.mean():.2e})")
    axes[1].set_xlabel("frame")
    axes[1].set_ylabel("mean over test trials of (H_true − H_model)²")
    axes[1].legend(fontsize=8)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    save_figure(fig, path, dpi, tight=True)


def main(argv):
    ap = argparse.ArgumentParser(description="figures of a pixel pendulum noether run")
    ap.add_argument("dir")
    ap.add_argument("--dpi", type=int, default=130)
    ap.add_argument("--trial", type=int, default=0, help="test trial of the frame strip and energy plot")
    ap.add_argument("--strip", type=int, default=18, help="frames in the strip")
    ap.add_argument("--rollouts", type=int, default=4, help="latent rollouts drawn in the phase portraits")
    a = ap.parse_args(argv)
    try:
        if not os.path.isdir(a.dir):
            raise InputError(f"{a.dir}: not a folder")
        d = load(os.path.join(a.dir, "rollouts.npz"))
        if not 0 <= a.trial < d["true_frames"].shape[0]:
            raise InputError(f"--trial {a.trial}: rollouts.npz has {d['true_frames'].shape[0]} trials")
        title = "pixel pendulum"
        mpath = os.path.join(a.dir, "metrics.json")
        if os.path.isfile(mpath):
            with open(mpath) as f:
                m = json.load(f)
            e = m["models"]
            title = (f"pixel pendulum, seeds {m['seeds']}: energy MSE HNN {e['hnn']['energy_mse']['mean']:.2e}, "
                     f"baseline {e['baseline']['energy_mse']['mean']:.2e}")
        strip(d, os.path.join(a.dir, "pixel_strip.png"), title, a.dpi, a.trial, a.strip)
        latent_phase(d, os.path.join(a.dir, "latent_phase.png"), title, a.dpi, a.rollouts)
        energy(d, os.path.join(a.dir, "energy.png"), title, a.dpi, a.trial)
    except InputError as e:
        print(f"plot_pixel.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
