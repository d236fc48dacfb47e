#!/usr/bin/env python3
"""plot_analyze.py — the figure of one `noether analyze TRAJ.npz -o DIR` output folder.

Usage: plot_analyze.py DIR [--dpi DPI]

Reads DIR/analysis.json (run/analysis_json.hpp) and writes DIR/analysis.png: g(r) of every species pair, the
mean-squared displacement against time (with the fitted diffusion line 2·D·D_s·t + c over the fitted frames), and
the temperature, pressure and energy over time (each panel only when the analysis has it). A missing DIR or
analysis.json, or a malformed one, is an error (exit 1) naming the file.

Needs numpy and matplotlib (Debian: python3-numpy python3-matplotlib); run with /usr/bin/python3.
"""
import argparse
import json
import os
import sys

import numpy as np

from plot_common import InputError, plt, save_figure


def panels(a):
    """The panels the analysis has data for, in order."""
    out = []
    if "pairs" in a.get("rdf", {}):
        out.append("rdf")
    if "series" in a.get("msd", {}):
        out.append("msd")
    for k in ("temperature", "pressure", "energy"):
        if "series" in a.get(k, {}):
            out.append(k)
    return out


def plot(a, path, dpi):
    names = panels(a)
    if not names:
        print(f"{path}: nothing to plot (no g(r), MSD or time series in the analysis)")
        return
    t = np.asarray(a["times"])
    fig, axes = plt.subplots(1, len(names), figsize=(4.2 * len(names), 3.6), squeeze=False)
    for ax, name in zip(axes[0], names):
        if name == "rdf":
            r = np.asarray(a["rdf"]["r"])
            for p in a["rdf"]["pairs"]:
                s = p["species"]
                label = f"{s[0]}-{s[1]}" if a.get("species", 1) > 1 else None
                ax.plot(r, p["g"], lw=1.2, label=label)
            ax.axhline(1.0, color="0.6", lw=0.6)
            ax.set_xlabel("r")
            ax.set_ylabel("g(r)")
            if a.get("species", 1) > 1:
                ax.legend(title="species", fontsize=8)
        elif name == "msd":
            m = np.asarray(a["msd"]["series"])
            used = a["frames"] - a["frames_used"]
            tt = t[used:] - t[used]
            ax.plot(tt, m[used:], lw=1.2, label="MSD")
            D, dim = a["msd"]["diffusion"], a["dim"]
            if D > 0 and len(tt) > 2:
                sel = tt >= 0.5 * tt[-1]
                c = np.mean(m[used:][sel] - 2 * dim * D * tt[sel])
                ax.plot(tt, 2 * dim * D * tt + c, "--", lw=0.9, label=f"D = {D:.4g}")
            ax.set_xlabel("t")
            ax.set_ylabel("mean-squared displacement")
            ax.legend(fontsize=8)
        else:
            y = np.asarray(a[name]["series"])
            ax.plot(t, y, lw=1.0)
            ax.set_xlabel("t")
            ax.set_ylabel(name)
            if name == "energy":
                ax.set_title(f"drift {a['energy']['drift']:.2e}", fontsize=9)
            else:
                ax.set_title(f"mean {a[name]['mean']:.4g}", fontsize=9)
    fig.suptitle(f"{a.get('source', '')}: N = {a['particles']}, {a['dim']}-D", fontsize=10)
    fig.tight_layout()
    save_figure(fig, path, dpi)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--dpi", type=int, default=110)
    args = ap.parse_args()
    src = os.path.join(args.dir, "analysis.json")
    try:
        if not os.path.isfile(src):
            raise InputError(f"{src}: not found (written by noether analyze TRAJ.npz -o {args.dir})")
        try:
            with open(src) as f:
                a = json.load(f)
        except (OSError, json.JSONDecodeError) as e:
            raise InputError(f"{src}: not readable JSON ({e})")
        try:
            plot(a, os.path.join(args.dir, "analysis.png"), args.dpi)
        except (KeyError, TypeError, ValueError) as e:
            raise InputError(f"{src}: malformed analysis ({e!r})")
    except InputError as e:
        print(f"plot_analyze.py: {e}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
