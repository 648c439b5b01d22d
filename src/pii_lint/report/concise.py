"""One line per finding, ``path:line:col: CODE message``, as flake8 prints by default.

Suppressed findings are left out; there is no summary line, so the output can be
piped into tools that parse flake8's format.
"""

from __future__ import annotations

from . import active, bare_message, sorted_findings


def render(findings, *, pack=None, root_uri=None, color=False, stale=(), tool_version=""):
    lines = [
        f"{f.location.path}:{f.location.line}:{f.location.col}: {f.code} {bare_message(f)}"
        for f in sorted_findings(active(findings))
    ]
    return "".join(line + "\n" for line in lines)
