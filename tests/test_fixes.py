"""Fixes: before/after fixtures compared exactly, the ruff conventions (--fix, --unsafe-fixes,
--diff, --add-noqa, [*]), the check before writing, and the machine outputs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO, run_cli, validate_sarif

CASES = FIXTURES / "fixes"

# case -> the command that must turn project/ into expected/
COMMANDS = {
    "unsafe": ["check", ".", "--fix", "--unsafe-fixes"],
    "mask": ["check", ".", "--fix", "--unsafe-fixes"],
    "tag": ["tag"],
    "noqa": ["check", ".", "--add-noqa", "legacy, ticket PRIV-12"],
}


def _copy(case: str, tmp_path: Path) -> Path:
    project = tmp_path / case
    shutil.copytree(CASES / case / "project", project)
    return project


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.py"))
            if ".pii-lint-cache" not in p.parts}


@pytest.mark.parametrize("case", sorted(COMMANDS))
def test_before_after_exactly(case: str, tmp_path: Path) -> None:
    project = _copy(case, tmp_path)
    before = _files(project)
    proc = run_cli(*COMMANDS[case], "--no-cache", cwd=project)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    expected = _files(CASES / case / "expected")
    after = _files(project)
    assert expected, "a case needs at least one expected file"
    for path, data in after.items():
        want = expected.get(path, before[path])
        assert data.decode() == want.decode(), f"{case}: {path} differs from the expected file"
    # A second run has nothing left to do.
    again = run_cli(*COMMANDS[case], "--no-cache", cwd=project)
    assert _files(project) == after
    assert "fixed" not in again.stderr and "tagged" not in again.stderr and "suppressed" not in again.stderr, \
        again.stderr


@pytest.mark.parametrize("case", sorted(COMMANDS))
def test_expected_files_parse_and_differ_from_the_project(case: str) -> None:
    import ast

    for path, data in _files(CASES / case / "expected").items():
        ast.parse(data)
        assert data != (CASES / case / "project" / path).read_bytes(), f"{case}/{path} shows no fix"


def test_exit_code_counts_what_remains_after_fixing(tmp_path: Path) -> None:
    project = _copy("unsafe", tmp_path)
    proc = run_cli("check", ".", "--fix", "--unsafe-fixes", "--no-cache", cwd=project)
    assert proc.returncode == 1  # the value logged through a helper and PII401 remain
    assert "2 findings (1 PII201, 1 PII401)" in proc.stdout
    assert "pii-lint: fixed 18 findings in 4 files" in proc.stderr
    project = _copy("noqa", tmp_path / "n")
    proc = run_cli("check", ".", "--add-noqa", "legacy", "--no-cache", cwd=project)
    assert proc.returncode == 0, proc.stdout
    assert "No findings; 4 suppressed (4 noqa)." in proc.stdout
    assert "suppressed 4 findings with `# noqa` in 1 file" in proc.stderr


def test_diff_prints_and_writes_nothing(tmp_path: Path) -> None:
    project = _copy("unsafe", tmp_path)
    before = _files(project)
    proc = run_cli("check", ".", "--diff", "--unsafe-fixes", "--no-cache", cwd=project)
    assert proc.returncode == 1
    assert _files(project) == before
    assert "--- a/app/logs.py\n+++ b/app/logs.py\n" in proc.stdout
    assert '-    logger.info("member %s joined", member.email)\n+    logger.info("member %s joined", member.id)\n' \
        in proc.stdout
    assert "would have fixed 18 findings" in proc.stderr
    # Nothing to fix: no diff, exit 0.
    clean = run_cli("check", ".", "--diff", "--no-cache", cwd=project)
    assert clean.returncode == 0 and clean.stdout == ""


def test_safe_fixes_only_without_unsafe_flag(tmp_path: Path) -> None:
    project = _copy("unsafe", tmp_path)
    before = _files(project)
    proc = run_cli("check", ".", "--fix", "--no-cache", cwd=project)
    assert _files(project) == before  # every fix of this project is unsafe
    assert proc.returncode == 1
    assert "[*]" not in proc.stdout
    assert proc.stdout.rstrip().endswith("18 hidden fixes can be enabled with `--unsafe-fixes`")


def test_text_marks_fixable_findings_and_says_which_flag(tmp_path: Path) -> None:
    project = _copy("unsafe", tmp_path)
    proc = run_cli("check", ".", "--unsafe-fixes", "--no-cache", cwd=project)
    assert "  33:5 PII201 [*] contact.email (Member.email) reaches logging via logger.info" in proc.stdout
    assert "  41:5 PII201 contact.email (Customer.email) reaches logging" in proc.stdout  # through a helper
    assert proc.stdout.rstrip().endswith("[*] 18 fixable with `pii-lint check --fix --unsafe-fixes`")
    tag = run_cli("check", str(FIXTURES / "suggest"), "--no-cache")
    assert "  21:5 PII103 [*] Subscriber.phone looks like contact.phone_number" in tag.stdout
    assert "[*] 7 fixable with `pii-lint check --fix` (1 hidden fix can be enabled with `--unsafe-fixes`)" \
        in tag.stdout


def test_a_fix_that_leaves_the_finding_is_not_applied(tmp_path: Path) -> None:
    project = _copy("mask", tmp_path)
    proc = run_cli("check", ".", "--fix", "--unsafe-fixes", "--no-cache", cwd=project)
    assert "pii-lint: not applied: shop/views.py:22 PII201: the finding is still reported after the edit" \
        in proc.stderr
    assert "print(customer.email, customer.email.upper())" in (project / "shop/views.py").read_text()
    # Not offered again as fixable in the report.
    assert "23:5 PII201 contact.email" in proc.stdout and "[*]" not in proc.stdout


def test_a_mask_that_is_not_a_sanitizer_is_not_applied(tmp_path: Path) -> None:
    project = _copy("mask", tmp_path)
    toml = project / "pyproject.toml"
    toml.write_text(toml.read_text().replace("shop.privacy.mask", "shop.privacy.shorten"))
    before = _files(project)
    proc = run_cli("check", ".", "--fix", "--unsafe-fixes", "--no-cache", cwd=project)
    assert _files(project) == before
    assert proc.stderr.count("the finding is still reported after the edit") == 5, proc.stderr


def test_only_the_named_files_are_fixed(tmp_path: Path) -> None:
    project = _copy("unsafe", tmp_path)
    before = _files(project)
    proc = run_cli("check", "app/caching.py", "--fix", "--unsafe-fixes", "--no-cache", cwd=project)
    after = _files(project)
    assert [p for p in after if after[p] != before[p]] == ["app/caching.py"]
    assert proc.returncode == 0, proc.stdout
    assert after["app/caching.py"] == (CASES / "unsafe/expected/app/caching.py").read_bytes()


def test_tag_dry_run_prints_the_diff(tmp_path: Path) -> None:
    project = _copy("tag", tmp_path)
    before = _files(project)
    proc = run_cli("tag", "--dry-run", "--no-cache", cwd=project)
    assert proc.returncode == 0
    assert _files(project) == before
    assert "+    date_of_birth = models.DateField(null=True)  # pii: demographic.date_of_birth\n" in proc.stdout
    assert "would have tagged 3 fields in 1 file" in proc.stderr


def test_add_noqa_refuses_a_reason_with_a_hash(tmp_path: Path) -> None:
    project = _copy("noqa", tmp_path)
    proc = run_cli("check", ".", "--add-noqa", "see #12", cwd=project)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "pii-lint: error: --add-noqa: the reason cannot hold '#' or a line break"


@pytest.mark.parametrize("table, message", [
    ('expiry = "1m"', "expiry '1m' is not a duration"),
    ('mask = "mask"', "mask 'mask' is not a dotted function name"),
    ('retention = "forever"', "retention 'forever' is not a period"),
    ('ttl = "1d"', "unknown key"),
])
def test_fix_configuration_is_validated(tmp_path: Path, table: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.pii-lint.fix]\n{table}\n")
    (tmp_path / "m.py").write_text("x = 1\n")
    proc = run_cli("check", ".", cwd=tmp_path)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and message in proc.stderr, proc.stderr


def test_explain_shows_the_fixes() -> None:
    proc = run_cli("explain", "PII301")
    assert "## Fix" in proc.stdout
    assert "- cache-expiry (unsafe, `pii-lint check --fix --unsafe-fixes`)" in proc.stdout
    assert "- retention (unsafe," in proc.stdout
    assert "None: this rule has no automatic fix" in run_cli("explain", "PII205").stdout
    assert "- tag (safe, `pii-lint check --fix`)" in run_cli("explain", "PII103").stdout


# -- machine outputs ----------------------------------------------------------------


def _apply(text: str, edits: list[dict]) -> str:
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    spans = sorted(((starts[e["line"] - 1] + e["column"] - 1, starts[e["end_line"] - 1] + e["end_column"] - 1,
                     e["content"]) for e in edits), reverse=True)
    for start, end, content in spans:
        text = text[:start] + content + text[end:]
    return text


def test_json_findings_carry_their_fix(tmp_path: Path) -> None:
    project = _copy("unsafe", tmp_path)
    doc = json.loads(run_cli("check", ".", "--format", "json", "--no-cache", cwd=project).stdout)
    by_line = {(f["path"], f["line"]): f for f in doc["findings"]}
    member = by_line[("app/logs.py", 33)]["fix"]
    assert member == {
        "kind": "log-key", "applicability": "unsafe", "message": "log member.id instead of member.email",
        "edits": [{"path": "app/logs.py", "line": 33, "column": 44, "end_line": 33, "end_column": 49,
                   "content": "id"}],
    }
    assert by_line[("app/logs.py", 41)]["fix"] is None
    assert by_line[("app/models.py", 19)]["fix"] is None  # PII401 has no fix
    # Every file's fixes, applied alone, give the expected file (no two overlap here).
    for path in ("app/caching.py", "app/logs.py", "app/models.py"):
        edits = [e for f in doc["findings"] if f["fix"] for e in f["fix"]["edits"] if e["path"] == path]
        original = (project / path).read_text()
        assert _apply(original, edits) == (CASES / "unsafe/expected" / path).read_text(), path


def test_sarif_results_carry_fixes_and_validate(tmp_path: Path, sarif_schema) -> None:
    project = _copy("unsafe", tmp_path)
    log = json.loads(run_cli("check", ".", "--format", "sarif", "--no-cache", cwd=project).stdout)
    validate_sarif(log, sarif_schema)
    results = log["runs"][0]["results"]
    fixed = [r for r in results if "fixes" in r]
    assert len(fixed) == 18
    expiry = next(r for r in fixed if r["locations"][0]["physicalLocation"]["region"]["startLine"] == 10
                  and r["ruleId"] == "PII301")
    assert expiry["fixes"] == [{
        "description": {"text": "expire the cache entry after 1d (ex=86400) (unsafe)"},
        "artifactChanges": [{
            "artifactLocation": {"uri": "app/caching.py", "uriBaseId": "%SRCROOT%"},
            "replacements": [{"deletedRegion": {"startLine": 10, "startColumn": 58, "endLine": 10,
                                                "endColumn": 58},
                              "insertedContent": {"text": ", ex=86400"}}],
        }],
    }]


def test_flake8_says_how_to_fix(tmp_path: Path) -> None:
    project = _copy("unsafe", tmp_path)
    (project / "app/nothing.py").write_text("x = 1\n")
    proc = subprocess.run([sys.executable, "-m", "flake8", "--select", "PII", "."], cwd=project,
                          capture_output=True, text=True, timeout=600)
    lines = proc.stdout.splitlines()
    assert any(line.startswith("./app/logs.py:33:5: PII201 ") and
               line.endswith("[policy 1.4] (fix: pii-lint check --fix --unsafe-fixes)") for line in lines), lines
    assert any(line.startswith("./app/logs.py:41:5: PII201 ") and line.endswith("[policy 1.4]") for line in lines)
    suggest = shutil.copytree(FIXTURES / "suggest", tmp_path / "suggest")
    proc = subprocess.run([sys.executable, "-m", "flake8", "--select", "PII103", "."], cwd=suggest,
                          capture_output=True, text=True, timeout=600)
    lines = proc.stdout.splitlines()
    assert lines and all(line.endswith("[policy 1.2] (fix: pii-lint check --fix)") for line in lines), lines


# -- LibCST stays out of plain runs ---------------------------------------------------

_PROBE = ("import sys, pii_lint.cli as c; rc = c.main({args!r}); "
          "print('LIBCST', any(m == 'libcst' or m.startswith('libcst.') for m in sys.modules))")


@pytest.mark.parametrize("args, imported", [
    (["check", str(FIXTURES / "shop"), "--no-cache"], False),
    (["check", str(FIXTURES / "shop"), "--no-cache", "--unsafe-fixes", "--format", "concise"], False),
    (["check", str(FIXTURES / "shop"), "--no-cache", "--format", "json"], True),
])
def test_check_without_fix_flags_does_not_import_libcst(args, imported) -> None:
    proc = subprocess.run([sys.executable, "-c", _PROBE.format(args=args)], capture_output=True, text=True,
                          timeout=600, cwd=REPO)
    assert f"LIBCST {imported}" in proc.stdout, proc.stdout + proc.stderr


# -- the pieces ----------------------------------------------------------------------


@pytest.mark.parametrize("before, after", [
    ('{"a": 1, "b": 2}', '{"a": 1}'),
    ('{"a": 1, "b": 2, "c": 3}', '{"a": 1, "b": 2}'),
    ('{\n    "a": 1,  # x\n    "b": 2  # y\n}', '{\n    "a": 1  # x\n}'),
    ('{\n    "a": 1,  # x\n    "b": 2,\n    "c": 3,  # z\n}', '{\n    "a": 1,  # x\n    "b": 2,\n}'),
    ('dict(\n    a=1,\n    b=2,\n)', 'dict(\n    a=1,\n)'),
    ('f(\n    x,\n    a=1,  # keep\n    b=2,  # drop\n)', 'f(\n    x,\n    a=1,  # keep\n)'),
    ('f(\n    x,\n    a=1,  # keep\n    b=2  # drop\n)', 'f(\n    x,\n    a=1  # keep\n)'),
])
def test_dropping_the_last_item_keeps_the_layout(before: str, after: str) -> None:
    import libcst as cst

    from pii_lint.fixes.payload import _cutter

    node = cst.parse_expression(before)
    attr = "elements" if isinstance(node, cst.Dict) else "args"
    assert cst.Module([]).code_for_node(_cutter(attr, [len(getattr(node, attr)) - 1])(node)) == after


@pytest.mark.parametrize("old, new", [
    ("a\nb\n", "a\nbc\n"), ("a\nb", "a\nbX"), ("x = 1\n", "import m\nx = 1\n"), ("ab", "b"),
    ("a\nb\nc\n", "a\nc\n"), ("", "x\n"), ("é = 1  # ü\n", "é = 2  # ü\n"), ("a\r\nb\r\n", "a\r\nc\r\n"),
])
def test_edits_are_the_smallest_replacements(old: str, new: str) -> None:
    from pii_lint.fixes.cst import apply_edits, edits

    found = edits("p.py", old, new)
    assert apply_edits(old, list(found)) == new
    assert sum(len(e.content) for e in found) <= len(new) - len(old) + 2 * max(len(old), 1)


def _with_broken_rewrite(tmp_path: Path, line: str) -> subprocess.CompletedProcess:
    """Run --fix with a log-key rewrite that replaces line 9 of app/logs.py by ``line``
    (and offers nothing elsewhere)."""
    project = _copy("unsafe", tmp_path)
    script = (
        "import sys, types\n"
        "import pii_lint.fixes.logged as logged\n"
        "from pii_lint.fixes.cst import Unavailable\n"
        "def rewrite(src, finding, settings):\n"
        "    if finding.location.line != 9:\n"
        "        raise Unavailable('not this one')\n"
        "    lines = src.text.splitlines(keepends=True)\n"
        f"    lines[8] = {line!r} + '\\n'\n"
        "    return types.SimpleNamespace(code=''.join(lines)), 'broken'\n"
        "logged.rewrite = rewrite\n"
        "import pii_lint.cli as c\n"
        "sys.exit(c.main(['check', 'app/logs.py', '--fix', '--unsafe-fixes', '--no-cache']))\n"
    )
    before = _files(project)
    proc = subprocess.run([sys.executable, "-c", script], cwd=project, capture_output=True, text=True, timeout=600)
    assert _files(project) == before, "a fix that fails its check must not be written"
    assert proc.returncode == 1
    return proc


def test_a_fix_that_brings_a_new_finding_is_not_applied(tmp_path: Path) -> None:
    proc = _with_broken_rewrite(tmp_path, '    logger.info("order %s", customer.phone)')
    assert "pii-lint: not applied: app/logs.py:9 PII201: the edit brings a new finding: PII201" in proc.stderr, \
        proc.stderr


def test_a_fix_that_does_not_parse_is_not_applied(tmp_path: Path) -> None:
    proc = _with_broken_rewrite(tmp_path, "    logger.info(customer.pk")
    assert "not applied: app/logs.py:9 PII201: the edited file does not parse" in proc.stderr, proc.stderr


def test_findings_accepted_in_the_baseline_are_left_alone(tmp_path: Path) -> None:
    project = _copy("unsafe", tmp_path)
    before = _files(project)
    assert run_cli("baseline", ".", "--output", "debt.json", "--no-cache", cwd=project).returncode == 0
    proc = run_cli("check", ".", "--fix", "--unsafe-fixes", "--add-noqa", "x", "--baseline", "debt.json",
                   "--no-cache", cwd=project)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _files(project) == before


def test_edits_of_one_of_several_identical_lines_stay_on_that_line() -> None:
    """Three equal log calls, the first rewritten: the edit replaces that line only, so that
    fixes of its twins never share an edit (a bug found by the hypothesis test)."""
    from pii_lint.fixes.cst import edits

    old = 'def f(c):\n    log(c.email)\n    log(c.email)\n    log(c.email)\n'
    new = 'def f(c):\n    log(c.pk)\n    log(c.email)\n    log(c.email)\n'
    assert [(e.line, e.end_line, e.content) for e in edits("a.py", old, new)] == [(2, 2, "pk")]
