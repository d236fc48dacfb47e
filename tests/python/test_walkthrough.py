"""test_walkthrough.py — the code of docs/PYTHON.md: the walk-through's ```python blocks in order in one namespace, and
the blocks of the HNN, bulk and ASE sections (each section its own namespace), run from a scratch folder that sees
the repository's configs/ (so the documented code is exactly what is tested)."""
import importlib.util
import os
import re

import pytest

from conftest import REPO


def section_blocks(title):
    text = (REPO / "docs" / "PYTHON.md").read_text()
    section = text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def walkthrough_blocks():
    return section_blocks("Walk-through")


def run_blocks(blocks, name):
    ns = {"__name__": name}
    for i, block in enumerate(blocks):
        exec(compile(block, f"docs/PYTHON.md {name} block {i + 1}", "exec"), ns)
    return ns


@pytest.fixture
def scratch(tmp_path, monkeypatch):
    (tmp_path / "configs").symlink_to(REPO / "configs")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_walkthrough_has_blocks():
    assert len(walkthrough_blocks()) >= 4


def test_walkthrough_runs(scratch):
    run_blocks(walkthrough_blocks(), "walkthrough")
    assert (scratch / "train.npz").exists() and (scratch / "model.json").exists()
    assert os.path.getsize(scratch / "walkthrough.png") > 10000


@pytest.mark.parametrize("title", ["HNN models", "Bulk trajectories: box and species", "ASE calculator"])
def test_section_runs(title, scratch):
    if title.startswith("ASE") and importlib.util.find_spec("ase") is None:
        pytest.skip("ase is not installed")
    blocks = section_blocks(title)
    assert blocks
    run_blocks(blocks, title)
