"""What CI relies on, run on the sample shop: SARIF for code scanning, baselines that
survive moved code, and diff-only reports."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli, validate_sarif

FLOW_CODES = {"PII102", "PII201", "PII202", "PII203", "PII204", "PII205", "PII303"}


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    project = tmp_path / "shop"
    shutil.copytree(FIXTURES / "shop", project, ignore=shutil.ignore_patterns(".pii-lint-cache"))
    return project


def test_sarif_of_the_shop_validates_and_flows_have_code_flows(shop: Path, sarif_schema: dict) -> None:
    result = run_cli("check", str(shop), "--format", "sarif", "--no-cache")
    assert result.returncode == 1, result.stderr
    log = json.loads(result.stdout)
    validate_sarif(log, sarif_schema)
    results = log["runs"][0]["results"]
    flows = [r for r in results if r["ruleId"] in FLOW_CODES]
    assert flows
    for r in flows:
        steps = r["codeFlows"][0]["threadFlows"][0]["locations"]
        assert len(steps) >= 2, r["message"]["text"]
        sink = r["locations"][0]["physicalLocation"]
        last = steps[-1]["location"]["physicalLocation"]
        assert last["artifactLocation"]["uri"] == sink["artifactLocation"]["uri"]
        assert last["region"]["startLine"] == sink["region"]["startLine"]


def _first_flow_finding(shop: Path) -> dict:
    data = json.loads(run_cli("check", str(shop), "--format", "json", "--no-cache", "--no-baseline").stdout)
    return next(f for f in data["findings"] if f["code"] in FLOW_CODES and f["suppressed"] is None)


def test_baseline_silences_today_and_survives_moved_lines(shop: Path) -> None:
    baseline = shop / "pii-baseline.json"
    written = run_cli("baseline", str(shop), "--output", str(baseline), "--no-cache")
    assert written.returncode == 0, written.stderr
    entries = json.loads(baseline.read_text())["entries"]
    assert entries and all("line" not in e for e in entries)
    assert run_cli("check", str(shop), "--baseline", str(baseline), "--no-cache").returncode == 0

    finding = _first_flow_finding(shop)
    target = shop / finding["path"]
    target.write_text("# a comment\n# and another\n\n" + target.read_text(encoding="utf-8"), encoding="utf-8")
    moved = run_cli("check", str(shop), "--baseline", str(baseline), "--format", "json", "--no-cache")
    assert moved.returncode == 0, moved.stdout
    assert json.loads(moved.stdout)["stale"] == []


def test_baseline_reports_fixed_entries_as_stale(shop: Path) -> None:
    baseline = shop / "pii-baseline.json"
    run_cli("baseline", str(shop), "--output", str(baseline), "--no-cache")
    finding = _first_flow_finding(shop)
    target = shop / finding["path"]
    lines = target.read_text(encoding="utf-8").splitlines()
    first, last = finding["line"], finding["end_line"] or finding["line"]
    call = lines[first - 1]
    indent = call[: len(call) - len(call.lstrip())]
    lines[first - 1 : last] = [indent + "pass"]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("check", str(shop), "--baseline", str(baseline), "--format", "json", "--no-cache")
    assert result.returncode == 0
    stale = json.loads(result.stdout)["stale"]
    assert any(e["path"] == finding["path"] and e["code"] == finding["code"] for e in stale)


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=cwd,
                   check=True, capture_output=True)


def test_diff_base_reports_only_flows_touching_changed_lines(shop: Path) -> None:
    _git(shop, "init", "-q")
    _git(shop, "add", "-A")
    _git(shop, "commit", "-qm", "base")
    assert run_cli("check", str(shop), "--diff-base", "HEAD", "--no-cache").returncode == 0
    new = shop / "shop" / "newsletter_debug.py"
    new.write_text("import logging\n\nfrom shop.models import Customer\n\n\ndef debug(c: Customer):\n"
                   "    logging.info(c.email)\n", encoding="utf-8")
    result = run_cli("check", str(shop), "--diff-base", "HEAD", "--format", "concise", "--no-cache")
    assert result.returncode == 1
    assert [line.split(":")[0] for line in result.stdout.strip().splitlines()] == ["shop/newsletter_debug.py"]


def test_diff_base_outside_git_is_a_clear_error(shop: Path) -> None:
    result = run_cli("check", str(shop), "--diff-base", "HEAD", "--no-cache")
    assert result.returncode == 2
    assert "not inside a git repository" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_the_project_baseline_is_used_by_default_and_reports_only_the_new_leak(shop: Path) -> None:
    """pre-commit with a baseline: pii-baseline.json at the root applies without --baseline
    (and says so in one line); --no-baseline turns it off; a new leak is all that is left."""
    assert run_cli("baseline", str(shop), "--output", str(shop / "pii-baseline.json"), "--no-cache").returncode == 0
    quiet = run_cli("check", str(shop), "--format", "concise", "--no-cache")
    assert quiet.returncode == 0 and quiet.stdout == "", quiet.stdout
    assert quiet.stderr.strip().splitlines() == ["pii-lint: using the baseline pii-baseline.json (--no-baseline to report everything)"]
    assert run_cli("check", str(shop), "--no-baseline", "--no-cache").returncode == 1
    views = shop / "shop" / "support.py"
    views.write_text(views.read_text(encoding="utf-8") + "\n\ndef leak(customer):\n    print(customer.email)\n",
                     encoding="utf-8")
    loud = run_cli("check", str(shop), "--format", "concise", "--no-cache")
    assert loud.returncode == 1
    new = loud.stdout.strip().splitlines()
    assert len(new) == 1 and "PII201" in new[0] and "via print" in new[0], new


def test_fail_on_keeps_warnings_from_failing(shop: Path) -> None:
    everything = json.loads(run_cli("check", str(shop), "--format", "json", "--no-cache").stdout)["findings"]
    severities = {f["severity"] for f in everything if f["suppressed"] is None}
    assert {"error", "warning"} <= severities
    errors_only = run_cli("check", str(shop), "--fail-on", "error", "--select", "PII301,PII401", "--no-cache")
    assert errors_only.returncode == 0  # PII301 and PII401 are warnings
    assert run_cli("check", str(shop), "--fail-on", "warning", "--select", "PII301", "--no-cache").returncode == 1
    assert run_cli("check", str(shop), "--fail-on", "never", "--no-cache").returncode == 0
    assert run_cli("check", str(shop), "--fail-on", "error", "--no-cache").returncode == 1
