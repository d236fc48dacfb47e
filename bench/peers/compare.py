"""Run `noether rollout` and the plain-JAX peer (jax_rollout.py) interleaved, several rounds, on the same learned
[1,16,16,1] squareplus pair model and initial states; check they reach the same final state on a short rollout;
print a table of seconds per step (medians, ranges) and the ratio JAX / noether (> 1: noether faster).

Timings: noether's own (its `rollout` line: steps/s of the simulation, excluding start-up and file I/O); JAX's
rollout call after a warm-up call (compile excluded), to block_until_ready. Usage: see run.sh."""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402

from jax_rollout import load_model, make_rollout  # noqa: E402
import make_case  # noqa: E402

DT = 1e-3


def noether_rollout(binary, model, init, steps, float32, out):
    cmd = [binary, "rollout", "--model", model, "--init", init, "--dt", str(DT), "--steps", str(steps),
           "--stride", str(steps), "--device", "cpu", "-o", out] + (["--float32"] if float32 else [])
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"noether failed: {' '.join(cmd)}\n{p.stderr}")
    m = re.search(r"([0-9.eE+-]+) steps/s", p.stdout)
    return 1.0 / float(m.group(1)), out


def final_state(path):
    d = np.load(path)
    return d["positions"][0, -1], d["velocities"][0, -1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--noether", required=True)
    ap.add_argument("--sizes", default="100,1000,4000")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--check-steps", type=int, default=10)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    steps_for = {n: max(2, int(round(2e6 / (n * n)))) for n in sizes}  # ~ the same pair evaluations per run
    work = tempfile.mkdtemp(prefix="noether_peers_")
    os.makedirs(work, exist_ok=True)
    json.dump(make_case.model(), open(os.path.join(work, "model.json"), "w"))
    model = os.path.join(work, "model.json")
    cases = []
    for n in sizes:
        q, v, m = make_case.init(n)
        init = os.path.join(work, f"init_{n}.npz")
        np.savez(init, positions=q, velocities=v, masses=m)
        for float32 in (False, True):
            cases.append((n, float32, init, (q, v, m)))

    print(f"jax {jax.__version__}, devices {jax.devices()}, noether {args.noether}, dt {DT}")
    print(f"steps per timed run: {steps_for}; {args.rounds} rounds, noether and JAX interleaved\n")
    peers = {}
    # Same computation: final state after check_steps steps, noether vs JAX.
    print("agreement after %d steps (max |Δq| / max |q|, max |Δv| / max |v|):" % args.check_steps)
    for n, float32, init, (q, v, m) in cases:
        dtype = jnp.float32 if float32 else jnp.float64
        layers, scaling = load_model(model, dtype)
        args_j = tuple(jnp.asarray(x, dtype) for x in (q, v, m))
        check = make_rollout(layers, scaling, DT, args.check_steps)
        qj, vj = jax.block_until_ready(check(*args_j))
        _, out = noether_rollout(args.noether, model, init, args.check_steps, float32, os.path.join(work, "check.npz"))
        qn, vn = final_state(out)
        eq = np.max(np.abs(np.asarray(qj, np.float64) - qn)) / np.max(np.abs(qn))
        ev = np.max(np.abs(np.asarray(vj, np.float64) - vn)) / np.max(np.abs(vn))
        tol = 1e-4 if float32 else 1e-10
        status = "ok" if eq < tol and ev < tol else "MISMATCH"
        print(f"  N={n:5d} {'float32' if float32 else 'float64'}: {eq:.2e}, {ev:.2e}  {status} (tol {tol:g})")
        if status != "ok":
            sys.exit("noether and JAX do not compute the same rollout")
        roll = make_rollout(layers, scaling, DT, steps_for[n])
        jax.block_until_ready(roll(*args_j))  # compile
        peers[(n, float32)] = (roll, args_j)

    times = {(n, f, who): [] for n, f, _, _ in cases for who in ("noether", "jax")}
    for r in range(args.rounds):
        for k, (n, float32, init, _) in enumerate(cases):
            order = ("noether", "jax") if (r + k) % 2 == 0 else ("jax", "noether")
            for who in order:
                if who == "noether":
                    t, _ = noether_rollout(args.noether, model, init, steps_for[n], float32, os.path.join(work, "t.npz"))
                    times[(n, float32, who)].append(t)
                else:
                    roll, args_j = peers[(n, float32)]
                    t0 = time.perf_counter()
                    jax.block_until_ready(roll(*args_j))
                    times[(n, float32, who)].append((time.perf_counter() - t0) / steps_for[n])
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)

    print("\n| N | precision | noether s/step (median, range) | JAX s/step (median, range) | JAX / noether (median, range) |")
    print("|---|---|---|---|---|")
    for n, float32, _, _ in cases:
        a, b = times[(n, float32, "noether")], times[(n, float32, "jax")]
        ratios = [y / x for x, y in zip(a, b)]
        fmt = lambda xs: f"{statistics.median(xs):.3e} ({min(xs):.3e}–{max(xs):.3e})"
        print(f"| {n} | {'float32' if float32 else 'float64'} | {fmt(a)} | {fmt(b)} | "
              f"**{statistics.median(ratios):.2f}×** ({min(ratios):.2f}–{max(ratios):.2f}) |")


if __name__ == "__main__":
    main()
