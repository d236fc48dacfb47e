#!/usr/bin/env python3
"""plot_bench_scaling.py — the figure of `noether bench --scaling --json OUT.json` (run/bench_scaling.hpp).

Usage: plot_bench_scaling.py DIR OUT.json [--dpi DPI]

Writes OUT.png next to OUT.json: Verlet steps/s against N (log-log) for every method (neighbor list: solid,
all pairs: dashed) and law (analytic LJ, learned MLP, table), each with the FP64 peak's bound for its counted FLOPs
per atom-step (thin dotted, same colour); and the process's peak memory against N with a line ∝ N. DIR is where
noether writes plots.log (the folder of OUT.json). A missing or malformed OUT.json is an error (exit 1).

Needs numpy and matplotlib (Debian: python3-numpy python3-matplotlib); run with /usr/bin/python3.
"""
import argparse
import json
import os
import sys

import numpy as np

from plot_common import InputError, plt, save_figure


def plot(data, path, dpi):
    pts = data["points"]
    laws = sorted({p["law"] for p in pts})
    fig, (ax, axm) = plt.subplots(1, 2, figsize=(11, 4.2))
    for k, law in enumerate(laws):
        color = f"C{k}"
        for method, style, marker in (("neighbor_list", "-", "o"), ("all_pairs", "--", "s")):
            sel = sorted((p["N"], p) for p in pts if p["law"] == law and p["method"] == method)
            if not sel:
                continue
            N = np.array([n for n, _ in sel], float)
            ax.loglog(N, [p["steps_per_s"] for _, p in sel], style, marker=marker, color=color, ms=4,
                      label=f"{law}, {method.replace('_', ' ')}")
            ax.loglog(N, [p["bound_steps_per_s"] for _, p in sel], ":", color=color, lw=0.9)
    ax.plot([], [], ":", color="0.4", label="FP64 peak bound (counted FLOPs)")
    ax.set_xlabel("N")
    ax.set_ylabel("Verlet steps per second")
    ax.set_title(f"FP64 peak {data['fp64_peak_flops'] * 1e-9:.0f} GFLOP/s", fontsize=9)
    ax.legend(fontsize=7)
    sel = sorted((p["N"], p["peak_memory_bytes"]) for p in pts)
    N = np.array([n for n, _ in sel], float)
    mem = np.array([m for _, m in sel], float) / 1e9
    axm.loglog(N, mem, "o-", ms=4, label="process peak resident memory")
    axm.loglog(N, mem[-1] * N / N[-1], ":", color="0.5", label="∝ N")
    axm.set_xlabel("N")
    axm.set_ylabel("GB")
    axm.legend(fontsize=8)
    fig.suptitle("noether bench --scaling: LJ liquid (ρ = 0.8, r_c = 2.5), CPU", fontsize=10)
    fig.tight_layout()
    save_figure(fig, path, dpi)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("json")
    ap.add_argument("--dpi", type=int, default=110)
    args = ap.parse_args()
    try:
        if not os.path.isfile(args.json):
            raise InputError(f"{args.json}: not found (written by noether bench --scaling --json)")
        try:
            with open(args.json) as f:
                data = json.load(f)
            plot(data, os.path.splitext(args.json)[0] + ".png", args.dpi)
        except (OSError, json.JSONDecodeError, KeyError, TypeError, ValueError, IndexError) as e:
            raise InputError(f"{args.json}: malformed ({e!r})")
    except InputError as e:
        print(f"plot_bench_scaling.py: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
