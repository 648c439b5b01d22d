"""PII301 retention-unhandled: a stored model holding personal data with no declared
retention period, and personal data written to a cache with no expiry (policy 1.4)."""

from __future__ import annotations

from .models import stored_models

CODE = "PII301"


def check(ctx):
    b = ctx.builder
    configured = ctx.settings.retention
    for cls in stored_models(b):
        fact = b.p.classes[cls]
        if fact.retention or cls in configured:
            continue
        yield ctx.declaration_finding(
            CODE, b.p.class_module[cls].path, fact.line, fact.col,
            f"{fact.name} stores personal data with no retention period "
            f"(`# pii-retention: 30d` on the class, `__pii_retention__` or [tool.pii-lint.retention])",
            source=fact.name,
        )
    for sink in ctx.sinks("cache"):
        if _has_expiry(ctx, sink):
            continue
        found = ctx.grouped(sink, CODE)
        if found is not None:
            source, path, categories, more = found
            yield ctx.flow_finding(CODE, sink, source, path,
                                   f"{ctx.what(source)}{more} is cached by {sink.call.display} with no expiry",
                                   categories=categories)


def _has_expiry(ctx, sink) -> bool:
    call = sink.call
    for spec in sink.sinks:
        for key in spec.expiry:
            if key == "*":
                return True
            if isinstance(key, str) and key in call.consts and call.consts[key] not in (None, 0):
                return True
            if isinstance(key, str) and any(k == key for k, _ in call.args):
                return True
            if isinstance(key, int) and len(call.pos_consts) > key:
                return True
    # A later `expire(key, ...)` on the same client in the same function.
    methods = {m for spec in sink.sinks for m in spec.expiry_methods}
    key_arg = call.pos_consts[0] if call.pos_consts else None
    for other in sink.module.calls:
        if other.scope == call.scope and other.line >= call.line and other is not call:
            name = other.display.rsplit(".", 1)[-1]
            if name in methods and (key_arg is None or not other.pos_consts or other.pos_consts[0] in (key_arg, None)):
                return True
    return False
