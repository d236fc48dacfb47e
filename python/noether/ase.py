"""noether.ase — an ASE calculator over noether's pair laws (a learned PairPotentialModel, a PairTable, or an analytic
law), so that ASE's dynamics, optimisers and analysis use noether's own force code. Optional: ``import noether``
never imports ASE; this module needs it (``pip install ase``).

    from noether.ase import Calculator
    atoms.calc = Calculator(model)                 # or a PairTable, a PairLaw, {"potential": "linear_spring", ...}
    atoms.get_potential_energy(), atoms.get_forces()   # float, (N, 3)
    atoms.calc = Calculator(model, cutoff=2.5, r_on=2.0)   # periodic cells (orthorhombic): needs a cutoff

Two engine paths, no force code here:
  * no cutoff, no periodic axis: every pair once in open space, PairLaw.forces (physics/forces.hpp);
  * a cutoff (``cutoff``, ``smoothing`` "switch" | "shifted_force" | "none", ``r_on``: docs/BULK.md) or periodic axes
    (``atoms.pbc``, orthorhombic cell, each periodic edge >= 2 cutoff): the bulk path (physics/bulk.hpp, minimum
    image) through noether._core.bulk_forces.
Units: noether is unit-free; ASE reads the energy as eV, positions as Å and masses as amu, so V(r) is taken in eV
with r in Å. Masses (atoms.get_masses()) matter only to laws that use them (gravity: V = −G m_i m_j / r).
No stress: the engine's virial is the scalar W = Σ_{i<j} d_ij · F_ij (kept in ``calc.results["pair_virial"]``),
not the tensor ASE's stress needs.
"""
from __future__ import annotations

try:
    from ase.calculators.calculator import Calculator as _AseCalculator
    from ase.calculators.calculator import PropertyNotImplementedError, all_changes
except ImportError as e:  # pragma: no cover - exercised only without ase
    raise ImportError("noether.ase needs ASE (pip install ase); the rest of noether does not") from e

import json

import numpy as np

from . import ArgumentError, _core, law

__all__ = ["Calculator"]

_CUTOFF_KEYS = ("cutoff", "smoothing", "r_on")


class Calculator(_AseCalculator):
    """ASE calculator: ``energy`` (= ``free_energy``) and ``forces`` (N, 3) of a noether pair law.

    ``potential``: a PairPotentialModel, a PairTable, a PairLaw, a model/table file path, or a config's "system"
    dict (e.g. {"potential": "lennard_jones", "epsilon": 1, "sigma": 1, "cutoff": 2.5, "r_on": 2.0}; its cutoff
    keys act like the arguments). ``cutoff``, ``smoothing``, ``r_on``: a cutoff as in docs/BULK.md (required for
    periodic cells). Without a cutoff the forces are exactly
    ``potential.forces(atoms.get_positions(), atoms.get_masses())``.
    """

    implemented_properties = ["energy", "free_energy", "forces"]

    def __init__(self, potential, *, cutoff: float | None = None, smoothing: str | None = None,
                 r_on: float | None = None, **kwargs):
        super().__init__(**kwargs)
        cut = {}
        if isinstance(potential, dict):
            potential = dict(potential)
            cut = {k: potential.pop(k) for k in _CUTOFF_KEYS if k in potential}
        for k, v in (("cutoff", cutoff), ("smoothing", smoothing), ("r_on", r_on)):
            if v is not None:
                cut[k] = v
        self.law = law(potential)
        self.cutoff = cut
        self._cutoff_json = json.dumps(cut)
        if cut:  # the engine checks the keys now, not at the first step
            _core.bulk_forces(self.law, self._cutoff_json, np.zeros((1, 3)), np.ones(1), np.ones(3), np.zeros(3))

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        if "stress" in properties:
            raise PropertyNotImplementedError(
                "noether.ase.Calculator: no stress (the engine's virial is a scalar, not the stress tensor)")
        q = np.ascontiguousarray(self.atoms.get_positions(), dtype=np.float64)
        m = np.ascontiguousarray(self.atoms.get_masses(), dtype=np.float64)
        pbc = np.asarray(self.atoms.pbc, dtype=bool)
        if not pbc.any() and not self.cutoff:
            F, U = self.law.forces(q, m)
            self.results = {"energy": float(U), "free_energy": float(U), "forces": F}
            return
        cell = np.asarray(self.atoms.cell[:], dtype=np.float64)
        if pbc.any():
            if not self.cutoff:
                raise ArgumentError(f"atoms.pbc = {pbc.tolist()}: a periodic cell needs a cutoff "
                                    "(Calculator(..., cutoff=r_c, r_on=...)); only the minimum image is summed")
            if np.any(cell - np.diag(np.diag(cell))):
                raise ArgumentError("atoms.cell: noether's periodic boxes are orthorhombic (a diagonal cell), got "
                                    f"{cell.tolist()}")
        F, U, W = _core.bulk_forces(self.law, self._cutoff_json, q, m, np.ascontiguousarray(np.diag(cell)),
                                    pbc.astype(np.float64))
        self.results = {"energy": float(U), "free_energy": float(U), "forces": F, "pair_virial": float(W)}

    def __repr__(self):
        extra = "".join(f", {k}={v!r}" for k, v in self.cutoff.items())
        return f"noether.ase.Calculator({self.law.name}{extra})"
