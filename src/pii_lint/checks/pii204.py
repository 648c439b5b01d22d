"""PII204 marketing-without-consent: personal data sent to a marketing recipient where no
consent check guards the call (policy 1.3)."""

from __future__ import annotations

from .context import categories_text
from .recipients import destination

CODE = "PII204"


def check(ctx):
    for sink in ctx.sinks("http", "sdk"):
        dest = destination(ctx, sink)
        if not dest.marketing or guarded(ctx, sink.call.guards, sink.call.scope, set()):
            continue
        reached = ctx.reaching(sink, CODE)
        if reached:
            source, path = reached[0]
            info = ctx.sources[source]
            yield ctx.flow_finding(CODE, sink, source, path,
                                   f"{categories_text(info)} ({ctx.describe_source(source)}) sent to marketing "
                                   f"recipient {dest.name} with no consent check")


def guarded(ctx, guards, scope: str, seen: set) -> bool:
    """A consent test guards the call, its function, or every call site of its function."""
    if any(ctx.pack.is_consent_name(g) for g in guards):
        return True
    b = ctx.builder
    fn = b.p.functions.get(scope)
    if fn is None or scope in seen:
        return False
    seen.add(scope)
    for dep in fn.depends:
        target = b.resolve(dep)
        if ctx.pack.is_consent_name(target.rsplit(".", 1)[-1]):
            return True
    sites = b.call_sites.get(scope, [])
    if not sites:
        return False  # an entry point: only its own guards count
    return all(guarded(ctx, site.call.guards, site.call.scope, seen) for site in sites)
