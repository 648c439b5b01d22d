"""PII301 retention-unhandled: a stored model holding personal data with no declared
retention period and no code that erases its records past an age, and personal data written
to a cache with no expiry (policy 1.4)."""

from __future__ import annotations

from ..config import RETENTION
from ..facts import NOT_LITERAL
from ..fixes import hints
from .models import stored_models

CODE = "PII301"


def check(ctx):
    b = ctx.builder
    configured = ctx.settings.retention
    for cls in stored_models(b, ctx.flows):
        fact = b.p.classes[cls]
        if (fact.retention and RETENTION.match(fact.retention)) or cls in configured:  # a bad one is PII901
            continue
        if any(c in b.aged_purges for c in b.mro(cls)):
            continue  # code deletes or anonymises its records past an age: a retention in code
        yield ctx.declaration_finding(
            CODE, b.p.class_module[cls].path, fact.line, fact.col,
            f"{fact.name} stores personal data with no retention period "
            f"(`# pii-retention: 30d` on the class, `__pii_retention__` or [tool.pii-lint.retention])",
            source=fact.name, fix_hint=hints.retention(),
        )
    for sink in ctx.sinks("cache"):
        if _has_expiry(ctx, sink):
            continue
        found = ctx.grouped(sink, CODE)
        if found is not None:
            source, path, categories, _ = found
            subject, plural = ctx.headline(found)
            yield ctx.flow_finding(CODE, sink, source, path,
                                   f"{subject} {'are' if plural else 'is'} cached by {sink.call.display} with no expiry",
                                   categories=categories, fix_hint=None if found[3] else hints.expiry(sink))


def _has_expiry(ctx, sink) -> bool:
    """An expiry argument that is not None or 0, or a later ``expire`` of the same key in
    the same function."""
    call = sink.call
    for spec in sink.sinks:
        passed = False
        for key in spec.expiry:
            if key == "*":
                return True
            value = call.consts.get(key, NOT_LITERAL) if isinstance(key, str) else (
                call.pos_consts[key] if isinstance(key, int) and key < len(call.pos_consts) else None)
            given = any(k == key for k, _ in call.args)
            if given and value not in (None, 0):  # NOT_LITERAL: a variable, assume it is set
                return True
            passed = passed or given
        if spec.default_expiry and not passed and not _eternal_default(ctx):
            return True  # cache.set(k, v): Django's default timeout, 300 s unless the settings say otherwise
    methods = {m for spec in sink.sinks for m in spec.expiry_methods}
    key_arg = call.pos_consts[0] if call.pos_consts else NOT_LITERAL
    receiver = call.func[1] if call.func and call.func[0] == "a" else None
    for other in sink.module.calls:
        if other.scope != call.scope or other.line < call.line or other is call:
            continue
        if not (other.func and other.func[0] == "a" and other.func[2] in methods and other.func[1] == receiver):
            continue
        other_key = other.pos_consts[0] if other.pos_consts else NOT_LITERAL
        if NOT_LITERAL in (key_arg, other_key) or other_key == key_arg:
            return True
    return False


def _eternal_default(ctx) -> bool:
    """The project's settings make a cache write without a timeout last forever
    (``CACHES = {"default": {"TIMEOUT": None}}``)."""
    return any(mod.eternal_caches for mod in ctx.facts)

