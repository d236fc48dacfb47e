"""test_roundtrip.py — the Python API and the CLI read and write the same files, byte for byte where both write."""
import json

import numpy as np
import pytest

import noether
from conftest import REPO, small_config


def test_simulate_matches_cli_bytes(tmp_path, cli):
    cfg = tmp_path / "sim.json"
    cfg.write_text(json.dumps(small_config()))
    cli("simulate", cfg, "-o", tmp_path / "cli.npz", "-q")
    noether.simulate(cfg).save(tmp_path / "py_file.npz")
    noether.simulate(small_config()).save(tmp_path / "py_dict.npz")
    ref = (tmp_path / "cli.npz").read_bytes()
    assert (tmp_path / "py_file.npz").read_bytes() == ref
    assert (tmp_path / "py_dict.npz").read_bytes() == ref


def test_float32_simulation_keeps_dtype_and_bytes(tmp_path, cli):
    cfg = tmp_path / "sim32.json"
    cfg.write_text(json.dumps(small_config(precision="float32")))
    cli("simulate", cfg, "-o", tmp_path / "cli.npz", "-q")
    t = noether.simulate(cfg)
    assert t.positions.dtype == np.float32 and t.times.dtype == np.float64
    t.save(tmp_path / "py.npz")
    assert (tmp_path / "py.npz").read_bytes() == (tmp_path / "cli.npz").read_bytes()


def test_load_save_is_byte_identical(tmp_path, cli):
    cfg = tmp_path / "sim.json"
    cfg.write_text(json.dumps(small_config()))
    cli("simulate", cfg, "-o", tmp_path / "cli.npz", "-q")
    t = noether.Trajectory.load(tmp_path / "cli.npz")
    assert t.shape == (4, 6, 3, 3)
    assert list(t.keys())[:5] == ["positions", "velocities", "accelerations", "masses", "times"]
    t.save(tmp_path / "again.npz")
    assert (tmp_path / "again.npz").read_bytes() == (tmp_path / "cli.npz").read_bytes()
    with np.load(tmp_path / "cli.npz") as z:  # NumPy agrees with the engine's reader
        np.testing.assert_array_equal(z["positions"], t.positions)


def test_rollout_matches_cli_bytes(tmp_path, cli, trained):
    model, traj, model_path, _ = trained
    q, v, m = traj.initial_state()
    noether.Trajectory(positions=q, velocities=v, masses=m).save(tmp_path / "init.npz")
    cli("rollout", "--model", model_path, "--init", tmp_path / "init.npz", "--dt", 0.01, "--steps", 40, "--stride", 10,
        "--device", "cpu", "-o", tmp_path / "cli.npz", "-q")
    out = noether.rollout(noether.PairPotentialModel.load(model_path), q, v, m, dt=0.01, steps=40, stride=10, device="cpu")
    assert out.shape == (q.shape[0], 5, q.shape[1], 3)
    out.save(tmp_path / "py.npz")
    assert (tmp_path / "py.npz").read_bytes() == (tmp_path / "cli.npz").read_bytes()
    # the in-memory model (never saved) rolls out the same
    out2 = noether.rollout(model, q, v, m, dt=0.01, steps=40, stride=10, device="cpu")
    np.testing.assert_array_equal(out2.positions, out.positions)


def test_model_file_round_trip_and_cli_training(tmp_path, cli, trained):
    model, _, model_path, data = trained
    again = noether.PairPotentialModel.load(model_path)
    again.save(tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == model_path.read_bytes()
    np.testing.assert_array_equal(again.parameters, model.parameters)
    # the CLI trains the same parameters from the same file and options
    cli("train", "--data", data, "-o", tmp_path / "cli.json", "--epochs", 30, "--seed", 3, "--threads", 1,
        "--time-budget", 0, "--device", "cpu", "-q")
    np.testing.assert_array_equal(noether.PairPotentialModel.load(tmp_path / "cli.json").parameters, model.parameters)


def test_potential_matches_cli_csv(tmp_path, cli, trained):
    _, _, model_path, _ = trained
    res = cli("potential", "--model", model_path, "--r-min", 0.5, "--r-max", 2, "--points", 7)
    ref = np.loadtxt(res.stdout.splitlines(), delimiter=",", skiprows=1)
    model = noether.PairPotentialModel.load(model_path)
    V, dV, d2V = model.potential(ref[:, 0].copy())
    np.testing.assert_array_equal(np.stack([ref[:, 0], V, dV, d2V], axis=1), ref)
    V32, _, _ = model.potential(ref[:, 0].astype(np.float32))
    assert V32.dtype == np.float32


def test_tabulate_matches_cli_bytes(tmp_path, cli, trained):
    _, _, model_path, _ = trained
    cli("tabulate", "--model", model_path, "-o", tmp_path / "cli_table.json", "-q", cwd=model_path.parent)
    model = noether.PairPotentialModel.load(model_path)
    table = model.tabulate()
    table.save(tmp_path / "py_table.json")
    cli_json = json.loads((tmp_path / "cli_table.json").read_text())
    cli_json["source"]["model"] = str(model_path)  # the CLI records the path it was given
    assert json.loads((tmp_path / "py_table.json").read_text()) == cli_json
    r = np.linspace(table.r_min, table.r_max, 50)
    np.testing.assert_allclose(table.potential(r)[1], model.potential(r)[1], atol=1e-4)
    loaded = noether.PairTable.load(tmp_path / "py_table.json")
    assert loaded.knots == table.knots


def test_evaluate_matches_cli(tmp_path, cli, trained):
    model, traj, model_path, _ = trained
    q, v, m = traj.initial_state()
    truth = noether.rollout({"potential": "linear_spring", "k": 1.0, "r0": 1.0}, q, v, m, dt=0.01, steps=30, stride=10)
    pred = noether.rollout(model, q, v, m, dt=0.01, steps=30, stride=10)
    truth.save(tmp_path / "t.npz")
    pred.save(tmp_path / "p.npz")
    system = {"potential": "linear_spring", "k": 1.0, "r0": 1.0}
    (tmp_path / "sys.json").write_text(json.dumps({"system": system}))
    cli("evaluate", "--truth", tmp_path / "t.npz", "--pred", tmp_path / "p.npz", "--model", model_path, "--system",
        tmp_path / "sys.json", "-o", tmp_path / "metrics.json", "-q")
    ref = json.loads((tmp_path / "metrics.json").read_text())
    assert noether.evaluate(truth, pred, model=model, system=system) == ref
    cli("evaluate", "--truth", tmp_path / "t.npz", "--pred", tmp_path / "p.npz", "-o", tmp_path / "plain.json", "-q")
    plain = json.loads((tmp_path / "plain.json").read_text())  # without the model: no V offset, other energies
    assert noether.evaluate(tmp_path / "t.npz", tmp_path / "p.npz") == plain != ref


def test_forces_match_newton_and_rollout(trained):
    model, traj, _, _ = trained
    q, _, m = traj.initial_state()
    F, U = model.forces(q, m)
    assert F.shape == q.shape and U.shape == (q.shape[0],)
    np.testing.assert_allclose(F.sum(axis=1), 0, atol=1e-12)  # Newton's third law
    # against the accelerations the engine saves in a rollout's first frame
    out = noether.rollout(model, q, np.zeros_like(q), m, dt=0.01, steps=0, stride=1)
    np.testing.assert_allclose(F, out.accelerations[:, 0] * m[:, :, None], rtol=1e-12, atol=1e-14)
    F1, U1 = model.forces(q[0], m[0])
    assert isinstance(U1, float) and F1.shape == q[0].shape


def _without_timings(x):
    if isinstance(x, dict):
        return {k: _without_timings(v) for k, v in x.items() if not any(w in k for w in ("second", "time", "per_s"))}
    if isinstance(x, list):
        return [_without_timings(v) for v in x]
    return x


def test_run_matches_the_cli(tmp_path, cli):
    config = REPO / "configs" / "golden" / "mclnn_linear_spring.json"
    calls = []
    metrics = noether.run(config, tmp_path / "py", progress=lambda d, t: calls.append((d, t)))
    cli("run", config, "-o", tmp_path / "cli", "-q")
    ref = json.loads((tmp_path / "cli" / "metrics.json").read_text())
    assert metrics and _without_timings(metrics) == _without_timings(ref)
    assert calls and all(0 <= d <= t for d, t in calls)
    for name in ("model.json", "summary.md"):
        assert (tmp_path / "py" / name).exists() == (tmp_path / "cli" / name).exists()
