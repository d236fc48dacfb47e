"""noether — learned interacting-particle dynamics: the C++ engine (CPU, and CUDA when built with it) from Python.

NumPy in, NumPy out (float32 or float64, C-contiguous). Shapes: B trajectories, T frames, N particles, D = 2 or 3.

    traj = noether.simulate("configs/linear_spring_train.json")        # Trajectory, (B, T, N, D) arrays
    model, info = noether.train_mclnn(traj, epochs=200)                 # PairPotentialModel
    V, dV, d2V = model.potential(np.linspace(0.5, 2, 100))              # each (100,)
    out = noether.rollout(model, positions, velocities, masses, dt=0.01, steps=1000, stride=10)
    metrics = noether.evaluate(truth, out)                              # dict, `noether evaluate`'s keys
    hnn, info = noether.train_hnn(noether.hnn_data("mass-spring"), steps=500)   # HnnModel: H_θ(q, p)

Long calls release the GIL, call ``progress(done, total)`` (at most 20 times a second, and at the end) and stop
with KeyboardInterrupt on Ctrl-C. Errors: noether.Error (the CLI's message); bad arguments raise
noether.ArgumentError (also a ValueError); missing input files noether.FileNotFoundError (also the built-in one).
See docs/PYTHON.md.
"""
from __future__ import annotations

import json
import os
import sys

import numpy as np

from . import _core
from ._core import ArgumentError, Error, FileNotFoundError, HnnModel, PairLaw, PairPotentialModel, PairTable
from ._hnn import hnn_data, hnn_energy_mse, hnn_true_energy, hnn_true_field, train_hnn
from ._trajectory import Trajectory

__version__ = _core.__version__
__all__ = ["Error", "ArgumentError", "FileNotFoundError", "Trajectory", "PairLaw", "PairPotentialModel",
           "PairTable", "HnnModel", "simulate", "train_mclnn", "train_hnn", "hnn_data", "hnn_energy_mse",
           "hnn_true_energy", "hnn_true_field", "rollout", "evaluate", "run", "law"]


def _arr(x):
    """NumPy arrays pass through untouched (their dtype and layout are checked by the engine, which names the
    argument); anything else (lists, scalars) becomes an array first."""
    return x if isinstance(x, np.ndarray) else np.asarray(x)


def _progress(progress, what):
    """The callback to hand to the engine: the user's, none (False), or a tqdm bar when stderr is a terminal."""
    if progress is False:
        return None
    if progress is not None:
        return progress
    if not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    bar = {}

    def update(done, total):
        b = bar.get("b")
        if b is None:
            b = bar["b"] = tqdm(total=total, desc=what, leave=False)
        b.update(done - b.n)
        if done >= total:
            b.close()

    return update


def simulate(config, *, device: str = "", progress=None) -> Trajectory:
    """Simulate a ground-truth system: ``config`` is a config file path or a dict of the same JSON (docs/CONFIG.md).

    Returns the Trajectory `noether simulate` would write: positions, velocities, accelerations (B, T, N, D),
    masses (B, N), times (T,) and the observables (B, T[, ...]). ``device``: "auto" | "cpu" | "cuda" (default: the
    config's). Relative paths inside a dict config resolve against the working directory.
    """
    cb = _progress(progress, "simulate")
    if isinstance(config, dict):
        pairs = _core.simulate_json(json.dumps(config), "config", device, cb)
    else:
        pairs = _core.simulate_file(os.fspath(config), device, cb)
    return Trajectory._from_pairs(pairs)


def law(spec) -> PairLaw:
    """A PairLaw from a PairPotentialModel, a PairTable, a PairLaw, a model/table file path, or a dict of a config's
    "system" section (e.g. {"potential": "linear_spring", "k": 1, "r0": 1})."""
    if isinstance(spec, PairLaw):
        return spec
    if isinstance(spec, (PairPotentialModel, PairTable)):
        return spec.law()
    if isinstance(spec, dict):
        return _core.law_from_system(json.dumps(spec), "system")
    if isinstance(spec, (str, os.PathLike)):
        return _core.law_from_file(os.fspath(spec))
    raise ArgumentError(f"law: expected a PairPotentialModel, PairTable, PairLaw, path or system dict, got {type(spec).__name__}")


def rollout(model_or_law, positions, velocities, masses, *, dt: float, steps: int, stride: int = 1,
            method: str = "verlet", float32: bool | None = None, device: str = "auto", progress=None) -> Trajectory:
    """Roll a pair law out from initial states (what `noether rollout` does).

    positions, velocities: (N, D) or (B, N, D), float32 or float64 (the integration precision follows positions
    unless ``float32`` is given); masses: (N,) or (B, N). ``steps`` integration steps of ``dt``, a frame saved every
    ``stride`` steps: the result has T = steps/stride + 1 frames, arrays (B, T, N, D) and the observables.
    ``method``: "verlet" | "rk4" | "rk45"; ``device``: "auto" | "cpu" | "cuda".
    """
    f32 = -1 if float32 is None else int(bool(float32))
    pairs = _core.rollout(law(model_or_law), _arr(positions), _arr(velocities), _arr(masses), float(dt), int(steps), int(stride),
                          method, f32, device, _progress(progress, "rollout"))
    return Trajectory._from_pairs(pairs)


def train_mclnn(trajectory, *, device: str = "auto", progress=None, **options):
    """Learn a pair potential V_θ(r) from a Trajectory's positions (what `noether train --model mclnn` does).

    ``trajectory``: a Trajectory (or a .npz path) with positions, velocities (B, T, N, D), masses, times (T,).
    ``options`` are the keys of a train config section (docs/TRAINING.md): epochs, hidden, lr, horizon, stride,
    batch_size, val_fraction, seed, threads, time_budget_s, init, input_transform, polish, polish_method, ... (unknown
    keys are an error naming the nearest one). The defaults are `noether train`'s: the network sees log r ("input_transform":
    "log"), the force-matching start ("init": "force-match"), then at most 100 epochs of Adam, stopped earlier on a
    validation plateau (patience 200), each segment predicting 3 saved frames ("horizon": 3, or frames − 1 for shorter
    data: info["note"] says so), then at most 200 Levenberg–Marquardt iterations on the full-batch loss ("polish": 200;
    0 = none; "polish_method": "auto" = Levenberg–Marquardt up to 1,200 network parameters, else L-BFGS), kept when
    they lower the validation loss; "init": "random" keeps the 3000-epoch cap.
    Returns (PairPotentialModel, info) with info = {epochs, train_loss, val_loss, seconds, device, horizon, ...} and,
    after a polish, info["polish"] = {method, kept, evaluations, stop, train_loss, val_loss}.
    """
    if not isinstance(trajectory, Trajectory):
        trajectory = Trajectory.load(trajectory)
    keep = ("positions", "velocities", "masses", "times")
    pairs = [(k, v) for k, v in trajectory.arrays.items() if k in keep]
    return _core.train_mclnn(pairs, "trajectory", json.dumps(options), device, _progress(progress, "train"))


def evaluate(truth, pred, *, model: PairPotentialModel | None = None, system: dict | None = None) -> dict:
    """Compare a learned rollout with ground truth from the same initial states (`noether evaluate`'s metrics).

    truth, pred: Trajectory objects (or .npz paths) with positions and the observables. With ``model`` and
    ``system`` (a config's "system" dict: the true law) the learned dV/dr is compared with the truth too.
    Returns {"rollout": {...}} (and "potential") with the keys of `noether evaluate -o metrics.json`.
    """
    t = truth if isinstance(truth, Trajectory) else Trajectory.load(truth)
    p = pred if isinstance(pred, Trajectory) else Trajectory.load(pred)
    return json.loads(_core.evaluate(t._pairs(), p._pairs(), model, json.dumps(system) if system is not None else ""))


def run(config, out_dir, *, quiet: bool = True, progress=None) -> dict:
    """Run a whole experiment (`noether run CONFIG -o OUT_DIR`); returns the metrics.json it wrote as a dict."""
    config, out_dir = os.fspath(config), os.fspath(out_dir)
    _core.run(config, out_dir, quiet, _progress(progress, "run"))
    path = os.path.join(out_dir, "metrics.json")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    return {}


def _model_forces(self, positions, masses):
    """Forces (shape and dtype of positions (N, D) or (B, N, D)) and potential energy (float, or (B,))."""
    return self.law().forces(_arr(positions), _arr(masses))


def _model_potential(self, r):
    """(V, dV/dr, d²V/dr²) at distances r (any shape, float32 or float64; results in r's shape and dtype, evaluated in
    float64 with exact forward jets)."""
    return self._potential(_arr(r))


def _model_tabulate(self, r_min=None, r_max=None, tolerance=1e-5):
    """A PairTable of V on [r_min, r_max] (default: the training pair-distance range in the metadata)."""
    if r_min is None or r_max is None:
        try:
            rng = json.loads(self.metadata)["training"]["pair_distance_range"]
        except (ValueError, KeyError, TypeError):
            raise ArgumentError("tabulate: metadata.training.pair_distance_range is missing; give r_min and r_max") from None
        r_min = rng["min"] if r_min is None else r_min
        r_max = rng["max"] if r_max is None else r_max
    return self._tabulate(float(r_min), float(r_max), float(tolerance))


def _as_jax(self):
    """The MLP as a pure JAX function: returns (V, params) with V(r, params) -> V(r) for jnp arrays r of any shape.

    params = {"weights": [W_1 (out, in), ...], "biases": [...], "in_shift", "in_scale", "out_shift", "out_scale"};
    the input is x = (g(r) − in_shift)/in_scale with g = log when model.input_transform == "log", else g(r) = r.
    jax.grad(V) gives dV/dr. Needs jax (optional).
    """
    from ._jax import as_jax
    return as_jax(self)


PairPotentialModel._potential = PairPotentialModel.potential
PairPotentialModel.potential = _model_potential
PairTable._potential = PairTable.potential
PairTable.potential = _model_potential
PairPotentialModel.forces = _model_forces
PairPotentialModel._tabulate = PairPotentialModel.tabulate
PairPotentialModel.tabulate = _model_tabulate
PairPotentialModel.as_jax = _as_jax
