"""test_walkthrough.py — docs/PYTHON.md's walk-through: every ```python block, in order, in one namespace, run from a
scratch folder that sees the repository's configs/ (so the documented code is exactly what is tested)."""
import os
import re

from conftest import REPO


def walkthrough_blocks():
    text = (REPO / "docs" / "PYTHON.md").read_text()
    section = text.split("## Walk-through", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def test_walkthrough_has_blocks():
    assert len(walkthrough_blocks()) >= 4


def test_walkthrough_runs(tmp_path, monkeypatch):
    (tmp_path / "configs").symlink_to(REPO / "configs")
    monkeypatch.chdir(tmp_path)
    ns = {"__name__": "walkthrough"}
    for i, block in enumerate(walkthrough_blocks()):
        exec(compile(block, f"docs/PYTHON.md block {i + 1}", "exec"), ns)
    assert (tmp_path / "train.npz").exists() and (tmp_path / "model.json").exists()
    assert os.path.getsize(tmp_path / "walkthrough.png") > 10000
