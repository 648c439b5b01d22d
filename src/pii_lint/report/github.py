"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` annotation
per finding, shown on the pull request's diff.

GitHub shows at most 10 annotations of each level per step, so at most 10 of each level
are emitted (most severe first) and the rest are summarised as plain log lines, counted
per code and per file. Suppressed findings are left out. Paths are the findings' own
(relative to the project root), so run pii-lint from the repository root.
"""

from __future__ import annotations

from collections import Counter

from . import SEVERITY_RANK, active, bare_message, security_severity, sorted_findings, summary_line

MAX_PER_LEVEL = 10
_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    """Escaping of a command's message, as GitHub's toolkit does it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escaping of a command's property values (``file=``, ``title=``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding) -> str:
    loc = finding.location
    props = [("file", loc.path), ("line", str(loc.line)), ("col", str(loc.col))]
    if loc.end_line is not None:
        props.append(("endLine", str(loc.end_line)))
        if loc.end_col is not None:
            props.append(("endColumn", str(loc.end_col)))
    props.append(("title", f"{finding.code} {finding.name}".strip()))
    message = bare_message(finding)
    if finding.steps:
        # The path is the evidence: the annotation shows it as extra lines.
        message += "\npath:" + "".join(
            f"\n  {s.location.path}:{s.location.line}  {s.description}" for s in finding.steps
        )
    command = _COMMAND.get(finding.severity, "warning")
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{command} {rendered}::{escape_data(message)}"


def render(findings, *, pack=None, root_uri=None, color=False, stale=(), tool_version=""):
    shown = sorted_findings(active(findings))
    # Most severe first: level, then the rule's security severity, then report order.
    ranked = sorted(shown, key=lambda f: (SEVERITY_RANK.get(f.severity, 1), -security_severity(pack, f)))
    per_level: Counter = Counter()
    lines: list[str] = []
    rest = []
    for f in ranked:
        level = _COMMAND.get(f.severity, "warning")
        if per_level[level] < MAX_PER_LEVEL:
            per_level[level] += 1
            lines.append(annotation(f))
        else:
            rest.append(f)
    if rest:
        lines.append(f"pii-lint: {len(rest)} more findings not annotated (GitHub shows "
                     f"{MAX_PER_LEVEL} annotations per level); use --format sarif or text for all of them.")
        lines.append("  by code:")
        for code, n in sorted(Counter(f.code for f in rest).items()):
            lines.append(f"    {code}: {n}")
        lines.append("  by file:")
        for path, n in sorted(Counter(f.location.path for f in rest).items()):
            lines.append(f"    {path}: {n}")
    lines.append(f"pii-lint: {summary_line(findings)}")
    return "\n".join(lines) + "\n"
