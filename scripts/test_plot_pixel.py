#!/usr/bin/env python3
"""test_plot_pixel.py — a small self-contained test of scripts/plot_pixel.py (no noether binary needed).

Builds a synthetic pixel pendulum run folder in a temporary directory (a swinging bar rendered as frames,
an "HNN" that follows it and a "baseline" that decays), runs plot_pixel.py on it and checks: exit 0, the
three PNGs exist (PNG magic) with one "wrote" line each and no temporary files left; a missing
rollouts.npz and an array of the wrong shape give exit 1 naming the file / array.

Usage: /usr/bin/python3 scripts/test_plot_pixel.py      (exit 0 = pass)
"""
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import matplotlib  # noqa: F401  (plot_pixel.py needs it)
except ImportError as e:  # CTest reads exit code 77 as "skipped"
    print(f"skipped: {e}")
    sys.exit(77)

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plot_pixel.py")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
OUTPUTS = ("pixel_strip.png", "latent_phase.png", "energy.png")


def frames(q, S=12):
    B, T = q.shape
    yy, xx = np.mgrid[0:S, 0:S] + 0.5
    out = np.zeros((B, T, S, S))
    for b in range(B):
        for t in range(T):
            x = S / 2 + np.sin(q[b, t]) * (yy - 2)
            out[b, t] = 0.5 * (np.abs(xx - x) < 1) * (yy > 2)
    return out


def synthetic(B=3, T=40, per=5, G=7):
    t = np.arange(T)
    amp = np.linspace(0.2, 0.4, B)[:, None]
    q = amp * np.cos(0.2 * t)
    p = -0.05 * amp * np.sin(0.2 * t)
    decay = np.exp(-0.05 * t)
    H = lambda q, p: 1.875 * (1 - np.cos(q)) + p ** 2
    z = np.stack([q, p * 20], axis=-1)
    lat = np.concatenate([z[b, :per] for b in range(B)])
    g = np.linspace(-0.5, 0.5, G)
    Z0, Z1 = np.meshgrid(g, g, indexing="ij")
    return dict(dt=np.array(0.05), true_frames=frames(q), hnn_frames=frames(q * 1.01),
                baseline_frames=frames(q * decay), hnn_z=z, baseline_z=z * decay[None, :, None],
                hnn_test_latents=lat, baseline_test_latents=lat, test_samples_per_trial=np.array(per),
                true_q=q, true_p=p, hnn_q=q * 1.01, hnn_p=p, baseline_q=q * decay, baseline_p=p * decay,
                true_H=H(q, p), hnn_H=H(q * 1.01, p), baseline_H=H(q * decay, p * decay),
                grid_z0=g, grid_z1=g, grid_hnn_H=Z0 ** 2 + Z1 ** 2,
                hnn_batch_loss=np.linspace(1, 0.1, 10), baseline_batch_loss=np.linspace(1, 0.1, 10))


def run(d):
    return subprocess.run([sys.executable, SCRIPT, d], capture_output=True, text=True)


def main():
    with tempfile.TemporaryDirectory() as root:
        d = os.path.join(root, "ok")
        os.makedirs(d)
        np.savez(os.path.join(d, "rollouts.npz"), **synthetic())
        r = run(d)
        assert r.returncode == 0, f"exit {r.returncode}\n{r.stdout}\n{r.stderr}"
        for f in OUTPUTS:
            p = os.path.join(d, f)
            assert os.path.isfile(p), f"{f} not written"
            with open(p, "rb") as fh:
                assert fh.read(8) == PNG_MAGIC, f"{f} is not a PNG"
            assert r.stdout.count(f"wrote {p}") == 1, r.stdout
        assert not [f for f in os.listdir(d) if ".tmp" in f], os.listdir(d)
        # Missing rollouts.npz: exit 1 naming the file.
        e = os.path.join(root, "empty")
        os.makedirs(e)
        r = run(e)
        assert r.returncode == 1 and "rollouts.npz: not found" in r.stderr, r.stderr
        # Wrong shape: exit 1 naming the array.
        b = os.path.join(root, "bad")
        os.makedirs(b)
        a = synthetic()
        a["hnn_frames"] = a["hnn_frames"][:, :-1]
        np.savez(os.path.join(b, "rollouts.npz"), **a)
        r = run(b)
        assert r.returncode == 1 and "'hnn_frames'" in r.stderr, r.stderr
    print("test_plot_pixel.py: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
