"""SARIF 2.1.0, as GitHub code scanning reads it.

- ``tool.driver.rules`` lists every rule of the pack (so code scanning can tell "ran and
  found nothing" from "rule gone" and close fixed alerts), with help built from the rule's
  docs, ``security``/``privacy``/``policy-<clause>`` tags, ``security-severity`` and
  ``precision``.
- Each result sits at the sink (flows) or the field/class (declarations); flows carry one
  ``codeFlow`` whose thread-flow locations are the path steps, source first.
- ``partialFingerprints["piiLint/v1"]`` has no line number in it and is distinct for
  identical findings in a file (occurrence index).
- ``# noqa: CODE -- reason`` becomes an ``inSource`` suppression, a baseline match an
  ``external`` one; suppressed results stay in the log so the alert is closed, not lost.
"""

from __future__ import annotations

import json

from . import bare_message, numbered
from .explain import rule_page

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/pii-policy-lint/"
FINGERPRINT_KEY = "piiLint/v1"
SRCROOT = "%SRCROOT%"

_LEVEL = {"error": "error", "warning": "warning", "note": "note"}


def render(findings, *, pack=None, root_uri=None, color=False, stale=(), tool_version=""):
    return json.dumps(build_log(findings, pack=pack, root_uri=root_uri, tool_version=tool_version),
                      indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def build_log(findings, *, pack, root_uri: str | None, tool_version: str) -> dict:
    pairs = numbered(findings)
    rules = _rules(pack, [f for f, _ in pairs])
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    driver = {
        "name": "pii-lint",
        "fullName": "pii-lint privacy-policy linter",
        "informationUri": INFORMATION_URI,
        "rules": rules,
    }
    if tool_version:
        driver["version"] = tool_version
        driver["semanticVersion"] = tool_version
    run: dict = {
        "tool": {"driver": driver},
        "invocations": [{"executionSuccessful": True}],
        "results": [_result(f, n, index[f.code]) for f, n in pairs],
    }
    if root_uri:
        # SARIF requires a base URI to end with a slash.
        run["originalUriBaseIds"] = {SRCROOT: {"uri": root_uri if root_uri.endswith("/") else root_uri + "/"}}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


# -- rules ------------------------------------------------------------------------


def _rules(pack, findings) -> list[dict]:
    specs = dict(getattr(pack, "rules", None) or {})
    out = [_rule(spec) for _, spec in sorted(specs.items())]
    # A code the pack does not know (a project check, a stale pack) still needs a rule
    # for ruleIndex to point at.
    extra = {}
    for f in findings:
        if f.code not in specs and f.code not in extra:
            extra[f.code] = f
    for code, f in sorted(extra.items()):
        out.append({
            "id": code,
            "name": f.name or code,
            "shortDescription": {"text": f.name or code},
            "defaultConfiguration": {"level": _LEVEL.get(f.severity, "warning")},
            "properties": {"tags": _tags(f.policy)},
        })
    return out


def _rule(spec) -> dict:
    docs = spec.docs
    rule = {
        "id": spec.code,
        "name": spec.name,
        "shortDescription": {"text": spec.summary},
        "fullDescription": {"text": _unwrap(docs.what)},
        "help": {"text": rule_page(spec), "markdown": rule_page(spec)},
        "defaultConfiguration": {"level": _LEVEL.get(spec.severity, "warning")},
        "properties": {
            "tags": _tags(spec.policy),
            # GitHub reads a string here and ranks alerts critical/high/medium/low by it.
            "security-severity": f"{float(spec.security_severity):.1f}",
            "precision": spec.precision,
        },
    }
    if not spec.enabled:
        rule["defaultConfiguration"]["enabled"] = False
    return rule


def _tags(policy: str) -> list[str]:
    tags = ["security", "privacy"]
    if policy and policy not in ("-", ""):
        tags.append(f"policy-{policy}")
    return tags


def _unwrap(text: str) -> str:
    """YAML block text is wrapped at ~90 columns; plain-text viewers wrap themselves."""
    paragraphs = [" ".join(p.split()) for p in text.strip().split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)


def _dedent_block(text: str) -> str:
    return text.strip("\n").rstrip()


# -- results ----------------------------------------------------------------------


def _physical(loc, with_end: bool = True) -> dict:
    region = {"startLine": loc.line, "startColumn": max(loc.col, 1)}
    if with_end and loc.end_line is not None:
        region["endLine"] = loc.end_line
        if loc.end_col is not None:
            region["endColumn"] = max(loc.end_col, 1)
    return {"artifactLocation": {"uri": loc.path, "uriBaseId": SRCROOT}, "region": region}


def _fix(fix) -> dict:
    """SARIF's fix: per file, replacements of regions (end column exclusive, as ours)."""
    by_path: dict[str, list] = {}
    for e in fix.edits:
        by_path.setdefault(e.path, []).append({
            "deletedRegion": {"startLine": e.line, "startColumn": e.col, "endLine": e.end_line,
                              "endColumn": e.end_col},
            "insertedContent": {"text": e.content},
        })
    return {
        "description": {"text": f"{fix.message} ({fix.applicability})"},
        "artifactChanges": [{"artifactLocation": {"uri": path, "uriBaseId": SRCROOT}, "replacements": reps}
                            for path, reps in sorted(by_path.items())],
    }


def _result(finding, occurrence: int, rule_index: int) -> dict:
    result = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": _LEVEL.get(finding.severity, "warning"),
        "message": {"text": bare_message(finding)},
        "locations": [{"physicalLocation": _physical(finding.location)}],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint(occurrence)},
        "properties": {
            "categories": list(finding.categories),
            "policy": finding.policy,
            "inferred": finding.inferred,
        },
    }
    if finding.steps:
        result["codeFlows"] = [{
            "threadFlows": [{
                "locations": [
                    {"location": {"physicalLocation": _physical(step.location),
                                  "message": {"text": step.description}}}
                    for step in finding.steps
                ],
            }],
        }]
    fix = finding.fix
    if fix is not None and fix.edits:
        result["fixes"] = [_fix(fix)]
        result["properties"]["fixApplicability"] = fix.applicability
    sup = finding.suppression
    if sup is not None:
        entry = {"kind": "inSource" if sup.kind == "noqa" else "external", "status": "accepted"}
        reason = sup.reason or ("accepted in the pii-lint baseline" if sup.kind == "baseline" else "")
        if reason:
            entry["justification"] = reason
        result["suppressions"] = [entry]
    return result
