"""Plain JAX MCLNN trajectory-loss training (the peer of `noether train`), written from the MCLNN paper (000):
a pair potential V_θ(r), an MLP [1, 10, 10, 1] with squareplus, L = Σ ½ m v² − Σ_{i<j} V_θ(r_ij), accelerations
a = −∇U / m by jax.grad, segments rolled out by velocity Verlet in lax.scan (`stride` steps of dt per saved frame,
`horizon` frames), loss = mean over segments of 1/(horizon·N) Σ_k Σ_i |q̂_{t+k,i} − q_{t+k,i}|² on positions,
θ-gradient by jax.value_and_grad (reverse mode through the rollout), optax Adam with the cosine decay noether uses
(lr → lr_final over all Adam steps), mini-batches of a fresh permutation of the segments every epoch, vmap over
the batch, one jitted update per batch. Float64. The input/output scaling of the network is noether's (read
from a noether model file trained on the same data, docs/MODEL_FORMAT.md), so the same θ means the same V.

    python jax_mclnn_train.py --data TRAIN.npz --model MODEL.json --epochs 5,15 [--batch-size 64] [--stride 10]
times the two epoch counts after one warm-up epoch (compile excluded) and prints JSON with seconds per epoch;
`--check CK.json` instead evaluates the full-batch loss at the model's parameters and takes one full-batch Adam
step (train_compare.py compares both with noether's). Run by run.sh --suite train; never by ctest.
"""
import argparse
import json
import time

import jax

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
import optax  # noqa: E402


def load_params(path):
    m = json.load(open(path))
    assert m["model"] == "mclnn" and m["activation"] == "squareplus"
    assert m.get("input_transform", "none") == "none", "this peer does the affine input x = (r - shift)/scale only"
    params = [(jnp.asarray(l["weight"]), jnp.asarray(l["bias"])) for l in m["layers"]]
    scaling = (m["input_scaling"]["shift"][0], m["input_scaling"]["scale"][0],
               m["output_scaling"]["shift"][0], m["output_scaling"]["scale"][0])
    return params, scaling


def make_loss(scaling, dt, stride):
    in_shift, in_scale, out_shift, out_scale = scaling

    def pair_V(params, r):
        h = ((r - in_shift) / in_scale)[..., None]
        for k, (W, b) in enumerate(params):
            z = h @ W.T + b
            h = 0.5 * (z + jnp.sqrt(z * z + 4.0)) if k + 1 < len(params) else z
        return out_scale * h[..., 0] + out_shift

    def energy(params, q):
        n = q.shape[0]
        eye = jnp.eye(n, dtype=bool)
        d = q[:, None, :] - q[None, :, :]
        r2 = jnp.where(eye, 1.0, jnp.sum(d * d, axis=-1))
        return 0.5 * jnp.sum(jnp.where(eye, 0.0, pair_V(params, jnp.sqrt(r2))))

    def accel(params, q, m):
        return -jax.grad(energy, argnums=1)(params, q) / m[:, None]

    def segment_loss(params, q0, v0, m, target):  # target: (horizon, N, D)
        def frame(carry, q_true):
            def step(c, _):
                q, v, a = c
                q = q + v * dt + 0.5 * a * dt * dt
                a_new = accel(params, q, m)
                v = v + 0.5 * (a + a_new) * dt
                return (q, v, a_new), None

            carry, _ = jax.lax.scan(step, carry, None, length=stride)
            return carry, jnp.sum((carry[0] - q_true) ** 2)

        _, errs = jax.lax.scan(frame, (q0, v0, accel(params, q0, m)), target)
        return jnp.sum(errs) / (target.shape[0] * q0.shape[0])

    def batch_loss(params, q0, v0, m, target):
        return jnp.mean(jax.vmap(segment_loss, in_axes=(None, 0, 0, 0, 0))(params, q0, v0, m, target))

    return batch_loss


def segments(data, horizon):
    """All (trajectory, start frame) segments: q0, v0 (S, N, D), masses (S, N), targets (S, horizon, N, D)."""
    q, v, m = data["positions"], data["velocities"], data["masses"]
    B, T = q.shape[:2]
    idx = [(b, t) for b in range(B) for t in range(T - horizon)]
    q0 = np.stack([q[b, t] for b, t in idx])
    v0 = np.stack([v[b, t] for b, t in idx])
    ms = np.stack([m[b] for b, _ in idx])
    tgt = np.stack([q[b, t + 1:t + 1 + horizon] for b, t in idx])
    return tuple(jnp.asarray(x) for x in (q0, v0, ms, tgt))


def make_trainer(batch_loss, lr, lr_final, total_steps):
    sched = optax.cosine_decay_schedule(lr, total_steps, alpha=lr_final / lr)
    opt = optax.adam(sched)

    @jax.jit
    def update(params, opt_state, idx, q0, v0, m, tgt):
        loss, g = jax.value_and_grad(batch_loss)(params, q0[idx], v0[idx], m[idx], tgt[idx])
        updates, opt_state = opt.update(g, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss

    return opt, update


def run_epochs(update, params, opt_state, segs, batch, epochs, rng):
    S = segs[0].shape[0]
    for _ in range(epochs):
        perm = rng.permutation(S)
        total = 0.0
        for start in range(0, S, batch):
            idx = jnp.asarray(perm[start:start + batch])
            params, opt_state, loss = update(params, opt_state, idx, *segs)
            total = total + loss * idx.shape[0]
        total = float(total) / S  # blocks: the epoch's work is done
    return params, opt_state, total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--model", required=True, help="noether model file: initial parameters and scaling")
    ap.add_argument("--epochs", default="5,15", help="two epoch counts; seconds/epoch = Δtime / Δepochs")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--stride", type=int, default=10)
    ap.add_argument("--horizon", type=int, default=1)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--lr-final", type=float, default=1e-5)
    ap.add_argument("--check", action="store_true", help="full-batch loss at the model's θ and one Adam step")
    args = ap.parse_args()
    data = np.load(args.data)
    dt = float(data["times"][1] - data["times"][0]) / args.stride
    params, scaling = load_params(args.model)
    batch_loss = make_loss(scaling, dt, args.stride)
    segs = segments(data, args.horizon)
    S = segs[0].shape[0]
    if args.check:
        opt, update = make_trainer(batch_loss, args.lr, args.lr_final, 1)
        params1, _, loss = update(params, opt.init(params), jnp.arange(S), *segs)
        flat = np.concatenate([np.concatenate([np.ravel(W), np.ravel(b)]) for W, b in params1])
        print(json.dumps({"loss": float(loss), "params_after_one_step": flat.tolist()}))
        return
    e1, e2 = (int(e) for e in args.epochs.split(","))
    steps_per_epoch = -(-S // args.batch_size)
    opt, update = make_trainer(batch_loss, args.lr, args.lr_final, steps_per_epoch * (1 + e1 + e2))
    rng = np.random.default_rng(100)
    opt_state = opt.init(params)
    params, opt_state, _ = run_epochs(update, params, opt_state, segs, args.batch_size, 1, rng)  # compile
    seconds = []
    for e in (e1, e2):
        t0 = time.perf_counter()
        params, opt_state, loss = run_epochs(update, params, opt_state, segs, args.batch_size, e, rng)
        seconds.append(time.perf_counter() - t0)
    print(json.dumps({"seconds_per_epoch": (seconds[1] - seconds[0]) / (e2 - e1), "seconds": seconds,
                      "epochs": [e1, e2], "segments": S, "batch": args.batch_size, "last_loss": loss,
                      "jax": jax.__version__}))


if __name__ == "__main__":
    main()
