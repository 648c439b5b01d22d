"""Baselines and diff filtering."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from pii_lint.errors import ConfigError
from pii_lint.findings import Finding, Location, Step, Suppression
from pii_lint.suppress import (
    apply_baseline,
    changed_lines,
    filter_to_diff,
    load_baseline,
    write_baseline,
)

VERSION = "0.1.0"


def flow(path="shop/views.py", line=12, source="Customer.email", sink="logger.info", code="PII201",
         steps=None) -> Finding:
    return Finding(
        code=code, name="personal-data-logged",
        message=f"{code} contact.email ({source}) reaches logging via {sink} [policy 1.4]",
        location=Location(path, line, 9), categories=("user.contact.email",), source=source, sink=sink,
        steps=steps if steps is not None else (
            Step(Location("shop/models.py", 8, 5), "Customer.email is tagged contact.email"),
            Step(Location(path, line - 2, 5), "assigned to email"),
            Step(Location(path, line, 9), f"reaches {sink}"),
        ),
        policy="1.4",
    )


def declaration(line=5) -> Finding:
    return Finding(code="PII301", name="retention-unhandled",
                   message="PII301 Customer stores contact.email with no declared retention period [policy 1.4]",
                   location=Location("shop/models.py", line, 1), categories=("user.contact.email",),
                   source="Customer", sink="Customer", policy="1.4", severity="warning")


@pytest.fixture
def findings() -> list[Finding]:
    # Two identical findings (same code, file, source, sink, categories) on lines 30 and 40.
    return [flow(), declaration(), flow("shop/tasks.py", 30, sink="print"), flow("shop/tasks.py", 40, sink="print")]


def shifted(f: Finding, by: int) -> Finding:
    move = lambda loc: replace(loc, line=loc.line + by) if loc.path == f.location.path else loc  # noqa: E731
    return replace(f, location=move(f.location),
                   steps=tuple(replace(s, location=move(s.location)) for s in f.steps))


# -- baseline -----------------------------------------------------------------------


def test_baseline_round_trip(tmp_path, findings):
    path = tmp_path / "pii-baseline.json"
    write_baseline(findings, path, tool_version=VERSION)
    doc = json.loads(path.read_text())
    assert doc["version"] == 1 and doc["tool"] == {"name": "pii-lint", "version": VERSION}
    assert len(doc["entries"]) == 4  # two identical findings need two entries
    assert set(doc["entries"][0]) == {"fingerprint", "code", "path", "source", "sink", "categories", "occurrence",
                                      "message"}
    assert sorted(e["occurrence"] for e in doc["entries"] if e["path"] == "shop/tasks.py") == [0, 1]
    assert path.read_text().startswith('{\n  "entries": [\n')  # indented, reviewable
    assert not [p for p in tmp_path.iterdir() if p.name != path.name]  # no temp file left behind

    out, stale = apply_baseline(findings, load_baseline(path))
    assert stale == []
    assert len(out) == 4 and all(f.suppression == Suppression("baseline", f.suppression.reason) for f in out)
    assert [f.location for f in out] == [f.location for f in findings]  # order kept


def test_baseline_survives_line_shifts_and_reports_stale(tmp_path, findings):
    path = tmp_path / "b.json"
    write_baseline(findings, path, tool_version=VERSION)
    baseline = load_baseline(path)

    moved = [shifted(findings[0], 7)] + findings[1:]
    out, stale = apply_baseline(moved, baseline)
    assert stale == [] and all(f.suppression is not None for f in out)

    # One of the two identical findings fixed: one entry goes stale, the other still matches.
    out, stale = apply_baseline(findings[:3], baseline)
    assert all(f.suppression is not None for f in out)
    assert len(stale) == 1 and stale[0]["path"] == "shop/tasks.py" and stale[0]["occurrence"] == 1

    # A new identical finding is a new finding: the baseline accepted two, not three.
    third = flow("shop/tasks.py", 50, sink="print")
    out, stale = apply_baseline(findings + [third], baseline)
    assert stale == [] and [f.suppression is None for f in out].count(True) == 1

    # A finding that is not in the baseline stays active.
    new = flow(source="Customer.phone")
    out, _ = apply_baseline(findings + [new], baseline)
    assert out[-1].suppression is None


def test_baseline_is_stable_across_edits(tmp_path, findings):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    write_baseline(findings, a, tool_version=VERSION)
    write_baseline([shifted(f, 3) for f in reversed(findings)], b, tool_version=VERSION)
    assert a.read_bytes() == b.read_bytes()  # no line numbers, no input-order dependence
    assert '"line"' not in a.read_text()


def test_baseline_leaves_noqa_alone(tmp_path, findings):
    noqa = replace(flow(source="Customer.name"), suppression=Suppression("noqa", "reviewed"))
    path = tmp_path / "b.json"
    write_baseline(findings + [noqa], path, tool_version=VERSION)
    assert len(json.loads(path.read_text())["entries"]) == 4  # the noqa'd one needs no entry
    out, stale = apply_baseline(findings + [noqa], load_baseline(path))
    assert out[-1].suppression == Suppression("noqa", "reviewed") and stale == []


def test_baseline_write_replaces_atomically(tmp_path, findings):
    path = tmp_path / "sub" / "b.json"
    write_baseline(findings, path, tool_version=VERSION)
    write_baseline(findings[:1], path, tool_version=VERSION)
    assert len(load_baseline(path).entries) == 1
    assert sorted(p.name for p in path.parent.iterdir()) == ["b.json"]


@pytest.mark.parametrize("content, expected", [
    (None, "no such file"),
    ("{not json", "not valid JSON"),
    ("[1, 2]", "not a pii-lint baseline"),
    ('{"version": 7, "entries": []}', "unsupported version 7"),
    ('{"version": 1, "entries": [{"code": "PII201"}]}', "entries[0]"),
])
def test_load_baseline_errors_are_one_line(tmp_path, content, expected):
    path = tmp_path / "b.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ConfigError) as info:
        load_baseline(path)
    message = str(info.value)
    assert expected in message and str(path) in message and "\n" not in message


# -- diff filtering -----------------------------------------------------------------


def git(cwd: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", HOME=str(cwd), GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")
    proc = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return proc.stdout


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A repository whose project lives in a sub-folder ``app/`` (a monorepo)."""
    for key in [k for k in os.environ if k.startswith("GIT_")]:
        monkeypatch.delenv(key)  # a hook's GIT_DIR/GIT_INDEX_FILE must not leak in
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    top = tmp_path / "repo"
    (top / "app" / "shop").mkdir(parents=True)
    (top / "docs").mkdir()
    lines = "".join(f"line {i}\n" for i in range(1, 11))
    (top / "app" / "shop" / "views.py").write_text(lines)
    (top / "app" / "shop" / "models.py").write_text(lines)
    (top / "app" / "shop" / "gone.py").write_text(lines)
    (top / "app" / "shop" / "odd name é.py").write_text(lines)  # git adds a tab / quotes such names
    (top / "docs" / "readme.txt").write_text(lines)
    (top / ".gitignore").write_text("*.log\n")
    git(top, "init", "-q")
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "base")
    return top


def test_changed_lines_covers_staged_unstaged_and_untracked(repo):
    app = repo / "app"
    views = app / "shop" / "views.py"
    text = views.read_text().splitlines(keepends=True)
    text[2] = "changed 3\n"  # unstaged modification
    views.write_text("".join(text))
    models = app / "shop" / "models.py"
    text = models.read_text().splitlines(keepends=True)
    text[6:6] = ["inserted a\n", "inserted b\n"]  # two lines added before old line 7, then staged
    models.write_text("".join(text))
    git(repo, "add", "app/shop/models.py")
    (app / "shop" / "gone.py").unlink()  # deleted: no lines of it can be reported
    (app / "shop" / "new.py").write_text("a\nb\nc")  # untracked, no final newline
    (app / "shop" / "debug.log").write_text("ignored\n")
    odd = app / "shop" / "odd name é.py"
    odd.write_text(odd.read_text().replace("line 10\n", "ten\n"))
    (repo / "docs" / "readme.txt").write_text("outside the project\n")

    changed = changed_lines(app, "HEAD")
    assert changed == {
        "shop/views.py": {3},
        "shop/models.py": {7, 8},
        "shop/new.py": {1, 2, 3},
        "shop/odd name é.py": {10},
    }
    # From the top-level the paths keep their prefix and other folders appear.
    top = changed_lines(repo, "HEAD")
    assert set(top) == {"app/shop/views.py", "app/shop/models.py", "app/shop/new.py", "app/shop/odd name é.py",
                        "docs/readme.txt"}


def test_changed_lines_since_an_older_commit(repo):
    views = repo / "app" / "shop" / "views.py"
    views.write_text(views.read_text().replace("line 5\n", "five\n"))
    git(repo, "commit", "-q", "-am", "second")
    base = git(repo, "rev-parse", "HEAD~1").strip()
    assert changed_lines(repo / "app", base) == {"shop/views.py": {5}}
    assert changed_lines(repo / "app", "HEAD") == {}


def test_changed_lines_errors(repo, tmp_path):
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    with pytest.raises(ConfigError, match=r"^--diff-base: .*not-a-repo is not inside a git repository$"):
        changed_lines(outside, "HEAD")
    with pytest.raises(ConfigError, match=r"^--diff-base: unknown revision 'foo'$"):
        changed_lines(repo, "foo")
    with pytest.raises(ConfigError, match="unknown revision"):
        changed_lines(repo, "--output=/tmp/x")


def test_filter_to_diff_keeps_findings_touching_changed_lines():
    sink_changed = flow(line=12)
    source_changed = flow(path="shop/tasks.py", line=30, sink="print")  # its step on models.py:8
    untouched = flow(path="shop/other.py", line=50, steps=(Step(Location("shop/other.py", 50, 1), "x"),))
    decl = declaration(line=5)
    changed = {"shop/views.py": {12}, "shop/models.py": {8}}
    kept = filter_to_diff([sink_changed, source_changed, untouched, decl], changed)
    assert kept == [sink_changed, source_changed]
    assert filter_to_diff([decl], {"shop/models.py": {5}}) == [decl]
    assert filter_to_diff([sink_changed], {}) == []
