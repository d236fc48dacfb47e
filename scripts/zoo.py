#!/usr/bin/env python3
"""zoo.py — the potential zoo of issue 16: can `noether train` learn pair potentials it has never seen?

  scripts/zoo.py [--noether BIN] [--out DIR] [--only NAME,...] [--trajectories B] [--frames T]
                 [--noise both|none|only] [--train-args "ARGS"] [--label LABEL] [--write-docs] [--quick]

For every potential of ZOO (smooth pair energies beyond the paper's three; 2-D and 3-D, 3–5 particles, bound
clusters and clusters that evaporate or scatter):

 1. the analytic V, V′, V″ are written as a noether pair table (docs/TABLES.md) on K uniform knots of
    [r_lo, r_hi]; the script checks the table's quintic Hermite interpolation of V′ at 15 interior points per
    interval against the formula: max |ΔV′| / max |V′| must stay below 1e-9 (it fails otherwise);
 2. B initial states (seeded NumPy: uniform positions with a minimum distance, uniform velocities, zero total
    momentum, unit masses) are rolled out with the table by `noether rollout` (velocity Verlet, dt 0.01,
    10 steps per saved frame, T frames): the training data;
 3. a copy gets Gaussian position noise of σ = 1e-3 × the median pair distance (velocities kept);
 4. `noether train --data D.npz -o M.json [ARGS]` with its defaults (timed, wall clock, with the load average);
 5. the learned dV/dr (`noether potential`, 400 points) against the formula over the central 90% of the
    training distances [p05, p95] (the model's metadata.training.pair_distance_range):
        err = sqrt(Σ (V′_θ(r_k) − V′(r_k))² / Σ V′(r_k)²).

--write-docs replaces the table between the markers <!-- BEGIN ZOO: LABEL --> and <!-- END ZOO: LABEL --> of
docs/EXPERIMENTS.md (LABEL defaults to "defaults"), stamped with the commit, date, command and machine load.
--quick is the CI version (CTest `zoo_quick`): one potential, 12 trajectories × 8 frames, 40 epochs; it checks
that the pipeline runs and the error is finite and below 0.9 (exit 1 otherwise).
Needs NumPy (/usr/bin/python3 of scripts/bootstrap.sh); exits 77 (skip) without it.
"""
import argparse
import datetime
import json
import math
import os
import shlex
import subprocess
import sys
import time

try:
    import numpy as np
except ImportError:  # CTest treats 77 as a skip
    print("zoo.py: NumPy is missing (scripts/bootstrap.sh installs it)")
    sys.exit(77)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# ---- the potentials: V, V′, V″ (unit masses), table range, and how the initial states are drawn ----

def lennard_jones(r):
    s6 = r ** -6.0
    return 4 * (s6 * s6 - s6), 4 * (-12 * s6 * s6 + 6 * s6) / r, 4 * (156 * s6 * s6 - 42 * s6) / r ** 2


def morse(r, D=1.0, a=2.0, r0=1.0):
    e = np.exp(-a * (r - r0))
    return D * ((1 - e) ** 2 - 1), 2 * D * a * e * (1 - e), 2 * D * a * a * e * (2 * e - 1)


def born_mayer(r, A=10.0, rho=0.3):
    e = A * np.exp(-r / rho)
    return e, -e / rho, e / rho ** 2


def yukawa(r, A=2.0, k=1.5):
    e = A * np.exp(-k * r)
    return e / r, -e * (k * r + 1) / r ** 2, e * (k * k * r * r + 2 * k * r + 2) / r ** 3


def soft_sphere(r):
    return r ** -12.0, -12 * r ** -13.0, 156 * r ** -14.0


def double_well(r, h=0.5, c=1.4, w=0.4):
    x = (r - c) / w
    return h * (x * x - 1) ** 2, h * 4 * x * (x * x - 1) / w, h * (12 * x * x - 4) / w ** 2


def plateau(r, c=2.2, s=0.15, a=0.8):
    # a wall (a/r)^12, a flat bottom from ~0.9 to ~2, and a smooth rise to 0 around c
    f = 1 / (1 + np.exp((r - c) / s))
    w = (a / r) ** 12
    return w - f, -12 * w / r + f * (1 - f) / s, 156 * w / r ** 2 - f * (1 - f) * (1 - 2 * f) / s ** 2


#  name: (V, D, N, box, min_distance, velocity_scale, table range, what happens)
ZOO = {
    "lennard_jones": (lennard_jones, 3, 4, 1.6, 1.0, 0.5, (0.75, 14.0), "Lennard-Jones ε = σ = 1, 3-D cluster, partly evaporating"),
    "lj_escape": (lennard_jones, 3, 4, 1.6, 1.0, 1.2, (0.75, 14.0), "Lennard-Jones, 3-D, fast particles: most clusters evaporate (an escaping tail)"),
    "morse": (morse, 2, 3, 1.5, 0.8, 0.4, (0.4, 14.0), "Morse D = 1, a = 2, r0 = 1, 2-D, bound and escaping"),
    "born_mayer": (born_mayer, 2, 4, 1.2, 0.5, 0.6, (0.2, 14.0), "Born–Mayer 10 e^(−r/0.3), 2-D, scattering"),
    "yukawa": (yukawa, 3, 4, 1.4, 0.5, 0.5, (0.15, 14.0), "Yukawa 2 e^(−1.5 r)/r, 3-D, scattering"),
    "soft_sphere": (soft_sphere, 2, 5, 2.2, 0.9, 0.6, (0.55, 14.0), "soft sphere r^−12, 2-D, 5 particles, scattering"),
    "double_well": (double_well, 3, 3, 1.6, 0.8, 0.5, (0.2, 6.0), "double well ½((r−1.4)²/0.16 − 1)², minima 1.0 and 1.8, 3-D, bound"),
    "plateau": (plateau, 2, 3, 1.6, 0.9, 0.5, (0.5, 14.0), "(0.8/r)^12 − 1/(1 + e^((r−2.2)/0.15)): flat bottom 0.9–2, 2-D"),
}


def hermite_dV(r, knots_r, V, dV, d2V):
    """V′ of the table's quintic Hermite interpolant (docs/TABLES.md) at r inside [r_0, r_K]."""
    h = knots_r[1] - knots_r[0]
    k = np.minimum(((r - knots_r[0]) / h).astype(int), len(knots_r) - 2)
    t = (r - knots_r[k]) / h
    v0, v1, d0, d1, s0, s1 = V[k], V[k + 1], h * dV[k], h * dV[k + 1], h * h * d2V[k], h * h * d2V[k + 1]
    c1, c2 = d0, s0 / 2
    A, B, C = v1 - (v0 + c1 + c2), d1 - (c1 + 2 * c2), s1 - 2 * c2
    c3, c4, c5 = 10 * A - 4 * B + C / 2, -15 * A + 7 * B - C, 6 * A - 3 * B + C / 2
    return (c1 + 2 * c2 * t + 3 * c3 * t ** 2 + 4 * c4 * t ** 3 + 5 * c5 * t ** 4) / h


def write_table(name, path, knots=65537):
    f, lo, hi = ZOO[name][0], ZOO[name][6][0], ZOO[name][6][1]
    r = np.linspace(lo, hi, knots)
    V, dV, d2V = f(r)
    # The interpolation error of V′ against the formula, relative to the force scale over the range.
    h = r[1] - r[0]
    x = (r[:-1, None] + h * np.arange(1, 16)[None, :] / 16).ravel()
    err = np.max(np.abs(hermite_dV(x, r, V, dV, d2V) - f(x)[1])) / np.max(np.abs(dV))
    if not err < 1e-9:
        sys.exit(f"zoo.py: the table of {name} has a V′ error of {err:.1e} (> 1e-9): use more knots")
    with open(path, "w") as fh:
        json.dump({"format": "noether-pair-table", "version": 1, "r_min": lo, "r_max": hi, "knots": knots,
                   "max_rel_error_dVdr": float(err), "extrapolation": "quadratic-taylor",
                   "source": {"zoo": name, "formula": ZOO[name][7]},
                   "V": V.tolist(), "dVdr": dV.tolist(), "d2Vdr2": d2V.tolist()}, fh)
    return err


# The seed of each potential's initial states (the tables of docs/EXPERIMENTS.md were drawn with these;
# --seed-shift K adds K to each).
SEEDS = {"lennard_jones": 1600, "morse": 1601, "born_mayer": 1602, "yukawa": 1603, "soft_sphere": 1604,
         "double_well": 1605, "plateau": 1606, "lj_escape": 1601}


def initial_states(name, B, seed):
    _, D, N, box, dmin, vs = ZOO[name][:6]
    rng = np.random.default_rng(seed)
    q = np.zeros((B, N, D))
    for b in range(B):
        for _ in range(100000):
            x = rng.uniform(-box / 2, box / 2, (N, D))
            d = np.linalg.norm(x[:, None] - x[None], axis=-1) + np.eye(N) * 1e9
            if d.min() >= dmin:
                break
        else:
            sys.exit(f"zoo.py: cannot place {N} particles {dmin} apart in a box of {box}")
        q[b] = x - x.mean(0)
    v = rng.uniform(-vs, vs, (B, N, D))
    v -= v.mean(1, keepdims=True)
    return q, v, np.ones(N)


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        sys.exit(f"zoo.py: {' '.join(shlex.quote(c) for c in cmd)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p.stdout


def dvdr_error(noether, model, name):
    meta = json.load(open(model))["metadata"]["training"]
    a, b = meta["pair_distance_range"]["p05"], meta["pair_distance_range"]["p95"]
    csv = run([noether, "potential", "--model", model, "--r-min", repr(a), "--r-max", repr(b), "--points", "400"])
    rows = np.array([[float(x) for x in line.split(",")[:3]] for line in csv.strip().splitlines()[1:]])
    truth = ZOO[name][0](rows[:, 0])[1]
    return math.sqrt(np.sum((rows[:, 2] - truth) ** 2) / np.sum(truth ** 2)), a, b, meta


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--noether", default=os.path.join(ROOT, "build", "noether"))
    ap.add_argument("--out", default=os.path.join(ROOT, "out", "zoo"))
    ap.add_argument("--only", default="")
    ap.add_argument("--trajectories", type=int, default=100)
    ap.add_argument("--frames", type=int, default=20)
    ap.add_argument("--noise", choices=["both", "none", "only"], default="both")
    ap.add_argument("--train-args", default="")
    ap.add_argument("--label", default="defaults")
    ap.add_argument("--note", default="", help="a sentence added under the table (e.g. which binary ran)")
    ap.add_argument("--write-docs", action="store_true")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seed-shift", type=int, default=0, help="added to every potential's seed (another draw of the data)")
    ap.add_argument("--docs-from", default="", help="write the docs table from a finished run's OUT/rows.json")
    a = ap.parse_args()
    if a.docs_from:
        with open(a.docs_from) as f:
            rec = json.load(f)
        for k, v in rec["args"].items():
            if k not in ("write_docs", "docs_from", "label", "note"):
                setattr(a, k, v)
        write_docs(a, rec["rows"], rec.get("commit"), rec.get("date"))
        return
    names = [n for n in a.only.split(",") if n] or list(ZOO)
    for n in names:
        if n not in ZOO:
            sys.exit(f"zoo.py: --only: unknown potential '{n}' (one of {', '.join(ZOO)})")
    if a.quick:
        names, a.trajectories, a.frames, a.noise = ["morse"], 24, 10, "none"
        a.train_args = (a.train_args + " --epochs 300").strip()
    noether = os.path.abspath(a.noether)
    os.makedirs(a.out, exist_ok=True)
    rows = []
    for name in names:
        d = os.path.join(a.out, name)
        os.makedirs(d, exist_ok=True)
        table = os.path.join(d, "table.json")
        terr = write_table(name, table)
        q, v, m = initial_states(name, a.trajectories, seed=SEEDS[name] + a.seed_shift)
        np.savez(os.path.join(d, "init.npz"), positions=q, velocities=v, masses=m)
        data = os.path.join(d, "data.npz")
        run([noether, "rollout", "--model", table, "--init", os.path.join(d, "init.npz"), "--dt", "0.01",
             "--steps", str(10 * (a.frames - 1)), "--stride", "10", "--device", "cpu", "-o", data, "-q"])
        variants = {"none": [("clean", data)], "only": [], "both": [("clean", data)]}[a.noise]
        if a.noise in ("both", "only"):
            z = dict(np.load(data))
            P = z["positions"]
            iu = np.triu_indices(P.shape[2], 1)
            med = float(np.median(np.linalg.norm(P[:, :, iu[0]] - P[:, :, iu[1]], axis=-1)))
            rng = np.random.default_rng(7)
            z["positions"] = P + rng.normal(0, 1e-3 * med, P.shape)
            noisy = os.path.join(d, "data_noise.npz")
            np.savez(noisy, **z)
            variants.append((f"σ = {1e-3 * med:.1e}", noisy))
        for label, path in variants:
            model = os.path.join(d, "model_" + ("clean" if label == "clean" else "noise") + ".json")
            load0 = os.getloadavg()[0]
            t0 = time.time()
            run([noether, "train", "--data", path, "-o", model, "-q"] + shlex.split(a.train_args))
            secs = time.time() - t0
            err, p05, p95, meta = dvdr_error(noether, model, name)
            rng_ = meta["pair_distance_range"]
            rows.append({"name": name, "noise": label, "err": err, "secs": secs, "load": load0,
                         "epochs": meta.get("epochs_run"), "stop": meta.get("stop_reason", "time budget" if meta.get("stopped_by_time_budget") or meta.get("epochs_limited_by_time_budget") else "epochs"),
                         "p05": p05, "p95": p95, "rmax": rng_["max"], "table_err": terr})
            with open(os.path.join(a.out, "rows.json"), "w") as f:
                json.dump({"args": vars(a), "rows": rows, "commit": git_commit(), "date": utc_now()}, f, indent=1)
            print(f"{name:14s} {label:14s} dV/dr rel L2 {100 * err:7.2f}%  over [{p05:.3f}, {p95:.3f}] (max r {rng_['max']:.2f})"
                  f"  {rows[-1]['epochs']} epochs ({rows[-1]['stop']}), {secs:.0f} s wall, load {load0:.1f}", flush=True)
    if a.quick:
        e = rows[0]["err"]
        ok = math.isfinite(e) and e < 0.9
        print(f"zoo quick: {'ok' if ok else 'FAILED'} (error {e:.3f}, bound 0.9)")
        sys.exit(0 if ok else 1)
    if a.write_docs:
        write_docs(a, rows)


def git_commit():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "?"


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def write_docs(a, rows, commit=None, date=None):
    commit, date = commit or git_commit(), date or utc_now()
    cmd = "scripts/zoo.py --write-docs" + (f" --label {a.label}" if a.label != "defaults" else "") + \
        (f" --trajectories {a.trajectories}" if a.trajectories != 100 else "") + (f" --frames {a.frames}" if a.frames != 20 else "") + \
        (f" --only {a.only}" if a.only else "") + (f" --seed-shift {a.seed_shift}" if a.seed_shift else "") + (f" --noise {a.noise}" if a.noise != "both" else "") + \
        (f" --train-args {shlex.quote(a.train_args)}" if a.train_args else "")
    lines = [f"Generated by `{cmd}` (commit {commit}, {date}, {os.cpu_count()} cores; wall times on a shared machine, "
             "with the 1-minute load average at the start of each training)." + (" " + a.note if a.note else ""), "",
             "| potential | data | dV/dr rel. L2 over [p05, p95] | [p05, p95] (max r) | epochs (stop) | train wall s (load) |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['name']} | {r['noise']} | {100 * r['err']:.2f}% | [{r['p05']:.2f}, {r['p95']:.2f}] ({r['rmax']:.1f}) "
                     f"| {r['epochs']} ({r['stop']}) | {r['secs']:.0f} ({r['load']:.1f}) |")
    path = os.path.join(ROOT, "docs", "EXPERIMENTS.md")
    text = open(path).read()
    begin, end = f"<!-- BEGIN ZOO: {a.label} -->", f"<!-- END ZOO: {a.label} -->"
    block = begin + "\n" + "\n".join(lines) + "\n" + end
    if begin in text:
        i, j = text.index(begin), text.index(end) + len(end)
        text = text[:i] + block + text[j:]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    open(path, "w").write(text)
    print(f"wrote the zoo table '{a.label}' into docs/EXPERIMENTS.md")


if __name__ == "__main__":
    main()
