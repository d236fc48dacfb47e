#!/usr/bin/env python3
"""plot_potential.py — a learned pair potential with its uncertainty: dV/dr with a shaded error band where an
ensemble gives one, the distances the training data cover, and (optionally) the true law.

  noether potential --model M.json --r-min A --r-max B --points 400 --support --ensemble M2.json,M3.json -o pot.csv
  scripts/plot_potential.py pot.csv [--truth truth.csv] [--band K] [--dpi D] -o pot.png

pot.csv is what `noether potential` writes (docs/MODEL_FORMAT.md): the columns r, V, dVdr, d2Vdr2, and the optional
`support` (training pair distances per unit r, as a share of all; 0 outside the model's support) and `dVdr_spread`
(the standard deviation of dV/dr over the ensemble: an error estimate per distance). --truth is a second CSV of the
same form (e.g. `noether potential --model table.json` of the true law's table), drawn for comparison.

The figure, panels sharing r (r without training support, support = 0, shaded grey in each):
  dV/dr    the model's; the band dV/dr ± K·spread (K = --band, default 2) where dVdr_spread is given; the truth;
  error    (with a truth or a spread) learned − truth with the band ± K·spread around it, or the band around 0:
           where a steep wall hides the error in the first panel, this shows it and whether the band covers it;
  support  the training-data density (when the CSV has it).
--truth must have the same r column (the same --r-min, --r-max, --points).
Exit 0 and "wrote PNG"; a missing file, a missing column or a non-finite value: exit 1 naming the file and column,
no PNG written. Needs numpy and matplotlib (scripts/bootstrap.sh installs them).
"""
import argparse
import csv
import math
import os
import sys

try:
    import numpy as np
    from plot_common import InputError, plt, save_figure
except ImportError as e:  # plot_common imports matplotlib
    print(f"plot_potential.py: {e} (scripts/bootstrap.sh installs numpy and matplotlib)", file=sys.stderr)
    sys.exit(1)


def read_potential_csv(path):
    """{column: float array} of a `noether potential` CSV; InputError naming the file and column on bad input."""
    if not os.path.isfile(path):
        raise InputError(f"{path}: not found (noether potential ... -o {os.path.basename(path)} writes it)")
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        raise InputError(f"{path}: empty")
    head = [h.strip() for h in rows[0]]
    for need in ("r", "dVdr"):
        if need not in head:
            raise InputError(f"{path}: column '{need}' missing (header: {','.join(head)})")
    cols = {h: [] for h in head}
    for k, row in enumerate(rows[1:], start=2):
        if len(row) != len(head):
            raise InputError(f"{path}: line {k} has {len(row)} fields, the header {len(head)}")
        for h, v in zip(head, row):
            try:
                x = float(v)
            except ValueError:
                raise InputError(f"{path}: line {k}, column '{h}': not a number ({v!r})")
            if not math.isfinite(x):
                raise InputError(f"{path}: line {k}, column '{h}': not finite ({v})")
            cols[h].append(x)
    if len(cols["r"]) < 2:
        raise InputError(f"{path}: needs at least 2 rows, has {len(cols['r'])}")
    return {h: np.asarray(v) for h, v in cols.items()}


def unsupported_spans(r, support):
    """[(a, b), …]: the r intervals where support == 0 (between grid points)."""
    spans, start = [], None
    for k in range(len(r)):
        if support[k] == 0 and start is None:
            start = r[k]
        if support[k] != 0 and start is not None:
            spans.append((start, r[k]))
            start = None
    if start is not None:
        spans.append((start, r[-1]))
    return spans


def plot(pot, truth, band, out, dpi, title):
    r, dv = pot["r"], pot["dVdr"]
    has_support, has_spread = "support" in pot, "dVdr_spread" in pot
    if truth is not None and (len(truth["r"]) != len(r) or np.max(np.abs(truth["r"] - r)) > 1e-9 * max(1.0, abs(r).max())):
        raise InputError("the --truth CSV must have the same r column as the model's (the same --r-min, --r-max, --points)")
    panels = ["dv"] + (["dev"] if has_spread or truth is not None else []) + (["support"] if has_support else [])
    heights = {"dv": 3, "dev": 2, "support": 1}
    fig, axes = plt.subplots(len(panels), 1, figsize=(7, 2.2 + 1.4 * sum(heights[p] for p in panels) / 2),
                             sharex=True, gridspec_kw={"height_ratios": [heights[p] for p in panels]}, squeeze=False)
    ax_of = {p: axes[k][0] for k, p in enumerate(panels)}
    gaps = unsupported_spans(r, pot["support"]) if has_support else []
    inside = pot["support"] > 0 if has_support and (pot["support"] > 0).any() else np.ones_like(r, dtype=bool)

    def shade_gaps(ax):
        for k, (a, b) in enumerate(gaps):
            ax.axvspan(a, b, color="0.85", lw=0, label="no training data" if k == 0 else None)

    def fit_ylim(ax, values):
        lo, hi = min(float(v.min()) for v in values), max(float(v.max()) for v in values)
        pad = 0.08 * (hi - lo) if hi > lo else max(abs(hi), 1.0) * 0.1
        ax.set_ylim(lo - pad, hi + pad)

    ax = ax_of["dv"]
    shade_gaps(ax)
    if has_spread:
        s = pot["dVdr_spread"]
        ax.fill_between(r, dv - band * s, dv + band * s, color="tab:orange", alpha=0.3, lw=0,
                        label=f"±{band:g} × ensemble spread")
    if truth is not None:
        ax.plot(r, truth["dVdr"], color="k", lw=1.2, ls="--", label="truth")
    ax.plot(r, dv, color="tab:orange", lw=1.6, label="learned")
    # y range: the truth and the learned curve where there is data (a curve exploding outside it does not squash it)
    fit_ylim(ax, [dv[inside]] + ([truth["dVdr"]] if truth is not None else []))
    ax.set_ylabel("dV/dr")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    if "dev" in ax_of:  # the error, where a steep wall makes it invisible above: learned − truth and/or ±K·spread
        ax = ax_of["dev"]
        shade_gaps(ax)
        centre = dv - truth["dVdr"] if truth is not None else np.zeros_like(r)
        vals = [centre[inside]]
        if has_spread:
            s = pot["dVdr_spread"]
            ax.fill_between(r, centre - band * s, centre + band * s, color="tab:orange", alpha=0.3, lw=0,
                            label=f"±{band:g} × ensemble spread")
            vals += [(centre + band * s)[inside], (centre - band * s)[inside]]
        if truth is not None:
            ax.plot(r, centre, color="tab:red", lw=1.2, label="learned − truth")
        ax.axhline(0, color="k", lw=0.6)
        fit_ylim(ax, vals)
        ax.set_ylabel("dV/dr error" if truth is not None else "error estimate")
        ax.legend(fontsize=8)
    if has_support:
        ax = ax_of["support"]
        ax.fill_between(r, 0, pot["support"], color="tab:blue", alpha=0.4, lw=0)
        ax.set_ylabel("training pairs\nper unit r")
    for p in panels:
        ax_of[p].grid(alpha=0.3)
    ax_of[panels[-1]].set_xlabel("r")
    fig.tight_layout()
    save_figure(fig, out, dpi)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv", help="noether potential's CSV (r, V, dVdr, d2Vdr2[, support][, dVdr_spread])")
    ap.add_argument("-o", "--output", required=True, help="the PNG to write")
    ap.add_argument("--truth", default="", help="a second noether potential CSV: the true law")
    ap.add_argument("--band", type=float, default=2.0, help="half-width of the band in ensemble spreads (default 2)")
    ap.add_argument("--dpi", type=int, default=120)
    ap.add_argument("--title", default="")
    a = ap.parse_args()
    if not (math.isfinite(a.band) and a.band > 0):
        print(f"plot_potential.py: --band: expected a number > 0, got {a.band}", file=sys.stderr)
        return 1
    if a.dpi < 10 or a.dpi > 1200:
        print(f"plot_potential.py: --dpi: expected 10–1200, got {a.dpi}", file=sys.stderr)
        return 1
    try:
        pot = read_potential_csv(a.csv)
        truth = read_potential_csv(a.truth) if a.truth else None
        plot(pot, truth, a.band, a.output, a.dpi, a.title)
    except InputError as e:
        print(f"plot_potential.py: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
