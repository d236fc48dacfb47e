"""noether._trajectory — Trajectory: the arrays of a trajectory file (docs/FORMATS.md) as NumPy arrays.

Shapes: B trajectories, T saved frames, N particles, D = 2 or 3 dimensions.
    positions, velocities, accelerations  (B, T, N, D)   float32 or float64
    masses                                (B, N) or (N,)
    times                                 (T,)           float64
    kinetic_energy, potential_energy, lagrangian, hamiltonian  (B, T)   float64
    linear_momentum (B, T, D); angular_momentum (B, T) in 2-D, (B, T, 3) in 3-D   float64
Bulk runs (docs/BULK.md; absent = open space, one species):
    box (D,) edge lengths > 0; periodic (D,) 1/0 per axis; species (N,) integers in [0, 64);
    images (B, T, N, D) integer image counters (unwrapped = positions + images * box)
    stored as float64 like the CLI's files; the properties give box (float64), periodic (bool), species and
    images (int64), or None when absent.
"""
from __future__ import annotations

import os

import numpy as np

from . import _core
from ._core import ArgumentError

# The order `noether simulate` writes the arrays in (io/trajectory.cpp); other keys follow alphabetically.
KEY_ORDER = ("positions", "velocities", "accelerations", "masses", "times", "kinetic_energy",
             "potential_energy", "lagrangian", "hamiltonian", "linear_momentum", "angular_momentum",
             "box", "periodic", "species", "images", "msd", "virial", "temperature", "pressure", "rdf", "rdf_r",
             "cutoff", "r_on", "smoothing", "support_range", "support_visits")

# Bulk keys stored as integer values (float64 in the file, as the CLI writes them).
_INTEGER_KEYS = ("periodic", "species", "images")
MAX_SPECIES = 64  # physics/bulk.hpp: species indices in [0, 64)


def _check_bulk(arrays):
    """Validate (and convert to float64) box, periodic, species and images in place; ArgumentError naming the key."""
    pos = arrays.get("positions")
    D = pos.shape[-1] if pos is not None and pos.ndim == 4 else None
    N = pos.shape[2] if pos is not None and pos.ndim == 4 else None
    for key in ("box", "periodic", "species", "images"):
        if key not in arrays:
            continue
        a = arrays[key]
        if a.dtype.kind not in "fiub":
            raise ArgumentError(f"{key}: expected a real or integer array, got dtype {a.dtype}")
        if key in ("box", "periodic"):
            want = (D,) if D is not None else None
            if a.ndim != 1 or (want is not None and a.shape != want):
                raise ArgumentError(f"{key}: expected shape (D,) = {want or '(D,)'}, got {a.shape}")
        elif key == "species":
            if a.ndim != 1 or (N is not None and a.shape != (N,)):
                raise ArgumentError(f"species: expected shape (N,) = ({N},), got {a.shape}")
        elif pos is not None and a.shape != pos.shape:
            raise ArgumentError(f"images: expected the shape of positions {pos.shape}, got {a.shape}")
        f = np.ascontiguousarray(a, dtype=np.float64)
        if not np.all(np.isfinite(f)):
            raise ArgumentError(f"{key}: expected finite values")
        if key == "box" and not np.all(f > 0):
            raise ArgumentError(f"box: expected edge lengths > 0, got {f.tolist()}")
        if key in _INTEGER_KEYS and not np.all(f == np.floor(f)):
            raise ArgumentError(f"{key}: expected integer values")
        if key == "periodic" and not np.all((f == 0) | (f == 1)):
            raise ArgumentError("periodic: expected 0/1 (or bool) per axis")
        if key == "species" and not np.all((f >= 0) & (f < MAX_SPECIES)):
            raise ArgumentError(f"species: expected integers in [0, {MAX_SPECIES}), got min {f.min():g}, max {f.max():g}")
        arrays[key] = f
    if "periodic" in arrays and "box" not in arrays:
        raise ArgumentError("periodic: given without box")


class Trajectory:
    """A batch of trajectories: ``positions``/``velocities`` (B, T, N, D), ``masses`` (B, N) or (N,),
    ``times`` (T,), and whatever else the file holds (accelerations, observables) in ``arrays``.

    ``Trajectory.load(path)`` reads a ``.npz`` written by the CLI or NumPy; ``save(path)`` writes the same
    bytes the CLI writes for the same arrays (uncompressed, float32 arrays stay float32).

    Bulk runs: ``box`` (D,), ``periodic`` (D,), ``species`` (N,), ``images`` (B, T, N, D) — keyword arguments or
    file keys, validated (shape, finiteness, integer values; errors name the key); the properties return None
    when absent.
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
        _check_bulk(self.arrays)

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

    @property
    def box(self):
        """Box edge lengths (D,) float64, or None (open space)."""
        return self.arrays.get("box")

    @property
    def periodic(self):
        """Periodic flag per axis (D,) bool (all True when the file has a box but no 'periodic'), or None."""
        if "box" not in self.arrays:
            return None
        p = self.arrays.get("periodic")
        return np.ones(self.arrays["box"].shape, bool) if p is None else p != 0

    @property
    def species(self):
        """Species index per particle (N,) int64, or None (one species)."""
        s = self.arrays.get("species")
        return None if s is None else s.astype(np.int64)

    @property
    def images(self):
        """Periodic image counters (B, T, N, D) int64, or None; unwrapped positions = positions + images * box."""
        i = self.arrays.get("images")
        return None if i is None else i.astype(np.int64)

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
