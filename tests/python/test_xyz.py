"""test_xyz.py — `noether convert` writes extended XYZ that ASE reads back (issue 17, "formats users open"): the box as
the cell, the periodic axes as pbc, positions, velocities, masses and species per frame, the times (docs/FORMATS.md)."""
import json

import numpy as np
import pytest

from test_bulk import BULK

ase_io = pytest.importorskip("ase.io")


def test_convert_bulk_trajectory_reads_back_in_ase(tmp_path, cli):
    (tmp_path / "bulk.json").write_text(json.dumps(BULK))
    cli("simulate", tmp_path / "bulk.json", "-o", tmp_path / "b.npz", "-q")
    out = cli("convert", tmp_path / "b.npz", "-o", tmp_path / "b.xyz")
    assert "extended XYZ, with the box" in out.stdout
    frames = ase_io.read(tmp_path / "b.xyz", index=":")
    with np.load(tmp_path / "b.npz") as z:
        pos, vel, box, species, times = z["positions"], z["velocities"], z["box"], z["species"], z["times"]
        masses = z["masses"]
    assert len(frames) == pos.shape[1] == 3
    for f, atoms in enumerate(frames):
        np.testing.assert_array_equal(atoms.cell.lengths(), box)
        assert atoms.pbc.all()
        np.testing.assert_array_equal(atoms.get_positions(), pos[0, f])
        np.testing.assert_array_equal(atoms.arrays["noether_species"], species)
        np.testing.assert_array_equal(atoms.get_masses(), masses.reshape(-1)[: len(atoms)])
        assert atoms.info["Time"] == times[f]
        velo = atoms.arrays["velo"] if "velo" in atoms.arrays else atoms.get_velocities()
        np.testing.assert_array_equal(velo, vel[0, f])


def test_convert_open_space_2d_and_bad_arguments(tmp_path, cli):
    cfg = {"system": {"potential": "linear_spring", "k": 1.0, "r0": 1.0},
           "initial_state": {"sampler": "uniform", "trajectories": 2, "particles": 3, "dim": 2, "seed": 1},
           "integrator": {"method": "verlet", "dt": 0.01, "stride": 5, "frames": 4}, "device": "cpu"}
    (tmp_path / "s.json").write_text(json.dumps(cfg))
    cli("simulate", tmp_path / "s.json", "-o", tmp_path / "s.npz", "-q")
    cli("convert", tmp_path / "s.npz", "-o", tmp_path / "s.xyz", "--trajectory", 1, "-q")
    frames = ase_io.read(tmp_path / "s.xyz", index=":")
    with np.load(tmp_path / "s.npz") as z:
        pos = z["positions"]
    assert len(frames) == 4 and not frames[0].pbc.any()
    np.testing.assert_array_equal(frames[2].get_positions()[:, :2], pos[1, 2])
    np.testing.assert_array_equal(frames[2].get_positions()[:, 2], 0.0)
    import subprocess
    with pytest.raises(subprocess.CalledProcessError) as e:
        cli("convert", tmp_path / "s.npz", "-o", tmp_path / "t.xyz", "--trajectory", 2)
    assert "--trajectory: expected 0..1" in e.value.stderr
    assert not (tmp_path / "t.xyz").exists()
    with pytest.raises(subprocess.CalledProcessError) as e:
        cli("convert", tmp_path / "s.npz", "-o", tmp_path / "t.npz")
    assert "-o/--output: expected a file name ending in .xyz" in e.value.stderr
