#!/usr/bin/env python3
"""plot_run.py — figures for one `noether run CONFIG -o DIR` output directory (MCLNN paper, Fig. 2–5).

Usage: plot_run.py DIR [--trajectory B] [--dpi DPI]

Reads DIR/metrics.json and, where present, DIR/cases/<case>/{truth,<model>}.npz, DIR/potential.csv
and DIR/<model>/train_log.csv, and writes next to them:

  DIR/<case>_quantities.png      Lagrangian, Hamiltonian, |linear momentum| and angular momentum
                                 (J_z in 2-D, |J| in 3-D) over time: ground truth vs every model
                                 (paper Fig. 2–4); the legend gives each model's MAE against the truth
  DIR/<case>_position_error.png  relative position error |a - b| / (|a| + |b|) per frame, log y
  DIR/potential.png              V(r) and dV/dr: truth vs learned, training distances shaded
                                 (darker: central 90 %, [p05, p95]; lighter: [r_min, r_max]) (Fig. 5)
  DIR/training_loss.png          train (solid) and validation (dashed) loss per epoch, log y
  DIR/at_scale.png               with an "at_scale" section: the per-particle force error at t = 0 (cumulative, per
                                 tail policy) and the virial ratio 2K/|U| over time, truth and every policy

Models are the keys of metrics["models"]. A learned pair potential is defined only up to a constant,
so the energies of a model with metrics["models"][m]["potential"]["V_offset"] are shifted by
V_offset * N(N-1)/2 (U and H up, L down) before they are compared with the truth.

Each file is written to a temporary name and renamed; one line is printed per file written. Missing
optional inputs (a case's model file, potential.csv, train_log.csv) skip that plot or curve with a
one-line note. A missing DIR or metrics.json is an error (exit 1); so is a malformed input file,
after the other plots have been written.

Needs numpy and matplotlib (Debian: python3-numpy python3-matplotlib); run with /usr/bin/python3.
"""
import argparse
import json
import os
import sys

import numpy as np
import matplotlib.pyplot as plt

from plot_common import InputError, save_figure  # also selects matplotlib's Agg backend

TRUTH_STYLE = dict(color="black", lw=1.6, ls="-")
MODEL_COLORS = ("tab:red", "tab:blue", "tab:green", "tab:orange", "tab:purple", "tab:brown")
MODEL_LINESTYLES = ("--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)))
# A conserved quantity is drawn on a y range of at least this share of its natural scale, so that
# round-off (1e-16) or integrator wiggle (1e-6) is not blown up to fill the panel.
MIN_SPAN_SHARE = 0.1
# A model curve may reach this many truth spans beyond the truth's range before the y axis is clipped.
CLIP_REACH = 4.0
TRAJECTORY_KEYS = ("positions", "velocities", "masses", "times", "lagrangian", "hamiltonian",
                   "linear_momentum", "angular_momentum")


# ----------------------------------------------------------------------------------------------
# small helpers


def note(msg):
    print(f"note: {msg}")


def model_style(index):
    return dict(color=MODEL_COLORS[index % len(MODEL_COLORS)],
                ls=MODEL_LINESTYLES[index % len(MODEL_LINESTYLES)], lw=1.4)


def display_name(model):
    """'mclnn' -> 'MCLNN', 'lnn' -> 'LNN'; anything with punctuation is left as written."""
    return model.upper() if model.isalnum() else model


def ensure_min_span(ax, min_span, nonnegative=False):
    """Widen the y range of ax to at least min_span around its centre; for a nonnegative quantity
    near zero, start just below 0 so that a line at 0 is not hidden by the frame."""
    lo, hi = ax.get_ylim()
    if not np.isfinite(min_span) or min_span <= 0 or hi - lo >= min_span:
        return
    mid = 0.5 * (lo + hi)
    lo, hi = mid - 0.5 * min_span, mid + 0.5 * min_span
    if nonnegative and lo < 0:
        lo, hi = -0.05 * min_span, 0.95 * min_span
    ax.set_ylim(lo, hi)


def limit_to_truth(ax, truth, min_span, reach=CLIP_REACH):
    """Keep the y range within `reach` truth-spans (at least min_span) of the truth's range, so a
    diverging model (1e30, inf) cannot squash the truth to a flat line. True if it clipped."""
    finite = truth[np.isfinite(truth)]
    if finite.size == 0:
        return False
    span = max(float(np.ptp(finite)), min_span)
    lo_cap, hi_cap = finite.min() - reach * span, finite.max() + reach * span
    lo, hi = ax.get_ylim()
    if lo >= lo_cap and hi <= hi_cap:
        return False
    ax.set_ylim(max(lo, lo_cap), min(hi, hi_cap))
    return True


def add_headroom(ax, share):
    """Raise the top of the y range by share of its height (room for a legend above the data)."""
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo, hi + share * (hi - lo))


def positive_scale(*candidates):
    """The first finite, positive candidate (a natural scale for a y range), else 1."""
    for c in candidates:
        if np.isfinite(c) and c > 0:
            return float(c)
    return 1.0


# ----------------------------------------------------------------------------------------------
# inputs


def load_metrics(run_dir):
    """metrics.json as a dict; None (after an error message) when DIR or the file is missing."""
    if not os.path.isdir(run_dir):
        print(f"plot_run.py: {run_dir}: no such directory (expected the output of noether run)",
              file=sys.stderr)
        return None
    path = os.path.join(run_dir, "metrics.json")
    if not os.path.isfile(path):
        print(f"plot_run.py: {path}: not found (expected the output of noether run)", file=sys.stderr)
        return None
    try:
        with open(path) as f:
            metrics = json.load(f)
    except (OSError, ValueError) as e:
        print(f"plot_run.py: {path}: cannot read JSON: {e}", file=sys.stderr)
        return None
    if not isinstance(metrics.get("models", {}), dict):
        print(f"plot_run.py: {path}: 'models' must be an object", file=sys.stderr)
        return None
    return metrics


def load_trajectory(path):
    """The keys of a trajectory .npz that the plots need, as plain arrays."""
    try:
        with np.load(path) as d:
            missing = [k for k in TRAJECTORY_KEYS if k not in d]
            if missing:
                raise InputError(f"{path}: missing key(s) {', '.join(missing)}")
            traj = {k: np.asarray(d[k]) for k in TRAJECTORY_KEYS}
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: cannot read .npz: {e}") from e
    q = traj["positions"]
    if q.ndim != 4 or q.shape[-1] not in (2, 3):
        raise InputError(f"{path}: positions has shape {q.shape}, expected [B, T, N, D] with D = 2 or 3")
    if traj["times"].shape != (q.shape[1],):
        raise InputError(f"{path}: times has shape {traj['times'].shape}, expected [{q.shape[1]}]")
    return traj


def find_cases(run_dir, metrics):
    """Case names: directories of DIR/cases plus every case named in metrics, sorted."""
    names = set()
    cases_dir = os.path.join(run_dir, "cases")
    if os.path.isdir(cases_dir):
        names.update(n for n in os.listdir(cases_dir) if os.path.isdir(os.path.join(cases_dir, n)))
    for model in metrics.get("models", {}).values():
        names.update((model or {}).get("cases", {}) or {})
    return sorted(names)


def model_v_offset(metrics, model):
    """V_offset of a model's learned pair potential; 0 when the model has none."""
    pot = ((metrics.get("models", {}).get(model) or {}).get("potential")) or {}
    if "V_offset" not in pot:
        if pot:
            note(f"models.{model}.potential has no V_offset; its energies are plotted unshifted")
        return 0.0
    return float(pot["V_offset"])


def read_csv_columns(path):
    """A CSV with a header row as {column: float array}; InputError if malformed."""
    try:
        data = np.genfromtxt(path, delimiter=",", names=True, dtype=float, encoding="utf-8")
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: cannot read CSV: {e}") from e
    if data.dtype.names is None or data.size == 0:
        raise InputError(f"{path}: no header or no rows")
    data = np.atleast_1d(data)
    return {name: np.asarray(data[name], dtype=float) for name in data.dtype.names}


# ----------------------------------------------------------------------------------------------
# per-case quantities


def shifted_energies(traj, b, v_offset):
    """(L, H) of trajectory b with a learned potential's offset V_offset * npairs applied."""
    n = traj["positions"].shape[2]
    shift = v_offset * n * (n - 1) / 2.0
    return traj["lagrangian"][b] - shift, traj["hamiltonian"][b] + shift


def angular_series(traj, b):
    """(values, label): J_z in 2-D (a scalar per frame), |J| in 3-D."""
    j = traj["angular_momentum"][b]
    if j.ndim == 1:
        return j, "$J_z$"
    return np.linalg.norm(j, axis=-1), "$|J|$"


def case_series(traj, b, v_offset):
    """The four plotted observables of trajectory b, by panel key."""
    lag, ham = shifted_energies(traj, b, v_offset)
    ang, _ = angular_series(traj, b)
    return {"L": lag, "H": ham, "P": np.linalg.norm(traj["linear_momentum"][b], axis=-1), "J": ang}


def natural_scales(truth, b):
    """Per panel, a scale below which variation is treated as noise (energy exchanged between K and
    U; sum of |m v|; sum of m |q| |v|), all from the ground truth."""
    m = truth["masses"][b][None, :]
    speed = np.linalg.norm(truth["velocities"][b], axis=-1)
    radius = np.linalg.norm(truth["positions"][b], axis=-1)
    kinetic = 0.5 * (m * speed ** 2).sum(axis=-1)
    energy = positive_scale(np.ptp(kinetic), np.abs(truth["hamiltonian"][b]).mean())
    return {"L": energy, "H": energy,
            "P": positive_scale((m * speed).sum(axis=-1).mean()),
            "J": positive_scale((m * radius * speed).sum(axis=-1).mean())}


def mean_abs_error(a, b):
    n = min(len(a), len(b))
    return float(np.mean(np.abs(a[:n] - b[:n]))) if n else float("nan")


def error_summary(prefix, value, t, series):
    """'prefix 0.054', or 'non-finite from t = 40' when the series stops being finite (a model that
    blew up: its mean error would only read inf or nan)."""
    bad = ~np.isfinite(series)
    if np.any(bad):
        return f"non-finite from t = {t[np.argmax(bad)]:.4g}"
    return f"{prefix} {value:.2g}"


def plot_quantities(run_dir, case, truth, models, b, dpi):
    """DIR/<case>_quantities.png: 2x2 panels of L, H, |P|, J; truth vs each model."""
    t = truth["times"]
    n, dim, batch = truth["positions"].shape[2], truth["positions"].shape[3], truth["positions"].shape[0]
    ref = case_series(truth, b, 0.0)
    scales = natural_scales(truth, b)
    _, j_label = angular_series(truth, b)
    panels = [("L", "Lagrangian  L = K − U", "L", False),
              ("H", "Hamiltonian (total energy)  H = K + U", "H", False),
              ("P", "linear momentum  |P| = |Σ m v|", "$|P|$", True),
              ("J", "angular momentum  " + ("$J_z$" if j_label == "$J_z$" else "|J| = |Σ m q × v|"),
               j_label, j_label != "$J_z$")]
    fig, axes = plt.subplots(2, 2, figsize=(12, 8), sharex=True)
    for ax, (key, title, ylabel, nonneg) in zip(axes.flat, panels):
        ax.plot(t, ref[key], label="ground truth", **TRUTH_STYLE)
        for i, (name, traj, v_offset) in enumerate(models):
            series = case_series(traj, b, v_offset)[key]
            summary = error_summary("MAE", mean_abs_error(series, ref[key]), traj["times"], series)
            ax.plot(traj["times"], series, label=f"{display_name(name)}  ({summary})", **model_style(i))
        ensure_min_span(ax, MIN_SPAN_SHARE * scales[key], nonnegative=nonneg)
        if limit_to_truth(ax, ref[key], MIN_SPAN_SHARE * scales[key]):
            ax.text(0.99, 0.02, "y axis clipped: a model leaves the plotted range", transform=ax.transAxes,
                    ha="right", va="bottom", fontsize=8, color="0.3")
        ncol = 1 + len(models) if len(models) < 2 else 2
        add_headroom(ax, 0.06 + 0.08 * -(-(1 + len(models)) // ncol))   # about one legend row each
        ax.set(title=title, ylabel=ylabel)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="upper center", ncol=ncol, framealpha=0.9)
    for ax in axes[1]:
        ax.set_xlabel("t")
    which = f", trajectory {b} of {batch}" if batch > 1 else ""
    fig.suptitle(f"{case}: N = {n} particles, {dim}-D{which} — ground truth vs learned rollout")
    footnote = "MAE: mean |model − ground truth| over the frames"
    shifted = [display_name(name) for name, _, off in models if off != 0.0]
    if shifted:
        footnote += (f"; {', '.join(shifted)}: L and H include the learned potential's offset "
                     "V_offset · N(N−1)/2")
    fig.text(0.5, 0.005, footnote, ha="center", va="bottom", fontsize=8, color="0.3")
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    save_figure(fig, os.path.join(run_dir, f"{case}_quantities.png"), dpi)


def relative_position_error(a, b):
    """|a − b| / (|a| + |b|) per frame; a, b are [T, N, D], norms over particles and dimensions."""
    n = min(len(a), len(b))
    a, b = a[:n], b[:n]
    num = np.sqrt(((a - b) ** 2).sum(axis=(1, 2)))
    den = np.sqrt((a ** 2).sum(axis=(1, 2))) + np.sqrt((b ** 2).sum(axis=(1, 2)))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den == 0, 0.0, num / den)               # NaN/Inf positions stay non-finite


def plot_position_error(run_dir, case, truth, models, b, dpi):
    """DIR/<case>_position_error.png: relative position error per frame, log y, per model."""
    fig, ax = plt.subplots(figsize=(9, 5))
    exact_zero = False
    for i, (name, traj, _) in enumerate(models):
        err = relative_position_error(truth["positions"][b], traj["positions"][b])
        t = truth["times"][:len(err)]
        exact_zero |= bool(np.any(err == 0))
        shown = np.where(err > 0, err, np.nan)           # log axis: exact zeros (t = 0) are not drawn
        summary = error_summary("mean", err.mean(), t, err)
        if np.all(np.isfinite(err)):
            summary += f", final {err[-1]:.2g}"
        label = f"{display_name(name)}  ({summary})"
        ax.semilogy(t, shown, label=label, **model_style(i))
    batch = truth["positions"].shape[0]
    which = f", trajectory {b} of {batch}" if batch > 1 else ""
    ax.set(xlabel="t", ylabel="‖q_model − q_true‖ / (‖q_model‖ + ‖q_true‖)",
           title=f"{case}: relative position error (N = {truth['positions'].shape[2]}{which})")
    if exact_zero:
        ax.text(0.99, 0.02, "frames with zero error (e.g. t = 0) are not drawn", transform=ax.transAxes,
                ha="right", va="bottom", fontsize=8, color="0.3")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=9, loc="upper left")
    fig.tight_layout()
    save_figure(fig, os.path.join(run_dir, f"{case}_position_error.png"), dpi)


def load_case_models(run_dir, case, metrics, truth):
    """[(model, trajectory, V_offset)] for the models whose rollout file exists and matches truth."""
    found = []
    for name, model in metrics.get("models", {}).items():
        path = os.path.join(run_dir, "cases", case, f"{name}.npz")
        if not os.path.isfile(path):
            if case in ((model or {}).get("cases") or {}):       # metrics promise a rollout
                note(f"{path} not found; {name} left out of case {case}")
            continue
        traj = load_trajectory(path)
        if traj["positions"].shape[0] != truth["positions"].shape[0] or \
                traj["positions"].shape[2:] != truth["positions"].shape[2:]:
            raise InputError(f"{path}: positions {traj['positions'].shape} do not match the truth's "
                             f"{truth['positions'].shape} in B, N or D")
        if len(traj["times"]) != len(truth["times"]):
            note(f"{path}: {len(traj['times'])} frames vs the truth's {len(truth['times'])}; "
                 "errors use the common frames")
        found.append((name, traj, model_v_offset(metrics, name)))
    return found


def plot_case(run_dir, case, metrics, b, dpi):
    truth_path = os.path.join(run_dir, "cases", case, "truth.npz")
    if not os.path.isfile(truth_path):
        note(f"{truth_path} not found; case {case} skipped")
        return
    truth = load_trajectory(truth_path)
    if not 0 <= b < truth["positions"].shape[0]:
        raise InputError(f"{truth_path}: --trajectory {b} but the file has {truth['positions'].shape[0]}")
    models = load_case_models(run_dir, case, metrics, truth)
    plot_quantities(run_dir, case, truth, models, b, dpi)
    if models:
        plot_position_error(run_dir, case, truth, models, b, dpi)
    else:
        note(f"no model rollouts for case {case}; {case}_position_error.png skipped")


# ----------------------------------------------------------------------------------------------
# potential (Fig. 5)


def training_ranges(metrics):
    """(r_min, r_max, p05, p95) of the first model that reports them, else None."""
    for name, model in metrics.get("models", {}).items():
        pot = (model or {}).get("potential") or {}
        if all(k in pot for k in ("r_min", "r_max", "p05", "p95")):
            return tuple(float(pot[k]) for k in ("r_min", "r_max", "p05", "p95"))
    return None


def potential_ylim(r, truth, learned, window):
    """A y range: the truth over all plotted r plus the learned curves inside `window` (the central
    training range), padded, so a learned curve exploding outside the training data cannot squash
    the plot. None if nothing finite."""
    parts = [v[np.isfinite(v)] for v in ([truth] if truth is not None else [])]
    inside = (r >= window[0]) & (r <= window[1]) if window else np.ones_like(r, dtype=bool)
    parts += [v[inside & np.isfinite(v)] for v in learned]
    values = np.concatenate(parts) if parts else np.array([])
    if values.size == 0:
        return None
    lo, hi = float(values.min()), float(values.max())
    pad = 0.08 * (hi - lo) if hi > lo else max(abs(hi), 1.0) * 0.1
    return lo - pad, hi + pad


def shade_training(ax, ranges):
    if ranges is None:
        return
    r_min, r_max, p05, p95 = ranges
    ax.axvspan(r_min, r_max, color="tab:blue", alpha=0.10, lw=0, label="training distances [min, max]")
    ax.axvspan(p05, p95, color="tab:blue", alpha=0.22, lw=0, label="central 90 % [p05, p95]")


def dvdr_error_note(metrics, models):
    """'relative L2 error of dV/dr — MCLNN: 0.008 (uniform r), 0.009 (training pairs)' or ''."""
    parts = []
    for name in models:
        pot = ((metrics.get("models", {}).get(name) or {}).get("potential")) or {}
        errs = [f"{pot[k]:.2g} ({what})" for k, what in (("dVdr_rel_l2_uniform", "uniform r"),
                                                           ("dVdr_rel_l2_samples", "training pairs"))
                if isinstance(pot.get(k), (int, float))]
        if errs:
            parts.append(f"{display_name(name)}: {', '.join(errs)}")
    return "relative L2 error of dV/dr — " + "; ".join(parts) if parts else ""


def plot_potential(run_dir, metrics, dpi):
    """DIR/potential.png: V(r) and dV/dr, truth vs learned, training distances shaded."""
    path = os.path.join(run_dir, "potential.csv")
    if not os.path.isfile(path):
        note(f"{path} not found; potential.png skipped")
        return
    cols = read_csv_columns(path)
    if "r" not in cols:
        raise InputError(f"{path}: no column 'r'")
    r = cols["r"]
    models = [c[2:] for c in cols if c.startswith("V_") and c != "V_true"]
    if not models and "V_true" not in cols:
        raise InputError(f"{path}: no V_true or V_<model> columns")
    ranges = training_ranges(metrics)
    window = (ranges[2], ranges[3]) if ranges else None
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8))
    for ax, prefix, ylabel in ((axes[0], "V", "V(r)"), (axes[1], "dVdr", "dV/dr")):
        shade_training(ax, ranges)
        truth = cols.get(f"{prefix}_true")
        if truth is not None:
            ax.plot(r, truth, label="ground truth", **TRUTH_STYLE)
        learned = []
        for i, name in enumerate(models):
            values = cols.get(f"{prefix}_{name}")
            if values is None:
                continue
            learned.append(values)
            ax.plot(r, values, label=f"{display_name(name)} (learned)", **model_style(i))
        ylim = potential_ylim(r, truth, learned, window)
        if ylim:
            ax.set_ylim(*ylim)
            if any(np.any((v < ylim[0]) | (v > ylim[1])) for v in learned):
                ax.text(0.99, 0.02, "learned curve leaves the plotted range", transform=ax.transAxes,
                        ha="right", va="bottom", fontsize=8, color="0.3")
        ax.axhline(0.0, color="0.6", lw=0.6)
        ax.set(xlabel="r (pair distance)", ylabel=ylabel, xlim=(r.min(), r.max()))
        ax.grid(alpha=0.3)
    axes[0].set_title("pair potential V(r)" + (" (learned V shifted by V_offset)" if models else ""))
    axes[1].set_title("derivative dV/dr (pair force along r = −dV/dr)")
    axes[1].legend(fontsize=8, loc="best")
    system = metrics.get("system", {}).get("potential")
    fig.suptitle(f"learned vs true pair potential{f' — {system}' if system else ''}")
    footnote = dvdr_error_note(metrics, models)
    if footnote:
        fig.text(0.5, 0.005, footnote, ha="center", va="bottom", fontsize=8, color="0.3")
    fig.tight_layout(rect=(0, 0.03 if footnote else 0, 1, 1))
    save_figure(fig, os.path.join(run_dir, "potential.png"), dpi)


# ----------------------------------------------------------------------------------------------
# training loss


def plot_training_loss(run_dir, metrics, dpi):
    """DIR/training_loss.png: train and validation loss per epoch of every model with a log."""
    logs = []
    for name in metrics.get("models", {}):
        path = os.path.join(run_dir, name, "train_log.csv")
        if not os.path.isfile(path):
            note(f"{path} not found; {name} left out of training_loss.png")
            continue
        cols = read_csv_columns(path)
        if "epoch" not in cols or "train_loss" not in cols:
            raise InputError(f"{path}: expected columns epoch,train_loss[,val_loss,...]")
        logs.append((name, cols))
    if not logs:
        note("no train_log.csv; training_loss.png skipped")
        return
    fig, ax = plt.subplots(figsize=(9, 5))
    for i, (name, cols) in enumerate(logs):
        color = MODEL_COLORS[i % len(MODEL_COLORS)]
        train = np.where(cols["train_loss"] > 0, cols["train_loss"], np.nan)
        ax.semilogy(cols["epoch"], train, color=color, lw=1.4,
                    label=f"{display_name(name)} train (final {cols['train_loss'][-1]:.2g})")
        val = cols.get("val_loss")
        if val is not None and np.any(np.isfinite(val) & (val > 0)):
            ax.semilogy(cols["epoch"], np.where(val > 0, val, np.nan), color=color, lw=1.2, ls="--",
                        label=f"{display_name(name)} validation (final {val[-1]:.2g})")
    ax.set(xlabel="epoch", ylabel="loss", title="training loss")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=9)
    fig.tight_layout()
    save_figure(fig, os.path.join(run_dir, "training_loss.png"), dpi)


# ----------------------------------------------------------------------------------------------


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", metavar="DIR", help="output directory of `noether run`")
    ap.add_argument("--trajectory", type=int, default=0, metavar="B",
                    help="which trajectory b of each case's batch to plot (default 0)")
    ap.add_argument("--dpi", type=int, default=110, help="PNG resolution (default 110)")
    return ap.parse_args(argv)


def plot_at_scale(run_dir, metrics, dpi):
    """DIR/at_scale.png: the per-particle relative force error at t = 0 as a cumulative distribution per tail
    policy, and the virial ratio 2K/|U| over time, truth and every policy (metrics models.mclnn.at_scale)."""
    a = metrics.get("models", {}).get("mclnn", {}).get("at_scale")
    if a is None:
        return
    cols = read_csv_columns(os.path.join(run_dir, "at_scale", "force_errors.csv"))
    truth = load_trajectory(os.path.join(run_dir, "at_scale", "truth.npz"))
    t = np.asarray(truth["times"])
    fig, (ax_e, ax_q) = plt.subplots(1, 2, figsize=(10, 3.8))
    for k, (name, tail) in enumerate(a["tails"].items()):
        col = name.replace(" ", "_").replace("=", "_")  # the CSV's column: the tail's file name (run/mclnn_at_scale.hpp)
        if col not in cols:
            raise InputError(f"{run_dir}/at_scale/force_errors.csv: no column '{col}'")
        e = np.sort(np.asarray(cols[col]))
        ax_e.semilogx(np.maximum(e, 1e-12), np.arange(1, len(e) + 1) / len(e), color=f"C{k}",
                      label=f"tail {name}: median {tail['force_error']['median']:.2e}")
        ax_q.plot(t, tail["virial_ratio"]["series"], color=f"C{k}", lw=1.1, label=f"learned, tail {name}")
    ax_q.plot(t, a["truth"]["virial_ratio"]["series"], color="k", lw=1.3, label="truth")
    ax_e.axvline(0.01, color="0.6", lw=0.7, ls=":")
    ax_e.set_xlabel("relative force error |a_learned - a_true| / |a_true| at t = 0")
    ax_e.set_ylabel("fraction of particles")
    ax_e.legend(fontsize=8)
    ax_q.set_xlabel("t")
    ax_q.set_ylabel("virial ratio 2K/|U|")
    ax_q.legend(fontsize=8)
    fig.suptitle(f"the learned model at {a['particles']} particles", fontsize=10)
    fig.tight_layout()
    save_figure(fig, os.path.join(run_dir, "at_scale.png"), dpi)


def main(argv=None):
    args = parse_args(argv)
    metrics = load_metrics(args.dir)
    if metrics is None:
        return 1
    failed = False
    jobs = [(f"case {c}", lambda c=c: plot_case(args.dir, c, metrics, args.trajectory, args.dpi))
            for c in find_cases(args.dir, metrics)]
    jobs += [("potential", lambda: plot_potential(args.dir, metrics, args.dpi)),
             ("training loss", lambda: plot_training_loss(args.dir, metrics, args.dpi)),
             ("at scale", lambda: plot_at_scale(args.dir, metrics, args.dpi))]
    if len(jobs) == 3:
        note(f"no cases in {os.path.join(args.dir, 'cases')} or metrics.json")
    for what, job in jobs:
        try:
            job()
        except InputError as e:
            print(f"plot_run.py: {what}: {e}", file=sys.stderr)
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
