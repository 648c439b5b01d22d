"""One module per rule: each turns the project graph into findings of its code.

A check is a function ``check(ctx) -> Iterable[Finding]`` registered in ``CHECKS``.
"""

from __future__ import annotations

from .context import CheckContext
from . import pii201, pii900

CHECKS = {
    "PII201": pii201.check,
    "PII900": pii900.check,
}


def run_checks(builder, flows, pack, settings, facts) -> list:
    ctx = CheckContext(builder, flows, pack, settings, facts)
    enabled = pack.enabled_rules()
    findings = []
    for code, check in CHECKS.items():
        if code in enabled:
            findings.extend(check(ctx))
    return findings
