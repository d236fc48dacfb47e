"""test_leaks.py — 1,000 calls leave no references or memory behind (refcounts, tracemalloc, and the process's RSS)."""
import gc
import sys
import tracemalloc

import numpy as np

import noether

LAW = {"potential": "linear_spring", "k": 1.0, "r0": 1.0}


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4  # resident pages of 4 KiB


def test_no_leak_over_1000_calls(trained):
    model = trained[0]
    law = noether.law(LAW)
    rng = np.random.default_rng(1)
    q = rng.uniform(-2, 2, (2, 20, 3))
    v = np.zeros_like(q)
    m = np.ones((2, 20))
    r = np.linspace(0.5, 2.0, 64)

    def calls():
        out = noether.rollout(law, q, v, m, dt=0.01, steps=4, stride=2)
        V, dV, d2V = model.potential(r)
        F, U = model.forces(q, m)
        return out, V, F

    for _ in range(50):  # warm-up: caches, allocator pools
        calls()
    gc.collect()
    refs = [sys.getrefcount(x) for x in (q, v, m, r, law, model)]
    rss0 = rss_kib()
    tracemalloc.start()
    snap0 = tracemalloc.take_snapshot()
    for _ in range(1000):
        calls()
    gc.collect()
    snap1 = tracemalloc.take_snapshot()
    tracemalloc.stop()
    growth = sum(s.size_diff for s in snap1.compare_to(snap0, "filename"))
    assert [sys.getrefcount(x) for x in (q, v, m, r, law, model)] == refs
    assert growth < 64 * 1024, f"Python heap grew by {growth} bytes"
    # each call allocates ~20 KiB of arrays (C++ side, invisible to tracemalloc): 1,000 leaked calls would be ~20 MiB
    assert rss_kib() - rss0 < 4 * 1024, f"RSS grew by {rss_kib() - rss0} KiB"


def test_results_own_their_memory(trained):
    """A returned array stays valid after everything else is gone (the capsule keeps the C++ buffer alive)."""
    model = trained[0]
    V = model.potential(np.linspace(0.5, 2.0, 5))[0]
    expect = V.copy()
    del model
    gc.collect()
    np.testing.assert_array_equal(V, expect)
    assert V.base is not None  # zero-copy: the array views the engine's buffer


def test_hnn_calls_do_not_leak():
    data = noether.hnn_data("mass-spring", trajectories=4, points=8, seed=0)
    hnn, _ = noether.train_hnn(data, hidden=[8], steps=5)
    x = np.random.default_rng(2).uniform(-1, 1, (16, 2))
    t = np.linspace(0, 1, 5)

    def calls():
        return hnn.hamiltonian(x), hnn.time_derivative(x), hnn.integrate(x[:2], t), hnn.to_json()

    for _ in range(50):
        calls()
    gc.collect()
    refs = [sys.getrefcount(o) for o in (x, t, hnn)]
    tracemalloc.start()
    snap0 = tracemalloc.take_snapshot()
    for _ in range(1000):
        calls()
    gc.collect()
    snap1 = tracemalloc.take_snapshot()
    tracemalloc.stop()
    assert [sys.getrefcount(o) for o in (x, t, hnn)] == refs
    growth = sum(s.size_diff for s in snap1.compare_to(snap0, "filename"))
    assert growth < 64 * 1024, f"Python heap grew by {growth} bytes"


def test_result_arrays_of_any_shape(tmp_path):
    """Results are writable, C-contiguous NumPy arrays of the engine's shape, 0-d and empty ones included."""
    arrays = [("s", np.array(3.5)), ("e", np.zeros((0, 3))), ("f", np.ones((2, 4, 3), np.float32))]
    noether._core.write_npz(str(tmp_path / "a.npz"), arrays)
    back = noether._core.read_npz(str(tmp_path / "a.npz"))
    for name, a in arrays:
        b = back[name]
        assert b.shape == a.shape and b.dtype == a.dtype and b.flags["C_CONTIGUOUS"] and b.flags["WRITEABLE"]
        np.testing.assert_array_equal(b, a)
    back["f"][0, 0, 0] = 7
    assert back["f"][0, 0, 0] == 7
