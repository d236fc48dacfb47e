#!/usr/bin/env python3
"""docs_tables.py — write the result tables of the docs from the recorded results of reproduce runs.

  scripts/docs_tables.py [RESULTS_DIR] [--print]

RESULTS_DIR (default docs/results/) holds one record per experiment, RESULTS_DIR/<experiment>.json =
{"experiment", "config", "command", "commit", "date", "machine", "wall_s", "metrics": <its metrics.json>},
written by scripts/reproduce.sh when the run finishes. Every table of docs/EXPERIMENTS.md, docs/HNN.md and
docs/PIXEL_PENDULUM.md that holds measured numbers sits between the markers

  <!-- BEGIN GENERATED: NAME -->  …  <!-- END GENERATED: NAME -->

and is replaced whole, followed by the list of the runs it came from (commit, date, machine, wall time).
A row whose experiment has no record says so and names the command that produces it.
--print writes the tables to standard output instead of the docs (what `reproduce.sh --quick` does: the
golden configs' numbers never go into the docs).
"""
import argparse
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def sci(x, digits=2):
    return "—" if x is None else f"{x:.{digits}e}"


def pct(x):
    return f"{100 * x:.2f}%"


def pm(stat):
    """mean ± std error of a seed_stat_json {"mean", "stderr", "per_seed"}."""
    return f"{stat['mean']:.2e} ± {stat['stderr']:.1e}" if len(stat["per_seed"]) > 1 else f"{stat['mean']:.2e}"


USED = []  # the records the rendered tables read, in order (for the provenance list under each table)


class Run:
    """One experiment's record (RESULTS_DIR/<name>.json)."""

    def __init__(self, out, name):
        self.name = name
        with open(os.path.join(out, name + ".json")) as f:
            self.rec = json.load(f)
        self.m = self.rec["metrics"]
        self.wall = self.rec.get("wall_s")
        USED.append(self)


def have(out, name):
    return os.path.isfile(os.path.join(out, name + ".json"))


def load(out, names):
    """All the named records, or None when one is missing (the table then names the command to run)."""
    if not all(have(out, n) for n in names):
        return None
    return {n: Run(out, n) for n in names}


def wall(run):
    return "—" if run.wall is None else f"{run.wall:.0f} s"


def pending(names):
    return ("_Not yet measured on this code: run `scripts/reproduce.sh --only " + ",".join(names) +
            "` (docs/REPRODUCING.md)._")


# ---- docs/EXPERIMENTS.md -------------------------------------------------------------------------------

MCLNN_SYSTEMS = [("linear spring", "mclnn_linear_spring"), ("nonlinear spring", "mclnn_nonlinear_spring"),
                 ("gravity", "mclnn_gravity")]


def mclnn_results(out):
    runs = load(out, [n for _, n in MCLNN_SYSTEMS])
    if runs is None:
        return pending([n for _, n in MCLNN_SYSTEMS])
    rows = ["| system | epochs (train s; run) | train / val loss | dV/dr rel. L2, uniform r | dV/dr rel. L2, training pairs "
            "| case | N | MAE H | MAE L | MAE P | MAE J | final pos. err. | H drift (rel) | P, J drift (rel) |",
            "|---|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for label, n in MCLNN_SYSTEMS:
        mc = runs[n].m["models"]["mclnn"]
        t, p = mc["training"], mc["potential"]
        first = True
        for case, c in mc["cases"].items():
            head = (f"| {label} | {t['epochs']} ({t['seconds']:.0f} s; {wall(runs[n])}) | "
                    f"{sci(t['train_loss'])} / {sci(t['val_loss'])} | {pct(p['dVdr_rel_l2_uniform'])} | "
                    f"{pct(p['dVdr_rel_l2_samples'])} ") if first else "| | | | | "
            first = False
            rows.append(head + f"| {case} | {c['particles']} | {sci(c['mae']['hamiltonian'])} | "
                        f"{sci(c['mae']['lagrangian'])} | {sci(c['mae']['linear_momentum'], 1)} | "
                        f"{sci(c['mae']['angular_momentum'], 1)} | {c['relative_position_error']['final']:.3f} | "
                        f"{sci(c['energy_drift']['relative'], 1)} | {sci(c['momentum_drift']['linear'], 0)}, "
                        f"{sci(c['momentum_drift']['angular'], 0)} |")
    return "\n".join(rows)


def lnn_baseline(out):
    runs = load(out, [n for _, n in MCLNN_SYSTEMS])
    if runs is None:
        return pending([n for _, n in MCLNN_SYSTEMS])
    rows = ["| system | case | model | MAE H | MAE L | P drift (rel) | J drift (rel) | final pos. err. |",
            "|---|---|---|---:|---:|---:|---:|---:|"]
    for label, n in MCLNN_SYSTEMS:
        models = runs[n].m["models"]
        if "lnn" not in models:
            continue
        for case, c in models["lnn"]["cases"].items():
            if "skipped" in c:
                rows.append(f"| {label} | {case} | LNN | {c['skipped']} | | | | |")
                continue
            for model in ("mclnn", "lnn"):
                x = models[model]["cases"][case]
                rows.append(f"| {label} | {case} | {model.upper()} | {sci(x['mae']['hamiltonian'])} | "
                            f"{sci(x['mae']['lagrangian'])} | {sci(x['momentum_drift']['linear'], 1)} | "
                            f"{sci(x['momentum_drift']['angular'], 1)} | {x['relative_position_error']['final']:.3f} |")
    return "\n".join(rows)


def mclnn_gravity_sets(out):
    names = ["mclnn_gravity", "mclnn_gravity_wide"]
    runs = load(out, names)
    if runs is None:
        return pending(names)
    rows = ["| training set (epochs) | dV/dr rel. L2, uniform r | dV/dr rel. L2, training pairs | A.6 case MAE H / L "
            "| 8-particle case MAE H / L | P, J drift (rel) | train s |",
            "|---|---:|---:|---|---|---|---:|"]
    for n in names:
        mc = runs[n].m["models"]["mclnn"]
        cases = list(mc["cases"].values())
        drift = max(max(c["momentum_drift"]["linear"], c["momentum_drift"]["angular"]) for c in cases)
        hl = [f"{sci(c['mae']['hamiltonian'])} / {sci(c['mae']['lagrangian'])}" for c in cases]
        rows.append(f"| `{n}.json` ({mc['training']['epochs']}) | {pct(mc['potential']['dVdr_rel_l2_uniform'])} | "
                    f"{pct(mc['potential']['dVdr_rel_l2_samples'])} | {hl[0]} | {hl[-1]} | ≤ {sci(drift, 0)} | "
                    f"{mc['training']['seconds']:.0f} |")
    return "\n".join(rows)


# ---- docs/HNN.md ---------------------------------------------------------------------------------------

HNN_TASKS = [("mass-spring", "hnn_mass_spring"), ("pendulum", "hnn_pendulum"), ("real pendulum", "hnn_real_pendulum"),
             ("two-body", "hnn_two_body"), ("three-body", "hnn_three_body")]


def hnn_results(out):
    runs = {n: Run(out, n) for _, n in HNN_TASKS if have(out, n)}
    rows = ["| task | model | test loss | (published) | energy MSE | (published) | energy MSE, test trajectories "
            "| baseline / HNN energy MSE (published) | seconds | wall time |",
            "|---|---|---|---|---|---|---|---|---:|---:|"]
    for label, n in HNN_TASKS:
        if n not in runs:
            rows.append(f"| {label} | not yet measured on this code: `scripts/reproduce.sh --only {n}` | | | | | | | | |")
            continue
        m = runs[n].m
        pub = m["published"]
        ratio = m["models"]["baseline"]["energy_mse"]["mean"] / m["models"]["hnn"]["energy_mse"]["mean"]
        pub_ratio = pub["baseline"]["energy_mse"] / pub["hnn"]["energy_mse"]
        for model in ("baseline", "hnn"):
            x = m["models"][model]
            etest = pm(x["energy_mse_test_trajectories"]) if "energy_mse_test_trajectories" in x else "—"
            r = f"{ratio:.0f}× ({pub_ratio:.0f}×)" if model == "hnn" else ""
            rows.append(f"| {label} | {'HNN' if model == 'hnn' else 'baseline'} | {pm(x['test_loss'])} | "
                        f"{sci(pub[model]['test_loss'])} | {pm(x['energy_mse'])} | {sci(pub[model]['energy_mse'])} | "
                        f"{etest} | {r} | {x['seconds']:.0f} | {wall(runs[n]) if model == 'hnn' else ''} |")
    return "\n".join(rows)


def hnn_per_seed(out):
    runs = {n: Run(out, n) for _, n in HNN_TASKS if have(out, n)}
    if not runs:
        return pending([n for _, n in HNN_TASKS])
    rows = ["| task | model | energy MSE per seed |", "|---|---|---|"]
    for label, n in HNN_TASKS:
        if n not in runs:
            continue
        m = runs[n].m
        seeds = m["seeds"]
        for model in ("baseline", "hnn"):
            v = m["models"][model]["energy_mse"]["per_seed"]
            rows.append(f"| {label} | {'HNN' if model == 'hnn' else 'baseline'} | " +
                        ", ".join(f"{s}: {x:.2e}" for s, x in zip(seeds, v)) + " |")
    return "\n".join(rows)


# ---- docs/PIXEL_PENDULUM.md ----------------------------------------------------------------------------

def pixel_results(out, name="hnn_pixel_pendulum"):
    runs = load(out, [name])
    if runs is None:
        return pending([name])
    r = runs[name]
    m = r.m
    pub = m["published"]
    rows = ["| model | train loss | test loss | (published) | energy MSE | (published) | energy MSE per seed | seconds |",
            "|---|---|---|---|---|---|---|---:|"]
    for model in ("baseline", "hnn"):
        x = m["models"][model]
        rows.append(f"| {'HNN' if model == 'hnn' else 'baseline'} | {pm(x['train_loss'])} | {pm(x['test_loss'])} | "
                    f"{sci(pub[model]['test_loss'])} | {pm(x['energy_mse'])} | {sci(pub[model]['energy_mse'])} | "
                    + ", ".join(f"{v:.2e}" for v in x["energy_mse"]["per_seed"]) + f" | {x['seconds']:.0f} |")
    ratio = m["models"]["baseline"]["energy_mse"]["mean"] / m["models"]["hnn"]["energy_mse"]["mean"]
    rows.append(f"\nbaseline / HNN energy MSE: {ratio:.0f}× (published "
                f"{pub['baseline']['energy_mse'] / pub['hnn']['energy_mse']:.0f}×); wall time {wall(r)}.")
    return "\n".join(rows)


# ---- docs/PERFORMANCE.md ------------------------------------------------------------------------------

def bench_cpu(out, learned):
    """The CPU points of `noether bench --device cpu`: analytic laws (interactions/s, steps/s, GFLOP/s) or the
    learned MLP laws (pairs/s, GFLOP/s from the counted FLOPs per pair)."""
    runs = load(out, ["bench_cpu"])
    if runs is None:
        return pending(["bench_cpu"])
    pts = [p for p in runs["bench_cpu"].m["points"] if p["device"] == "cpu" and p["law"].startswith("mlp") == learned]
    if learned:
        rows = ["| model | precision | N | pairs/s | FLOPs/pair | GFLOP/s |", "|---|---|---:|---:|---:|---:|"]
        for p in pts:
            rows.append(f"| {p['law']} squareplus | {p['precision']} | {p['N']} | {p['interactions_per_s']:.2e} | "
                        f"{p['flops_per_interaction']:.0f} | {p['gflops']:.1f} |")
    else:
        rows = ["| law | precision | N | B | interactions/s | steps/s | GFLOP/s (20/interaction) |",
                "|---|---|---:|---:|---:|---:|---:|"]
        for p in pts:
            gf = f"{p['gflops']:.1f}" if p["gflops"] > 0 else "—"
            rows.append(f"| {p['law'].replace('_', ' ')} | {p['precision']} | {p['N']} | {p['B']} | "
                        f"{p['interactions_per_s']:.2e} | {p['steps_per_s']:.2e} | {gf} |")
    return "\n".join(rows)


def bulk_generalization(out, name):
    """A bulk generalization run (`noether run configs/bulk_*_generalization.json`, run/bulk.cpp): the learned dV/dr per
    species pair, then per case the learned law against the true one from the same equilibrated state."""
    runs = load(out, [name])
    if runs is None:
        return pending([name])
    m = runs[name].m
    t = m["training"]
    rows = [f"Trained on {t['particles']} particles x {t['frames']} frames ({t['epochs']} epochs after the {t['init']} start, "
            f"{t['seconds']:.0f} s), rolled out as {'tables' if t['learned_law'] == 'table' else 'networks'}.", "",
            "| species pair | compared range [p05, min(p95, r_on)] | dV/dr relative L2 | from r_min |", "|---|---|---:|---:|"]
    for p in m["potentials"]:
        a, b = p["species"]
        if "range" not in p:
            rows.append(f"| {a}-{b} | — | — | — |")
            continue
        rows.append(f"| {a}-{b} | [{p['range'][0]:.3f}, {p['range'][1]:.3f}] | {pct(p['dVdr_rel_l2'])} | "
                    f"{pct(p['dVdr_rel_l2_from_r_min'])} |")
    rows += ["", "| N | steps | g(r): max \\|Δg\\| / peak (worst pair) | pressure true / learned (Δ) | T true / learned | "
             "D true / learned (Δ) | energy drift true / learned | pair visits outside | learned atom-steps/s | peak memory |",
             "|---:|---:|---:|---|---|---|---|---:|---:|---:|"]
    for name_c, c in sorted(m["cases"].items(), key=lambda kv: kv[1]["particles"]):
        l, tr, cmp = c["learned"], c.get("truth"), c.get("compare")

        def two(key, sub, f, delta=None):
            a = f.format(tr[key][sub]) if tr and key in tr else "—"
            b = f.format(l[key][sub]) if key in l else "—"
            d = f" ({100 * cmp[delta]:+.2f}%)" if cmp and delta else ""
            return f"{a} / {b}{d}"
        rows.append(f"| {c['particles']:,} | {l['steps']} | {pct(cmp['rdf_worst']) if cmp else '—'} | "
                    f"{two('pressure', 'mean', '{:.4f}', 'pressure_rel')} | {two('temperature', 'mean', '{:.4f}')} | "
                    f"{two('msd', 'diffusion', '{:.4f}', 'diffusion_rel')} | {two('energy', 'drift', '{:.1e}')} | "
                    f"{100 * l['support_visits']['fraction_outside']:.4f}% | {l['atom_steps_per_s']:.2e} | "
                    f"{c['peak_memory_bytes'] / 1e9:.2f} GB |")
    return "\n".join(rows)


def gravity_at_scale(out):
    """The "at_scale" section of `noether run configs/mclnn_gravity_at_scale.json` (run/mclnn_at_scale.cpp)."""
    runs = load(out, ["mclnn_gravity_at_scale"])
    if runs is None:
        return pending(["mclnn_gravity_at_scale"])
    m = runs["mclnn_gravity_at_scale"].m["models"]["mclnn"]
    a, pot = m["at_scale"], m["potential"]
    rows = [f"Learned dV/dr on the 4-body training distances: {pct(pot['dVdr_rel_l2_uniform'])} relative L2 over "
            f"[{pot['p05']:.2f}, {pot['p95']:.2f}] ({m['training']['epochs']} epochs after the start, "
            f"{m['training']['seconds']:.0f} s). At {a['particles']:,} bodies:", "",
            "| beyond the trained range | median e | p90 e | p99 e | energy drift (rel) | 2K/\\|U\\| first / last | "
            "pair visits outside |", "|---|---:|---:|---:|---:|---|---:|"]
    for name, t in a["tails"].items():
        fe = t["force_error"]
        rows.append(f"| tail `{name}` | {fe['median']:.3g} | {fe['p90']:.3g} | {fe['p99']:.3g} | {t['energy_drift']:.2e} | "
                    f"{t['virial_ratio']['first']:.3f} / {t['virial_ratio']['last']:.3f} | "
                    f"{100 * t['support_visits']['fraction_outside']:.1f}% |")
    tr = a["truth"]
    rows.append(f"| exact gravity | | | | {tr['energy_drift']:.2e} | {tr['virial_ratio']['first']:.3f} / "
                f"{tr['virial_ratio']['last']:.3f} | |")
    return "\n".join(rows)


# ---- docs/REPRODUCING.md ------------------------------------------------------------------------------

ALL_EXPERIMENTS = ["mclnn_linear_spring", "mclnn_nonlinear_spring", "mclnn_gravity", "mclnn_gravity_wide",
                   "hnn_mass_spring", "hnn_pendulum", "hnn_real_pendulum", "hnn_two_body", "hnn_three_body",
                   "hnn_pixel_pendulum", "hnn_pixel_pendulum_reference_wd", "bulk_lj_generalization",
                   "bulk_kob_andersen_generalization", "mclnn_gravity_at_scale", "bench_cpu"]


def reproduce_times(out):
    rows = ["| experiment | command | wall time | load (1 min) | commit | date | machine |", "|---|---|---:|---:|---|---|---|"]
    for n in ALL_EXPERIMENTS:
        if not have(out, n):
            rows.append(f"| {n} | `scripts/reproduce.sh --only {n}` | not yet recorded | | | | |")
            continue
        r = Run(out, n)
        load = r.rec.get("load_average_1min")
        rows.append(f"| {n} | `{r.rec['command']}` | {wall(r)} | {'—' if load is None else f'{load:.1f}'} | "
                    f"{r.rec['commit']} | {r.rec['date']} | {r.rec['machine']} |")
    USED.clear()  # the table is its own provenance
    return "\n".join(rows)


SECTIONS = {  # doc → [(marker name, generator)]
    "docs/EXPERIMENTS.md": [("mclnn_results", mclnn_results), ("lnn_baseline", lnn_baseline),
                            ("mclnn_gravity_sets", mclnn_gravity_sets),
                            ("bulk_lj_generalization", lambda out: bulk_generalization(out, "bulk_lj_generalization")),
                            ("bulk_kob_andersen_generalization",
                             lambda out: bulk_generalization(out, "bulk_kob_andersen_generalization")),
                            ("mclnn_gravity_at_scale", gravity_at_scale)],
    "docs/HNN.md": [("hnn_results", hnn_results), ("hnn_per_seed", hnn_per_seed)],
    "docs/PIXEL_PENDULUM.md": [("pixel_results", pixel_results),
                               ("pixel_reference_wd", lambda out: pixel_results(out, "hnn_pixel_pendulum_reference_wd"))],
    "docs/PERFORMANCE.md": [("bench_cpu_analytic", lambda out: bench_cpu(out, False)),
                            ("bench_cpu_learned", lambda out: bench_cpu(out, True))],
    "docs/REPRODUCING.md": [("reproduce_times", reproduce_times)],
}


def provenance(runs):
    """The list of runs a table came from: what a reader needs to trust or redo it."""
    seen, lines = set(), []
    for r in runs:
        if r.name in seen:
            continue
        seen.add(r.name)
        rec = r.rec
        lines.append(f"`{rec.get('command', 'noether run ' + rec.get('config', '?'))}`: commit {rec.get('commit', '?')}, "
                     f"{rec.get('date', '?')}, {rec.get('machine', '?')}, wall time {wall(r)}")
    return ("\n\n_Generated by `scripts/docs_tables.py` from docs/results/ (do not edit by hand). Runs: " +
            "; ".join(lines) + "._") if lines else ""


def render(out):
    result = {}
    for doc, sections in SECTIONS.items():
        for name, gen in sections:
            USED.clear()
            table = gen(out)
            result[(doc, name)] = table + provenance(list(USED))
    return result


def write_docs(tables, check=False):
    """Rewrite the generated sections; with check, only list the docs whose sections differ from the records."""
    stale = []
    for doc in SECTIONS:
        path = os.path.join(ROOT, doc)
        text = open(path).read()
        for (d, name), table in tables.items():
            if d != doc:
                continue
            pat = re.compile(rf"(<!-- BEGIN GENERATED: {name} -->\n)(.*?)(<!-- END GENERATED: {name} -->)", re.S)
            if not pat.search(text):
                raise SystemExit(f"docs_tables.py: {doc}: no '<!-- BEGIN GENERATED: {name} -->' … "
                                 f"'<!-- END GENERATED: {name} -->' section")
            text = pat.sub(lambda mt: mt.group(1) + table + "\n" + mt.group(3), text)
        if check:
            if text != open(path).read():
                stale.append(doc)
            continue
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    return stale


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", nargs="?", default=os.path.join(ROOT, "docs", "results"),
                    help="folder of experiment records (default docs/results/)")
    ap.add_argument("--print", action="store_true", help="print the tables (markdown) instead of writing the docs")
    ap.add_argument("--check", action="store_true",
                    help="exit 1 when a generated section of the docs differs from what the records give (CI)")
    a = ap.parse_args()
    if not os.path.isdir(a.results):
        raise SystemExit(f"docs_tables.py: {a.results}: no such folder")
    tables = render(a.results)
    if a.print:
        for (doc, name), table in tables.items():
            print(f"## {doc}: {name}\n\n{table}\n")
        return 0
    if a.check:
        stale = write_docs(tables, check=True)
        for doc in stale:
            print(f"docs_tables.py: {doc}: a generated section differs from docs/results/ (edited by hand, or the "
                  f"records changed): run python3 scripts/docs_tables.py")
        if not stale:
            print("docs_tables.py: every generated section matches docs/results/")
        return 1 if stale else 0
    write_docs(tables)
    print("docs_tables.py: generated sections rewritten (git diff docs/ shows what changed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
