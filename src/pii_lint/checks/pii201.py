"""PII201 personal-data-logged: personal data reaching a log, print, warning,
error tracker or exception message (policy 1.4)."""

from __future__ import annotations

from ..fixes import hints

CODE = "PII201"


def check(ctx):
    def shown_returned(source, path, scope):
        # record.ip = ... in a Formatter's format() (or a Filter before it) is reported where it
        # is set, not again when the record is formatted and returned.
        params = ctx.builder.p.functions[scope].params
        own = tuple(f"a|v|{scope}|{p}|" for p in params)
        if any((data and (data.get("op") or "").startswith("store:")) or node.startswith(own)
               for node, data in path[:-1]):
            return ()
        return ctx.shown(source, path)

    for sink in ctx.sinks("log"):
        scope = sink.call.scope
        found = ctx.grouped(sink, CODE, shown=ctx.shown if sink.qual != "<returned>" else (
            lambda source, path: shown_returned(source, path, scope)))
        if found is None:
            continue
        source, path, categories, _ = found
        subject, plural = ctx.headline(found)
        where = "an exception message" if sink.qual == "<raise>" else f"logging via {sink.call.display}"
        yield ctx.flow_finding(CODE, sink, source, path, f"{subject} {'reach' if plural else 'reaches'} {where}",
                               categories=categories,
                               fix_hint=None if found[3] else hints.logged(ctx, sink, source, path))
    yield from _trackers_told_to_collect(ctx)


def _trackers_told_to_collect(ctx):
    """``sentry_sdk.init(..., send_default_pii=True)``: every event then carries the user's IP,
    cookies and identity (the pack's `pii_switches`)."""
    b = ctx.builder
    switches = ctx.pack.info.pii_switches
    for mod in ctx.facts:
        for call in mod.calls:
            if call.func is None or call.func[0] not in ("n", "a"):
                continue
            kind, qual = b.callee(call)
            keyword = switches.get(qual) if kind == "ext" else None
            if keyword and call.consts.get(keyword) is True:
                yield ctx.declaration_finding(
                    CODE, mod.path, call.line, call.col,
                    f"{call.display}({keyword}=True) makes every event carry the user's IP address, cookies and "
                    f"identity to the error tracker", categories=("user.device.ip_address", "user.device.cookie_id"),
                    sink=call.display)
