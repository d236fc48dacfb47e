#!/usr/bin/env python3
"""plot_bulk_run.py — figures for one bulk generalization run (`noether run configs/bulk_*_generalization*.json -o DIR`).

Usage: plot_bulk_run.py DIR [--dpi DPI]

Reads DIR/metrics.json, DIR/potential.csv and DIR/cases/<case>/{truth,learned}_analysis.json (run/bulk.cpp) and writes:

  DIR/<case>.png      g(r) of every species pair, true law (solid) and learned law (dashed), with the largest
                      deviation relative to the peak; and the mean-squared displacement of both against time
  DIR/potential.png   V(r) and dV/dr per species pair, truth against the learned law (V shifted by the fitted offset),
                      the compared range [p05, min(p95, r_on)] shaded
  DIR/scaling.png     learned and true steps/s (atom-steps/s) and peak memory against N, log-log

A missing DIR or metrics.json, or a malformed input, is an error (exit 1) naming the file; a case without its analysis
files is skipped with a note.

Needs numpy and matplotlib (Debian: python3-numpy python3-matplotlib); run with /usr/bin/python3.
"""
import argparse
import csv
import json
import os
import sys

import numpy as np

from plot_common import InputError, plt, save_figure


def read_json(path, hint):
    if not os.path.isfile(path):
        raise InputError(f"{path}: not found ({hint})")
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, json.JSONDecodeError) as e:
        raise InputError(f"{path}: not readable JSON ({e})")


def plot_case(d, name, m, dpi):
    cdir = os.path.join(d, "cases", name)
    lpath = os.path.join(cdir, "learned_analysis.json")
    if not os.path.isfile(lpath):
        print(f"{name}: no {lpath}; skipped")
        return
    learned = read_json(lpath, "written by noether run")
    tpath = os.path.join(cdir, "truth_analysis.json")
    truth = read_json(tpath, "written by noether run") if os.path.isfile(tpath) else None
    fig, (ax_g, ax_m) = plt.subplots(1, 2, figsize=(10, 3.8))
    r = np.asarray(learned["rdf"]["r"])
    dev = {tuple(x["species"]): x["max_abs_deviation_over_peak"] for x in m.get("compare", {}).get("rdf", [])}
    for k, p in enumerate(learned["rdf"]["pairs"]):
        s = tuple(p["species"])
        color = f"C{k}"
        tag = f"{s[0]}-{s[1]}" if learned.get("species", 1) > 1 else "g(r)"
        if truth:
            ax_g.plot(r, truth["rdf"]["pairs"][k]["g"], color=color, lw=1.3, label=f"{tag} true")
        extra = f" ({100 * dev[s]:.2f}% of peak)" if s in dev else ""
        ax_g.plot(r, p["g"], "--", color=color, lw=1.1, label=f"{tag} learned{extra}")
    ax_g.axhline(1.0, color="0.7", lw=0.6)
    ax_g.set_xlabel("r")
    ax_g.set_ylabel("g(r)")
    ax_g.legend(fontsize=7)
    t = np.asarray(learned["times"])
    for a, label, style in ((truth, "true", "-"), (learned, "learned", "--")):
        if a and "series" in a.get("msd", {}):
            ax_m.plot(t - t[0], a["msd"]["series"], style, lw=1.2, label=f"{label}: D = {a['msd']['diffusion']:.4g}")
    ax_m.set_xlabel("t")
    ax_m.set_ylabel("mean-squared displacement")
    ax_m.legend(fontsize=8)
    fig.suptitle(f"{name}: N = {m['particles']}", fontsize=10)
    fig.tight_layout()
    save_figure(fig, os.path.join(d, f"{name}.png"), dpi)


def plot_potential(d, metrics, dpi):
    path = os.path.join(d, "potential.csv")
    if not os.path.isfile(path):
        print(f"{path}: not found; potential.png skipped")
        return
    rows = {}
    with open(path) as f:
        for row in csv.DictReader(f):
            rows.setdefault((int(row["a"]), int(row["b"])), []).append(row)
    fig, (ax_v, ax_f) = plt.subplots(1, 2, figsize=(10, 3.8))
    for k, ((a, b), rs) in enumerate(sorted(rows.items())):
        x = np.array([float(q["r"]) for q in rs])
        col = {c: np.array([float(q[c]) for q in rs]) for c in ("V_true", "dVdr_true", "V_learned", "dVdr_learned")}
        tag = f"{a}-{b} " if len(rows) > 1 else ""
        ax_v.plot(x, col["V_true"], color=f"C{k}", lw=1.3, label=f"{tag}true")
        ax_v.plot(x, col["V_learned"], "--", color=f"C{k}", lw=1.1, label=f"{tag}learned")
        ax_f.plot(x, col["dVdr_true"], color=f"C{k}", lw=1.3)
        ax_f.plot(x, col["dVdr_learned"], "--", color=f"C{k}", lw=1.1)
        for p in metrics.get("potentials", []):
            if tuple(p["species"]) == (a, b) and "range" in p:
                for ax in (ax_v, ax_f):
                    ax.axvspan(p["range"][0], p["range"][1], color=f"C{k}", alpha=0.08)
        lo = np.percentile(col["V_true"], 2)
        ax_v.set_ylim(min(lo, ax_v.get_ylim()[0]) if k else lo - 0.5, max(2.0, 0.0))
        ax_f.set_ylim(-10, 10)
    ax_v.set_xlabel("r")
    ax_v.set_ylabel("V(r) (no cutoff switch)")
    ax_v.legend(fontsize=7)
    ax_f.set_xlabel("r")
    ax_f.set_ylabel("dV/dr")
    fig.suptitle("learned pair laws against the truth (shaded: the compared range)", fontsize=10)
    fig.tight_layout()
    save_figure(fig, os.path.join(d, "potential.png"), dpi)


def plot_scaling(d, metrics, dpi):
    cases = metrics.get("cases", {})
    if not cases:
        return
    pts = sorted((m["particles"], m) for m in cases.values())
    N = np.array([p[0] for p in pts], float)
    fig, (ax_s, ax_m) = plt.subplots(1, 2, figsize=(10, 3.8))
    lr = np.array([p[1]["learned"]["steps_per_s"] for p in pts])
    ax_s.loglog(N, lr, "o-", label="learned law (steps/s)")
    tr = [(n, p[1]["truth"]["steps_per_s"]) for n, p in zip(N, pts) if "truth" in p[1]]
    if tr:
        ax_s.loglog([a for a, _ in tr], [b for _, b in tr], "s--", label="true law (steps/s)")
    ax_s.loglog(N, lr[0] * N[0] / N, ":", color="0.5", label="O(N): constant atom-steps/s")
    ax_s.set_xlabel("N")
    ax_s.set_ylabel("steps per second")
    ax_s.legend(fontsize=8)
    mem = np.array([p[1]["peak_memory_bytes"] for p in pts], float) / 1e9
    ax_m.loglog(N, mem, "o-", label="process peak memory")
    ax_m.loglog(N, mem[-1] * N / N[-1], ":", color="0.5", label="∝ N")
    ax_m.set_xlabel("N")
    ax_m.set_ylabel("GB")
    ax_m.legend(fontsize=8)
    fig.suptitle("bulk rollouts: speed and memory against N (this machine, shared cores)", fontsize=10)
    fig.tight_layout()
    save_figure(fig, os.path.join(d, "scaling.png"), dpi)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--dpi", type=int, default=110)
    args = ap.parse_args()
    try:
        metrics = read_json(os.path.join(args.dir, "metrics.json"), f"written by noether run CONFIG -o {args.dir}")
        try:
            for name, m in metrics["cases"].items():
                plot_case(args.dir, name, m, args.dpi)
            plot_potential(args.dir, metrics, args.dpi)
            plot_scaling(args.dir, metrics, args.dpi)
        except (KeyError, TypeError, ValueError, IndexError) as e:
            raise InputError(f"{args.dir}: malformed run output ({e!r})")
    except InputError as e:
        print(f"plot_bulk_run.py: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
