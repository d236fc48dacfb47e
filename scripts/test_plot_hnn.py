#!/usr/bin/env python3
"""test_plot_hnn.py — a small self-contained test of scripts/plot_hnn.py (no noether binary needed).

Builds synthetic HNN run folders in a temporary directory — a one-degree-of-freedom oscillator
(dim 2, with the grid arrays) and a two-body orbit (dim 8, no grid) — runs plot_hnn.py on each and
checks: exit 0, the three PNGs exist (PNG magic) with one "wrote" line each and no temporary files
left; a missing trajectories.npz and an array of the wrong shape give exit 1 naming the file/array.

Usage: /usr/bin/python3 scripts/test_plot_hnn.py      (exit 0 = pass)
"""
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import matplotlib  # noqa: F401  (plot_hnn.py needs it)
except ImportError as e:  # CTest reads exit code 77 as "skipped"
    print(f"skipped: {e}")
    sys.exit(77)

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plot_hnn.py")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
OUTPUTS = ("phase_space.png", "energy.png", "learned_H.png")


def oscillator(S=4, T=60, G=9):
    t = np.linspace(0, 20, T)
    r = np.linspace(0.3, 1.0, S)[:, None]
    def path(w):
        return np.stack([r * np.cos(w * t), -r * np.sin(w * t)], axis=-1)
    true, hnn, base = path(2.0), path(2.01), path(2.0) * (1 + 0.01 * t)[None, :, None]
    H = lambda x: (x ** 2).sum(-1)
    q = np.linspace(-1.2, 1.2, G)
    Q, P = np.meshgrid(q, q, indexing="ij")
    field = np.stack([2 * P, -2 * Q], axis=-1)
    return dict(times=t, true=true, hnn=hnn, baseline=base, true_energy=H(true), hnn_energy=H(hnn),
                baseline_energy=H(base), hnn_learned_H=H(true) + 0.7, grid_q=q, grid_p=q,
                grid_true_H=Q ** 2 + P ** 2, grid_hnn_H=Q ** 2 + P ** 2 + 0.7, grid_true_field=field,
                grid_hnn_field=field * 1.01, grid_baseline_field=field * 0.98)


def two_body(S=3, T=50):
    t = np.linspace(0, 20, T)
    def path(w):
        x = np.zeros((S, T, 8))
        c, s = np.cos(w * t), np.sin(w * t)
        x[:, :, 0], x[:, :, 1], x[:, :, 2], x[:, :, 3] = c, -c, s, -s       # qx1 qx2 qy1 qy2
        x[:, :, 4], x[:, :, 5], x[:, :, 6], x[:, :, 7] = -s, s, c, -c       # px1 px2 py1 py2
        return x
    E = lambda x: 0.5 * (x[..., 4:] ** 2).sum(-1) - 0.5
    true, hnn, base = path(0.5), path(0.51), path(0.5) * 1.01
    return dict(times=t, true=true, hnn=hnn, baseline=base, true_energy=E(true), hnn_energy=E(hnn),
                baseline_energy=E(base), hnn_learned_H=E(true) - 0.2)


def run(d):
    return subprocess.run([sys.executable, SCRIPT, d], capture_output=True, text=True)


def check_ok(root, name, arrays):
    d = os.path.join(root, name)
    os.makedirs(d)
    np.savez(os.path.join(d, "trajectories.npz"), **arrays)
    r = run(d)
    assert r.returncode == 0, f"{name}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"
    for f in OUTPUTS:
        p = os.path.join(d, f)
        assert os.path.isfile(p), f"{name}: {f} not written"
        with open(p, "rb") as fh:
            assert fh.read(8) == PNG_MAGIC, f"{name}: {f} is not a PNG"
        assert f"wrote {p}" in r.stdout, f"{name}: no 'wrote' line for {f}"
    left = [f for f in os.listdir(d) if ".tmp" in f]
    assert not left, f"{name}: temporary files left: {left}"


def main():
    with tempfile.TemporaryDirectory() as root:
        check_ok(root, "spring", oscillator())
        check_ok(root, "two_body", two_body())
        empty = os.path.join(root, "empty")
        os.makedirs(empty)
        r = run(empty)
        assert r.returncode == 1 and "trajectories.npz" in r.stderr, r.stderr
        bad = oscillator()
        bad["hnn"] = bad["hnn"][:, :-1]
        d = os.path.join(root, "bad")
        os.makedirs(d)
        np.savez(os.path.join(d, "trajectories.npz"), **bad)
        r = run(d)
        assert r.returncode == 1 and "'hnn'" in r.stderr, r.stderr
        assert not any(f.endswith(".png") for f in os.listdir(d)), "partial output on bad input"
        nogrid = oscillator()
        del nogrid["grid_hnn_field"]
        d = os.path.join(root, "nogrid")
        os.makedirs(d)
        np.savez(os.path.join(d, "trajectories.npz"), **nogrid)
        r = run(d)
        assert r.returncode == 1 and "'grid_hnn_field' missing" in r.stderr, r.stderr
    print("plot_hnn.py: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
