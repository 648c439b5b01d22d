"""PII204 marketing-without-consent: personal data sent to a marketing recipient where no
consent check guards the call (policy 1.3)."""

from __future__ import annotations

from .recipients import destination

CODE = "PII204"


def check(ctx):
    for sink in ctx.sinks("http", "sdk"):
        dest = destination(ctx, sink)
        if not dest.marketing or guarded(ctx, sink.call.guards, sink.call.scope):
            continue
        found = ctx.grouped(sink, CODE)
        if found is not None:
            source, path, categories, _ = found
            subject, plural = ctx.headline(found)
            yield ctx.flow_finding(CODE, sink, source, path,
                                   f"{subject} {'are' if plural else 'is'} sent to marketing recipient {dest.name} "
                                   f"with no consent check", categories=categories)


def guarded(ctx, guards, scope: str) -> bool:
    """A consent test guards the call, its function, or every call site of its function."""
    if any(ctx.pack.is_consent_name(g) for g in guards):
        return True
    return _function_guarded(ctx, scope, ctx.cache.setdefault("consent", {}))


def _function_guarded(ctx, scope: str, memo: dict) -> bool:
    if scope in memo:
        return memo[scope]
    memo[scope] = True  # a cycle adds no unguarded caller
    b = ctx.builder
    fn = b.p.functions.get(scope)
    result = False
    if fn is not None:
        if any(ctx.pack.is_consent_name(b.resolve(dep).rsplit(".", 1)[-1]) for dep in fn.depends):
            result = True
        else:
            sites = b.call_sites.get(scope, [])
            # No caller: an entry point, where only its own guards count.
            result = bool(sites) and all(
                any(ctx.pack.is_consent_name(g) for g in site.call.guards)
                or _function_guarded(ctx, site.call.scope, memo)
                for site in sites)
    memo[scope] = result
    return result
