"""noether.ase — an ASE calculator over noether's pair laws (a learned PairPotentialModel, a PairTable, or an analytic
law), so that ASE's dynamics, optimisers and analysis use noether's own force code (physics/forces.hpp through
PairLaw.forces). Optional: ``import noether`` never imports ASE; this module needs it (``pip install ase``).

    from noether.ase import Calculator
    atoms.calc = Calculator(model)                 # or a PairTable, a PairLaw, {"potential": "linear_spring", ...}
    atoms.get_potential_energy(), atoms.get_forces()   # float, (N, 3)

Units: noether is unit-free; ASE reads the energy as eV, positions as Å and masses as amu, so V(r) is taken in eV
with r in Å. Masses (atoms.get_masses()) matter only to laws that use them (gravity: V = −G m_i m_j / r).
Open space only: every pair interacts once, with no periodic images. Atoms with any periodic axis (``atoms.pbc``)
are refused with an error, and there is no stress: noether's periodic path needs a cutoff and the config's bulk
spec, and its virial is the scalar W = Σ d_ij · F_ij, not the stress tensor ASE asks for.
"""
from __future__ import annotations

try:
    from ase.calculators.calculator import Calculator as _AseCalculator
    from ase.calculators.calculator import PropertyNotImplementedError, all_changes
except ImportError as e:  # pragma: no cover - exercised only without ase
    raise ImportError("noether.ase needs ASE (pip install ase); the rest of noether does not") from e

import numpy as np

from . import ArgumentError, law

__all__ = ["Calculator"]


class Calculator(_AseCalculator):
    """ASE calculator: ``energy`` (= ``free_energy``) and ``forces`` of a noether pair law on non-periodic atoms.

    ``potential``: a PairPotentialModel, a PairTable, a PairLaw, a model/table file path, or a config's "system"
    dict (e.g. {"potential": "linear_spring", "k": 1.0, "r0": 1.0}). The forces are exactly
    ``potential.forces(atoms.get_positions(), atoms.get_masses())``, shape (N, 3) float64.
    """

    implemented_properties = ["energy", "free_energy", "forces"]

    def __init__(self, potential, **kwargs):
        super().__init__(**kwargs)
        self.law = law(potential)

    def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes):
        super().calculate(atoms, properties, system_changes)
        if "stress" in properties:
            raise PropertyNotImplementedError(
                "noether.ase.Calculator: no stress (open-space pair laws only; noether's bulk virial is a scalar)")
        if any(self.atoms.pbc):
            raise ArgumentError(
                f"atoms.pbc: noether.ase.Calculator supports open space only (pbc all False), got pbc = "
                f"{list(map(bool, self.atoms.pbc))}: periodic images would need a cutoff and noether's bulk path, "
                "which this calculator does not wrap")
        q = np.ascontiguousarray(self.atoms.get_positions(), dtype=np.float64)
        m = np.ascontiguousarray(self.atoms.get_masses(), dtype=np.float64)
        F, U = self.law.forces(q, m)
        self.results = {"energy": float(U), "free_energy": float(U), "forces": F}

    def __repr__(self):
        return f"noether.ase.Calculator({self.law.name})"
