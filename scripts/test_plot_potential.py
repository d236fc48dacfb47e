#!/usr/bin/env python3
"""test_plot_potential.py — a small self-contained test of scripts/plot_potential.py (no noether binary needed).

Writes synthetic `noether potential` CSVs in a temporary directory — with support and ensemble spread, with a truth,
and the bare four columns — runs plot_potential.py on each and checks: exit 0, the PNG exists (PNG magic) with one
"wrote" line and no temporary file left; a missing file, a missing column, a non-finite value and a bad --band give
exit 1 naming the file / column / flag, and write no PNG.

Usage: /usr/bin/python3 scripts/test_plot_potential.py      (exit 0 = pass)
"""
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
    import matplotlib  # noqa: F401  (plot_potential.py needs it)
except ImportError as e:  # CTest reads exit code 77 as "skipped"
    print(f"skipped: {e}")
    sys.exit(77)

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "plot_potential.py")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def write_csv(path, cols):
    names = list(cols)
    with open(path, "w") as f:
        f.write(",".join(names) + "\n")
        for k in range(len(cols[names[0]])):
            f.write(",".join(f"{cols[n][k]:.17g}" for n in names) + "\n")


def lj(r):
    s6 = r ** -6.0
    return dict(r=r, V=4 * (s6 * s6 - s6), dVdr=4 * (-12 * s6 * s6 + 6 * s6) / r, d2Vdr2=4 * (156 * s6 * s6 - 42 * s6) / r ** 2)


def run(*args):
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True)


def check_ok(root, name, args):
    out = os.path.join(root, name + ".png")
    r = run(*args, "-o", out)
    assert r.returncode == 0, f"{name}: exit {r.returncode}\n{r.stdout}\n{r.stderr}"
    with open(out, "rb") as fh:
        assert fh.read(8) == PNG_MAGIC, f"{name}: not a PNG"
    assert f"wrote {out}" in r.stdout, f"{name}: no 'wrote' line"
    assert not [f for f in os.listdir(root) if ".tmp" in f], f"{name}: temporary files left"


def check_fails(root, name, args, words):
    out = os.path.join(root, name + ".png")
    r = run(*args, "-o", out)
    assert r.returncode == 1, f"{name}: exit {r.returncode}, expected 1\n{r.stderr}"
    for w in words:
        assert w in r.stderr, f"{name}: '{w}' not in the message: {r.stderr}"
    assert not os.path.exists(out), f"{name}: a PNG was written on bad input"


def main():
    with tempfile.TemporaryDirectory() as root:
        r = np.linspace(0.9, 3.0, 120)
        learned = lj(r)
        learned["dVdr"] = learned["dVdr"] * (1 + 0.02 * np.sin(5 * r))
        learned["support"] = np.where((r > 1.0) & (r < 2.5), np.exp(-((r - 1.3) / 0.4) ** 2), 0.0)
        learned["dVdr_spread"] = 0.01 + 0.2 * (learned["support"] == 0)
        full, truth, bare = (os.path.join(root, n) for n in ("full.csv", "truth.csv", "bare.csv"))
        write_csv(full, learned)
        write_csv(truth, lj(r))
        write_csv(bare, lj(r))
        check_ok(root, "full", [full, "--truth", truth, "--band", "3", "--title", "LJ"])
        check_ok(root, "bare", [bare])
        check_fails(root, "missing", [os.path.join(root, "nope.csv")], ["nope.csv", "not found"])
        nodv = os.path.join(root, "nodv.csv")
        write_csv(nodv, {"r": r, "V": learned["V"]})
        check_fails(root, "nodv", [nodv], ["nodv.csv", "'dVdr' missing"])
        nan = dict(learned)
        nan["dVdr_spread"] = nan["dVdr_spread"].copy()
        nan["dVdr_spread"][7] = np.nan
        nanp = os.path.join(root, "nan.csv")
        write_csv(nanp, nan)
        check_fails(root, "nan", [nanp], ["nan.csv", "line 9", "'dVdr_spread'", "not finite"])
        check_fails(root, "badtruth", [full, "--truth", nodv], ["nodv.csv", "'dVdr' missing"])
        check_fails(root, "band", [full, "--band", "-1"], ["--band"])
        other = os.path.join(root, "other.csv")
        write_csv(other, lj(np.linspace(1.0, 3.0, 120)))
        check_fails(root, "grid", [full, "--truth", other], ["same r column"])
        spread_only = dict(learned)
        del spread_only["support"]
        sp = os.path.join(root, "spread_only.csv")
        write_csv(sp, spread_only)
        check_ok(root, "spread_only", [sp])
    print("plot_potential.py: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
