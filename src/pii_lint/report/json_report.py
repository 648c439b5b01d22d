"""JSON report (``--format json``): a stable schema for scripts and dashboards.

Schema, version 1 (new keys may be added within a version; none are removed or
change meaning)::

    {
      "version": 1,
      "tool": {"name": "pii-lint", "version": "0.1.0"},
      "findings": [
        {
          "code": "PII201",                  # rule code
          "name": "personal-data-logged",    # rule name
          "message": "contact.email (Customer.email) reaches logging via logger.info [policy 1.4]",
                                             # one line, without the leading code
          "path": "shop/views.py",           # posix, relative to the project root
          "line": 12, "column": 5,           # 1-based: the sink (flows) or the field/class
          "end_line": 12, "end_column": 40,  # or null when unknown
          "categories": ["user.contact.email"],  # Fides data categories
          "source": "Customer.email",        # where the personal data comes from ("" if none)
          "sink": "logger.info",             # where it goes, or the model/field declared
          "inferred": false,                 # true when the category was inferred from a name
          "policy": "1.4",                   # the policy clause the rule enforces
          "severity": "error",               # error | warning | note
          "fingerprint": "9f2c...",          # 32 hex digits; stable across line moves,
                                             # distinct for identical findings in one file
          "suppressed": null,                # or {"kind": "noqa" | "baseline", "reason": "..."}
          "path_steps": [                    # data-flow path, source first; [] for declarations
            {"path": "shop/models.py", "line": 8, "column": 5,
             "description": "Customer.email is tagged contact.email"}
          ],
          "fix": null                        # or the fix pii-lint offers (not yet checked by
                                             # analysing again: --fix does that before writing):
          # {"kind": "log-key",              # tag | log-key | log-mask | payload-cut | cache-expiry | retention
          #  "applicability": "unsafe",      # safe (--fix) | unsafe (--fix --unsafe-fixes)
          #  "message": "log customer.pk instead of customer.email",
          #  "edits": [{"path": "shop/views.py", "line": 12, "column": 38, "end_line": 12,
          #             "end_column": 43, "content": "pk"}]}   # 1-based, end exclusive
        }
      ],
      "summary": {
        "total": 1,                          # findings not suppressed
        "by_code": {"PII201": 1},            # of those, per code
        "suppressed": 0                      # findings suppressed by noqa or the baseline
      },
      "stale": [                             # baseline entries that matched no finding
        {"fingerprint": "...", "code": "PII201", "path": "...", "source": "...", "sink": "...",
         "categories": [...], "occurrence": 0, "message": "..."}
      ]
    }

Findings are ordered by path, line, column, code and message; keys are sorted and the
output is indented by two spaces, so two runs over the same code are byte-identical.
"""

from __future__ import annotations

import json
from collections import Counter

from . import bare_message, numbered

SCHEMA_VERSION = 1


def finding_dict(finding, occurrence: int) -> dict:
    loc = finding.location
    sup = finding.suppression
    return {
        "code": finding.code,
        "name": finding.name,
        "message": bare_message(finding),
        "path": loc.path,
        "line": loc.line,
        "column": loc.col,
        "end_line": loc.end_line,
        "end_column": loc.end_col,
        "categories": list(finding.categories),
        "source": finding.source,
        "sink": finding.sink,
        "inferred": finding.inferred,
        "policy": finding.policy,
        "severity": finding.severity,
        "fingerprint": finding.fingerprint(occurrence),
        "suppressed": None if sup is None else {"kind": sup.kind, "reason": sup.reason},
        "path_steps": [
            {"path": s.location.path, "line": s.location.line, "column": s.location.col,
             "description": s.description}
            for s in finding.steps
        ],
        "fix": fix_dict(finding.fix),
    }


def fix_dict(fix) -> dict | None:
    if fix is None or not fix.edits:
        return None
    return {
        "kind": fix.kind,
        "applicability": fix.applicability,
        "message": fix.message,
        "edits": [{"path": e.path, "line": e.line, "column": e.col, "end_line": e.end_line, "end_column": e.end_col,
                   "content": e.content} for e in fix.edits],
    }


def render(findings, *, pack=None, root_uri=None, color=False, stale=(), tool_version=""):
    pairs = numbered(findings)
    shown = [f for f, _ in pairs if f.suppression is None]
    doc = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "pii-lint", "version": tool_version},
        "findings": [finding_dict(f, n) for f, n in pairs],
        "summary": {
            "total": len(shown),
            "by_code": dict(sorted(Counter(f.code for f in shown).items())),
            "suppressed": len(pairs) - len(shown),
        },
        "stale": sorted((dict(e) for e in stale), key=lambda e: json.dumps(e, sort_keys=True)),
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
