"""test_bulk.py — box, periodic, species and images of bulk trajectories (docs/BULK.md) in noether.Trajectory: exposed
(None when absent), load/save byte-identical with the CLI's file, validated with errors naming the key."""
import json

import numpy as np
import pytest

import noether
from conftest import small_config

# A tiny binary Lennard-Jones mixture in a periodic box: 32 particles (fcc 2x2x2), 3 saved frames.
BULK = {
    "system": {"potential": "lennard_jones", "smoothing": "switch", "pairs": [
        {"species": [0, 0], "epsilon": 1.0, "sigma": 1.0, "cutoff": 1.6, "r_on": 1.4},
        {"species": [0, 1], "epsilon": 1.5, "sigma": 0.8, "cutoff": 1.6, "r_on": 1.4},
        {"species": [1, 1], "epsilon": 0.5, "sigma": 0.88, "cutoff": 1.6, "r_on": 1.4}]},
    "initial_state": {"sampler": "fcc", "cells": 2, "density": 0.8, "temperature": 1.0, "seed": 3},
    "species": {"pattern": [0, 0, 0, 1]},
    "integrator": {"method": "verlet", "dt": 0.005, "stride": 5, "frames": 3},
    "device": "cpu",
}


@pytest.fixture(scope="module")
def bulk_file(tmp_path_factory, cli):
    d = tmp_path_factory.mktemp("bulk")
    cfg = d / "bulk.json"
    cfg.write_text(json.dumps(BULK))
    cli("simulate", cfg, "-o", d / "cli.npz", "-q")
    return d / "cli.npz"


def test_bulk_keys_exposed(bulk_file):
    t = noether.Trajectory.load(bulk_file)
    B, T, N, D = t.shape
    assert (T, N, D) == (3, 32, 3)
    assert t.box.shape == (3,) and t.box.dtype == np.float64 and np.all(t.box > 0)
    assert t.periodic.dtype == bool and t.periodic.all()
    assert t.species.dtype == np.int64 and t.species.shape == (32,)
    np.testing.assert_array_equal(t.species[:8], [0, 0, 0, 1, 0, 0, 0, 1])
    assert t.images.shape == t.positions.shape and t.images.dtype == np.int64
    with np.load(bulk_file) as z:
        np.testing.assert_array_equal(z["box"], t.box)
        np.testing.assert_array_equal(z["species"], t.species)
    unwrapped = t.positions + t.images * t.box
    assert np.abs(unwrapped[:, 1] - unwrapped[:, 0]).max() < 0.5  # no jumps of a box length between frames


def test_bulk_load_save_is_byte_identical(bulk_file, tmp_path):
    t = noether.Trajectory.load(bulk_file)
    keys = list(t.keys())
    assert keys.index("box") < keys.index("periodic") < keys.index("species") < keys.index("images")
    t.save(tmp_path / "again.npz")
    assert (tmp_path / "again.npz").read_bytes() == bulk_file.read_bytes()


def test_python_simulate_bulk_matches_cli(bulk_file, tmp_path):
    t = noether.simulate(BULK)
    np.testing.assert_array_equal(t.species, noether.Trajectory.load(bulk_file).species)
    t.save(tmp_path / "py.npz")
    assert (tmp_path / "py.npz").read_bytes() == bulk_file.read_bytes()


def test_constructed_bulk_trajectory_round_trips(bulk_file, tmp_path):
    t = noether.Trajectory.load(bulk_file)
    keep = {k: v for k, v in t.arrays.items() if k not in ("box", "periodic", "species", "images")}
    u = noether.Trajectory(arrays=keep, box=t.box, periodic=t.periodic, species=t.species.astype(np.int32),
                           images=t.images)
    assert u.species.dtype == np.int64 and u.arrays["species"].dtype == np.float64  # stored as the CLI stores it
    u.save(tmp_path / "built.npz")
    assert (tmp_path / "built.npz").read_bytes() == bulk_file.read_bytes()


def test_absent_bulk_keys_are_none():
    t = noether.simulate(small_config())
    assert t.box is None and t.periodic is None and t.species is None and t.images is None


@pytest.mark.parametrize("key,value,message", [
    ("box", np.ones(2), r"box: expected shape \(D,\) = \(3,\), got \(2,\)"),
    ("box", np.ones((2, 3)), r"box: expected shape \(D,\)"),
    ("box", np.array([1.0, 0.0, 1.0]), "box: expected edge lengths > 0"),
    ("box", np.array([1.0, np.inf, 1.0]), "box: expected finite values"),
    ("box", np.array(["a", "b", "c"]), "box: expected a real or integer array, got dtype <U1"),
    ("species", np.zeros(4, np.int64), r"species: expected shape \(N,\) = \(3,\), got \(4,\)"),
    ("species", np.array([0.0, 0.5, 1.0]), "species: expected integer values"),
    ("species", np.array([0, 1, 64]), r"species: expected integers in \[0, 64\)"),
    ("species", np.array([0, -1, 0]), r"species: expected integers in \[0, 64\)"),
    ("periodic", np.array([1, 2, 1]), "periodic: expected 0/1"),
    ("images", np.zeros((1, 2, 3)), "images: expected the shape of positions"),
    ("images", None, "images: expected integer values"),
])
def test_bulk_validation_names_the_key(key, value, message):
    q = np.zeros((2, 4, 3, 3))
    kw = {"box": np.full(3, 5.0)} if key in ("periodic",) else {}
    if value is None:
        value = np.full(q.shape, 0.5)
    with pytest.raises(noether.ArgumentError, match=message):
        noether.Trajectory(positions=q, velocities=q, masses=np.ones(3), times=np.arange(4.0), **kw, **{key: value})


def test_periodic_without_box_is_an_error():
    q = np.zeros((1, 2, 3, 3))
    with pytest.raises(ValueError, match="periodic: given without box"):
        noether.Trajectory(positions=q, periodic=np.ones(3))


def test_malformed_bulk_file_names_the_key(tmp_path):
    q = np.zeros((1, 2, 3, 3))
    np.savez(tmp_path / "bad.npz", positions=q, velocities=q, masses=np.ones(3), times=np.arange(2.0),
             species=np.array([0, 1]))
    with pytest.raises(noether.ArgumentError, match=r"species: expected shape \(N,\) = \(3,\), got \(2,\)"):
        noether.Trajectory.load(tmp_path / "bad.npz")
