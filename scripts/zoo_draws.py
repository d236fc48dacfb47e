#!/usr/bin/env python3
"""zoo_draws.py — the potential zoo (scripts/zoo.py) over several draws of its data, as medians and ranges.

  scripts/zoo_draws.py [--draws K] [--first-shift S] [--out DIR] [--train-args "ARGS"] [--label LABEL]
                       [--note TEXT] [--write-docs] [--from DIR] [zoo.py options: --only, --noise, --noether, ...]

One draw of the zoo's data is one seed of its generator; the error of a single row moves by factors of 2–5 from one
draw to the next (docs/EXPERIMENTS.md, "The log input"), so a single draw cannot rank options that differ by less.
This runs `scripts/zoo.py --seed-shift s` for s = S … S+K−1 (each into DIR/draw<s>) and prints, per potential and
noise, the median of the K dV/dr errors with their range, how many draws meet the targets (2% noise-free, 5% with
noise), and the geometric mean over all rows of each draw. --write-docs puts that table between
<!-- BEGIN ZOO: LABEL --> and <!-- END ZOO: LABEL --> in docs/EXPERIMENTS.md; --from DIR aggregates finished draws
without training again.
"""
import argparse
import datetime
import json
import math
import os
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = {"clean": 0.02, "noise": 0.05}


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else 0.5 * (s[n // 2 - 1] + s[n // 2])


def load_draws(out):
    """{shift: rows} of every DIR/draw<shift>/rows.json."""
    draws = {}
    for d in sorted(os.listdir(out)):
        path = os.path.join(out, d, "rows.json")
        if d.startswith("draw") and os.path.isfile(path):
            with open(path) as f:
                draws[int(d[4:])] = json.load(f)
    if not draws:
        sys.exit(f"zoo_draws.py: no finished draws (DIR/draw<shift>/rows.json) in {out}")
    return draws


def table(draws):
    """Markdown lines: one row per (potential, noise) with the median, range and hits over the draws."""
    keys, errs = [], {}
    for rec in draws.values():
        for r in rec["rows"]:
            k = (r["name"], "clean" if r["noise"] == "clean" else "noise")
            if k not in errs:
                keys.append(k)
                errs[k] = []
            errs[k].append(r["err"])
    lines = ["| potential | data | median dV/dr rel. L2 (range) | draws within the target |", "|---|---|---|---|"]
    for k in keys:
        e = errs[k]
        hits = sum(x <= TARGET[k[1]] for x in e)
        lines.append(f"| {k[0]} | {k[1]} | {100 * median(e):.2f}% ({100 * min(e):.2f}–{100 * max(e):.2f}%) | "
                     f"{hits} of {len(e)} (≤ {100 * TARGET[k[1]]:.0f}%) |")
    geo = []
    for s, rec in sorted(draws.items()):
        e = [max(r["err"], 1e-5) for r in rec["rows"]]
        miss = sum(r["err"] > TARGET["clean" if r["noise"] == "clean" else "noise"] for r in rec["rows"])
        geo.append(f"draw {s}: geometric mean {100 * math.exp(sum(map(math.log, e)) / len(e)):.2f}%, {miss} of {len(e)} rows miss")
    return lines, geo


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--draws", type=int, default=None, help="how many draws (default 3)")
    ap.add_argument("--first-shift", type=int, default=None, help="the first seed shift (default 0)")
    ap.add_argument("--out", default=os.path.join(ROOT, "out", "zoo_draws"))
    ap.add_argument("--train-args", default=None)
    ap.add_argument("--label", default="draws")
    ap.add_argument("--note", default="")
    ap.add_argument("--write-docs", action="store_true")
    ap.add_argument("--from", dest="from_dir", default="", help="aggregate the draws already in this folder")
    a, zoo_args = ap.parse_known_args()
    if a.from_dir:
        given = [f for f, v in (("--draws", a.draws), ("--first-shift", a.first_shift), ("--train-args", a.train_args))
                 if v is not None] + zoo_args
        if given:
            sys.exit(f"zoo_draws.py: --from aggregates finished draws; {' '.join(given)} would be ignored")
    a.draws = 3 if a.draws is None else a.draws
    a.first_shift = 0 if a.first_shift is None else a.first_shift
    a.train_args = "" if a.train_args is None else a.train_args
    if a.draws < 1:
        sys.exit("zoo_draws.py: --draws must be >= 1")
    out = os.path.abspath(a.from_dir or a.out)
    if not a.from_dir:
        for s in range(a.first_shift, a.first_shift + a.draws):
            cmd = [sys.executable, os.path.join(ROOT, "scripts", "zoo.py"), "--seed-shift", str(s),
                   "--out", os.path.join(out, f"draw{s}"), "--train-args", a.train_args] + zoo_args
            print(f"zoo_draws: draw {s}: {' '.join(shlex.quote(c) for c in cmd)}", flush=True)
            if subprocess.run(cmd).returncode != 0:
                sys.exit(f"zoo_draws.py: draw {s} failed")
    draws = load_draws(out)
    lines, geo = table(draws)
    print("\n".join(lines))
    print("\n".join(geo))
    if a.write_docs:
        first = next(iter(draws.values()))
        shifts = sorted(draws)
        # the command that makes these draws again, from what zoo.py recorded of its options
        zoo_opts = "".join(f" --{k.replace('_', '-')} {shlex.quote(str(v))}" for k, v in first["args"].items()
                           if k in ("only", "trajectories", "frames", "noise") and v not in ("", 100, 20, "both"))
        cmd = (f"scripts/zoo_draws.py --write-docs --label {a.label} --draws {len(shifts)}"
               + (f" --first-shift {shifts[0]}" if shifts[0] else "")
               + (f" --train-args {shlex.quote(first['args'].get('train_args', ''))}" if first["args"].get("train_args") else "")
               + zoo_opts)
        date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        commits = ", ".join(f"{s}: {draws[s].get('commit', '?')}" for s in shifts)
        head = (f"Generated by `{cmd}` (commits of the draws {commits}; {date}; draws = seed shifts "
                f"{', '.join(map(str, shifts))}; targets 2% noise-free, 5% noisy)." + (" " + a.note if a.note else ""))
        block = "\n".join([f"<!-- BEGIN ZOO: {a.label} -->", head, ""] + lines + [""] + ["- " + g for g in geo]
                          + [f"<!-- END ZOO: {a.label} -->"])
        path = os.path.join(ROOT, "docs", "EXPERIMENTS.md")
        text = open(path).read()
        b, e = f"<!-- BEGIN ZOO: {a.label} -->", f"<!-- END ZOO: {a.label} -->"
        if (b in text) != (e in text):
            sys.exit(f"zoo_draws.py: docs/EXPERIMENTS.md has only one of the markers {b!r} and {e!r}")
        text = text[:text.index(b)] + block + text[text.index(e) + len(e):] if b in text else text.rstrip("\n") + "\n\n" + block + "\n"
        open(path, "w").write(text)
        print(f"wrote the zoo table '{a.label}' into docs/EXPERIMENTS.md")


if __name__ == "__main__":
    main()
