"""test_lammps.py — noether's Lennard-Jones bulk path against LAMMPS (Debian's `lammps` package, `lmp`), the trusted
engine of issue 17: the same periodic configuration gives the same energy, forces and virial pressure to round-off,
and a short NVE run agrees to the integrators' round-off (both are velocity Verlet with the same step).

Laws compared (docs/BULK.md "Cutoffs and smoothing" against the LAMMPS pair styles):
  * smoothing "none"          = `pair_style lj/cut`            (plain truncation at r_c, no energy shift);
  * smoothing "shifted_force" = `pair_style lj/smooth/linear`  (V(r) − V(r_c) − (r − r_c) V'(r_c)).
The C² "switch" has no LAMMPS twin (`lj/gromacs`, `lj/charmm` switch different polynomials) and is not compared.

Pressure: LAMMPS's `press` = (N_f k_B T + Σ_{i<j} r_ij · f_ij / 1) / (3 V) with N_f k_B T = 2 K, i.e. noether's
(2K + W) / (D V) (docs/FORMATS.md). Energies with `thermo_modify norm no` (totals, not per atom).
Skips when `lmp` is missing (scripts/test_python.sh installs the package, so CI runs these tests).
"""
import os
import shutil
import subprocess

import numpy as np
import pytest

import noether

LMP = shutil.which("lmp")
pytestmark = pytest.mark.skipif(LMP is None, reason="LAMMPS (lmp) not installed; scripts/test_python.sh installs it")

RC = 2.5
STYLE = {"none": "lj/cut", "shifted_force": "lj/smooth/linear"}


def perturbed_fcc(cells, density, jitter, seed):
    """An fcc lattice of 4·cells³ particles at `density`, each displaced uniformly in [−jitter, jitter]³, wrapped
    into the periodic cube [0, L)³; returns (positions (N, 3), L)."""
    a = (4.0 / density) ** (1.0 / 3.0)
    basis = np.array([[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5]])
    g = np.stack(np.meshgrid(*[np.arange(cells)] * 3, indexing="ij"), -1).reshape(-1, 1, 3)
    q = ((g + basis[None]) * a).reshape(-1, 3)
    rng = np.random.default_rng(seed)
    L = cells * a
    q = np.mod(q + rng.uniform(-jitter, jitter, q.shape), L)
    return q, L


def write_data(path, q, v, L):
    """A LAMMPS data file (atom_style atomic, one type of mass 1) with positions and velocities at full precision."""
    lines = ["noether -> LAMMPS", "", f"{len(q)} atoms", "1 atom types",
             f"0 {L!r} xlo xhi", f"0 {L!r} ylo yhi", f"0 {L!r} zlo zhi", "", "Masses", "", "1 1.0", "",
             "Atoms # atomic", ""]
    lines += [f"{i + 1} 1 {x!r} {y!r} {z!r}" for i, (x, y, z) in enumerate(q)]
    lines += ["", "Velocities", ""] + [f"{i + 1} {x!r} {y!r} {z!r}" for i, (x, y, z) in enumerate(v)]
    path.write_text("\n".join(lines) + "\n")


def run_lammps(tmp, q, v, L, smoothing, steps=0, dt=0.005):
    """Run `lmp` on (q, v) in the cube of edge L with the LJ law (ε = σ = 1, r_c = 2.5) and `steps` NVE steps.
    Returns the thermo rows {step: (pe, ke, press)} and the last dump's unwrapped positions and forces (N, 3)."""
    write_data(tmp / "data.lmp", q, v, L)
    script = f"""units lj
atom_style atomic
boundary p p p
read_data data.lmp
pair_style {STYLE[smoothing]} {RC}
pair_coeff 1 1 1.0 1.0 {RC}
neighbor 0.3 bin
neigh_modify every 1 delay 0 check yes
timestep {dt}
fix 1 all nve
thermo_style custom step pe ke press
thermo_modify norm no format float %.17g
thermo {max(steps, 1)}
dump 1 all custom {max(steps, 1)} out.dump id xu yu zu fx fy fz
dump_modify 1 sort id format float %.17g
run {steps}
"""
    (tmp / "in.lmp").write_text(script)
    env = dict(os.environ, OMP_NUM_THREADS="1")
    r = subprocess.run([LMP, "-in", "in.lmp", "-log", "log.lammps", "-screen", "none"], cwd=tmp, env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    thermo, rows = {}, False
    for line in (tmp / "log.lammps").read_text().splitlines():
        f = line.split()
        if f[:4] == ["Step", "PotEng", "KinEng", "Press"]:
            rows = True
        elif rows and len(f) == 4 and f[0].isdigit():
            thermo[int(f[0])] = tuple(map(float, f[1:]))
        elif rows and line.startswith("Loop time"):
            rows = False
    dump = (tmp / "out.dump").read_text().splitlines()
    n = len(q)
    last = dump[-n:]
    data = np.array([list(map(float, s.split())) for s in last])
    assert np.array_equal(data[:, 0], np.arange(1, n + 1))
    return thermo, data[:, 1:4], data[:, 4:7]


@pytest.mark.parametrize("smoothing", ["none", "shifted_force"])
def test_energy_forces_and_pressure_equal_lammps(smoothing, tmp_path):
    """500 particles of a perturbed fcc lattice at ρ = 0.8442 (pairs at all distances up to and beyond r_c)."""
    pytest.importorskip("ase")
    from ase import Atoms

    from noether.ase import Calculator

    q, L = perturbed_fcc(5, 0.8442, 0.15, seed=11)
    thermo, _, f_lmp = run_lammps(tmp_path, q, np.zeros_like(q), L, smoothing)
    pe_lmp, _, p_lmp = thermo[0]

    atoms = Atoms(f"Ar{len(q)}", positions=q, cell=[L, L, L], pbc=True, masses=np.ones(len(q)))
    atoms.calc = Calculator({"potential": "lennard_jones", "epsilon": 1.0, "sigma": 1.0}, cutoff=RC,
                            smoothing=smoothing)
    U = atoms.get_potential_energy()
    F = atoms.get_forces()
    W = atoms.calc.results["pair_virial"]
    P = W / (3 * L**3)  # zero velocities: the virial part only

    assert abs(U - pe_lmp) <= 1e-12 * abs(pe_lmp), (U, pe_lmp)
    assert np.abs(F - f_lmp).max() <= 1e-12 * np.abs(f_lmp).max(), np.abs(F - f_lmp).max()
    assert abs(P - p_lmp) <= 1e-12 * abs(p_lmp), (P, p_lmp)


def test_short_nve_run_agrees_with_lammps(tmp_path):
    """Shifted-force LJ (energy-conserving), 500 particles, T ≈ 1.4 velocities, 200 Verlet steps of 0.005: the final
    unwrapped positions, the energies and the pressure agree with LAMMPS's to the round-off a chaotic liquid amplifies
    in 200 steps (measured 1e-13 on positions, 1e-14 on energies; bounds 1e-10)."""
    q, L = perturbed_fcc(5, 0.8442, 0.05, seed=5)
    rng = np.random.default_rng(6)
    v = rng.normal(0.0, 1.2, q.shape)
    v -= v.mean(axis=0)
    steps = 200
    thermo, x_lmp, _ = run_lammps(tmp_path, q, v, L, "shifted_force", steps=steps)

    cfg = {
        "system": {"potential": "lennard_jones", "epsilon": 1.0, "sigma": 1.0, "cutoff": RC,
                   "smoothing": "shifted_force"},
        "initial_state": {"positions": q.tolist(), "velocities": v.tolist(), "masses": 1.0},
        "box": {"lengths": [L, L, L], "periodic": True},
        "neighbor": {"method": "cell", "skin": 0.3},
        "integrator": {"method": "verlet", "dt": 0.005, "stride": steps, "frames": 2},
        "device": "cpu",
    }
    t = noether.simulate(cfg)
    x = t.positions[0, -1] + t.images[0, -1] * t.box
    assert np.abs(x - x_lmp).max() < 1e-10, np.abs(x - x_lmp).max()
    for k, step in ((0, 0), (1, steps)):
        pe, ke, p = thermo[step]
        assert abs(t.potential_energy[0, k] - pe) <= 1e-10 * abs(pe)
        assert abs(t.kinetic_energy[0, k] - ke) <= 1e-10 * abs(ke)
        assert abs(t.pressure[0, k] - p) <= 1e-10 * abs(p)
