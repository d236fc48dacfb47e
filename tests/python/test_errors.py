"""test_errors.py — every argument check names the argument; errors map to noether.Error, ValueError, FileNotFoundError."""
import numpy as np
import pytest

import noether
from conftest import small_config

LAW = {"potential": "linear_spring", "k": 1.0, "r0": 1.0}


def state(B=2, N=3, D=3, dtype=np.float64):
    rng = np.random.default_rng(0)
    q = (rng.uniform(-1, 1, (B, N, D)) + np.arange(N)[None, :, None]).astype(dtype)
    return q, np.zeros_like(q), np.ones((B, N), dtype)


def roll(q, v, m, **kw):
    args = dict(dt=0.01, steps=10, stride=5)
    args.update(kw)
    return noether.rollout(LAW, q, v, m, **args)


def test_exception_hierarchy():
    assert issubclass(noether.Error, RuntimeError)
    assert issubclass(noether.ArgumentError, noether.Error) and issubclass(noether.ArgumentError, ValueError)
    assert issubclass(noether.FileNotFoundError, noether.Error)
    import builtins
    assert issubclass(noether.FileNotFoundError, builtins.FileNotFoundError)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.complex128, np.bool_, np.float16])
def test_bad_dtype_names_the_argument(dtype):
    q, v, m = state()
    with pytest.raises(ValueError, match=r"positions: expected dtype float32 or float64"):
        roll(q.astype(dtype), v, m)
    with pytest.raises(ValueError, match=r"velocities: expected dtype float32 or float64"):
        roll(q, v.astype(dtype), m)
    with pytest.raises(ValueError, match=r"masses: expected dtype float32 or float64"):
        roll(q, v, m.astype(dtype))


def test_non_contiguous_is_refused():
    q, v, m = state(N=4)
    with pytest.raises(ValueError, match=r"positions: expected a C-contiguous array"):
        roll(q[:, ::2], v[:, ::2], m[:, ::2].copy())
    with pytest.raises(ValueError, match=r"velocities: expected a C-contiguous array"):
        roll(q, np.asfortranarray(v), m)


@pytest.mark.parametrize("bad, msg", [
    (lambda q, v, m: (q[0, 0], v[0, 0], m), r"positions: expected an array with 2 or 3 dimensions, got shape \(3,\)"),
    (lambda q, v, m: (q, v[:, :2].copy(), m), r"velocities: expected the shape of positions \(2, 3, 3\), got \(2, 2, 3\)"),
    (lambda q, v, m: (q, v, m[:, :2].copy()), r"masses: expected shape \(3,\) or \(2, 3\), got \(2, 2\)"),
    (lambda q, v, m: (q[..., :1].copy(), v[..., :1].copy(), m), r"positions: expected D = 2 or 3"),
    (lambda q, v, m: (q, v, -m), r"mass"),
])
def test_bad_shapes_and_values(bad, msg):
    with pytest.raises(ValueError, match=msg):
        roll(*bad(*state()))


def test_non_finite_state_is_an_argument_error():
    q, v, m = state()
    q[1, 2, 0] = np.nan
    with pytest.raises(noether.ArgumentError, match="initial state"):
        roll(q, v, m)


@pytest.mark.parametrize("kw, msg", [
    (dict(dt=0.0), r"dt: expected a finite step > 0"),
    (dict(dt=float("nan")), r"dt: expected a finite step > 0"),
    (dict(steps=7), r"steps: expected a non-negative multiple of stride \(5\)"),
    (dict(stride=0), r"stride: expected >= 1"),
    (dict(method="euler"), r"method: expected 'verlet', 'rk4' or 'rk45'"),
    (dict(device="tpu"), r"device"),
])
def test_bad_rollout_options(kw, msg):
    with pytest.raises(ValueError, match=msg):
        roll(*state(), **kw)


def test_lists_and_scalars_are_arrays(trained):
    out = roll([[0.0, 0, 0], [1.2, 0, 0]], [[0.0, 0, 0], [0, 0, 0]], [1.0, 1.0])
    assert out.positions.shape == (1, 3, 2, 3)
    V, dV, d2V = trained[0].potential(1.0)
    assert V.shape == () and V.dtype == np.float64
    with pytest.raises(ValueError, match=r"masses: expected dtype float32 or float64, got int64"):
        roll([[0.0, 0, 0], [1.2, 0, 0]], [[0.0, 0, 0], [0, 0, 0]], [1, 1])


def test_float32_in_float32_out():
    q, v, m = state(dtype=np.float32)
    out = roll(q, v, m)
    assert out.positions.dtype == np.float32
    out64 = roll(q, v, m, float32=False)
    assert out64.positions.dtype == np.float64
    np.testing.assert_allclose(out.positions, out64.positions, rtol=1e-5, atol=1e-5)


def test_potential_argument_checks(trained):
    model = trained[0]
    with pytest.raises(ValueError, match=r"r: expected dtype float32 or float64, got int64"):
        model.potential(np.arange(3))
    with pytest.raises(ValueError, match=r"r: expected a C-contiguous array"):
        model.potential(np.linspace(1, 2, 10)[::2])
    with pytest.raises(ValueError, match=r"r: expected finite distances"):
        model.potential(np.array([1.0, np.inf]))
    with pytest.raises(ValueError, match=r"masses: expected shape \(3,\) or \(2, 3\)"):
        model.forces(np.ones((2, 3, 3)), np.ones(4))


def test_missing_files():
    with pytest.raises(FileNotFoundError, match="no_such.npz"):
        noether.Trajectory.load("no_such.npz")
    with pytest.raises(noether.FileNotFoundError):
        noether.PairPotentialModel.load("no_such_model.json")
    with pytest.raises(FileNotFoundError):
        noether.simulate("no_such_config.json")
    with pytest.raises(FileNotFoundError):
        noether.run("no_such_config.json", "out")


def test_config_errors_carry_the_cli_message():
    cfg = small_config()
    cfg["integrator"]["dtt"] = 0.1
    with pytest.raises(noether.Error, match=r"config: integrator.dtt: unknown key \(did you mean 'dt'\?\)"):
        noether.simulate(cfg)
    cfg = small_config()
    cfg["system"]["potential"] = "spring"
    with pytest.raises(noether.Error, match=r"system.potential"):
        noether.simulate(cfg)


def test_train_option_errors(trained):
    traj = trained[1]
    with pytest.raises(ValueError, match=r"train_mclnn: epoch: unknown key \(did you mean 'epochs'\?\)"):
        noether.train_mclnn(traj, epoch=3)
    with pytest.raises(ValueError, match=r"train_mclnn: lr"):
        noether.train_mclnn(traj, lr=-1.0)
    bad = noether.Trajectory(positions=traj.positions[:, :1].copy(), velocities=traj.velocities[:, :1].copy(),
                             masses=traj.masses, times=traj.times[:1].copy())
    with pytest.raises(ValueError, match=r"at least 2 saved frames"):
        noether.train_mclnn(bad, epochs=1)


def test_paths_may_be_pathlike(tmp_path, trained):
    trained[0].save(tmp_path / "m.json")
    assert noether.PairPotentialModel.load(tmp_path / "m.json").widths == trained[0].widths


def test_law_argument():
    with pytest.raises(ValueError, match="law: expected"):
        noether.rollout(42, *state(), dt=0.01, steps=1)
    with pytest.raises(ValueError, match="system"):
        noether.law({"potential": "nope"})
