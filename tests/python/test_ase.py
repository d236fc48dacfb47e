"""test_ase.py — noether.ase.Calculator (skipped when ASE is not importable): forces and energy are noether's own
(model.forces; the bulk path's minimum image in periodic cells), ASE VelocityVerlet runs conserve energy (open
space: second order in dt; a periodic Lennard-Jones crystal), and the errors (pbc without a cutoff, a skewed cell, a
cell under 2 cutoffs, bad cutoff keys, stress)."""
import subprocess
import sys

import numpy as np
import pytest

import noether

ase = pytest.importorskip("ase")
from ase import Atoms  # noqa: E402
from ase import units  # noqa: E402
from ase.md.verlet import VelocityVerlet  # noqa: E402

from noether.ase import Calculator  # noqa: E402

SPRING = {"potential": "linear_spring", "k": 1.0, "r0": 1.0}


def cluster(n=4, seed=0):
    """n atoms near the vertices of a regular tetrahedron-ish cluster of edge ~1 (the spring's rest length)."""
    rng = np.random.default_rng(seed)
    base = np.array([[0, 0, 0], [1, 0, 0], [0.5, 0.87, 0], [0.5, 0.29, 0.82], [0.5, 0.29, -0.82]], float)[:n]
    return Atoms("H" * n, positions=base + rng.normal(0, 0.05, (n, 3)))


def test_import_noether_does_not_import_ase():
    code = "import sys, noether; assert 'ase' not in sys.modules; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"


def test_forces_and_energy_equal_model_forces(trained):
    model = trained[0]
    atoms = Atoms("H3", positions=[[0, 0, 0], [1.0, 0.1, 0], [0.4, 0.9, 0.1]])
    atoms.calc = Calculator(model)
    F_ref, U_ref = model.forces(atoms.get_positions(), atoms.get_masses())
    F = atoms.get_forces()
    assert F.shape == (3, 3)
    np.testing.assert_allclose(F, F_ref, rtol=1e-12, atol=1e-12)
    assert atoms.get_potential_energy() == pytest.approx(U_ref, rel=1e-12, abs=1e-12)
    assert np.abs(F.sum(0)).max() < 1e-12  # Newton's third law


@pytest.mark.parametrize("kind", ["law", "table", "path"])
def test_other_potentials(kind, trained):
    model, _, model_path, _ = trained
    potential = {"law": SPRING, "table": model.tabulate(tolerance=1e-6), "path": model_path}[kind]
    atoms = cluster(3)
    atoms.calc = Calculator(potential)
    ref = noether.law(potential).forces(atoms.get_positions(), atoms.get_masses())
    np.testing.assert_allclose(atoms.get_forces(), ref[0], rtol=1e-12, atol=1e-12)


def test_spring_energy_is_the_closed_form():
    atoms = cluster(4)
    atoms.calc = Calculator(SPRING)
    q = atoms.get_positions()
    r = np.linalg.norm(q[:, None] - q[None], axis=-1)[np.triu_indices(4, 1)]
    assert atoms.get_potential_energy() == pytest.approx(0.5 * ((r - 1.0) ** 2).sum(), rel=1e-13)


def verlet_energy_error(dt_fs, t_fs=200.0):
    """Largest |E(t) − E(0)| / E(0) of an ASE VelocityVerlet run of a 5-atom spring cluster over t_fs."""
    atoms = cluster(5, seed=1)
    atoms.calc = Calculator(SPRING)
    rng = np.random.default_rng(2)
    v = rng.normal(0, 0.02, (5, 3))
    atoms.set_velocities(v - v.mean(0))
    E0 = atoms.get_total_energy()
    energies = []
    dyn = VelocityVerlet(atoms, timestep=dt_fs * units.fs)
    dyn.attach(lambda: energies.append(atoms.get_total_energy()), interval=5)
    dyn.run(int(round(t_fs / dt_fs)))
    assert atoms.get_kinetic_energy() > 0.1 * E0  # it moved
    return np.abs(np.array(energies) - E0).max() / E0


def test_velocity_verlet_conserves_energy():
    coarse, fine = verlet_energy_error(0.2), verlet_energy_error(0.1)
    assert fine < 1e-4, fine            # bounded (E0 ~ 0.25 eV; a sign error in F would grow it to O(1))
    assert 3.0 < coarse / fine < 5.0, (coarse, fine)   # and second order in dt, as velocity Verlet must be


def test_cutoff_path_equals_open_space_law():
    """A cutoff beyond every distance with no smoothing: the bulk path gives the open-space forces."""
    atoms = cluster(5, seed=3)
    atoms.calc = Calculator(SPRING, cutoff=50.0, smoothing="none")
    F_ref, U_ref = noether.law(SPRING).forces(atoms.get_positions(), atoms.get_masses())
    np.testing.assert_allclose(atoms.get_forces(), F_ref, rtol=1e-12, atol=1e-13)
    assert atoms.get_potential_energy() == pytest.approx(U_ref, rel=1e-12)
    assert atoms.calc.results["pair_virial"] != 0


def test_periodic_cell_uses_the_minimum_image():
    L = 5.0
    atoms = Atoms("H2", positions=[[0.2, 1.0, 4.9], [4.7, 1.1, 0.3]], cell=[L, L, L], pbc=True)
    atoms.calc = Calculator(SPRING, cutoff=2.0, smoothing="none")
    near = np.array([[0.2, 1.0, 4.9], [-0.3, 1.1, 5.3]])  # the same pair as its nearest images, in open space
    F_ref, U_ref = noether.law(SPRING).forces(near, atoms.get_masses())
    np.testing.assert_allclose(atoms.get_forces(), F_ref, rtol=1e-12, atol=1e-13)
    assert atoms.get_potential_energy() == pytest.approx(U_ref, rel=1e-12)
    atoms.pbc = [True, True, False]  # z open: the pair is 4.6 apart along z, beyond the cutoff
    assert atoms.get_potential_energy() == 0.0 and not atoms.get_forces().any()


def lj_energy_error(dt_fs, t_fs=150.0):
    """Largest |E(t) − E(0)| of an ASE VelocityVerlet run of a periodic Lennard-Jones fcc crystal (108 atoms, edge
    4.8 >= 2 cutoff) at ~2000 K, and its final kinetic energy."""
    from ase.build import bulk

    atoms = bulk("Ar", "fcc", a=1.6, cubic=True) * (3, 3, 3)
    atoms.calc = Calculator({"potential": "lennard_jones", "epsilon": 1.0, "sigma": 1.0, "cutoff": 2.2, "r_on": 1.9})
    m = atoms.get_masses()[:, None]
    p = np.sqrt(m * 2000 * units.kB) * np.random.default_rng(4).normal(size=(len(atoms), 3))
    atoms.set_momenta(p - m * p.sum(0) / m.sum())
    E0 = atoms.get_total_energy()
    energies = []
    dyn = VelocityVerlet(atoms, timestep=dt_fs * units.fs)
    dyn.attach(lambda: energies.append(atoms.get_total_energy()), interval=1)
    dyn.run(int(round(t_fs / dt_fs)))
    assert np.abs(atoms.get_forces().sum(0)).max() < 1e-10
    return np.abs(np.array(energies) - E0).max(), atoms.get_kinetic_energy()


def test_periodic_lennard_jones_verlet_conserves_energy():
    coarse, _ = lj_energy_error(1.0)
    fine, K = lj_energy_error(0.5)
    assert K > 5 and fine < 1e-2 * K, (fine, K)   # E0 ~ −734 eV, K ~ 14 eV
    assert 3.0 < coarse / fine < 5.0, (coarse, fine)


def test_periodic_errors_and_stress():
    atoms = cluster(3)
    atoms.set_cell([5, 5, 5])
    atoms.pbc = True
    atoms.calc = Calculator(SPRING)
    with pytest.raises(noether.ArgumentError, match=r"atoms.pbc = \[True, True, True\]: a periodic cell needs a cutoff"):
        atoms.get_forces()
    atoms.calc = Calculator(SPRING, cutoff=3.0, smoothing="none")
    with pytest.raises(noether.ArgumentError, match=r"box\[0\] = 5.0+: a periodic edge must be >= 2 \* cutoff"):
        atoms.get_forces()
    atoms.set_cell([[5, 0, 0], [1, 5, 0], [0, 0, 5]])
    atoms.calc = Calculator(SPRING, cutoff=2.0, smoothing="none")
    with pytest.raises(noether.ArgumentError, match="atoms.cell: noether's periodic boxes are orthorhombic"):
        atoms.get_forces()
    with pytest.raises(noether.ArgumentError, match="cutoff: smoothing"):
        Calculator(SPRING, cutoff=2.0, smoothing="cubic")
    with pytest.raises(noether.ArgumentError, match="r_on: missing"):
        Calculator(SPRING, cutoff=2.0)
    atoms.pbc = False
    from ase.calculators.calculator import PropertyNotImplementedError
    with pytest.raises(PropertyNotImplementedError):
        atoms.get_stress()
    assert atoms.get_forces().shape == (3, 3)


def test_bad_potential_is_an_argument_error():
    with pytest.raises(noether.ArgumentError, match="law: expected a PairPotentialModel"):
        Calculator(42)
