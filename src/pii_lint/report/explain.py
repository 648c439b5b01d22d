"""`pii-lint rules` and `pii-lint explain CODE`: the catalogue and one rule's page.

A rule's page follows ruff's rule docs: a title line (`PII201 personal-data-logged`), the
summary, the policy clause, then "What it does", "Why is this bad?", "Example" and "Use
instead". The text is Markdown, which also reads well in a terminal. A rule's `example` and
`use_instead` are Python source and are fenced as such, unless they carry fences of their own.
"""

from __future__ import annotations

import difflib
import textwrap

from ..errors import ConfigError
from ..packs import Pack, RuleSpec

_HEADERS = ("code", "name", "policy", "enabled", "summary")


def render_rules(pack: Pack) -> str:
    """A table of every rule of ``pack``: code, name, policy clause, enabled, summary."""
    rows = [
        (rule.code, rule.name, _policy(rule), "yes" if rule.enabled else "no", _one_line(rule.summary))
        for rule in sorted(pack.rules.values(), key=lambda r: r.code)
    ]
    widths = [max([len(h)] + [len(row[i]) for row in rows]) for i, h in enumerate(_HEADERS[:-1])]

    def line(cells) -> str:
        fixed = "  ".join(cell.ljust(w) for cell, w in zip(cells[:-1], widths))
        return f"{fixed}  {cells[-1]}".rstrip()

    out = [line(_HEADERS), line(tuple("-" * w for w in widths) + ("-" * len(_HEADERS[-1]),))]
    out.extend(line(row) for row in rows)
    title = f"Rules of pack {pack.info.name!r}" if pack.info.name else "Rules"
    return "\n".join([title, "", *out]) + "\n"


def render_explain(pack: Pack, code: str) -> str:
    """The full page of one rule; ``code`` may also be the rule's name (``personal-data-logged``)."""
    return rule_page(_find(pack, code), pack.policy)


def rule_page(rule: RuleSpec, clauses=None) -> str:
    """A rule's page in Markdown (SARIF's rule help shows the same); ``clauses`` (the pack's
    policy) quotes what the rule's clause says."""
    docs = rule.docs
    status = "enabled" if rule.enabled else "disabled in this pack"
    parts = [
        f"{rule.code} {rule.name}",
        "=" * len(f"{rule.code} {rule.name}"),
        "",
        _one_line(rule.summary),
        "",
        f"Policy clause: {_policy(rule)}",
        f"Severity: {rule.severity} (security severity {rule.security_severity:g}), "
        f"precision: {rule.precision}, {status}",
        "",
        *_quoted_policy(rule, clauses or {}),
        "## What it does",
        "",
        _text(docs.what),
        "",
        "## Why is this bad?",
        "",
        _text(docs.why),
        "",
        "## Example",
        "",
        code_block(docs.example),
        "",
        "## Use instead",
        "",
        code_block(docs.use_instead),
    ]
    if rule.fixes:
        parts += ["", "## Fix", ""]
        for fix in rule.fixes:
            flag = "`pii-lint check --fix`" if fix.applicability == "safe" else \
                "`pii-lint check --fix --unsafe-fixes`"
            parts.append(f"- {fix.kind} ({fix.applicability}, {flag}): {_one_line(fix.summary)}")
    else:
        parts += ["", "## Fix", "", "None: this rule has no automatic fix (`--add-noqa` can suppress it)."]
    return "\n".join(parts) + "\n"


def _find(pack: Pack, code: str) -> RuleSpec:
    wanted = code.strip()
    rule = pack.rules.get(wanted.upper())
    if rule is not None:
        return rule
    by_name = {r.name: r for r in pack.rules.values()}
    if wanted.lower() in by_name:
        return by_name[wanted.lower()]
    close = difflib.get_close_matches(wanted.upper(), sorted(pack.rules), n=3, cutoff=0.6)
    close += [n for n in difflib.get_close_matches(wanted.lower(), sorted(by_name), n=3, cutoff=0.6)]
    if not close and wanted.upper().startswith("PII") and len(wanted) > 3:
        # PII2xx: the same hundred
        close = [c for c in sorted(pack.rules) if c[:4] == wanted.upper()[:4]][:3]
    hint = f"; did you mean {', '.join(close)}?" if close else f"; known codes: {', '.join(sorted(pack.rules))}"
    raise ConfigError(f"unknown rule code {code!r} in pack {pack.info.name!r}{hint}")


def _quoted_policy(rule: RuleSpec, clauses: dict) -> list[str]:
    """``## The policy says`` with each clause the rule enforces, quoted in full."""
    numbers = [n.strip() for n in _policy(rule).split(",") if n.strip() in clauses]
    if not numbers:
        return []
    out = ["## The policy says", ""]
    for number in numbers:
        clause = clauses[number]
        body = textwrap.fill(f"**{number} {clause.title}.** {clause.text}", width=88,
                             initial_indent="> ", subsequent_indent="> ")
        out.extend([body, ""])
    return out


def _policy(rule: RuleSpec) -> str:
    return "-" if rule.policy.strip() in ("-", "—", "") else rule.policy.strip()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _text(text: str) -> str:
    return textwrap.dedent(text).strip()


def code_block(text: str) -> str:
    """Examples are code: fence them as Python unless the pack already wrote Markdown."""
    body = textwrap.dedent(text).strip("\n").rstrip()
    if "```" in body:
        return body
    return f"```python\n{body}\n```"
