#!/usr/bin/env python3
"""golden.py — golden results: run the short deterministic version of every documented experiment
(configs/golden/NAME.json) and compare its metrics.json with the numbers pinned in
tests/golden/expected/NAME.json.

  scripts/golden.py check NAME [--binary build/noether]     one experiment (what CTest runs)
  scripts/golden.py update [NAME ...] [--binary ...]         re-pin (all when no NAME is given)

What is compared: every number and boolean of metrics.json, by its key path. Strings (paths, descriptions)
and wall-clock figures (keys `seconds`, `steps_per_s`) are not. A key present on one side only is a failure
(a changed output format needs a re-pin too).

Tolerance: |got − want| ≤ RTOL·|want| + ATOL with RTOL = 1e-9, ATOL = 1e-300 (float64 short runs: tight
enough that any change of an algorithm, a seed, an initialisation or a default shows, loose enough for
another compiler's rounding). Momentum errors and drifts that were round-off in the pinned run (|x| ≤
ROUNDOFF_ABS = 1e-11: MCLNN conserves both momenta by construction) are instead required to stay below
ROUNDOFF_ABS — the check is that they stay round-off; the LNN baseline's real drifts are compared as numbers.

Two looser tolerances, for numbers whose round-off is amplified by the computation itself, so that a build
for another instruction set (NOETHER_SIMD=native: FMA contraction, AVX-512 packet sums) does not fail while a
changed algorithm still does (measured portable vs native on one machine: ≤ 2.6e-9 for the drifts, ≤ 1.4e-6 for
the tabulation error, ≤ 1.8e-6 for the pixel pendulum; the deliberate HNN-init change moved numbers by ~0.5):
  - CANCELLATION_RTOL = 1e-4 for energy drifts (E(t) − E(0), a difference of two O(1) numbers that is ~1e-6 of
    them) and the tabulation's measured error (|table − network|, ~1e-8 of the values): round-off of the
    operands is amplified by 1/drift, ~1e6–1e8;
  - EXPERIMENT_RTOL for whole experiments whose training amplifies round-off (the pixel pendulum's ReLU
    autoencoder under Adam; the bulk generalization run, whose molecular dynamics and training carry one compiler's
    round-off to ~5e-6 of another's: measured gcc native against the clang sanitizer build).
Every other number of those experiments still has to agree with the run that pinned it.

A failure prints every differing key with both values. A deliberate change re-pins with `update` in the
same commit, with the reason in the commit message (docs/REPRODUCING.md).
"""
import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIGS = os.path.join(ROOT, "configs", "golden")
EXPECTED = os.path.join(ROOT, "tests", "golden", "expected")
RTOL = 1e-9
ATOL = 1e-300
ROUNDOFF_ABS = 1e-11
CANCELLATION_RTOL = 1e-4
EXPERIMENT_RTOL = {"hnn_pixel_pendulum": 1e-4,
                   # MD + training: a compiler's round-off grows to ~5e-6 (gcc -march=native against clang, measured)
                   "bulk_lj_generalization": 1e-4}
VOLATILE_KEYS = {"seconds", "steps_per_s", "atom_steps_per_s", "equilibration_seconds",
                 "peak_memory_bytes"}  # wall clock and process memory: never pinned
# Keys whose values are conservation errors (round-off when the physics is right): bounded, not pinned.
ROUNDOFF_PARENTS = {"momentum_drift", "mae"}
ROUNDOFF_KEYS = {"linear", "angular", "linear_momentum", "angular_momentum"}


def flatten(x, path=""):
    """{'a': {'b': [1, 2]}} → {'a/b[0]': 1, 'a/b[1]': 2}: numbers and booleans only, volatile keys dropped."""
    out = {}
    if isinstance(x, dict):
        for k, v in x.items():
            if k in VOLATILE_KEYS:
                continue
            out.update(flatten(v, f"{path}/{k}" if path else k))
    elif isinstance(x, list):
        for i, v in enumerate(x):
            out.update(flatten(v, f"{path}[{i}]"))
    elif isinstance(x, bool) or isinstance(x, (int, float)):
        out[path] = x
    elif x is None:
        out[path] = None  # a non-finite number written by the engine: pinned as such, so it must stay visible
    return out


def is_roundoff(path):
    parts = path.replace("[", "/[").split("/")
    return len(parts) >= 2 and parts[-1] in ROUNDOFF_KEYS and any(p in ROUNDOFF_PARENTS for p in parts[:-1])


def is_cancellation(path):
    return "energy_drift/" in path or "/energy/drift" in path or path.startswith("tabulation/max_rel_error")


def tolerance(name, path):
    """The relative tolerance for one key of one experiment (see the module doc)."""
    rtol = EXPERIMENT_RTOL.get(name, RTOL)
    return max(rtol, CANCELLATION_RTOL) if is_cancellation(path) else rtol


def run_experiment(name, binary):
    config = os.path.join(CONFIGS, name + ".json")
    if not os.path.isfile(config):
        raise SystemExit(f"golden.py: no golden config {config} (names: {', '.join(names())})")
    with tempfile.TemporaryDirectory(prefix="noether-golden-") as tmp:
        out = os.path.join(tmp, "out")
        r = subprocess.run([binary, "run", config, "-o", out, "-q"], capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"golden.py: `noether run {config}` failed (exit {r.returncode}):\n{r.stdout}{r.stderr}")
        with open(os.path.join(out, "metrics.json")) as f:
            metrics = json.load(f)
        model = os.path.join(out, "mclnn", "model.json")
        if os.path.isfile(model):  # the tabulation of the learned law (docs/TABLES.md) is pinned with its run
            metrics["tabulation"] = tabulate(binary, model, os.path.join(tmp, "table.json"))
        return metrics


def tabulate(binary, model, table_path):
    """`noether tabulate` of a learned model at the default tolerance: knot count, measured error, and V,
    dV/dr at the first, middle and last knot."""
    r = subprocess.run([binary, "tabulate", "--model", model, "-o", table_path, "-q"], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"golden.py: `noether tabulate --model {model}` failed (exit {r.returncode}):\n{r.stderr}")
    with open(table_path) as f:
        t = json.load(f)
    k = [0, len(t["V"]) // 2, len(t["V"]) - 1]
    return {"knots": t["knots"], "r_min": t["r_min"], "r_max": t["r_max"],
            "max_rel_error_dVdr": t["max_rel_error_dVdr"],
            "V": [t["V"][i] for i in k], "dVdr": [t["dVdr"][i] for i in k]}


def compare(want, got, name=""):
    """Differences as lines; empty when the run reproduces the pinned numbers."""
    bad = []
    for key in sorted(set(want) | set(got)):
        if key not in got:
            bad.append(f"  {key}: pinned {want[key]!r}, missing from the run")
            continue
        if key not in want:
            bad.append(f"  {key}: new in the run ({got[key]!r}), not pinned")
            continue
        w, g = want[key], got[key]
        if isinstance(w, bool) or isinstance(g, bool) or w is None or g is None:
            if w != g:
                bad.append(f"  {key}: pinned {w!r}, got {g!r}")
        elif is_roundoff(key) and abs(w) <= ROUNDOFF_ABS:
            if not (math.isfinite(g) and abs(g) <= ROUNDOFF_ABS):
                bad.append(f"  {key}: must stay round-off (|x| <= {ROUNDOFF_ABS:g}), got {g!r} (pinned run: {w!r})")
        elif not (math.isfinite(g) and abs(g - w) <= tolerance(name, key) * abs(w) + ATOL):
            rel = abs(g - w) / abs(w) if w else math.inf
            bad.append(f"  {key}: pinned {w!r}, got {g!r} (relative difference {rel:.3g}, "
                       f"tolerance {tolerance(name, key):g})")
    return bad


def names():
    return sorted(f[:-5] for f in os.listdir(CONFIGS) if f.endswith(".json"))


def git_commit():
    r = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return r.stdout.strip() if r.returncode == 0 else "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("action", choices=["check", "update"])
    ap.add_argument("names", nargs="*", help="golden experiments (configs/golden/NAME.json)")
    ap.add_argument("--binary", default=os.path.join(ROOT, "build", "noether"), help="the noether binary")
    a = ap.parse_args()
    if not os.access(a.binary, os.X_OK):
        raise SystemExit(f"golden.py: --binary {a.binary}: not an executable (build first: scripts/bootstrap.sh)")
    todo = a.names or (names() if a.action == "update" else [])
    if not todo:
        raise SystemExit("golden.py: check needs NAME (one of: " + ", ".join(names()) + ")")
    failed = 0
    for name in todo:
        got = flatten(run_experiment(name, a.binary))
        path = os.path.join(EXPECTED, name + ".json")
        if a.action == "update":
            os.makedirs(EXPECTED, exist_ok=True)
            doc = {"config": f"configs/golden/{name}.json", "pinned_at_commit": git_commit(),
                   "rtol": RTOL, "roundoff_abs": ROUNDOFF_ABS, "metrics": got}
            tmp = path + ".tmp"
            with open(tmp, "w") as f:
                json.dump(doc, f, indent=1, sort_keys=True)
                f.write("\n")
            os.replace(tmp, path)
            print(f"golden: pinned {len(got)} numbers of {name} in {os.path.relpath(path, ROOT)}")
            continue
        if not os.path.isfile(path):
            raise SystemExit(f"golden.py: {path}: no pinned metrics (scripts/golden.py update {name})")
        with open(path) as f:
            want = json.load(f)["metrics"]
        bad = compare(want, got, name)
        if bad:
            failed += 1
            print(f"golden {name}: {len(bad)} of {len(want)} pinned numbers differ "
                  f"({os.path.relpath(path, ROOT)}):\n" + "\n".join(bad))
            print("If the change is deliberate: scripts/golden.py update " + name +
                  " in the same commit, with the reason in its message (docs/REPRODUCING.md).")
        else:
            print(f"golden {name}: all {len(want)} pinned numbers reproduce")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
