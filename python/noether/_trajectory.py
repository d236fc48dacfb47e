"""noether._trajectory — Trajectory: the arrays of a trajectory file (docs/FORMATS.md) as NumPy arrays.

Shapes: B trajectories, T saved frames, N particles, D = 2 or 3 dimensions.
    positions, velocities, accelerations  (B, T, N, D)   float32 or float64
    masses                                (B, N) or (N,)
    times                                 (T,)           float64
    kinetic_energy, potential_energy, lagrangian, hamiltonian  (B, T)   float64
    linear_momentum (B, T, D); angular_momentum (B, T) in 2-D, (B, T, 3) in 3-D   float64
"""
from __future__ import annotations

import os

import numpy as np

from . import _core

# The order `noether simulate` writes the arrays in (io/trajectory.cpp); other keys follow alphabetically.
KEY_ORDER = ("positions", "velocities", "accelerations", "masses", "times", "kinetic_energy",
             "potential_energy", "lagrangian", "hamiltonian", "linear_momentum", "angular_momentum")


class Trajectory:
    """A batch of trajectories: ``positions``/``velocities`` (B, T, N, D), ``masses`` (B, N) or (N,),
    ``times`` (T,), and whatever else the file holds (accelerations, observables) in ``arrays``.

    ``Trajectory.load(path)`` reads a ``.npz`` written by the CLI or NumPy; ``save(path)`` writes the same
    bytes the CLI writes for the same arrays (uncompressed, float32 arrays stay float32).
    """

    __slots__ = ("arrays",)

    def __init__(self, positions=None, velocities=None, masses=None, times=None, *, arrays=None, **more):
        self.arrays: dict[str, np.ndarray] = {}
        given = dict(arrays or {})
        for k, v in (("positions", positions), ("velocities", velocities), ("masses", masses), ("times", times)):
            if v is not None:
                given[k] = v
        given.update(more)
        for k in KEY_ORDER:
            if k in given:
                self.arrays[k] = np.asarray(given.pop(k))
        for k in sorted(given):
            self.arrays[k] = np.asarray(given[k])

    @classmethod
    def _from_pairs(cls, pairs):
        t = cls.__new__(cls)
        t.arrays = dict(pairs)
        return t

    @classmethod
    def load(cls, path) -> "Trajectory":
        """Read a trajectory ``.npz`` (float32 members stay float32, other dtypes become float64)."""
        path = os.fspath(path)
        return cls(arrays=_core.read_npz(path))

    def save(self, path) -> None:
        """Write the arrays as an uncompressed ``.npz``, in the CLI's key order, atomically."""
        _core.write_npz(os.fspath(path), list(self.arrays.items()))

    def _pairs(self):
        return list(self.arrays.items())

    def __getattr__(self, name):
        if name == "arrays":
            raise AttributeError(name)
        try:
            return self.arrays[name]
        except KeyError:
            raise AttributeError(f"Trajectory has no array '{name}' (it has {', '.join(self.arrays)})") from None

    def __getitem__(self, key):
        return self.arrays[key]

    def keys(self):
        return self.arrays.keys()

    @property
    def shape(self):
        """(B, T, N, D) of positions."""
        return tuple(self.arrays["positions"].shape)

    def initial_state(self, frame: int = 0):
        """(positions, velocities, masses) of one frame: (B, N, D), (B, N, D), masses as stored."""
        return (np.ascontiguousarray(self.arrays["positions"][:, frame]),
                np.ascontiguousarray(self.arrays["velocities"][:, frame]), self.arrays["masses"])

    def __repr__(self):
        B, T, N, D = self.shape if "positions" in self.arrays else (0, 0, 0, 0)
        dt = self.arrays["positions"].dtype if "positions" in self.arrays else None
        return f"<noether.Trajectory {B} x {T} frames x {N} particles x {D}D {dt}>"
