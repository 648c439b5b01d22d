"""Baselines (accepted findings) and diff filtering (only what a change touches).

A baseline is a reviewable JSON file::

    {
      "version": 1,
      "tool": {"name": "pii-lint", "version": "0.1.0"},
      "entries": [
        {"fingerprint": "...", "code": "PII201", "path": "shop/views.py",
         "source": "Customer.email", "sink": "logger.info",
         "categories": ["user.contact.email"], "occurrence": 0,
         "message": "contact.email (Customer.email) reaches logging via logger.info [policy 1.4]"}
      ]
    }

Matching uses the fingerprint only, which hashes code, path, source, sink, categories and
the index among identical findings: no line numbers, so moving code keeps it matched.
Entries are sorted without line numbers too, so re-writing a baseline after an edit
gives a small diff.

``# noqa`` is handled by the engine (it marks findings with a "noqa" suppression); the
baseline leaves those out and never overrides them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from .atomic import atomic_write
from .errors import ConfigError
from .findings import Finding, Suppression
from .report import bare_message, numbered, numbered_positions

BASELINE_VERSION = 1
BASELINE_REASON = "accepted in the baseline"


@dataclass
class Baseline:
    entries: list[dict]
    path: Path | None = None
    tool: dict = field(default_factory=dict)

    @property
    def fingerprints(self) -> set[str]:
        return {e["fingerprint"] for e in self.entries}


def baseline_entries(findings: list[Finding]) -> list[dict]:
    entries = []
    for f, n in numbered(findings):
        if f.suppression is not None:  # already silenced in the source: nothing to accept
            continue
        entries.append({
            "fingerprint": f.fingerprint(n),
            "code": f.code,
            "path": f.location.path,
            "source": f.source,
            "sink": f.sink,
            "categories": list(f.categories),
            "occurrence": n,
            "message": bare_message(f),
        })
    entries.sort(key=lambda e: (e["path"], e["code"], e["source"], e["sink"], e["categories"],
                                e["occurrence"], e["fingerprint"]))
    return entries


def write_baseline(findings: list[Finding], path, *, tool_version: str) -> None:
    """Write today's (unsuppressed) findings as accepted debt, atomically."""
    path = Path(path)
    doc = {
        "version": BASELINE_VERSION,
        "tool": {"name": "pii-lint", "version": tool_version},
        "entries": baseline_entries(findings),
    }
    text = json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    folder = path.parent if str(path.parent) else Path(".")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(folder / path.name, text.encode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"baseline {path}: cannot write: {exc.strerror or exc}") from None


def load_baseline(path) -> Baseline:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"baseline {path}: no such file (write one with `pii-lint baseline -o {path}`)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"baseline {path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"baseline {path}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
        raise ConfigError(f"baseline {path}: not a pii-lint baseline (expected an object with an 'entries' list)")
    if doc.get("version") != BASELINE_VERSION:
        raise ConfigError(f"baseline {path}: unsupported version {doc.get('version')!r} (expected {BASELINE_VERSION})")
    for i, entry in enumerate(doc["entries"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise ConfigError(f"baseline {path}: entries[{i}]: expected an object with a 'fingerprint' string")
    tool = doc.get("tool") if isinstance(doc.get("tool"), dict) else {}
    return Baseline(entries=list(doc["entries"]), path=path, tool=tool)


def apply_baseline(findings: list[Finding], baseline: Baseline) -> tuple[list[Finding], list[dict]]:
    """Mark findings the baseline accepts as suppressed (kind "baseline"); return them with
    the rest, in the order given, and the baseline entries that matched nothing (stale)."""
    wanted = baseline.fingerprints
    matched: set[str] = set()
    out = list(findings)
    for i, (f, n) in numbered_positions(findings):
        fp = f.fingerprint(n)
        if fp not in wanted:
            continue
        matched.add(fp)
        if f.suppression is None:  # a noqa stays a noqa
            out[i] = replace(f, suppression=Suppression("baseline", BASELINE_REASON))
    stale = [e for e in baseline.entries if e["fingerprint"] not in matched]
    return out, stale


# -- diff filtering -------------------------------------------------------------------

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-c", "core.quotepath=false", *args], cwd=cwd, capture_output=True)
    except FileNotFoundError:
        raise ConfigError("--diff-base: git is not installed (or not on PATH)") from None


def changed_lines(root: Path, base_ref: str) -> dict[str, set[int]]:
    """Lines added or changed since ``base_ref`` (staged, unstaged and untracked files),
    keyed by posix path relative to ``root``."""
    root = Path(root).resolve()
    top = _git(["rev-parse", "--show-toplevel"], root)
    if top.returncode != 0:
        raise ConfigError(f"--diff-base: {root} is not inside a git repository")
    toplevel = Path(os.fsdecode(top.stdout).strip()).resolve()
    if base_ref.startswith("-"):  # would be read as an option
        raise ConfigError(f"--diff-base: unknown revision {base_ref!r}")
    verify = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{base_ref}^{{commit}}"], toplevel)
    if verify.returncode != 0:
        raise ConfigError(f"--diff-base: unknown revision {base_ref!r}")

    changed: dict[str, set[int]] = {}
    # Working tree against REF: covers committed, staged and unstaged changes at once.
    diff = _git(["diff", "--unified=0", "--no-color", "--no-ext-diff", "--no-textconv", "--src-prefix=a/",
                 "--dst-prefix=b/", base_ref, "--"], toplevel)
    if diff.returncode != 0:
        message = os.fsdecode(diff.stderr).strip().splitlines()
        raise ConfigError(f"--diff-base: git diff failed: {message[0] if message else 'exit ' + str(diff.returncode)}")
    current: str | None = None
    for raw in diff.stdout.splitlines():
        line = raw.decode("utf-8", "surrogateescape")
        if line.startswith("+++ "):
            # git ends a name holding a space with a tab (for GNU patch); a name with a
            # real tab is quoted instead, so dropping one trailing tab is safe.
            target = line[4:].removesuffix("\t")
            current = None if target == "/dev/null" else _unquote(target)[2:]  # strip "b/"
            continue
        if current is None:
            continue
        m = _HUNK.match(line)
        if m:
            start, count = int(m.group(1)), int(m.group(2) if m.group(2) is not None else 1)
            # count 0 is a pure deletion: no line of the new file changed.
            changed.setdefault(current, set()).update(range(start, start + count))

    others = _git(["ls-files", "--others", "--exclude-standard", "-z"], toplevel)
    if others.returncode == 0:
        for raw in others.stdout.split(b"\0"):
            if not raw:
                continue
            rel = raw.decode("utf-8", "surrogateescape")
            changed[rel] = set(range(1, _line_count(toplevel / rel) + 1))

    return _rebase(changed, toplevel, root)


def _line_count(path: Path) -> int:
    try:
        data = path.read_bytes()
    except OSError:
        return 0
    if not data:
        return 0
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def _rebase(changed: dict[str, set[int]], toplevel: Path, root: Path) -> dict[str, set[int]]:
    """git speaks in paths from the top-level; findings in paths from the project root."""
    try:
        prefix = root.relative_to(toplevel).as_posix()
    except ValueError:
        return {}
    if prefix in ("", "."):
        return changed
    out = {}
    for path, lines in changed.items():
        rel = PurePosixPath(path)
        if rel.parts[: len(PurePosixPath(prefix).parts)] == PurePosixPath(prefix).parts:
            out[rel.relative_to(prefix).as_posix()] = lines
    return out


_ESCAPES = {"a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92}


def _unquote(path: str) -> str:
    """git quotes unusual paths C-style ("a/tab\\there"); undo it."""
    if not (len(path) >= 2 and path.startswith('"') and path.endswith('"')):
        return path
    body, out, i = path[1:-1], bytearray(), 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if re.fullmatch(r"[0-7]{3}", body[i + 1:i + 4]):
                out.append(int(body[i + 1:i + 4], 8))
                i += 4
                continue
            out.append(_ESCAPES.get(nxt, ord(nxt)))
            i += 2
            continue
        out.extend(ch.encode("utf-8", "surrogateescape"))
        i += 1
    return out.decode("utf-8", "surrogateescape")


def filter_to_diff(findings: list[Finding], changed: dict[str, set[int]]) -> list[Finding]:
    """Keep findings whose location or any path step is on a changed line."""
    def touched(loc) -> bool:
        return loc.line in changed.get(loc.path, ())

    return [f for f in findings if touched(f.location) or any(touched(s.location) for s in f.steps)]
