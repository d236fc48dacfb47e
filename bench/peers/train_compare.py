"""`noether train` (MCLNN, trajectory loss) vs the plain JAX trainer (jax_mclnn_train.py) per epoch, interleaved,
several rounds; first checks both compute the same loss and Adam step from the same parameters.

Case: the MCLNN paper's linear-spring training set (configs/linear_spring_train.json: 100 trajectories × 20 frames,
3 particles, frames 0.1 apart), stride 10 (dt 0.01), horizon 1, [1, 10, 10, 1] squareplus, batch 64, Adam lr 1e-3
cosine-decayed to 1e-5, float64; no validation split (val_fraction 0, so neither side spends time on one):
1,900 segments, 30 Adam steps per epoch.
Check: θ0 = a noether model (one full-batch step from its Glorot start); noether resumes from a checkpoint holding
θ0 and a fresh Adam state and takes one full-batch epoch (one Adam step); JAX evaluates the full-batch loss at θ0
and takes one Adam step. The losses and the parameters after the step must agree to round-off.
Timing: noether's own training-loop seconds (metadata.training.seconds: the epochs, without start-up, data
loading and file output) for e1 and e2 epochs in fresh processes, per epoch = Δ / (e2 − e1); JAX the same after
one warm-up epoch (compile excluded). noether with --threads 1 and 2 (a column each), JAX with its defaults.

    bench/peers/.venv/bin/python bench/peers/train_compare.py --noether build/noether [--rounds 5]
run by `bench/peers/run.sh --suite train`; never by ctest (it times things).
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
root = os.path.dirname(os.path.dirname(here))


def sh(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
    return p.stdout


# The protocol, spelled out rather than left to noether's defaults (which changed: horizon 3 since issue 16): the
# peer's stride, horizon, widths and learning rate, and for the timed runs its batch (jax_mclnn_train.py's defaults).
PROTOCOL = ["--stride", "10", "--horizon", "1", "--hidden", "10,10", "--lr", "1e-3"]
BATCH = ["--batch-size", "64"]


def noether_train(binary, data, out, epochs, threads, extra=(), device="cpu"):
    sh([binary, "train", "--data", data, "-o", out, "--init", "random", "--epochs", str(epochs), "--val-fraction", "0",
        "--patience", "0", "--input-transform", "none", "--polish", "0", "--threads", str(threads), "--device", device,
        "-q"] + PROTOCOL + list(extra))  # the peer's input is affine, x = (r - shift)/scale, and it trains by Adam alone
    return json.load(open(out))


def flat(model):
    return np.concatenate([np.concatenate([np.ravel(l["weight"]), np.ravel(l["bias"])]) for l in model["layers"]])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--noether", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--epochs", default="5,15")
    ap.add_argument("--threads", default="1,2", help="noether thread counts (a column each)")
    ap.add_argument("--device", default="cpu", help="noether --device (JAX uses its default device)")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="noether_train_peer_")
    data = os.path.join(work, "train.npz")
    sh([args.noether, "simulate", os.path.join(root, "configs", "linear_spring_train.json"), "-o", data])
    py = sys.executable

    # Same computation. θ0 and the checkpoint's options fingerprint from a one-epoch full-batch run.
    ck, m0 = os.path.join(work, "ck.json"), os.path.join(work, "m0.json")
    full = ["--batch-size", "0"]
    noether_train(args.noether, data, m0, 1, 1, full + ["--checkpoint", ck], args.device)
    c = json.load(open(ck))
    theta0 = c["params"]
    c.update(epoch=0, adam_t=0, adam_m=[0.0] * len(theta0), adam_v=[0.0] * len(theta0), rng=0)
    c.pop("stop_reason", None)
    ck0 = os.path.join(work, "ck0.json")
    json.dump(c, open(ck0, "w"))
    m1 = noether_train(args.noether, data, os.path.join(work, "m1.json"), 1, 1, full + ["--resume", ck0], args.device)
    j = json.loads(sh([py, os.path.join(here, "jax_mclnn_train.py"), "--data", data, "--model", m0, "--check"]))
    ln, lj = m1["metadata"]["training"]["train_loss"], j["loss"]
    pn, pj = flat(m1), np.asarray(j["params_after_one_step"])
    dl = abs(ln - lj) / abs(ln)
    dp = np.max(np.abs(pn - pj)) / np.max(np.abs(pn))
    moved = np.max(np.abs(pn - np.asarray(theta0))) / np.max(np.abs(pn))
    ok = dl < 1e-10 and dp < 1e-10
    print(f"MCLNN linear spring: 1,900 segments, stride 10, horizon 1, [1,10,10,1] squareplus, batch 64, float64")
    print(f"agreement (full batch at θ0, then one Adam step): loss noether {ln:.15e}, JAX {lj:.15e} (relative "
          f"{dl:.1e}); parameters after the step max |Δθ| / max |θ| {dp:.1e} (the step moved them by {moved:.1e})  "
          f"{'ok' if ok else 'MISMATCH'}")
    if not ok:
        sys.exit("noether and JAX do not compute the same training")

    e1, e2 = (int(e) for e in args.epochs.split(","))
    threads = [int(t) for t in args.threads.split(",")]
    whos = [f"noether{t}" for t in threads] + ["jax"]
    times = {w: [] for w in whos}
    for r in range(args.rounds):
        order = whos if r % 2 == 0 else whos[::-1]
        for w in order:
            if w == "jax":
                out = json.loads(sh([py, os.path.join(here, "jax_mclnn_train.py"), "--data", data, "--model", m0,
                                     "--epochs", f"{e1},{e2}"]))
                times[w].append(out["seconds_per_epoch"])
            else:
                secs = [noether_train(args.noether, data, os.path.join(work, "t.json"), e, int(w[7:]), BATCH, args.device)
                        ["metadata"]["training"]["seconds"] for e in (e1, e2)]
                times[w].append((secs[1] - secs[0]) / (e2 - e1))
        print(f"round {r + 1}/{args.rounds} done, load average {os.getloadavg()[0]:.1f}", file=sys.stderr)

    fmt = lambda xs: f"{statistics.median(xs):.3e} ({min(xs):.3e}–{max(xs):.3e})"
    print("\n| noether threads | noether s/epoch (median, range) | JAX s/epoch (median, range) | JAX / noether (median, range) |")
    print("|---|---|---|---|")
    for t in threads:
        a, b = times[f"noether{t}"], times["jax"]
        ratios = [y / x for x, y in zip(a, b)]
        print(f"| {t} | {fmt(a)} | {fmt(b)} | **{statistics.median(ratios):.2f}×** ({min(ratios):.2f}–{max(ratios):.2f}) |")


if __name__ == "__main__":
    main()
