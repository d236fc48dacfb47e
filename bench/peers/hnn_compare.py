"""noether's HNN training step vs the PyTorch reference step (torch_hnn.py), interleaved, several rounds, 1 and 2
threads; first checks both compute the same training from the same initial weights.

The case: the mass-spring task of configs/hnn_mass_spring.json (noether.hnn_data("mass-spring", seed=0): 750
training rows (q, p), full batch), HNN [2, 200, 200, 1] tanh, float64, Adam lr 1e-3, weight decay 1e-4, noether's
initialisation for seed 0 (noether.train_hnn with steps=0) loaded into the PyTorch model.
Check: both train K steps from those weights; the final full-batch losses and parameters must agree to round-off.
Timing: each measurement is a fresh process (noether through its Python package, noether.train_hnn, whose
`seconds` covers initialisation + steps + two final loss evaluations; PyTorch timed around its steps) running
s1 and s2 steps; seconds per step = Δtime / Δsteps, so start-up cancels. Both with OMP_NUM_THREADS = threads
(noether: threads=, Eigen's GEMM threads; PyTorch: torch.set_num_threads).

    PYTHONPATH=build/python bench/peers/.venv/bin/python bench/peers/hnn_compare.py [--rounds 5] [--threads 1,2]
run by `bench/peers/run.sh --suite hnn`; never by ctest (it times things).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))


def noether_worker(case_path, threads, steps, device):
    import noether
    c = np.load(case_path)
    secs = []
    for s in steps:
        _, info = noether.train_hnn(x=c["x"], dxdt=c["dxdt"], n_train=int(c["n_train"]), hidden=[200, 200], steps=s,
                                    seed=0, threads=threads, progress=False, device=device)
        secs.append(info["seconds"])
    print(json.dumps({"seconds_per_step": (secs[1] - secs[0]) / (steps[1] - steps[0]), "seconds": secs}))


def run_json(cmd, threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--steps", default="20,60")
    ap.add_argument("--check-steps", type=int, default=5)
    ap.add_argument("--device", default="cpu", help="cpu | cuda (both engines on the GPU; untested here)")
    ap.add_argument("--worker", nargs=4, metavar=("CASE", "THREADS", "STEPS", "DEVICE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        return noether_worker(args.worker[0], int(args.worker[1]), [int(s) for s in args.worker[2].split(",")],
                              args.worker[3])
    import noether
    work = tempfile.mkdtemp(prefix="noether_hnn_peer_")
    case = os.path.join(work, "case.npz")
    data = noether.hnn_data("mass-spring", seed=0)
    n_train = int(data["n_train"])
    model0, _ = noether.train_hnn(data, hidden=[200, 200], steps=0, seed=0, progress=False)
    np.savez(case, x=data["x"], dxdt=data["dxdt"], n_train=n_train, params=model0.parameters, hidden=200)
    print(f"HNN mass-spring: {n_train} training rows (full batch), [2, 200, 200, 1] tanh, float64, Adam lr 1e-3, "
          f"weight decay 1e-4; device {args.device}")

    # Same computation: K Adam steps from the same weights.
    K = args.check_steps
    m, info = noether.train_hnn(data, hidden=[200, 200], steps=K, seed=0, progress=False, device=args.device)
    t = run_json([sys.executable, os.path.join(here, "torch_hnn.py"), "--case", case, "--check", str(K),
                  "--device", args.device], 1)
    pt = np.load(case.replace(".npz", "_torch_params.npy"))
    dl = abs(info["train_loss"] - t["train_loss"]) / abs(info["train_loss"])
    dp = np.max(np.abs(m.parameters - pt)) / np.max(np.abs(m.parameters))
    moved = np.max(np.abs(m.parameters - model0.parameters)) / np.max(np.abs(m.parameters))
    ok = dl < 1e-9 and dp < 1e-9
    print(f"agreement after {K} steps: loss noether {info['train_loss']:.15e}, PyTorch {t['train_loss']:.15e} "
          f"(relative {dl:.1e}); parameters max |Δθ| / max |θ| {dp:.1e} (the steps moved them by {moved:.1e})  "
          f"{'ok' if ok else 'MISMATCH'}")
    if not ok:
        sys.exit("noether and PyTorch do not compute the same training")

    thread_counts = [int(s) for s in args.threads.split(",")]
    times = {(t, who): [] for t in thread_counts for who in ("noether", "torch")}
    for r in range(args.rounds):
        for k, th in enumerate(thread_counts):
            order = ("noether", "torch") if (r + k) % 2 == 0 else ("torch", "noether")
            for who in order:
                if who == "noether":
                    cmd = [sys.executable, os.path.abspath(__file__), "--worker", case, str(th), args.steps, args.device]
                else:
                    cmd = [sys.executable, os.path.join(here, "torch_hnn.py"), "--case", case, "--threads", str(th),
                           "--steps", args.steps, "--device", args.device]
                times[(th, who)].append(run_json(cmd, th)["seconds_per_step"])
        print(f"round {r + 1}/{args.rounds} done, load average {os.getloadavg()[0]:.1f}", file=sys.stderr)

    print(f"\n| threads | noether s/step (median, range) | PyTorch s/step (median, range) | PyTorch / noether (median, range) |")
    print("|---|---|---|---|")
    fmt = lambda xs: f"{statistics.median(xs):.3e} ({min(xs):.3e}–{max(xs):.3e})"
    for th in thread_counts:
        a, b = times[(th, "noether")], times[(th, "torch")]
        ratios = [y / x for x, y in zip(a, b)]
        print(f"| {th} | {fmt(a)} | {fmt(b)} | **{statistics.median(ratios):.2f}×** ({min(ratios):.2f}–{max(ratios):.2f}) |")


if __name__ == "__main__":
    main()
