"""GitLab Code Quality report (a JSON list, the Code Climate subset GitLab reads):

    [{"description": "PII201 contact.email ... [policy 1.4]", "check_name": "PII201",
      "fingerprint": "...", "severity": "major", "categories": ["Security"],
      "location": {"path": "shop/views.py", "lines": {"begin": 12}}}]

Severity comes from the rule's security severity, on GitHub's scale: 9.0 and above
critical, 7.0 and above major, 4.0 and above minor, below that info; a rule whose level
is ``note`` is at most minor. Suppressed findings are left out.
"""

from __future__ import annotations

import json

from . import bare_message, numbered, security_severity


def gitlab_severity(finding, pack) -> str:
    score = security_severity(pack, finding)
    if score >= 9.0:
        level = "critical"
    elif score >= 7.0:
        level = "major"
    elif score >= 4.0:
        level = "minor"
    else:
        level = "info"
    if finding.severity == "note" and level in ("critical", "major"):
        level = "minor"
    return level


def render(findings, *, pack=None, root_uri=None, color=False, stale=(), tool_version=""):
    issues = [
        {
            "description": f"{f.code} {bare_message(f)}",
            "check_name": f.code,
            "fingerprint": f.fingerprint(n),
            "severity": gitlab_severity(f, pack),
            "location": {"path": f.location.path, "lines": {"begin": f.location.line}},
            "categories": ["Security"],
        }
        for f, n in numbered(findings)
        if f.suppression is None
    ]
    return json.dumps(issues, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
