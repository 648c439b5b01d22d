"""Every fixture project states its expectations on the reported lines:

    logger.info(customer.email)  # expect: PII201
    logger.info(customer.id)     # ok: PII201
    logger.info(obscure)         # todo: PII201   (a known miss: xfail)

One test per fixture project compares the exact set of (file, line, code).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pii_lint.config import load_config
from pii_lint.engine import analyse, discover
from pii_lint.packs import load_pack

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MARK = re.compile(r"#\s*(expect|ok|todo)\s*:\s*((?:PII\d{3}[,\s]*)+)")
PROJECTS = sorted(p.parent for p in FIXTURES.glob("*/pyproject.toml"))


def expectations(root: Path, files: list[str]) -> dict[str, set[tuple[str, int, str]]]:
    found = {"expect": set(), "ok": set(), "todo": set()}
    for rel in files:
        text = (root / rel).read_text(encoding="utf-8", errors="replace")
        for lineno, line in enumerate(text.splitlines(), 1):
            for kind, codes in MARK.findall(line):
                for code in re.findall(r"PII\d{3}", codes):
                    found[kind].add((rel, lineno, code))
    return found


def reported(root: Path) -> tuple[set, dict]:
    config = load_config(root)
    pack = load_pack(config.settings.pack, root)
    analysis = analyse(config, pack, use_cache=False)
    got = {(f.location.path, f.location.line, f.code) for f in analysis.findings if f.suppression is None}
    return got, {(f.location.path, f.location.line, f.code): f.message for f in analysis.findings}


def _diff(title: str, items, messages=None) -> str:
    lines = [f"{title}:"]
    for item in sorted(items):
        msg = f"  {messages[item]}" if messages and item in messages else ""
        lines.append(f"  {item[0]}:{item[1]} {item[2]}{msg}")
    return "\n".join(lines)


@pytest.mark.parametrize("root", PROJECTS, ids=lambda p: p.name)
def test_fixture_findings_are_exactly_the_expected_ones(root: Path) -> None:
    config = load_config(root)
    files = discover(root, config.settings.excludes)
    marks = expectations(root, files)
    got, messages = reported(root)
    assert marks["expect"], f"{root.name} has no `# expect:` lines"
    missing = marks["expect"] - got
    unexpected = got - marks["expect"] - marks["todo"]
    wrongly = got & marks["ok"]
    problems = []
    if missing:
        problems.append(_diff("expected but not reported", missing))
    if unexpected:
        problems.append(_diff("reported but not expected", unexpected, messages))
    if wrongly:
        problems.append(_diff("reported on an `# ok:` line", wrongly, messages))
    fixed = marks["todo"] & got
    if fixed:
        problems.append(_diff("`# todo:` cases now reported: turn them into `# expect:`", fixed))
    assert not problems, "\n".join(problems)


def test_fixture_projects_exist() -> None:
    names = {p.name for p in PROJECTS}
    assert "shop" in names


def test_every_code_has_focused_positive_and_negative_cases() -> None:
    """fixtures/rules (and fixtures/suggest for PII103) hold >= 3 expect and >= 2 ok per code."""
    from pii_lint.packs import load_pack

    counts: dict[tuple[str, str], int] = {}
    for name in ("rules", "suggest"):
        root = FIXTURES / name
        marks = expectations(root, discover(root, load_config(root).settings.excludes))
        for kind in ("expect", "ok"):
            for _, _, code in marks[kind]:
                counts[(kind, code)] = counts.get((kind, code), 0) + 1
    thin = [code for code in sorted(load_pack("shop").rules)
            if counts.get(("expect", code), 0) < 3 or counts.get(("ok", code), 0) < 2]
    assert not thin, f"codes with too few fixture cases: {thin}"


def test_the_sample_shop_fires_every_code_and_crosses_modules() -> None:
    root = FIXTURES / "shop"
    config = load_config(root)
    analysis = analyse(config, load_pack(config.settings.pack, root), use_cache=False)
    codes = {f.code for f in analysis.findings}
    assert codes >= {"PII101", "PII102", "PII201", "PII202", "PII203", "PII204", "PII205", "PII301", "PII302",
                     "PII303", "PII401"}
    crossing = [f for f in analysis.findings if f.code == "PII201" and len({s.location.path for s in f.steps}) >= 3]
    assert len(crossing) >= 3, [f.message for f in crossing]
