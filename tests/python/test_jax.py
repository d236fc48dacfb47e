"""test_jax.py — PairPotentialModel.as_jax() gives the engine's V and dV/dr (skipped when jax is not installed);
the NumPy parameter unpacking it uses is checked against the engine without jax."""
import numpy as np
import pytest

from noether._jax import params_of


def numpy_V(model, r):
    p = params_of(model)
    g = np.log(r) if p["log_input"] else r
    h = ((g - p["in_shift"]) / p["in_scale"])[:, None]
    for l, (W, b) in enumerate(zip(p["weights"], p["biases"])):
        h = h @ W.T + b
        if l < len(p["weights"]) - 1:
            h = 0.5 * (h + np.sqrt(h * h + 4.0))
    return p["out_scale"] * h[:, 0] + p["out_shift"]


def test_parameter_layout_matches_the_engine(trained):
    model = trained[0]
    assert model.activation == "squareplus"
    r = np.linspace(0.5, 2.0, 33)
    np.testing.assert_allclose(numpy_V(model, r), model.potential(r)[0], rtol=1e-12, atol=1e-12)


def test_as_jax(trained):
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    model = trained[0]
    V, params = model.as_jax()
    r = np.linspace(0.5, 2.0, 33)
    ref = model.potential(r)
    np.testing.assert_allclose(np.asarray(V(r, params)), ref[0], rtol=1e-10, atol=1e-12)
    dV = jax.vmap(jax.grad(lambda x: V(x, params)))(r)
    np.testing.assert_allclose(np.asarray(dV), ref[1], rtol=1e-8, atol=1e-10)


def with_input_transform(model, transform):
    """The same network with "input_transform" set (a model-file round trip through JSON text)."""
    import json
    import noether

    j = json.loads(model.to_json())
    j["input_transform"] = transform
    return noether.PairPotentialModel.from_json(json.dumps(j))


@pytest.mark.parametrize("transform", ["none", "log"])
def test_input_transform_reaches_every_evaluator(trained, transform):
    model = with_input_transform(trained[0], transform)
    assert model.input_transform == transform
    r = np.linspace(0.5, 2.0, 33)
    np.testing.assert_allclose(numpy_V(model, r), model.potential(r)[0], rtol=1e-12, atol=1e-12)
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    V, params = model.as_jax()
    ref = model.potential(r)
    np.testing.assert_allclose(np.asarray(V(r, params)), ref[0], rtol=1e-10, atol=1e-12)
    dV = jax.vmap(jax.grad(lambda x: V(x, params)))(r)
    np.testing.assert_allclose(np.asarray(dV), ref[1], rtol=1e-8, atol=1e-10)
