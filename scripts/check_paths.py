#!/usr/bin/env python3
"""check_paths.py — fail when a file of the repository names a path of a development machine or a folder
outside the checkout.

noether carries what it needs (data/ holds the real-pendulum measurements, with their provenance) and cites
its sources as papers and public code, so no code, config, doc, test or written output may name:
  - an absolute path of a development machine (under the /work, /home, /Users or /root folders);
  - a folder beside the checkout (a `shared` folder reached by ../).
Scans every file under the repository root except version-control data and build outputs; binary files
(containing a NUL byte) are skipped.

Usage: check_paths.py [REPO_ROOT]   (exit 0: clean; 1: offending lines listed as file:line: text)
"""
import os
import re
import sys

# Written so that this file does not match itself.
PATTERNS = [
    re.compile(r"(?:^|(?<=[\s\"'`(=:,]))/(?:" + "|".join(["wo" + "rk", "ho" + "me", "Us" + "ers", "ro" + "ot"]) + r")/"),
    re.compile(r"(?:\.\./)+" + "sha" + "red\\b"),
]
SKIP_DIRS = {".git", "out", "__pycache__", ".deps", ".venv"}  # .venv: bench/peers/run.sh
SKIP_FILES = {".git"}  # a worktree's pointer to its repository


def skipped_dir(name):
    return name in SKIP_DIRS or name == "build" or name.startswith("build-")


def main():
    repo = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    problems, scanned = [], 0
    for dirpath, dirnames, names in os.walk(repo):
        dirnames[:] = sorted(d for d in dirnames if not skipped_dir(d))
        for name in sorted(names):
            if name in SKIP_FILES:
                continue
            path = os.path.join(dirpath, name)
            try:
                with open(path, "rb") as f:
                    data = f.read()
            except OSError:
                continue
            if b"\0" in data:
                continue
            scanned += 1
            text = data.decode("utf-8", errors="replace")
            for number, line in enumerate(text.splitlines(), 1):
                if any(p.search(line) for p in PATTERNS):
                    problems.append(f"{os.path.relpath(path, repo)}:{number}: {line.strip()[:160]}")
    for p in problems:
        print(p)
    if problems:
        print(f"check_paths: {len(problems)} line(s) name a development-machine path or a folder outside the "
              "checkout; refer to files relative to the repository and cite papers / public code instead")
        return 1
    print(f"check_paths: {scanned} files, no development-machine paths and nothing outside the checkout")
    return 0


if __name__ == "__main__":
    sys.exit(main())
