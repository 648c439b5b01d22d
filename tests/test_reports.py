"""Report formats, built from hand-made findings and the bundled pack."""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest

from pii_lint.findings import Finding, Location, Step, Suppression
from pii_lint.packs import load_pack
from pii_lint.report import FORMATS, render
from pii_lint.report.github import MAX_PER_LEVEL, annotation, escape_data, escape_property

from conftest import validate_sarif

VERSION = "0.1.0"


# -- fixtures ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def pack():
    return load_pack("shop")


def logged_email() -> Finding:
    """PII201 with a three-step path across two files."""
    return Finding(
        code="PII201", name="personal-data-logged",
        message="PII201 contact.email (Customer.email) reaches logging via logger.info [policy 1.4]",
        location=Location("shop/views.py", 12, 9, 12, 50),
        categories=("user.contact.email",), source="Customer.email", sink="logger.info",
        steps=(
            Step(Location("shop/models.py", 8, 5), "Customer.email is tagged contact.email"),
            Step(Location("shop/views.py", 10, 5), "assigned to email"),
            Step(Location("shop/views.py", 12, 9), "reaches logger.info"),
        ),
        policy="1.4", severity="error",
    )


def no_retention() -> Finding:
    """PII301, a declaration finding: no steps."""
    return Finding(
        code="PII301", name="retention-unhandled",
        message="PII301 Customer stores contact.email, name with no declared retention period [policy 1.4]",
        location=Location("shop/models.py", 5, 1),
        categories=("user.contact.email", "user.name"), source="Customer", sink="Customer",
        policy="1.4", severity="warning",
    )


def printed_phone(line: int) -> Finding:
    """Two of these on different lines are identical findings (same fingerprint key)."""
    return Finding(
        code="PII201", name="personal-data-logged",
        message="PII201 contact.phone_number (Customer.phone) reaches logging via print [policy 1.4]",
        location=Location("shop/tasks.py", line, 5),
        categories=("user.contact.phone_number",), source="Customer.phone", sink="print",
        steps=(Step(Location("shop/tasks.py", line - 2, 5), "Customer.phone is tagged contact.phone_number"),
               Step(Location("shop/tasks.py", line, 5), "reaches print")),
        policy="1.4", severity="error",
    )


def noqa_payload() -> Finding:
    return Finding(
        code="PII202", name="unminimized-payload",
        message="PII202 the whole Customer record is sent to shipfast via requests.post [policy 1.3]",
        location=Location("shop/shipping.py", 40, 5),
        categories=("user.contact.email", "user.name"), source="Customer", sink="requests.post",
        steps=(Step(Location("shop/shipping.py", 38, 5), "Customer holds contact.email, name"),
               Step(Location("shop/shipping.py", 40, 5), "reaches requests.post")),
        policy="1.3", severity="warning",
        suppression=Suppression("noqa", "shipfast's contract covers the full record"),
    )


@pytest.fixture
def findings() -> list[Finding]:
    return [logged_email(), no_retention(), printed_phone(20), printed_phone(30), noqa_payload()]


def render_(fmt, findings, pack, **kw):
    kw.setdefault("tool_version", VERSION)
    return render(fmt, findings, pack=pack, **kw)


# -- dispatch ---------------------------------------------------------------------


def test_every_format_renders_and_unknown_is_refused(findings, pack):
    for fmt in FORMATS:
        assert render_(fmt, findings, pack)
        assert render_(fmt, [], pack) is not None
    with pytest.raises(ValueError, match="unknown report format"):
        render_("xml", findings, pack)


# -- text / concise -----------------------------------------------------------------


def test_text_groups_by_file_with_paths_and_summary(findings, pack):
    out = render_("text", findings, pack)
    assert out == (
        "shop/models.py\n"
        "  5:1 PII301 Customer stores contact.email, name with no declared retention period [policy 1.4]\n"
        "    help: declare a retention period (`# pii-retention: 30d` on the class) and purge old records, or give the cache write an expiry (`pii-lint explain PII301`)\n"
        "\n"
        "shop/tasks.py\n"
        "  20:5 PII201 contact.phone_number (Customer.phone) reaches logging via print [policy 1.4]\n"
        "    shop/tasks.py:18  Customer.phone is tagged contact.phone_number\n"
        "    shop/tasks.py:20  reaches print\n"
        "    help: log the record's key (customer.pk) or a masked value instead of the personal data (`pii-lint explain PII201`)\n"
        "  30:5 PII201 contact.phone_number (Customer.phone) reaches logging via print [policy 1.4]\n"
        "    shop/tasks.py:28  Customer.phone is tagged contact.phone_number\n"
        "    shop/tasks.py:30  reaches print\n"
        "    help: log the record's key (customer.pk) or a masked value instead of the personal data (`pii-lint explain PII201`)\n"
        "\n"
        "shop/views.py\n"
        "  12:9 PII201 contact.email (Customer.email) reaches logging via logger.info [policy 1.4]\n"
        "    shop/models.py:8  Customer.email is tagged contact.email\n"
        "    shop/views.py:10  assigned to email\n"
        "    shop/views.py:12  reaches logger.info\n"
        "    help: log the record's key (customer.pk) or a masked value instead of the personal data (`pii-lint explain PII201`)\n"
        "\n"
        "4 findings (3 PII201, 1 PII301) in 3 files; 1 suppressed (1 noqa)\n"
    )
    assert "\x1b[" not in out
    assert "shipping.py" not in out  # the noqa'd finding is counted, not shown


def test_text_colour_and_empty_and_stale(findings, pack):
    coloured = render_("text", findings, pack, color=True)
    assert "\x1b[31mPII201\x1b[0m" in coloured  # error: red
    assert "\x1b[33mPII301\x1b[0m" in coloured  # warning: yellow
    assert "\x1b[2mshop/models.py:8\x1b[0m" in coloured  # path steps dim
    assert render_("text", [], pack) == "No findings.\n"
    only_suppressed = render_("text", [noqa_payload()], pack)
    assert only_suppressed == "No findings; 1 suppressed (1 noqa).\n"
    stale = [{"fingerprint": "ab" * 16, "code": "PII201", "path": "shop/old.py", "message": "gone"}]
    out = render_("text", [], pack, stale=stale)
    assert "1 stale baseline entries" in out and "  shop/old.py: PII201 gone" in out


def test_concise_is_flake8_shaped(findings, pack):
    assert render_("concise", findings, pack).splitlines() == [
        "shop/models.py:5:1: PII301 Customer stores contact.email, name with no declared retention period [policy 1.4]",
        "shop/tasks.py:20:5: PII201 contact.phone_number (Customer.phone) reaches logging via print [policy 1.4]",
        "shop/tasks.py:30:5: PII201 contact.phone_number (Customer.phone) reaches logging via print [policy 1.4]",
        "shop/views.py:12:9: PII201 contact.email (Customer.email) reaches logging via logger.info [policy 1.4]",
    ]
    # A message without the code prefix is printed the same way.
    bare = replace(no_retention(), message="Customer stores contact.email [policy 1.4]")
    assert render_("concise", [bare], pack) == "shop/models.py:5:1: PII301 Customer stores contact.email [policy 1.4]\n"


# -- json ---------------------------------------------------------------------------


def test_json_schema_and_determinism(findings, pack):
    first = render_("json", findings, pack)
    shuffled = findings[:]
    random.Random(4).shuffle(shuffled)
    assert render_("json", shuffled, pack) == first  # byte-identical whatever the input order
    assert render_("json", list(reversed(findings)), pack) == first
    doc = json.loads(first)
    assert doc["version"] == 1
    assert doc["tool"] == {"name": "pii-lint", "version": VERSION}
    assert doc["summary"] == {"total": 4, "by_code": {"PII201": 3, "PII301": 1}, "suppressed": 1}
    assert [f["path"] for f in doc["findings"]] == [
        "shop/models.py", "shop/shipping.py", "shop/tasks.py", "shop/tasks.py", "shop/views.py"]
    keys = {"code", "name", "message", "path", "line", "column", "end_line", "end_column", "categories", "source",
            "sink", "inferred", "policy", "severity", "fingerprint", "suppressed", "path_steps", "fix"}
    assert all(set(f) == keys for f in doc["findings"])
    email = doc["findings"][-1]
    assert email["message"] == "contact.email (Customer.email) reaches logging via logger.info [policy 1.4]"
    assert (email["line"], email["column"], email["end_line"], email["end_column"]) == (12, 9, 12, 50)
    assert email["path_steps"][0] == {"path": "shop/models.py", "line": 8, "column": 5,
                                      "description": "Customer.email is tagged contact.email"}
    assert email["suppressed"] is None and len(email["path_steps"]) == 3
    assert doc["findings"][0]["path_steps"] == [] and doc["findings"][0]["end_line"] is None
    assert doc["findings"][1]["suppressed"] == {"kind": "noqa", "reason": "shipfast's contract covers the full record"}
    a, b = doc["findings"][2:4]
    assert a["fingerprint"] != b["fingerprint"]  # identical findings, two fingerprints
    assert a["fingerprint"] == printed_phone(20).fingerprint(0)
    assert doc["stale"] == []


# -- sarif --------------------------------------------------------------------------


def test_sarif_is_valid_and_complete_with_the_real_pack(findings, pack, sarif_schema):
    baseline_hit = replace(no_retention(), suppression=Suppression("baseline", "accepted in the baseline"))
    items = [f for f in findings if f.code != "PII301"] + [baseline_hit]
    text = render_("sarif", items, pack, root_uri="file:///home/ci/shop")
    log = json.loads(text)
    validate_sarif(log, sarif_schema)
    assert log["version"] == "2.1.0" and log["$schema"].startswith("https://")
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "pii-lint" and driver["semanticVersion"] == VERSION and driver["informationUri"]
    # Every rule of the pack, not only those with results.
    assert [r["id"] for r in driver["rules"]] == sorted(pack.rules)
    rule = next(r for r in driver["rules"] if r["id"] == "PII201")
    spec = pack.rules["PII201"]
    assert rule["name"] == "personal-data-logged"
    assert rule["shortDescription"]["text"] == spec.summary
    assert rule["fullDescription"]["text"].startswith("Reports a log call that personal data reaches: `logging`")
    assert "\n" not in rule["fullDescription"]["text"].split("\n\n")[0]  # unwrapped paragraphs
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "```python"):
        assert heading in rule["help"]["markdown"]
    assert "Why is this bad?" in rule["help"]["text"]
    assert rule["properties"]["tags"] == ["security", "privacy", "policy-1.4"]
    assert rule["properties"]["security-severity"] == "6.5"
    assert rule["properties"]["precision"] == spec.precision
    assert rule["defaultConfiguration"]["level"] == "error"
    pii900 = next(r for r in driver["rules"] if r["id"] == "PII900")
    assert pii900["properties"]["tags"] == ["security", "privacy"]  # no clause

    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///home/ci/shop/"}}
    assert run["invocations"] == [{"executionSuccessful": True}]
    results = run["results"]
    assert len(results) == 5
    for r in results:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    fingerprints = [r["partialFingerprints"]["piiLint/v1"] for r in results]
    assert len(set(fingerprints)) == 5

    email = next(r for r in results if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                 == "shop/views.py")
    assert email["level"] == "error"
    assert email["message"]["text"].startswith("contact.email (Customer.email)")
    assert email["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 12, "startColumn": 9, "endLine": 12, "endColumn": 50}
    steps = email["codeFlows"][0]["threadFlows"][0]["locations"]
    assert [(s["location"]["physicalLocation"]["artifactLocation"]["uri"],
             s["location"]["physicalLocation"]["region"]["startLine"],
             s["location"]["message"]["text"]) for s in steps] == [
        ("shop/models.py", 8, "Customer.email is tagged contact.email"),
        ("shop/views.py", 10, "assigned to email"),
        ("shop/views.py", 12, "reaches logger.info"),
    ]
    assert "suppressions" not in email

    noqa = next(r for r in results if r["ruleId"] == "PII202")
    assert noqa["suppressions"] == [{"kind": "inSource", "status": "accepted",
                                     "justification": "shipfast's contract covers the full record"}]
    declared = next(r for r in results if r["ruleId"] == "PII301")
    assert "codeFlows" not in declared
    assert declared["suppressions"][0]["kind"] == "external"
    assert render_("sarif", list(reversed(items)), pack, root_uri="file:///home/ci/shop") == text


def test_sarif_without_pack_rule_or_root_is_valid(sarif_schema):
    odd = Finding(code="PII999", name="custom-check", message="PII999 something [policy 9.9]",
                  location=Location("a.py", 1, 1), policy="9.9", severity="note")
    log = json.loads(render_("sarif", [odd], None))
    validate_sarif(log, sarif_schema)
    run = log["runs"][0]
    assert "originalUriBaseIds" not in run
    assert run["tool"]["driver"]["rules"][0]["id"] == "PII999"
    assert run["results"][0]["ruleIndex"] == 0 and run["results"][0]["level"] == "note"
    empty = json.loads(render_("sarif", [], load_pack("shop")))
    validate_sarif(empty, sarif_schema)
    assert empty["runs"][0]["results"] == []


def test_sarif_fixes_are_valid_and_json_carries_the_same_fix(pack, sarif_schema):
    from pii_lint.fixes import Edit, Fix

    fix = Fix("log-mask", "unsafe", "log mask(customer.email) instead of customer.email", (
        Edit("shop/views.py", 1, 1, 1, 1, "from shop.privacy import mask\n"),
        Edit("shop/views.py", 12, 38, 12, 52, "mask(customer.email)"),
    ), enabled=False)
    finding = replace(logged_email(), fix=fix)
    log = json.loads(render_("sarif", [finding, no_retention()], pack, root_uri="file:///home/ci/shop"))
    validate_sarif(log, sarif_schema)
    result = next(r for r in log["runs"][0]["results"] if r["ruleId"] == "PII201")
    change = result["fixes"][0]["artifactChanges"][0]
    assert change["artifactLocation"]["uri"] == "shop/views.py"
    assert change["replacements"][1] == {
        "deletedRegion": {"startLine": 12, "startColumn": 38, "endLine": 12, "endColumn": 52},
        "insertedContent": {"text": "mask(customer.email)"},
    }
    assert result["properties"]["fixApplicability"] == "unsafe"
    assert all("fixes" not in r for r in log["runs"][0]["results"] if r["ruleId"] != "PII201")
    doc = json.loads(render_("json", [finding], pack))
    assert doc["findings"][0]["fix"]["edits"][0] == {
        "path": "shop/views.py", "line": 1, "column": 1, "end_line": 1, "end_column": 1,
        "content": "from shop.privacy import mask\n"}
    assert json.loads(render_("json", [logged_email()], pack))["findings"][0]["fix"] is None


# -- github -------------------------------------------------------------------------


def test_github_escaping():
    assert escape_data("50% off\r\nnext") == "50%25 off%0D%0Anext"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"
    odd = replace(logged_email(), location=Location("shop/a,b:c.py", 3, 1, 3, 7),
                  message="PII201 100% of contact.email, name: logged\nreally [policy 1.4]")
    line = annotation(odd)
    assert line.startswith("::error file=shop/a%2Cb%3Ac.py,line=3,col=1,endLine=3,endColumn=7,"
                           "title=PII201 personal-data-logged::")
    assert line.count("\n") == 0
    data = line.split("::", 2)[2]
    assert data.startswith("100%25 of contact.email, name: logged really [policy 1.4]%0Apath:")
    assert "%0A  shop/models.py:8  Customer.email is tagged contact.email" in data


def test_github_levels_and_suppressed(findings, pack):
    out = render_("github", findings, pack).splitlines()
    assert [line.split(" ", 1)[0] for line in out[:4]] == ["::error", "::error", "::error", "::warning"]
    assert not any("shipping.py" in line for line in out)  # noqa'd
    assert out[-1] == "pii-lint: 4 findings (3 PII201, 1 PII301) in 3 files; 1 suppressed (1 noqa)"
    note = replace(no_retention(), code="PII103", severity="note")
    assert render_("github", [note], pack).startswith("::notice file=shop/models.py,")


def test_github_caps_ten_per_level_most_severe_first(pack):
    errors = [replace(printed_phone(10 + i), location=Location(f"shop/e{i % 3}.py", 10 + i, 5))
              for i in range(14)]
    worse = replace(logged_email(), code="PII102", name="credential-stored",
                    message="PII102 a password reaches storage [policy 1.2]")  # security severity 9.0
    warnings = [replace(no_retention(), location=Location("shop/w.py", 100 + i, 1)) for i in range(12)]
    notes = [replace(no_retention(), code="PII103", severity="note", location=Location("shop/n.py", i + 1, 1))
             for i in range(3)]
    out = render_("github", errors + [worse] + warnings + notes, pack).splitlines()
    commands = [line for line in out if line.startswith("::")]
    assert [c.split(" ", 1)[0] for c in commands] == ["::error"] * 10 + ["::warning"] * 10 + ["::notice"] * 3
    assert "title=PII102 credential-stored" in commands[0]  # the most severe first
    rest = out[len(commands):]
    assert rest[0].startswith("pii-lint: 7 more findings not annotated")
    assert rest[1:] == [
        "  by code:", "    PII201: 5", "    PII301: 2",
        "  by file:", "    shop/e1.py: 1", "    shop/e2.py: 4", "    shop/w.py: 2",
        "pii-lint: 30 findings (1 PII102, 3 PII103, 14 PII201, 12 PII301) in 6 files",
    ]
    assert MAX_PER_LEVEL == 10


# -- gitlab -------------------------------------------------------------------------


def test_gitlab_code_quality_shape(findings, pack):
    issues = json.loads(render_("gitlab", findings, pack))
    assert isinstance(issues, list) and len(issues) == 4  # the noqa'd one is left out
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location", "categories"}
        assert issue["categories"] == ["Security"]
        assert issue["severity"] in {"blocker", "critical", "major", "minor", "info"}
        assert set(issue["location"]) == {"path", "lines"} and set(issue["location"]["lines"]) == {"begin"}
    assert len({i["fingerprint"] for i in issues}) == 4
    first = issues[0]
    assert first["check_name"] == "PII301" and first["location"] == {"path": "shop/models.py", "lines": {"begin": 5}}
    assert first["description"].startswith("PII301 Customer stores")
    assert first["severity"] == "minor"  # security severity 4.0
    severities = {i["check_name"]: i["severity"] for i in issues}
    assert severities["PII201"] == "minor"  # 6.5
    credential = replace(logged_email(), code="PII102", name="credential-stored")
    assert json.loads(render_("gitlab", [credential], pack))[0]["severity"] == "critical"  # 9.0
    assert json.loads(render_("gitlab", [], pack)) == []
