"""Reports: a list of findings rendered in one of the output formats.

Every format reads only ``Finding`` values and the ``Pack`` (for rule metadata), so the
engine and the reports can change independently. The helpers here are shared by the
format modules; the format modules are imported lazily so ``pii-lint check`` only pays
for the one it prints.
"""

from __future__ import annotations

import importlib
from collections import Counter

from ..findings import Finding, with_occurrences

FORMATS = ("text", "concise", "json", "sarif", "github", "gitlab")

_MODULES = {
    "text": "text",
    "concise": "concise",
    "json": "json_report",
    "sarif": "sarif",
    "github": "github",
    "gitlab": "gitlab",
}

SEVERITY_RANK = {"error": 0, "warning": 1, "note": 2}


def render(fmt: str, findings: list[Finding], *, pack, root_uri: str | None = None, color: bool = False,
           stale: list[dict] = (), tool_version: str) -> str:
    """The report of ``findings`` in format ``fmt`` (one of FORMATS), as text.

    ``findings`` may hold suppressed findings (``finding.suppression`` set): json and sarif
    show them marked as suppressed, the other formats leave them out (text counts them).
    ``stale`` holds baseline entries that matched nothing (shown by text and json).
    """
    if fmt not in _MODULES:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")
    module = importlib.import_module(f"{__name__}.{_MODULES[fmt]}")
    return module.render(list(findings), pack=pack, root_uri=root_uri, color=color, stale=list(stale),
                         tool_version=tool_version)


# -- shared helpers ----------------------------------------------------------------


def bare_message(finding: Finding) -> str:
    """The message without the leading code (the engine writes ``PII201 ...``), since
    every format prints the code in its own place."""
    msg = " ".join(finding.message.split())  # one line, whatever the engine wrote
    prefix = finding.code + " "
    return msg[len(prefix):] if msg.startswith(prefix) else msg


def active(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.suppression is None]


def _loc_key(loc) -> tuple:
    return (loc.path, loc.line, loc.col, loc.end_line or 0, loc.end_col or 0)


def total_order(finding: Finding) -> tuple:
    """Report order (``Finding.sort_key``) with every other field as a tie-break, so the
    output never depends on the order the engine produced findings in."""
    sup = finding.suppression
    return (
        finding.sort_key(), finding.fingerprint_key(), _loc_key(finding.location),
        tuple((_loc_key(s.location), s.description) for s in finding.steps),
        finding.severity, finding.inferred, finding.name, finding.policy,
        (sup.kind, sup.reason) if sup else ("", ""),
    )


def sorted_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=total_order)


def numbered(findings: list[Finding]) -> list[tuple[Finding, int]]:
    """``with_occurrences`` over a deterministic order: every report and the baseline
    number identical findings the same way."""
    return with_occurrences(sorted_findings(findings))


def numbered_positions(findings: list[Finding]) -> list[tuple[int, tuple[Finding, int]]]:
    """``numbered`` with each finding's index in ``findings``."""
    order = sorted(range(len(findings)), key=lambda i: total_order(findings[i]))
    # with_occurrences sorts stably by sort_key, a prefix of total_order: order is kept.
    return list(zip(order, with_occurrences([findings[i] for i in order])))


def summary_line(findings: list[Finding]) -> str:
    """``3 findings (2 PII201, 1 PII301) in 2 files`` or ``No findings.``, then
    ``; 1 suppressed (1 noqa)`` when some were suppressed."""
    shown = active(findings)
    suppressed = [f for f in findings if f.suppression is not None]
    if shown:
        by_code = Counter(f.code for f in shown)
        codes = ", ".join(f"{n} {code}" for code, n in sorted(by_code.items()))
        files = len({f.location.path for f in shown})
        line = f"{_plural(len(shown), 'finding')} ({codes}) in {_plural(files, 'file')}"
    else:
        line = "No findings"
    if suppressed:
        kinds = Counter(f.suppression.kind for f in suppressed)
        detail = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        line += f"; {len(suppressed)} suppressed ({detail})"
    return line if shown else line + "."


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def rule_for(pack, code: str):
    rules = getattr(pack, "rules", None) or {}
    return rules.get(code)


def security_severity(pack, finding: Finding) -> float:
    """The rule's security severity, or a stand-in from the finding's level."""
    rule = rule_for(pack, finding.code)
    if rule is not None:
        return float(rule.security_severity)
    return {"error": 7.0, "warning": 5.0, "note": 2.0}.get(finding.severity, 5.0)
