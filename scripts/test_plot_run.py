#!/usr/bin/env python3
"""test_plot_run.py — a small self-contained test of scripts/plot_run.py (no noether binary needed).

Builds a synthetic `noether run` output directory (two cases, a 3-D and a 2-D batch of 2, analytic
harmonic trajectories, one model "mclnn" with a potential offset) in a temporary directory, runs
plot_run.py on it and checks: exit 0, one "wrote" line and a PNG per expected file, no temporary
files left behind; missing optional inputs give a note, not a crash; a missing DIR or metrics.json
gives exit 1 and names the path on stderr.

Usage: /usr/bin/python3 scripts/test_plot_run.py      (exit 0 = pass)
"""
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import matplotlib  # noqa: F401  (plot_run.py needs it)
except ImportError as e:  # CTest reads exit code 77 as "skipped" (e.g. a GPU machine without matplotlib)
    print(f"skipped: {e}")
    sys.exit(77)

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plot_run.py")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def trajectory(batch, n, dim, frames, phase=0.0, v_offset=0.0):
    """Particles on circles about the origin (not physical, only shaped like a noether .npz)."""
    t = np.linspace(0.0, 10.0, frames)
    ang = t[None, :, None] + np.arange(n)[None, None, :] * 2 * np.pi / n + phase + np.arange(batch)[:, None, None]
    q = np.zeros((batch, frames, n, dim))
    v = np.zeros_like(q)
    q[..., 0], q[..., 1] = np.cos(ang), np.sin(ang)
    v[..., 0], v[..., 1] = -np.sin(ang), np.cos(ang)
    m = np.ones((batch, n))
    kin = 0.5 * (v ** 2).sum(axis=(-1, -2))
    pot = 0.1 * np.sin(t)[None, :].repeat(batch, 0) - v_offset * n * (n - 1) / 2
    p = (m[:, None, :, None] * v).sum(axis=2)
    jz = (q[..., 0] * v[..., 1] - q[..., 1] * v[..., 0]).sum(axis=2)
    j = jz if dim == 2 else np.stack([0 * jz, 0 * jz, jz], axis=-1)
    return dict(positions=q, velocities=v, accelerations=-q, masses=m, times=t, kinetic_energy=kin,
                potential_energy=pot, lagrangian=kin - pot, hamiltonian=kin + pot, linear_momentum=p,
                angular_momentum=j)


def make_run_dir(root):
    v_offset = 0.25
    cases = {"c3d": (1, 3, 3), "c2d": (2, 4, 2)}
    for name, (batch, n, dim) in cases.items():
        os.makedirs(os.path.join(root, "cases", name))
        np.savez(os.path.join(root, "cases", name, "truth.npz"), **trajectory(batch, n, dim, 101))
        np.savez(os.path.join(root, "cases", name, "mclnn.npz"),
                 **trajectory(batch, n, dim, 101, phase=1e-3, v_offset=v_offset))
    os.makedirs(os.path.join(root, "mclnn"))
    with open(os.path.join(root, "mclnn", "train_log.csv"), "w") as f:
        f.write("epoch,train_loss,val_loss,lr,seconds\n")
        for e in range(1, 51):
            f.write(f"{e},{1e-3 / e ** 2},{1.2e-3 / e ** 2},1e-3,{0.1 * e}\n")
    r = np.linspace(0.05, 2.6, 100)
    learned = 0.5 * (r - 1) ** 2 + np.where(r > 2.2, 50 * (r - 2.2) ** 3, 0.0)   # explodes outside
    table = np.c_[r, 0.5 * (r - 1) ** 2, r - 1, learned, np.gradient(learned, r)]
    np.savetxt(os.path.join(root, "potential.csv"), table, delimiter=",",
               header="r,V_true,dVdr_true,V_mclnn,dVdr_mclnn", comments="")
    metrics = {"config": "synthetic", "system": {"potential": "linear_spring"},
               "models": {"mclnn": {"training": {"epochs": 50},
                                    "potential": {"r_min": 0.1, "r_max": 2.5, "p05": 0.4, "p95": 1.9,
                                                  "V_offset": v_offset, "dVdr_rel_l2_uniform": 0.01},
                                    "cases": {c: {} for c in cases}}}}
    with open(os.path.join(root, "metrics.json"), "w") as f:
        json.dump(metrics, f)
    return sorted(f"{c}_{kind}.png" for c in cases for kind in ("quantities", "position_error")) + \
        ["potential.png", "training_loss.png"]


def run(*args):
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True)


def check(cond, msg):
    if not cond:
        print(f"FAIL: {msg}")
        sys.exit(1)


def main():
    with tempfile.TemporaryDirectory() as root:
        expected = make_run_dir(root)
        res = run(root)
        check(res.returncode == 0, f"exit {res.returncode}: {res.stderr}")
        wrote = sorted(os.path.basename(l.split(" ", 1)[1]) for l in res.stdout.splitlines() if l.startswith("wrote "))
        check(wrote == sorted(expected), f"wrote {wrote}, expected {expected}")
        for name in expected:
            with open(os.path.join(root, name), "rb") as f:
                check(f.read(8) == PNG_MAGIC, f"{name} is not a PNG")
        check(not [n for n in os.listdir(root) if n.endswith(".tmp")], "temporary files left behind")

        os.remove(os.path.join(root, "potential.csv"))
        os.remove(os.path.join(root, "mclnn", "train_log.csv"))
        res = run(root)
        check(res.returncode == 0, f"missing optional inputs: exit {res.returncode}: {res.stderr}")
        check("potential.csv not found" in res.stdout and "train_log.csv" in res.stdout,
              f"missing optional inputs not noted: {res.stdout}")

        missing = os.path.join(root, "no_such_dir")
        res = run(missing)
        check(res.returncode == 1 and missing in res.stderr, f"missing DIR: {res.returncode} {res.stderr}")
        os.remove(os.path.join(root, "metrics.json"))
        res = run(root)
        check(res.returncode == 1 and "metrics.json" in res.stderr, f"missing metrics: {res.returncode} {res.stderr}")
    print("test_plot_run: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
