"""One module per rule: each turns the project graph into findings of its code.

A check is a function ``check(ctx) -> Iterable[Finding]`` registered in ``CHECKS``.
"""

from __future__ import annotations

from .context import CheckContext
from . import outbound, pii101, pii103, pii201, pii204, pii205, pii206, pii301, pii302, pii401, pii900, pii901, \
    relays, storage

def _check_203(ctx):
    """Outbound calls to undeclared recipients, and the SMTP relays mail goes through."""
    yield from outbound.check_203(ctx)
    yield from relays.check(ctx)


CHECKS = {
    "PII101": pii101.check,
    "PII102": storage.check_102,
    "PII103": pii103.check,
    "PII201": pii201.check,
    "PII202": outbound.check_202,
    "PII203": _check_203,
    "PII204": pii204.check,
    "PII205": pii205.check,
    "PII206": pii206.check,
    "PII301": pii301.check,
    "PII302": pii302.check,
    "PII303": storage.check_303,
    "PII401": pii401.check,
    "PII900": pii900.check,
    "PII901": pii901.check,
}


def run_checks(builder, flows, pack, settings, facts, config_file=None) -> list:
    """``config_file``: (project-relative path, text) of the configuration, for findings
    about its entries."""
    ctx = CheckContext(builder, flows, pack, settings, facts, config_file)
    enabled = pack.enabled_rules()
    findings = []
    for code, check in CHECKS.items():
        if code in enabled:
            findings.extend(check(ctx))
    builder.warnings = _unused_recipients(ctx)
    return findings


def _unused_recipients(ctx) -> list[str]:
    """Declared recipients that no outbound call of the project resolves to: their hosts,
    sdk and urls match nothing, so the entry changes no finding."""
    from .recipients import destination

    matched = {destination(ctx, sink).name for sink in ctx.sinks("http", "sdk")} | relays.covering(ctx)
    where = ctx.config_file[0] if ctx.config_file else "configuration"
    return [f"{where}: [tool.pii-lint] recipients.{name}: no call in the code sends to it (its hosts, sdk "
            f"and urls match nothing); the entry has no effect"
            for name in sorted(ctx.settings.recipients) if name not in matched]
