#!/usr/bin/env python3
"""lammps_lj.py — noether's Lennard-Jones bulk path against LAMMPS (Debian's `lammps`, `lmp`), issue 17.

  /usr/bin/python3 bench/peers/lammps_lj.py [--noether BIN] [--out DIR] [--speed] [--gr]
      [--sizes 32000,256000] [--rounds 3] [--steps 100] [--np 2]

Never run by ctest (it times things); the round-off checks of energies, forces, pressure and a short NVE run are
the pytest tests/python/test_lammps.py. Needs NumPy (and matplotlib for the g(r) plot) and `lmp`
(`apt-get install --no-install-recommends lammps`).

--speed  the melt of LAMMPS's bench/in.lj, at each N of --sizes: fcc at ρ = 0.8442, T = 3.0 start, LJ ε = σ = 1 cut
         at r_c = 2.5 (plain truncation: `lj/cut` = noether's smoothing "none"), skin 0.3, the list rebuilt when a
         particle has moved more than skin/2 (LAMMPS `neigh_modify every 1 delay 0 check yes`, noether's rule),
         --steps Verlet steps of 0.005, both engines on --np cores (LAMMPS: `mpirun -np` MPI ranks with the OPT
         package's `lj/cut/opt`, its fastest CPU path in this build; noether: OMP_NUM_THREADS threads, cell + Verlet
         list). Each engine makes its own lattice and velocities (same N, density, temperature). Time: LAMMPS's
         "Loop time" (setup excluded); noether's run time minus that of a 0-step run of the same config (setup,
         first list and force pass excluded the same way). Rounds interleave the engines; medians and ranges of
         atom-steps/s and of the ratio noether / LAMMPS.
--gr     g(r) of the LJ liquid at ρ = 0.8, T = 1.0 (500 particles, lj/cut 2.5), each engine equilibrated and sampled
         with its own canonical thermostat (noether: Bussi, τ = 0.1; LAMMPS: Nosé–Hoover `fix nvt`, damping 0.5),
         5,000 steps of equilibration then 20,000 steps sampled every 100 (200 frames). Both g(r) are computed by one
         NumPy function from the saved frames (so the comparison is of the sampled states), with standard errors
         from 5 blocks of 40 frames; noether's own `rdf` key is checked against the same function (its formula).
Writes DIR/lammps_lj.json (every number) and DIR/lammps_gr.png; prints markdown tables for docs/PERFORMANCE.md and
docs/BULK.md.
"""
import argparse
import datetime
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]


def lmp_cmd(np_ranks):
    lmp = shutil.which("lmp")
    if lmp is None:
        sys.exit("lammps_lj.py: no `lmp` (apt-get install --no-install-recommends lammps)")
    if np_ranks == 1:
        return [lmp]
    return ["mpirun", "--allow-run-as-root", "--oversubscribe", "-np", str(np_ranks), lmp]


def run(cmd, cwd, env=None):
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"lammps_lj.py: {' '.join(map(str, cmd))} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return r.stdout + r.stderr


# ---------------------------------------------------------------------------------------------------- speed
def lammps_melt(tmp, cells, steps, np_ranks):
    (tmp / "in.melt").write_text(f"""units lj
atom_style atomic
lattice fcc 0.8442
region box block 0 {cells} 0 {cells} 0 {cells}
create_box 1 box
create_atoms 1 box
mass 1 1.0
velocity all create 3.0 87287 loop geom
pair_style lj/cut 2.5
pair_coeff 1 1 1.0 1.0 2.5
neighbor 0.3 bin
neigh_modify every 1 delay 0 check yes
timestep 0.005
fix 1 all nve
thermo {steps}
run {steps}
""")
    out = run(lmp_cmd(np_ranks) + ["-sf", "opt", "-in", "in.melt", "-log", "none"], tmp,
              dict(os.environ, OMP_NUM_THREADS="1"))
    loop = float(re.search(r"Loop time of ([\d.eE+-]+) on", out).group(1))
    builds = int(re.search(r"Neighbor list builds = (\d+)", out).group(1))
    return loop, builds


def noether_melt(tmp, noether, cells, steps, np_ranks):
    times = {}
    builds = 0
    for s in (0, steps):
        cfg = {"system": {"potential": "lennard_jones", "epsilon": 1.0, "sigma": 1.0, "cutoff": 2.5, "smoothing": "none"},
               "initial_state": {"sampler": "fcc", "cells": cells, "density": 0.8442, "temperature": 3.0, "seed": 1},
               "neighbor": {"method": "cell", "skin": 0.3},
               "integrator": {"method": "verlet", "dt": 0.005, "stride": max(s, 1), "frames": 2 if s else 1}}
        (tmp / f"melt{s}.json").write_text(json.dumps(cfg))
        out = run([noether, "simulate", f"melt{s}.json", "-o", f"melt{s}.npz"], tmp,
                  dict(os.environ, OMP_NUM_THREADS=str(np_ranks)))
        times[s] = float(re.search(r" in ([\d.]+) s", out).group(1))
        builds = int(re.search(r"(\d+) neighbor-list builds", out).group(1))
    return times[steps] - times[0], builds - 1


def speed(args, tmp):
    rows = []
    for n in args.sizes:
        cells = round((n / 4) ** (1 / 3))
        assert 4 * cells**3 == n, f"--sizes: {n} is not 4·cells³"
        samples = {"noether": [], "lammps": [], "ratio": []}
        for r in range(args.rounds):
            order = ("lammps", "noether") if r % 2 else ("noether", "lammps")
            res = {}
            for eng in order:
                if eng == "lammps":
                    res[eng] = lammps_melt(tmp, cells, args.steps, args.np)
                else:
                    res[eng] = noether_melt(tmp, args.noether, cells, args.steps, args.np)
            for eng in res:
                samples[eng].append(n * args.steps / res[eng][0])
            samples["ratio"].append(samples["noether"][-1] / samples["lammps"][-1])
            print(f"N = {n} round {r}: noether {samples['noether'][-1]:.3e} atom-steps/s ({res['noether'][1]} builds), "
                  f"LAMMPS {samples['lammps'][-1]:.3e} ({res['lammps'][1]} builds)", flush=True)
        rows.append({"N": n, **{k: sorted(v) for k, v in samples.items()},
                     "builds": {"noether": res["noether"][1], "lammps": res["lammps"][1]}})
    return rows


# ---------------------------------------------------------------------------------------------------- g(r)
def gr_frames(frames, L, r_max, bins):
    """g(r) of one species in a cube of edge L over frames (F, N, 3): bins of Δ = r_max/bins, ideal-gas shells."""
    F, N, _ = frames.shape
    edges = np.linspace(0, r_max, bins + 1)
    hist = np.zeros(bins)
    for q in frames:
        d = q[:, None, :] - q[None, :, :]
        d -= L * np.rint(d / L)
        r = np.sqrt((d**2).sum(-1))[np.triu_indices(N, 1)]
        hist += 2 * np.histogram(r, edges)[0]
    shell = 4 * np.pi / 3 * (edges[1:] ** 3 - edges[:-1] ** 3)
    return hist / F / (N * (N - 1) / L**3) / shell


def gr(args, tmp):
    cells, rho, T, r_max, bins, equil, sample, every = 5, 0.8, 1.0, 4.0, 80, 5000, 20000, 100
    N = 4 * cells**3
    L = cells * (4 / rho) ** (1 / 3)
    # noether: equilibrate with Bussi, then sample with it (canonical), frames every 100 steps
    base = {"system": {"potential": "lennard_jones", "epsilon": 1.0, "sigma": 1.0, "cutoff": 2.5, "smoothing": "none"},
            "neighbor": {"method": "cell", "skin": 0.3}}
    prep = dict(base, initial_state={"sampler": "fcc", "cells": cells, "density": rho, "temperature": T, "seed": 2},
                thermostat={"method": "bussi", "temperature": T, "tau": 0.1, "seed": 1},
                integrator={"method": "verlet", "dt": 0.005, "stride": equil, "frames": 2})
    (tmp / "prep.json").write_text(json.dumps(prep))
    run([args.noether, "simulate", "prep.json", "-o", "prep.npz", "-q"], tmp)
    with np.load(tmp / "prep.npz") as z:
        init = {"positions": z["positions"][0, -1].tolist(), "velocities": z["velocities"][0, -1].tolist(), "masses": 1.0}
    prod = dict(base, initial_state=init, box={"lengths": [L] * 3, "periodic": True},
                thermostat={"method": "bussi", "temperature": T, "tau": 0.1, "seed": 2},
                rdf={"r_max": r_max, "bins": bins},
                integrator={"method": "verlet", "dt": 0.005, "stride": every, "frames": sample // every + 1})
    (tmp / "prod.json").write_text(json.dumps(prod))
    run([args.noether, "simulate", "prod.json", "-o", "prod.npz", "-q"], tmp)
    with np.load(tmp / "prod.npz") as z:
        qn = z["positions"][0, 1:]
        rdf_key = z["rdf"][0, 0]
        rdf_all = gr_frames(z["positions"][0], L, r_max, bins)
        T_n = float(z["temperature"][0, 1:].mean())
    # LAMMPS: its own lattice and velocities, Nosé–Hoover
    (tmp / "in.gr").write_text(f"""units lj
atom_style atomic
lattice fcc {rho}
region box block 0 {cells} 0 {cells} 0 {cells}
create_box 1 box
create_atoms 1 box
mass 1 1.0
velocity all create {T} 4928459 loop geom
pair_style lj/cut 2.5
pair_coeff 1 1 1.0 1.0 2.5
neighbor 0.3 bin
neigh_modify every 1 delay 0 check yes
timestep 0.005
fix 1 all nvt temp {T} {T} 0.5
thermo_style custom step temp
run {equil}
dump 1 all custom {every} gr.dump id x y z
dump_modify 1 sort id format float %.17g
compute t all temp
fix 2 all ave/time {every} 1 {every} c_t file temp.txt
run {sample}
""")
    run(lmp_cmd(1) + ["-in", "in.gr", "-log", "none"], tmp, dict(os.environ, OMP_NUM_THREADS="1"))
    lines = (tmp / "gr.dump").read_text().splitlines()
    frames = []
    for k, line in enumerate(lines):
        if line.startswith("ITEM: ATOMS"):
            frames.append(np.array([list(map(float, s.split()[1:4])) for s in lines[k + 1:k + 1 + N]]))
    ql = np.mod(np.array(frames[1:]), L)  # the first dump is the state at the end of equilibration
    T_l = float(np.mean([float(s.split()[1]) for s in (tmp / "temp.txt").read_text().splitlines()
                         if s and not s.startswith("#")][1:]))
    blocks = 5

    def block_stats(q):
        g = np.array([gr_frames(b, L, r_max, bins) for b in np.array_split(q, blocks)])
        return g.mean(0), g.std(0, ddof=1) / np.sqrt(blocks)

    gn, sn = block_stats(qn)
    gl, sl = block_stats(ql)
    r = (np.arange(bins) + 0.5) * r_max / bins
    sig = np.sqrt(sn**2 + sl**2)
    mask = (gn + gl) > 0.05  # bins with pairs (r ≳ 0.9)
    z = np.abs(gn - gl)[mask] / np.maximum(sig[mask], 1e-12)
    res = {"N": N, "L": L, "frames": [len(qn), len(ql)], "T_mean": {"noether": T_n, "lammps": T_l},
           "r": r.tolist(), "g_noether": gn.tolist(), "g_lammps": gl.tolist(), "se_noether": sn.tolist(),
           "se_lammps": sl.tolist(),
           "first_peak": {"noether": [float(r[gn.argmax()]), float(gn.max())], "lammps": [float(r[gl.argmax()]), float(gl.max())]},
           "max_abs_diff": float(np.abs(gn - gl)[mask].max()), "max_z": float(z.max()),
           "frac_within_2se": float((z < 2).mean()), "bins_compared": int(mask.sum()),
           "rdf_key_vs_numpy": float(np.abs(rdf_key - rdf_all).max())}
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(2, 1, figsize=(6, 5), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
        ax[0].plot(r, gl, "k-", lw=1.5, label=f"LAMMPS (Nosé–Hoover, {len(ql)} frames)")
        ax[0].plot(r, gn, "r--", lw=1.2, label=f"noether (Bussi, {len(qn)} frames)")
        ax[0].set_ylabel("g(r)")
        ax[0].legend()
        ax[0].set_title(f"LJ liquid ρ = {rho}, T = {T}, N = {N}, r_c = 2.5")
        ax[1].errorbar(r, gn - gl, yerr=2 * sig, fmt=".", ms=3, lw=0.6, color="C0")
        ax[1].axhline(0, color="k", lw=0.6)
        ax[1].set_ylabel("Δg ± 2σ")
        ax[1].set_xlabel("r")
        fig.tight_layout()
        fig.savefig(args.out / "lammps_gr.png", dpi=110)
    except ImportError:
        print("lammps_lj.py: no matplotlib; no plot", file=sys.stderr)
    return res


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--noether", default=str(ROOT / "build" / "noether"))
    p.add_argument("--out", default=str(ROOT / "out" / "lammps"))
    p.add_argument("--speed", action="store_true")
    p.add_argument("--gr", action="store_true")
    p.add_argument("--sizes", default="32000,256000")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--np", type=int, default=2)
    args = p.parse_args()
    args.noether = os.path.abspath(args.noether)
    if not os.access(args.noether, os.X_OK):
        sys.exit(f"--noether: no executable at {args.noether}")
    args.sizes = [int(s) for s in args.sizes.split(",")]
    if args.rounds < 1 or args.steps < 1 or args.np < 1:
        sys.exit("--rounds, --steps and --np: expected >= 1")
    if not (args.speed or args.gr):
        sys.exit("lammps_lj.py: give --speed and/or --gr")
    args.out = pathlib.Path(args.out)
    args.out.mkdir(parents=True, exist_ok=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    lmp_version = run(lmp_cmd(1) + ["-h"], ROOT).splitlines()[1].strip()
    def shown(path):  # a path inside the checkout relative to it, else the file name (no machine paths in results)
        rel = os.path.relpath(path, ROOT)
        return os.path.basename(path) if rel.startswith("..") else rel

    meta = {"date": datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"), "commit": commit,
            "noether": shown(args.noether), "lammps": lmp_version, "cores": os.cpu_count(),
            "load_at_start": os.getloadavg()[0],
            "command": " ".join(shown(a) if os.path.isabs(a) else a for a in sys.argv)}
    result = {"meta": meta}
    with tempfile.TemporaryDirectory() as d:
        tmp = pathlib.Path(d)
        if args.gr:
            result["gr"] = gr(args, tmp)
            g = result["gr"]
            print(f"\ng(r): first peak noether {g['first_peak']['noether']}, LAMMPS {g['first_peak']['lammps']}; "
                  f"max |Δg| {g['max_abs_diff']:.3f}, max |Δg|/σ {g['max_z']:.2f}, within 2σ "
                  f"{100 * g['frac_within_2se']:.0f}% of {g['bins_compared']} bins; T {g['T_mean']}; "
                  f"noether rdf key vs NumPy {g['rdf_key_vs_numpy']:.1e}")
        if args.speed:
            result["speed"] = speed(args, tmp)
            print(f"\n{meta['date']}, commit {commit}, {args.np} cores, {args.steps} steps, {args.rounds} rounds")
            print("| N | noether atom-steps/s (median, range) | LAMMPS lj/cut/opt atom-steps/s | noether / LAMMPS | list builds noether / LAMMPS |")
            print("|---|---|---|---|---|")
            for row in result["speed"]:
                f = lambda v: f"{np.median(v):.3g} ({min(v):.3g}–{max(v):.3g})"
                print(f"| {row['N']:,} | {f(row['noether'])} | {f(row['lammps'])} | **{np.median(row['ratio']):.2f}×** "
                      f"({min(row['ratio']):.2f}–{max(row['ratio']):.2f}) | {row['builds']['noether']} / {row['builds']['lammps']} |")
    (args.out / "lammps_lj.json").write_text(json.dumps(result, indent=1))
    print(f"wrote {args.out / 'lammps_lj.json'}")


if __name__ == "__main__":
    main()
