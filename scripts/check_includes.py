#!/usr/bin/env python3
"""check_includes.py — fail on an #include that points up the module order (docs/ARCHITECTURE.md).

Every source file lives in a module folder: include/noether/<module>/, host/<module>/, kernels/<module>/
or tests/<module>/. A file may include its own module and modules earlier in the order

    core -> nn -> physics -> io -> {mclnn, hnn} -> pixel -> run -> {cli, python}

(mclnn and hnn are siblings: neither includes the other; so are cli and python, the two front ends: the command
line and the Python extension host/python/). kernels/cpu_executor/ (the CPU executor that stands in
for the CUDA runtime in NOETHER_CUDA_ON_CPU builds, docs/CUDA_ON_CPU.md) sits below core: anything in kernels/
or tests/ may include it, and it includes no module; its tests (tests/cpu_executor/) may include any module. tests/support/ (the shared test fixtures) may
include any module; a test in tests/<module>/ may include tests/support/ and modules up to its own, host-private
headers (host/<module>/, on the tests' include path for unit tests of internal pieces) too. The fuzz targets
(tests/fuzz/, docs/FUZZING.md) are like tests/support/: they may include any module, host-private headers too.
Quoted includes are resolved as the build resolves them ("noether/<module>/x.hpp", "<module>/x.hpp"
inside host/ or kernels/, "support/x.hpp" in tests/, or a path relative to the including file).

Usage: check_includes.py [REPO_ROOT]   (exit 0: clean; 1: upward or unresolved includes, listed)
"""
import os
import re
import sys

ORDER = {"cpu_executor": -1, "core": 0, "nn": 1, "physics": 2, "io": 3, "mclnn": 4, "hnn": 4, "pixel": 5, "run": 6, "cli": 7, "python": 7}
ROOTS = ("include/noether", "host", "kernels", "tests")
SOURCE_EXT = (".hpp", ".cpp", ".cu", ".cuh", ".h")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def module_of(rel):
    """The module of a repository-relative path, 'support' for tests/support, or None."""
    for root in ROOTS:
        if rel.startswith(root + "/"):
            first = rel[len(root) + 1:].split("/")[0]
            if root == "tests" and first in ("support", "cpu_executor", "fuzz"):
                return "support"  # shared fixtures, the executor's tests (they run kernels of any module), fuzz targets
            if first == "cpu_executor" and root not in ("kernels", "tests"):
                return None
            return first if first in ORDER else None
    return None


def resolve(repo, rel, target):
    """Repository-relative path of the quoted include `target` written in file `rel`, or None."""
    top = rel.split("/")[0]
    candidates = [os.path.join(os.path.dirname(rel), target)]
    if target.startswith("noether/"):
        candidates.insert(0, "include/" + target)
    elif top in ("host", "kernels", "tests"):
        candidates.insert(0, os.path.join(top, target))
    if top == "tests":  # the tests and fuzz targets are built with host/ on their include path (internal unit tests)
        candidates.append(os.path.join("host", target))
    if top in ("kernels", "tests"):  # the CPU executor's include folder is on the kernels' include path there
        candidates.append(os.path.join("kernels/cpu_executor/include", target))
        candidates.append(os.path.join("kernels", target))
    for c in candidates:
        c = os.path.normpath(c)
        if os.path.isfile(os.path.join(repo, c)):
            return c
    return None


def allowed(src, dst):
    if src == dst:
        return True
    if src == "support":
        return True
    if dst == "support":
        return False  # only tests include the test fixtures (handled by the caller)
    return ORDER[dst] < ORDER[src]


def main():
    repo = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    problems = []
    files = 0
    for root in ROOTS:
        for dirpath, _, names in os.walk(os.path.join(repo, root)):
            for name in sorted(names):
                if not name.endswith(SOURCE_EXT):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, name), repo)
                files += 1
                src = module_of(rel)
                if src is None:
                    if not rel.startswith("tests/"):
                        problems.append(f"{rel}: not inside a module folder ({', '.join(ORDER)})")
                    continue
                with open(os.path.join(repo, rel), encoding="utf-8") as f:
                    text = f.read()
                for m in INCLUDE.finditer(text):
                    target = m.group(1)
                    line = text.count("\n", 0, m.start()) + 1
                    path = resolve(repo, rel, target)
                    if path is None:
                        problems.append(f'{rel}:{line}: #include "{target}" does not resolve to a file in the repository')
                        continue
                    dst = module_of(path)
                    if dst is None:
                        continue
                    if dst == "support" and rel.startswith("tests/"):
                        continue
                    if not allowed(src, dst):
                        problems.append(f'{rel}:{line}: #include "{target}" points up the module order: '
                                        f"{src} may not include {dst} (order: core -> nn -> physics -> io -> "
                                        "mclnn | hnn -> pixel -> run -> cli; see docs/ARCHITECTURE.md)")
    for p in problems:
        print(p)
    if problems:
        print(f"check_includes: {len(problems)} problem(s) in {files} files")
        return 1
    print(f"check_includes: {files} files, every include points down the module order")
    return 0


if __name__ == "__main__":
    sys.exit(main())
