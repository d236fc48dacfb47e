"""Run `noether rollout`, the plain-JAX peer (jax_rollout.py) and the JAX MD peer (jax_md_rollout.py) interleaved,
several rounds, on the same learned [1,16,16,1] squareplus pair model and initial states; check they reach the same
final state on a short rollout; print a table of seconds per step (medians, ranges) and the ratios peer / noether
(> 1: noether faster).

Timings: noether's own (its `rollout` line: steps/s of the simulation, i.e. the initial force pass and the steps,
excluding start-up and file I/O); a peer's rollout call after a warm-up call (compile excluded), to
block_until_ready; both cover the initial force pass and `steps` Verlet steps. dt = 2⁻¹⁰ (JAX MD rounds dt to
float32; this one is exact in both precisions). Each noether run follows --settle seconds of rest (default 1), so that
it does not meet the previous peer run's background work. Usage: see run.sh (--suite rollout)."""
import argparse
import gc
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
import jax_md_rollout  # noqa: E402
import make_case  # noqa: E402

DT = 2.0 ** -10


def noether_rollout(binary, model, init, steps, float32, out, device="cpu"):
    cmd = [binary, "rollout", "--model", model, "--init", init, "--dt", repr(DT), "--steps", str(steps),
           "--stride", str(steps), "--device", device, "-o", out] + (["--float32"] if float32 else [])
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"noether failed: {' '.join(cmd)}\n{p.stderr}")
    m = re.search(r"([0-9.eE+-]+) steps/s", p.stdout)
    return 1.0 / float(m.group(1)), out


def final_state(path):
    d = np.load(path)
    return d["positions"][0, -1], d["velocities"][0, -1]


PEERS = {"jax": ("JAX", make_rollout), "jaxmd": ("JAX MD", jax_md_rollout.make_rollout)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--noether", required=True)
    ap.add_argument("--sizes", default="100,1000,4000")
    ap.add_argument("--precisions", default="float64,float32")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--peers", default="jax,jaxmd", help="comma list of: " + ", ".join(PEERS))
    ap.add_argument("--check-steps", type=int, default=10)
    ap.add_argument("--settle", type=float, default=1.0, help="seconds of rest before every timed noether run")
    ap.add_argument("--pairs", type=float, default=2e6,
                    help="timed steps per run = max(1, round(pairs / N²)) (2 at least below N = 1,000)")
    ap.add_argument("--device", default="cpu", help="noether --device; the peers run on JAX's default device")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    peers = args.peers.split(",")
    steps_for = {n: max(1 if n > 1000 else 2, int(round(args.pairs / (n * n)))) for n in sizes}
    check_for = {n: min(args.check_steps, steps_for[n] + 1) if n > 1000 else args.check_steps for n in sizes}
    work = tempfile.mkdtemp(prefix="noether_peers_")
    json.dump(make_case.model(), open(os.path.join(work, "model.json"), "w"))
    model = os.path.join(work, "model.json")
    cases = []
    for n in sizes:
        q, v, m = make_case.init(n)
        init = os.path.join(work, f"init_{n}.npz")
        np.savez(init, positions=q, velocities=v, masses=m)
        for prec in args.precisions.split(","):
            cases.append((n, prec == "float32", init, (q, v, m)))

    print(f"jax {jax.__version__}, devices {jax.devices()}, noether {args.noether} --device {args.device}, dt {DT}")
    print(f"steps per timed run: {steps_for}; {args.rounds} rounds, noether and {', '.join(PEERS[p][0] for p in peers)} "
          "interleaved\n")
    runners = {}
    # Same computation: the final state after check_for[n] steps, noether vs each peer.
    print("agreement with noether (max |Δq| / max |q|, max |Δv| / max |v|):")
    for n, float32, init, (q, v, m) in cases:
        dtype = jnp.float32 if float32 else jnp.float64
        layers, scaling = load_model(model, dtype)
        args_j = tuple(jnp.asarray(x, dtype) for x in (q, v, m))
        _, out = noether_rollout(args.noether, model, init, check_for[n], float32, os.path.join(work, "check.npz"),
                                 args.device)
        qn, vn = final_state(out)
        for p in peers:
            name, make = PEERS[p]
            qj, vj = jax.block_until_ready(make(layers, scaling, DT, check_for[n])(*args_j))
            eq = np.max(np.abs(np.asarray(qj, np.float64) - qn)) / np.max(np.abs(qn))
            ev = np.max(np.abs(np.asarray(vj, np.float64) - vn)) / np.max(np.abs(vn))
            tol = 1e-4 if float32 else 1e-10
            status = "ok" if eq < tol and ev < tol else "MISMATCH"
            print(f"  {name:6s} N={n:5d} {'float32' if float32 else 'float64'}, {check_for[n]} steps: {eq:.2e}, {ev:.2e}"
                  f"  {status} (tol {tol:g})", flush=True)
            if status != "ok":
                sys.exit(f"noether and {name} do not compute the same rollout")
            roll = make(layers, scaling, DT, steps_for[n])
            jax.block_until_ready(roll(*args_j))  # compile
            runners[(n, float32, p)] = (roll, args_j)

    whos = ["noether"] + peers
    times = {(n, f, who): [] for n, f, _, _ in cases for who in whos}
    for r in range(args.rounds):
        for k, (n, float32, init, _) in enumerate(cases):
            order = whos if (r + k) % 2 == 0 else whos[::-1]
            for who in order:
                if who == "noether":
                    # let the previous peer run's aftermath settle first: after an N = 4,000 JAX MD run this process
                    # keeps a core busy in the kernel for a while (sys time ~ user time), and a noether N = 100 run
                    # started at once measured up to 2.8x slower (2 of 3 rounds; 2026-12-04). Not before the peers:
                    # a pause before them cost JAX MD at N = 4,000 40% (its warm memory goes back to the system).
                    gc.collect()
                    time.sleep(args.settle)
                    t, _ = noether_rollout(args.noether, model, init, steps_for[n], float32, os.path.join(work, "t.npz"),
                                           args.device)
                    times[(n, float32, who)].append(t)
                else:
                    roll, args_j = runners[(n, float32, who)]
                    t0 = time.perf_counter()
                    jax.block_until_ready(roll(*args_j))
                    times[(n, float32, who)].append((time.perf_counter() - t0) / steps_for[n])
        print(f"round {r + 1}/{args.rounds} done, load average {os.getloadavg()[0]:.1f}", file=sys.stderr, flush=True)

    fmt = lambda xs: f"{statistics.median(xs):.3e} ({min(xs):.3e}–{max(xs):.3e})"
    head = " | ".join(f"{PEERS[p][0]} s/step" for p in peers)
    ratios_head = " | ".join(f"{PEERS[p][0]} / noether" for p in peers)
    print(f"\n| N | precision | noether s/step | {head} | {ratios_head} |")
    print("|---|---|---|" + "---|" * (2 * len(peers)))
    for n, float32, _, _ in cases:
        a = times[(n, float32, "noether")]
        cells = [fmt(times[(n, float32, p)]) for p in peers]
        rs = []
        for p in peers:
            ratios = [y / x for x, y in zip(a, times[(n, float32, p)])]
            rs.append(f"**{statistics.median(ratios):.2f}×** ({min(ratios):.2f}–{max(ratios):.2f})")
        print(f"| {n} | {'float32' if float32 else 'float64'} | {fmt(a)} | {' | '.join(cells)} | {' | '.join(rs)} |")


if __name__ == "__main__":
    main()
