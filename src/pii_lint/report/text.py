"""Human-readable report: findings grouped under their file, each with its data-flow path.

    shop/views.py
      12:5 PII201 contact.email (Customer.email) reaches logging via logger.info [policy 1.4]
        shop/models.py:8  Customer.email is tagged contact.email
        shop/views.py:12  reaches logger.info
        help: log the record's key (customer.pk) or a masked value instead of the personal data (`pii-lint explain PII201`)

    1 finding (1 PII201) in 1 file

Suppressed findings are not printed but are counted in the summary line.
"""

from __future__ import annotations

from itertools import groupby

from . import active, bare_message, sorted_findings, summary_line

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_LEVEL = {"error": "\x1b[31m", "warning": "\x1b[33m", "note": "\x1b[36m"}  # red, yellow, cyan


def render(findings, *, pack=None, root_uri=None, color=False, stale=(), tool_version=""):
    def paint(text: str, style: str) -> str:
        return f"{style}{text}{_RESET}" if color else text

    lines: list[str] = []
    shown = sorted_findings(active(findings))
    for path, group in groupby(shown, key=lambda f: f.location.path):
        lines.append(paint(path, _BOLD))
        for f in group:
            where = f"{f.location.line}:{f.location.col}"
            code = paint(f.code, _LEVEL.get(f.severity, ""))
            mark = " [*]" if getattr(f.fix, "enabled", False) else ""
            lines.append(f"  {where} {code}{mark} {bare_message(f)}")
            for step in f.steps:
                at = paint(f"{step.location.path}:{step.location.line}", _DIM)
                lines.append(f"    {at}  {step.description}")
            rule = pack.rules.get(f.code) if pack is not None else None
            if rule is not None and rule.docs.help:
                lines.append(f"    {paint('help:', _BOLD)} {rule.docs.help} (`pii-lint explain {f.code}`)")
        lines.append("")
    if stale:
        lines.append(paint(f"{len(stale)} stale baseline entries (no longer found; rewrite the baseline "
                           "with `pii-lint baseline` to drop them):", _BOLD))
        for entry in sorted(stale, key=_stale_key):
            lines.append(f"  {entry.get('path', '?')}: {entry.get('code', '?')} {entry.get('message', '')}".rstrip())
        lines.append("")
    lines.append(summary_line(findings))
    fixes = fix_summary(shown)
    if fixes:
        lines.append(fixes)
    return "\n".join(lines) + "\n"


def fix_summary(shown) -> str:
    """As ruff says it: ``[*] 2 fixable with `pii-lint check --fix` (3 hidden fixes can be
    enabled with `--unsafe-fixes`)``; "" when nothing is fixable."""
    fixes = [f.fix for f in shown if f.fix is not None]
    enabled = [x for x in fixes if x.enabled]
    hidden = len(fixes) - len(enabled)
    flag = "`pii-lint check --fix --unsafe-fixes`" if any(x.applicability == "unsafe" for x in enabled) \
        else "`pii-lint check --fix`"
    parts = []
    if enabled:
        parts.append(f"[*] {len(enabled)} fixable with {flag}")
    if hidden:
        parts.append(f"{hidden} hidden fix{'es' if hidden != 1 else ''} can be enabled with `--unsafe-fixes`")
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else f"{parts[0]} ({parts[1]})"


def _stale_key(entry: dict) -> tuple:
    return (str(entry.get("path", "")), str(entry.get("code", "")), str(entry.get("fingerprint", "")))
