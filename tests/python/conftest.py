"""conftest.py — shared fixtures of the Python tests (tests/python/, docs/PYTHON.md).

The tests import the `noether` package from wherever it is on sys.path: scripts/test.sh puts the build tree's copy
(build/python) first; after `pip install .` the installed one is used. The CLI binary for the round trips is
$NOETHER_BINARY, else build/noether of this checkout (tests that need it skip when neither exists, unless
NOETHER_REQUIRE_CLI=1, which scripts/test.sh sets).
"""
import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


def small_config(trajectories=4, frames=6, particles=3, seed=7, precision="float64"):
    """A small linear-spring simulation config (dict), seeded: (B, T, N, D) = (trajectories, frames, particles, 3)."""
    return {
        "system": {"potential": "linear_spring", "k": 1.0, "r0": 1.0},
        "initial_state": {"sampler": "uniform", "trajectories": trajectories, "particles": particles, "dim": 3,
                          "planar": True, "seed": seed, "box": 2.0, "min_distance": 0.3, "velocity": "uniform",
                          "velocity_scale": 0.8, "zero_momentum": True, "masses": 1.0},
        "integrator": {"method": "verlet", "dt": 0.01, "stride": 10, "frames": frames},
        "precision": precision,
        "device": "cpu",
    }


@pytest.fixture(scope="session")
def cli():
    """A function running the `noether` CLI (check=True); skips when the binary is missing."""
    binary = os.path.abspath(os.environ.get("NOETHER_BINARY") or str(REPO / "build" / "noether"))
    if not os.path.exists(binary):
        if os.environ.get("NOETHER_REQUIRE_CLI") == "1":
            pytest.fail(f"NOETHER_REQUIRE_CLI=1 but no noether binary at {binary}")
        pytest.skip("no noether binary (set NOETHER_BINARY)")

    def run(*args, cwd=None):
        return subprocess.run([binary, *map(str, args)], check=True, cwd=cwd, capture_output=True, text=True)

    return run


@pytest.fixture(scope="session")
def trained(tmp_path_factory):
    """A quickly trained model and its training data: (model, trajectory, model path, data path)."""
    import noether

    d = tmp_path_factory.mktemp("trained")
    traj = noether.simulate(small_config(trajectories=8, frames=8))
    data = d / "train.npz"
    traj.save(data)
    model, info = noether.train_mclnn(traj, epochs=30, seed=3, threads=1, time_budget_s=0)
    path = d / "model.json"
    model.save(path)
    return model, traj, path, data
