"""Warm runs after an edit give exactly a cold run's findings, one edited file at a time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pii_lint.config import load_config, load_project_pack
from pii_lint.engine import analyse, discover

from conftest import FIXTURES

LOGS_AN_EMAIL = (
    "\n\ndef _edited_later(customer):\n"
    "    import logging\n"
    "    logging.getLogger(__name__).info(customer.email)\n"
)


@pytest.fixture()
def shop(tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    shutil.copytree(FIXTURES / "shop", root, ignore=shutil.ignore_patterns(".pii-lint-cache", "__pycache__"))
    return root


def _run(root: Path, use_cache: bool):
    config = load_config(root)
    return analyse(config, load_project_pack(config), use_cache=use_cache)


def _edit_and_compare(root: Path, rel: str, new_text: str):
    """Warm (the cache holds the unedited project) and cold analyses of the edited project."""
    path = root / rel
    original = path.read_text(encoding="utf-8")
    _run(root, use_cache=True)  # the run before the edit
    path.write_text(new_text, encoding="utf-8")
    try:
        warm = _run(root, use_cache=True)
        cold = _run(root, use_cache=False)
    finally:
        path.write_text(original, encoding="utf-8")
    assert warm.findings == cold.findings, rel
    return warm, cold


def _files(root: Path) -> list[str]:
    """The files the analysis reads (the fixture excludes its migrations)."""
    return discover(root, load_config(root).settings.excludes)


def test_each_file_edited_in_turn_warm_equals_cold(shop: Path) -> None:
    before = _run(shop, use_cache=False).findings
    assert before
    changed_by_code = 0
    for rel in _files(shop):
        text = (shop / rel).read_text(encoding="utf-8")
        # An edit the analysis cannot see: the last run's findings stand, without a rebuild.
        warm, _ = _edit_and_compare(shop, rel, text + "\n# reworded later\n")
        assert warm.findings == before and warm.builder is None, rel
        # Code: the graph is rebuilt, and the new flow is found.
        warm, _ = _edit_and_compare(shop, rel, text + LOGS_AN_EMAIL)
        assert warm.builder is not None, rel
        changed_by_code += warm.findings != before
    assert changed_by_code == len(_files(shop))


def test_comments_the_analysis_reads_are_not_mistaken_for_invisible_edits(shop: Path) -> None:
    """A noqa or a tag is a comment too, and it changes the findings."""
    before = _run(shop, use_cache=False).findings
    first = before[0]
    rel, line = first.location.path, first.location.line
    lines = (shop / rel).read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = lines[line - 1].rstrip("\n") + f"  # noqa: {first.code}\n"
    warm, _ = _edit_and_compare(shop, rel, "".join(lines))
    assert first not in warm.findings

    models = "shop/models.py"
    text = (shop / models).read_text(encoding="utf-8")
    assert "# pii: " in text
    warm, _ = _edit_and_compare(shop, models, text.replace("# pii: ", "# ", 1))
    assert warm.findings != before


def test_going_back_to_an_earlier_version_finds_its_findings(shop: Path) -> None:
    rel = "shop/checkout.py"
    text = (shop / rel).read_text(encoding="utf-8")
    first = _run(shop, use_cache=True).findings
    (shop / rel).write_text(text + LOGS_AN_EMAIL, encoding="utf-8")
    assert _run(shop, use_cache=True).findings != first
    (shop / rel).write_text(text + "\n# back, with a comment\n", encoding="utf-8")
    back = _run(shop, use_cache=True)
    assert back.findings == first == _run(shop, use_cache=False).findings


BRANCHY = '''
def pick(order, rows, flag):
    email, phone, total = order.email, order.phone, 0
    if flag:
        email, phone, note, total = phone, email, "a", 1
    else:
        note, label, total = "b", order.name, 2
    for row in rows:
        email, total, label = row.email, total + 1, row.name
    while total:
        phone, note, total = note, phone, total - 1
    return email, phone, note, total, label
'''

DUMP_FACTS = """
import pickle, sys
from pathlib import Path
from pii_lint.engine import discover, extract_file, module_names
from pii_lint.packs import load_pack
root = Path(sys.argv[1])
files = discover(root, [])
names = module_names(files)
pack = load_pack("shop", None)
facts = [extract_file(root, rel, names[rel], pack.infer_name) for rel in files]
sys.stdout.buffer.write(pickle.dumps(facts))
"""


def test_facts_are_the_same_under_any_hash_seed(shop: Path) -> None:
    """A file's facts are compared with its earlier version's, which another process
    (another hash seed) extracted: they must not depend on the seed."""
    import os
    import pickle
    import subprocess
    import sys

    (shop / "shop" / "branchy.py").write_text(BRANCHY, encoding="utf-8")
    runs = []
    for seed in ("1", "2", "3"):
        out = subprocess.run([sys.executable, "-c", DUMP_FACTS, str(shop)], capture_output=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        runs.append(pickle.loads(out))
    assert len(runs[0]) > 10
    assert runs[0] == runs[1] == runs[2]
