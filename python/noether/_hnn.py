"""noether._hnn — Hamiltonian neural networks (paper 004, docs/HNN.md) from Python: the HNN tasks' data sets,
train_hnn → HnnModel, and the tasks' true H and field. The math is the engine's (hnn/*.hpp); this file only
converts arguments.

States x = (q_1..q_k, p_1..p_k) of dimension dim = 2k; rows of x and dxdt are (n, dim).
"""
from __future__ import annotations

import json

import numpy as np

from . import _core
from ._core import ArgumentError, HnnModel

TASKS = ("mass-spring", "pendulum", "real-pendulum", "two-body", "three-body")


def _arr(x):
    return x if isinstance(x, np.ndarray) else np.asarray(x)


def hnn_data(task: str, **options) -> dict:
    """A data set of an HNN task (the reference protocol of paper 004, docs/HNN.md), deterministic for ``seed``.

    task: "mass-spring" | "pendulum" | "two-body" | "three-body" | "real-pendulum" (needs ``path=`` to
    real_pend_h_1.txt, optional ``train_fraction``). Options (synthetic tasks): trajectories, train_trajectories,
    points, t_end, radius_lo, radius_hi, noise_std (orbits: noise, test_fraction), rtol, atol, seed.
    Returns {"x": (n, dim), "dxdt": (n, dim), "n_train", "n_test", "dim"} (the first n_train rows train), plus for
    synthetic tasks "times" (points,), "clean" (trajectories, points, dim) (test trajectories last) and for the real
    pendulum "row_times" (n,).
    """
    return _core.hnn_data(task, json.dumps(options))


def hnn_true_energy(task: str, x):
    """The task's true H(x): x (dim,) → float, (n, dim) → (n,) float64."""
    return _core.hnn_true_energy(task, _arr(x))


def hnn_true_field(task: str, x):
    """The task's true field (∂H/∂p, −∂H/∂q) at x (dim,) or (n, dim): same shape, float64."""
    return _core.hnn_true_field(task, _arr(x))


def hnn_energy_mse(model, data: dict, task: str, *, rtol: float = 1e-10, atol: float = 1e-12,
                   max_test_trajectories: int = 0) -> float:
    """Energy MSE of a learned model along a synthetic data set's TEST trajectories (hnn/train.hpp): from each clean
    initial state, integrate the learned field with RK45 (rtol, atol) to the data's times and average
    (H(x_true) − H(x_model))² with the task's true H over trajectories and points. ``data``: hnn_data's dict
    ("clean" (B, T, dim), "times" (T,), "train_trajectories"); ``max_test_trajectories`` > 0 uses the first that many
    (`noether run` reports it with 25 as energy_mse_test_trajectories)."""
    if not isinstance(data, dict) or not {"clean", "times", "train_trajectories"} <= set(data):
        raise ArgumentError("data: expected a synthetic task's hnn_data dict (with 'clean', 'times', 'train_trajectories')")
    return _core.hnn_energy_mse(model, task, _arr(data["clean"]), _arr(data["times"]), int(data["train_trajectories"]),
                                float(rtol), float(atol), int(max_test_trajectories))


def train_hnn(data=None, *, x=None, dxdt=None, n_train=None, kind: str = "hnn", device: str = "cpu",
              progress=None, **options):
    """Train an HNN (``kind="hnn"``: H_θ with field (∂H_θ/∂p, −∂H_θ/∂q)) or the MLP baseline (``kind="mlp"``) on
    rows (x, dxdt) with Adam (hnn/train.hpp; what `noether run` does per seed for the HNN tasks).

    ``data``: a dict from hnn_data (x, dxdt, n_train), or give ``x``, ``dxdt`` (n, dim) and ``n_train`` (the first
    n_train rows train, the rest are the test set). ``options``: hidden (default [200, 200]), activation ("tanh"),
    steps (2000), batch_size (0 = full batch), lr (1e-3), weight_decay (1e-4), seed (0), threads (1).
    ``device``: "cpu" | "cuda" | "auto". ``progress(done, total)`` gets Adam steps.
    Returns (HnnModel, info) with info = {steps, train_loss, test_loss, seconds, device}.
    """
    if data is not None:
        if not isinstance(data, dict) or not {"x", "dxdt", "n_train"} <= set(data):
            raise ArgumentError("data: expected a dict with 'x', 'dxdt' and 'n_train' (noether.hnn_data's result)")
        x, dxdt, n_train = data["x"], data["dxdt"], data["n_train"]
    if x is None or dxdt is None or n_train is None:
        raise ArgumentError("train_hnn: give data= (a noether.hnn_data dict) or x=, dxdt= and n_train=")
    from . import _progress
    return _core.train_hnn(kind, _arr(x), _arr(dxdt), int(n_train), json.dumps(options), device,
                           _progress(progress, "train_hnn"))


def _hamiltonian(self, x):
    """H_θ(x): x (dim,) → float, or (n, dim) → (n,) in x's dtype (float32 or float64). 'hnn' models only."""
    return self._hamiltonian(_arr(x))


def _time_derivative(self, x):
    """The learned field dx/dt at x (dim,) or (n, dim) (same shape and dtype): the symplectic gradient
    (∂H_θ/∂p, −∂H_θ/∂q) for 'hnn' models, the MLP's output for the 'mlp' baseline."""
    return self._time_derivative(_arr(x))


def _integrate(self, x0, times, *, method: str = "rk45", rtol: float = 1e-10, atol: float = 1e-12, substeps: int = 10,
               progress=None):
    """Integrate the learned field from x0 (dim,) or (S, dim) to ``times`` (T,), strictly increasing,
    x(times[0]) = x0. Returns (T, dim) or (S, T, dim) in x0's dtype. method "rk45" (adaptive Dormand–Prince with
    rtol, atol: the HNN energy protocol) or "rk4" (``substeps`` equal steps between saved times)."""
    from . import _progress
    return self._integrate(_arr(x0), np.asarray(times, dtype=np.float64), method, float(rtol), float(atol),
                           int(substeps), _progress(progress, "integrate"))


HnnModel._hamiltonian = HnnModel.hamiltonian
HnnModel.hamiltonian = _hamiltonian
HnnModel._time_derivative = HnnModel.time_derivative
HnnModel.time_derivative = _time_derivative
HnnModel._integrate = HnnModel.integrate
HnnModel.integrate = _integrate
