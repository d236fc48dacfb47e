"""test_hnn.py — HNN models from Python: data sets, train_hnn, H_θ and its symplectic gradient against an independent
NumPy evaluation of the model file and central differences, integration, model-file round trips, and the errors."""
import json

import numpy as np
import pytest

import noether
from conftest import REPO


@pytest.fixture(scope="module")
def spring():
    """A small mass-spring data set and an HNN and a baseline trained on it (fast: 16-16 widths, 300 steps)."""
    data = noether.hnn_data("mass-spring", trajectories=8, points=10, seed=2)
    hnn, info = noether.train_hnn(data, hidden=[16, 16], steps=300, seed=1)
    mlp, _ = noether.train_hnn(data, kind="mlp", hidden=[16, 16], steps=300, seed=1)
    return data, hnn, mlp, info


def numpy_mlp(model_json, x):
    """The model file's MLP evaluated in NumPy (docs/MODEL_FORMAT.md), independent of the engine: tanh layers."""
    f = json.loads(model_json)
    assert f["activation"] == "tanh"
    h = x
    for i, layer in enumerate(f["layers"]):
        h = h @ np.array(layer["weight"]).T + np.array(layer["bias"])
        if i < len(f["layers"]) - 1:
            h = np.tanh(h)
    return h


def test_data_set_shapes():
    d = noether.hnn_data("pendulum", trajectories=6, points=12, seed=0)
    assert d["dim"] == 2 and d["x"].shape == (72, 2) and d["dxdt"].shape == (72, 2)
    assert d["n_train"] == 36 and d["n_test"] == 36
    assert d["times"].shape == (12,) and d["clean"].shape == (6, 12, 2)
    np.testing.assert_array_equal(noether.hnn_true_field("pendulum", d["clean"][0]),
                                  d["dxdt"][:12])  # targets are the true field at the clean states
    o = noether.hnn_data("two-body", trajectories=5, points=3, seed=1)
    assert o["dim"] == 8 and o["x"].shape == (15, 8) and o["n_test"] == 3


def test_true_system():
    x = np.array([[0.3, -0.7], [1.0, 0.5]])
    np.testing.assert_allclose(noether.hnn_true_energy("mass-spring", x), (x ** 2).sum(1), rtol=1e-15)
    np.testing.assert_allclose(noether.hnn_true_field("mass-spring", x), np.stack([2 * x[:, 1], -2 * x[:, 0]], 1))
    assert isinstance(noether.hnn_true_energy("mass-spring", x[0]), float)


def test_train_and_model_properties(spring):
    data, hnn, mlp, info = spring
    assert hnn.kind == "hnn" and mlp.kind == "mlp"
    assert hnn.widths == [2, 16, 16, 1] and mlp.widths == [2, 16, 16, 2] and hnn.dim == 2
    assert hnn.activation == "tanh"
    assert info["steps"] == 300 and info["test_loss"] > 0 and info["device"] == "cpu"
    assert json.loads(hnn.metadata)["training"]["steps"] == 300
    assert "HnnModel hnn 2-16-16-1" in repr(hnn)


def test_training_is_deterministic(spring):
    data, hnn, _, _ = spring
    again, _ = noether.train_hnn(x=data["x"], dxdt=data["dxdt"], n_train=data["n_train"], hidden=[16, 16], steps=300,
                                 seed=1)
    np.testing.assert_array_equal(again.parameters, hnn.parameters)


def test_hamiltonian_matches_numpy_and_field_is_symplectic_gradient(spring):
    _, hnn, mlp, _ = spring
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (7, 2))
    H = hnn.hamiltonian(x)
    assert H.shape == (7,) and H.dtype == np.float64
    np.testing.assert_allclose(H, numpy_mlp(hnn.to_json(), x)[:, 0], rtol=1e-12, atol=1e-12)
    assert isinstance(hnn.hamiltonian(x[0]), float)
    F = hnn.time_derivative(x)
    h = 1e-5
    dHdq = (hnn.hamiltonian(x + [h, 0]) - hnn.hamiltonian(x - [h, 0])) / (2 * h)
    dHdp = (hnn.hamiltonian(x + [0, h]) - hnn.hamiltonian(x - [0, h])) / (2 * h)
    np.testing.assert_allclose(F, np.stack([dHdp, -dHdq], 1), rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(mlp.time_derivative(x), numpy_mlp(mlp.to_json(), x), rtol=1e-12, atol=1e-12)
    F32 = hnn.time_derivative(x.astype(np.float32))
    assert F32.dtype == np.float32 and F32.shape == (7, 2)


def test_integrate_conserves_learned_energy(spring):
    _, hnn, _, _ = spring
    x0 = np.array([[0.5, 0.2], [-0.3, 0.6]])
    t = np.linspace(0, 3, 31)
    path = hnn.integrate(x0, t)
    assert path.shape == (2, 31, 2)
    np.testing.assert_array_equal(path[:, 0], x0)
    H = hnn.hamiltonian(path.reshape(-1, 2)).reshape(2, 31)
    assert np.abs(H - H[:, :1]).max() < 1e-6  # H_θ is conserved by its own flow (RK45, rtol 1e-10)
    one = hnn.integrate(x0[0], t, method="rk4", substeps=20)
    assert one.shape == (31, 2)
    np.testing.assert_allclose(one, path[0], atol=1e-6)
    calls = []
    hnn.integrate(x0, t, progress=lambda d, n: calls.append((d, n)))
    assert calls[-1] == (2, 2)


def test_model_file_round_trip(tmp_path, spring):
    _, hnn, mlp, _ = spring
    for m in (hnn, mlp):
        p = tmp_path / f"{m.kind}.json"
        m.save(p)
        back = noether.HnnModel.load(p)
        assert back.kind == m.kind and back.source == str(p)
        np.testing.assert_array_equal(back.parameters, m.parameters)  # bit-exact (shortest round-trip numbers)
        back.save(tmp_path / "again.json")
        assert (tmp_path / "again.json").read_bytes() == p.read_bytes()
        f = json.loads(p.read_text())
        assert f["format"] == "noether-model" and f["version"] == 1 and f["model"] == m.kind
        assert noether.HnnModel.from_json(p.read_text()).to_json() == m.to_json()


def test_model_file_errors(tmp_path, spring, trained):
    _, hnn, _, _ = spring
    _, _, mclnn_path, _ = trained
    with pytest.raises(noether.ArgumentError, match="model kind 'mclnn' is not an HNN model"):
        noether.HnnModel.load(mclnn_path)
    with pytest.raises(noether.FileNotFoundError, match="no such file"):
        noether.HnnModel.load(tmp_path / "missing.json")
    f = json.loads(hnn.to_json())
    f["input_scaling"] = {"shift": [0.0, 0.0], "scale": [2.0, 2.0]}
    with pytest.raises(ValueError, match="input_scaling/output_scaling are not supported"):
        noether.HnnModel.from_json(json.dumps(f))
    with pytest.raises(noether.Error, match="hnn"):  # and the other way round
        noether.PairPotentialModel.from_json(hnn.to_json())


def test_energy_mse_errors(spring):
    data, hnn, _, _ = spring
    assert noether.hnn_energy_mse(hnn, data, "mass-spring") > 0
    with pytest.raises(ValueError, match=r"clean: expected \(trajectories, points, 8\) states of the two-body task"):
        noether.hnn_energy_mse(hnn, data, "two-body")
    with pytest.raises(ValueError, match="train_trajectories: expected 0 <= train_trajectories < 8"):
        noether.hnn_energy_mse(hnn, dict(data, train_trajectories=8), "mass-spring")
    with pytest.raises(ValueError, match="data: expected a synthetic task's hnn_data dict"):
        noether.hnn_energy_mse(hnn, {"x": data["x"]}, "mass-spring")


def test_argument_errors(spring):
    data, hnn, mlp, _ = spring
    x = np.zeros((3, 2))
    with pytest.raises(ValueError, match=r"x: expected shape \(2,\) or \(n, 2\)"):
        hnn.hamiltonian(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="x: expected dtype float32 or float64"):
        hnn.time_derivative(x.astype(np.int64))
    with pytest.raises(ValueError, match="x: expected a C-contiguous array"):
        hnn.time_derivative(np.zeros((3, 4))[:, ::2])
    with pytest.raises(ValueError, match="x: expected an array with 1 or 2 dimensions"):
        hnn.hamiltonian(np.zeros((1, 3, 2)))
    with pytest.raises(ValueError, match="x: expected finite values"):
        hnn.hamiltonian(np.array([np.nan, 0.0]))
    with pytest.raises(ValueError, match="hamiltonian: this is an 'mlp' baseline"):
        mlp.hamiltonian(x)
    with pytest.raises(ValueError, match="times: expected strictly increasing"):
        hnn.integrate(x[0], [0.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="method: expected 'rk45' or 'rk4'"):
        hnn.integrate(x[0], [0.0, 1.0], method="euler")
    with pytest.raises(ValueError, match=r"dxdt: expected the shape of x \(10, 2\)"):
        noether.train_hnn(x=np.zeros((10, 2)), dxdt=np.zeros((10, 4)), n_train=5)
    with pytest.raises(ValueError, match="x: expected states .* of even dimension"):
        noether.train_hnn(x=np.zeros((10, 3)), dxdt=np.zeros((10, 3)), n_train=5)
    with pytest.raises(ValueError, match="n_train: expected 1 <= n_train < n = 10"):
        noether.train_hnn(x=np.zeros((10, 2)), dxdt=np.zeros((10, 2)), n_train=10)
    with pytest.raises(ValueError, match="stepz.*did you mean 'steps'"):
        noether.train_hnn(data, stepz=3)
    with pytest.raises(ValueError, match="kind: expected 'hnn' or 'mlp'"):
        noether.train_hnn(data, kind="lnn", steps=1)
    with pytest.raises(ValueError, match="task: expected one of"):
        noether.hnn_data("mass_spring")
    with pytest.raises(ValueError, match="data: expected a dict"):
        noether.train_hnn([1, 2, 3])


def test_train_progress_and_interrupt(spring):
    data = spring[0]
    calls = []
    noether.train_hnn(data, hidden=[8], steps=50, progress=lambda d, n: calls.append((d, n)))
    assert calls and calls[-1] == (50, 50)

    def stop(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        noether.train_hnn(data, hidden=[8], steps=100000, progress=stop)


def test_training_matches_cli_run(tmp_path, cli):
    """`noether run` of an HNN config trains on hnn_data's rows with train_hnn's options: the same losses, bit for bit."""
    cfg = {"task": "hnn_mass_spring", "seeds": [3], "steps": 60, "hidden": [16], "trajectories": 6, "threads": 1,
           "energy_states": 2, "device": "cpu"}
    (tmp_path / "hnn.json").write_text(json.dumps(cfg))
    cli("run", tmp_path / "hnn.json", "-o", tmp_path / "out", "-q")
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text())["models"]
    data = noether.hnn_data("mass-spring", trajectories=6, seed=3)
    for kind, name in (("hnn", "hnn"), ("mlp", "baseline")):
        _, info = noether.train_hnn(data, kind=kind, hidden=[16], steps=60, seed=3, threads=1)
        assert info["train_loss"] == metrics[name]["train_loss"]["per_seed"][0]
        assert info["test_loss"] == metrics[name]["test_loss"]["per_seed"][0]
        model, _ = noether.train_hnn(data, kind=kind, hidden=[16], steps=60, seed=3, threads=1)
        e = noether.hnn_energy_mse(model, data, "mass-spring", max_test_trajectories=25)
        assert e == metrics[name]["energy_mse_test_trajectories"]["per_seed"][0]


def test_real_pendulum_data(tmp_path):
    path = REPO / "data" / "schmidt-lipson" / "real_pend_h_1.txt"
    if not path.exists():
        pytest.skip("no data/schmidt-lipson/real_pend_h_1.txt in this checkout")
    d = noether.hnn_data("real-pendulum", path=str(path))
    n = d["n_train"] + d["n_test"]
    assert d["x"].shape == (n, 2) and d["row_times"].shape == (n,) and d["n_train"] == int((n) * 0.8)
    with pytest.raises(noether.FileNotFoundError, match="no such file"):
        noether.hnn_data("real-pendulum", path=str(tmp_path / "missing.txt"))
    with pytest.raises(ValueError, match="path: the real pendulum needs path="):
        noether.hnn_data("real-pendulum")
