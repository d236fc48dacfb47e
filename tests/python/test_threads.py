"""test_threads.py — long calls release the GIL, report progress, and stop on Ctrl-C or when the callback raises."""
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import noether

LAW = {"potential": "linear_spring", "k": 1.0, "r0": 1.0}


def lattice(N=400, D=3):
    side = int(np.ceil(N ** (1 / D)))
    g = np.stack(np.meshgrid(*[np.arange(side)] * D, indexing="ij"), -1).reshape(-1, D)[:N] * 1.1
    return np.ascontiguousarray(g, dtype=np.float64), np.zeros((N, D)), np.ones(N)


def test_progress_callback_reports_to_the_end():
    calls = []
    q, v, m = lattice(50)
    noether.rollout(LAW, q, v, m, dt=0.001, steps=200, stride=2, progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1] == (101, 101)
    assert all(t == 101 for _, t in calls) and [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_gil_is_released_during_a_rollout():
    """A second Python thread keeps counting while the main thread is inside a long rollout."""
    q, v, m = lattice(300)
    counts = []
    stop = threading.Event()
    started = threading.Event()

    def counter():
        n = 0
        started.set()
        while not stop.is_set():
            n += 1
            if n % 1000 == 0:
                counts.append((time.perf_counter(), n))

    th = threading.Thread(target=counter)
    th.start()
    started.wait()
    # A rollout long enough to tell on any machine: double the steps until one call lasts >= 0.2 s.
    steps = 60
    while True:
        t0 = time.perf_counter()
        noether.rollout(LAW, q, v, m, dt=0.001, steps=steps, stride=steps, progress=False)
        t1 = time.perf_counter()
        if t1 - t0 >= 0.2 or steps >= 60 * 2 ** 12:
            break
        steps *= 2
    stop.set()
    th.join()
    during = [n for t, n in counts if t0 < t < t1]
    assert t1 - t0 > 0.05, "the rollout was too short to tell"
    # with the GIL held for the whole call the counter could not have run at all in between
    assert len(during) >= 5, f"only {len(during)} counter samples during a {t1 - t0:.2f} s rollout"


def test_exception_in_callback_stops_the_rollout():
    q, v, m = lattice(50)
    seen = []

    def cb(done, total):
        seen.append(done)
        if done >= 3:
            raise RuntimeError("enough")

    with pytest.raises(RuntimeError, match="enough"):
        noether.rollout(LAW, q, v, m, dt=0.001, steps=10 ** 6, stride=100, progress=cb)
    assert seen and seen[-1] < 10001


def test_keyboard_interrupt_from_callback():
    q, v, m = lattice(50)
    t0 = time.perf_counter()

    def cb(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        noether.rollout(LAW, q, v, m, dt=0.001, steps=10 ** 6, stride=100, progress=cb)
    assert time.perf_counter() - t0 < 5


# Ctrl-C is tested in a child interpreter that sends itself a real SIGINT (as a terminal does): the child installs
# Python's KeyboardInterrupt handler first (a shell may start background jobs with SIGINT ignored), and a child that
# is not interrupted is killed at the timeout, so a regression fails the test instead of hanging the suite.
_CTRL_C_CHILD = r"""
import os, signal, sys, threading, time
signal.signal(signal.SIGINT, signal.default_int_handler)
sys.path.insert(0, {here!r})
import numpy as np
import noether
from conftest import small_config
from test_threads import LAW, lattice
what = {what!r}
if what == "train":
    traj = noether.simulate(small_config(trajectories=8, frames=8))
threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
t0 = time.perf_counter()
try:
    if what == "rollout":
        q, v, m = lattice(100)
        noether.rollout(LAW, q, v, m, dt=0.001, steps=10 ** 6, stride=100, progress=False)  # ~1 min uninterrupted
    else:
        noether.train_mclnn(traj, epochs=10 ** 6, threads=1, time_budget_s=0, progress=False)
except KeyboardInterrupt:
    elapsed = time.perf_counter() - t0
    q, v, m = lattice(100)
    out = noether.rollout(LAW, q, v, m, dt=0.001, steps=2, stride=1)  # the engine is usable afterwards
    print("interrupted after", elapsed, "shape", out.positions.shape)
    sys.exit(0)
print("not interrupted")
sys.exit(3)
"""


def _interrupt_in_child(what):
    code = _CTRL_C_CHILD.format(here=os.path.dirname(os.path.abspath(__file__)), what=what)
    try:
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{what}: SIGINT did not stop the call within 180 s")
    assert r.returncode == 0, f"{what}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"
    words = r.stdout.split()
    return float(words[words.index("after") + 1]), r.stdout


def test_ctrl_c_stops_a_long_rollout():
    """SIGINT (as Ctrl-C sends it) while the rollout runs without any callback: KeyboardInterrupt, promptly."""
    elapsed, out = _interrupt_in_child("rollout")
    assert elapsed < 5, f"stopped only after {elapsed:.1f} s"
    assert "(1, 3, 100, 3)" in out


def test_ctrl_c_stops_training():
    elapsed, _ = _interrupt_in_child("train")
    assert elapsed < 10, f"stopped only after {elapsed:.1f} s"


def test_train_progress_counts_epochs(trained):
    calls = []
    noether.train_mclnn(trained[1], epochs=5, threads=1, time_budget_s=0, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (5, 5)


def test_train_polish_reports_progress_and_its_losses(trained):
    calls = []
    _, info = noether.train_mclnn(trained[1], epochs=3, polish=15, threads=1, time_budget_s=0,
                                  progress=lambda d, t: calls.append((d, t)))
    p = info["polish"]
    assert set(p) == {"method", "kept", "evaluations", "stop", "train_loss", "val_loss"}
    assert p["method"] == "lm"  # auto: Levenberg–Marquardt for the default [10, 10] network
    assert p["train_loss"][1] <= p["train_loss"][0] and p["evaluations"] >= 2
    assert p["stop"] in ("iterations", "converged", "stalled")
    assert info["horizon"] == 3
    assert info["val_loss"] == (p["val_loss"][1] if p["kept"] else p["val_loss"][0])
    assert calls and calls[-1] == (3, 3)  # the polish reports at the last epoch (and so can be interrupted)
    _, info0 = noether.train_mclnn(trained[1], epochs=3, polish=0, threads=1, time_budget_s=0)
    assert "polish" not in info0
    _, info1 = noether.train_mclnn(trained[1], epochs=3, polish=5, polish_method="lbfgs", threads=1, time_budget_s=0)
    assert info1["polish"]["method"] == "lbfgs" and info1["polish"]["stop"] in ("iterations", "converged", "line search")


def test_train_hnn_releases_the_gil():
    """A second Python thread keeps counting while train_hnn runs in C++ (steps grow until a call lasts 0.2 s)."""
    data = noether.hnn_data("mass-spring", trajectories=8, points=10, seed=0)
    ticks = []
    done = threading.Event()

    def count():
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.001)

    steps = 200
    while True:
        ticks.clear()
        done.clear()
        th = threading.Thread(target=count)
        th.start()
        t0 = time.perf_counter()
        noether.train_hnn(data, hidden=[32, 32], steps=steps, progress=False)
        t1 = time.perf_counter()
        done.set()
        th.join()
        if t1 - t0 > 0.2 or steps > 100000:
            break
        steps *= 4
    inside = [t for t in ticks if t0 < t < t1]
    assert len(inside) > 20, f"the other thread ran {len(inside)} times in {t1 - t0:.3f} s"
