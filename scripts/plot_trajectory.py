#!/usr/bin/env python3
"""plot_trajectory.py — plot a noether trajectory file: particle paths (x–y) and the observables
over time (kinetic, potential and total energy; linear and angular momentum), one PNG.

Usage: plot_trajectory.py TRAJ.npz [-o OUT.png] [--trajectory B]
Needs numpy and matplotlib (Debian: python3-numpy python3-matplotlib).
"""
import argparse
import os
import sys

import numpy as np
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("npz")
    ap.add_argument("-o", "--output", help="output PNG (default: TRAJ.png)")
    ap.add_argument("--trajectory", type=int, default=0, help="which trajectory b of the batch")
    a = ap.parse_args()
    d = np.load(a.npz)
    for key in ("positions", "times", "hamiltonian", "kinetic_energy", "potential_energy", "linear_momentum",
                "angular_momentum"):
        if key not in d:
            print(f"{a.npz}: missing key '{key}' (expected a trajectory written by noether simulate)", file=sys.stderr)
            return 1
    b = a.trajectory
    if not 0 <= b < d["positions"].shape[0]:
        print(f"--trajectory {b}: file has {d['positions'].shape[0]} trajectories", file=sys.stderr)
        return 1
    t, q = d["times"], d["positions"][b]
    fig, ax = plt.subplots(2, 2, figsize=(11, 8))
    for i in range(q.shape[1]):
        ax[0, 0].plot(q[:, i, 0], q[:, i, 1], lw=1)
        ax[0, 0].plot(q[0, i, 0], q[0, i, 1], "ko", ms=3)
    ax[0, 0].set(title="particle paths (dots: start)", xlabel="x", ylabel="y", aspect="equal")
    ax[0, 1].plot(t, d["kinetic_energy"][b], label="kinetic T")
    ax[0, 1].plot(t, d["potential_energy"][b], label="potential V")
    ax[0, 1].plot(t, d["hamiltonian"][b], "k", label="H = T + V")
    ax[0, 1].set(title="energy", xlabel="t")
    ax[0, 1].legend()
    H = d["hamiltonian"][b]
    ax[1, 0].plot(t, H - H[0], "k")
    ax[1, 0].set(title="energy drift H(t) − H(0)", xlabel="t")
    P, J = d["linear_momentum"][b], d["angular_momentum"][b]
    for c in range(P.shape[-1]):
        ax[1, 1].plot(t, P[:, c] - P[0, c], label=f"P{'xyz'[c]} − P{'xyz'[c]}(0)")
    Jz = J[:, 2] if J.ndim == 2 else J
    ax[1, 1].plot(t, Jz - Jz[0], "k--", label="Jz − Jz(0)")
    ax[1, 1].set(title="momentum drift", xlabel="t")
    ax[1, 1].legend(fontsize=8)
    fig.suptitle(f"{os.path.basename(a.npz)} — trajectory {b}")
    fig.tight_layout()
    out = a.output or os.path.splitext(a.npz)[0] + ".png"
    tmp = out + ".tmp.png"
    fig.savefig(tmp, dpi=110)
    os.replace(tmp, out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
