"""Fixes: what pii-lint can rewrite for the findings it reports (ruff's conventions).

This module is imported by reports and the CLI on every run, so it must stay free of
LibCST: it only says which fix a finding is offered (from the hint its check left and
the rule's fix declarations in the pack). The rewrites themselves live in the kind
modules (``tag``, ``logged``, ``payload``, ``expiry``, ``comments``), which import
LibCST, and ``runner`` checks them by analysing the project again before writing.
"""

from __future__ import annotations

from dataclasses import dataclass

SAFE, UNSAFE = "safe", "unsafe"

# Fix kinds a pack may declare, and the hint a check leaves for each (hint[0]).
KINDS = ("tag", "log-key", "log-mask", "payload-cut", "cache-expiry", "retention", "noqa-drop")
# [tool.pii-lint.fix] key a kind needs before it is offered.
NEEDS = {"log-mask": "mask", "cache-expiry": "expiry", "retention": "retention"}


@dataclass(frozen=True)
class Edit:
    """Replace the text between two positions (1-based line and column, end exclusive)."""

    path: str
    line: int
    col: int
    end_line: int
    end_col: int
    content: str


@dataclass(frozen=True)
class Fix:
    kind: str
    applicability: str  # safe | unsafe
    message: str  # "log customer.pk instead of customer.email"
    edits: tuple[Edit, ...] = ()  # empty until computed with LibCST
    enabled: bool = False  # the run's flags would apply it (safe, or unsafe with --unsafe-fixes)


def kind_for(hint: tuple | None, fix_settings) -> str | None:
    """The fix kind a hint asks for under the configuration, or None."""
    if not hint:
        return None
    what = hint[0]
    if what == "log":  # ("log", class, attribute, key or None)
        if fix_settings.mask:
            return "log-mask"
        return "log-key" if hint[3] else None
    return {"tag": "tag", "payload": "payload-cut", "expiry": "cache-expiry", "retention": "retention",
            "noqa-drop": "noqa-drop"}.get(what)


def offered(finding, pack, settings, unsafe: bool = False) -> Fix | None:
    """The fix a finding is offered (without edits), or None.

    Offered means: its check left a hint, the rule declares that kind in the pack, and the
    configuration holds what the kind needs (``mask``, ``expiry``, ``retention``).
    """
    kind = kind_for(finding.fix_hint, settings.fix)
    if kind is None:
        return None
    rule = pack.rules.get(finding.code)
    spec = next((f for f in getattr(rule, "fixes", ()) if f.kind == kind), None) if rule else None
    if spec is None:
        return None
    need = NEEDS.get(kind)
    if need and not getattr(settings.fix, need):
        return None
    return Fix(kind, spec.applicability, describe(kind, finding.fix_hint, settings.fix),
               enabled=spec.applicability == SAFE or unsafe)


def describe(kind: str, hint: tuple, fix_settings) -> str:
    """One line saying what the fix does (the LibCST step may say it more precisely)."""
    if kind == "tag":
        return f"tag the field `# pii: {hint[1]}`"
    if kind == "log-key":
        cls = hint[1].rsplit(".", 1)[-1]
        return f"log {cls}.{hint[3]} instead of {cls}.{hint[2]}"
    if kind == "log-mask":
        return f"mask the logged value with {fix_settings.mask}"
    if kind == "payload-cut":
        return "send only the fields the recipient may receive"
    if kind == "cache-expiry":
        return f"give the cache entry an expiry of {fix_settings.expiry} ({hint[1]}=)"
    if kind == "retention":
        return f"declare `# pii-retention: {fix_settings.retention}` on the class"
    return kind


def attach(findings: list, pack, settings, unsafe: bool = False, failed=frozenset()) -> list:
    """The findings with ``fix`` set to their offer (no edits: no LibCST); ``failed``:
    fingerprint keys of findings whose fix was just tried and dropped."""
    from dataclasses import replace

    out = []
    for f in findings:
        fix = offered(f, pack, settings, unsafe) if f.suppression is None and f.fingerprint_key() not in failed \
            else None
        out.append(replace(f, fix=fix) if fix is not None else f)
    return out


def flake8_suffix(finding, pack, settings) -> str:
    """What the flake8 plugin adds to a message that has a fix (flake8 cannot apply it)."""
    fix = offered(finding, pack, settings)
    if fix is None:
        return ""
    return " (fix: pii-lint check --fix)" if fix.applicability == SAFE else \
        " (fix: pii-lint check --fix --unsafe-fixes)"
