"""PII201 personal-data-logged: personal data reaching a log, print, warning,
error tracker or exception message (policy 1.4)."""

from __future__ import annotations

from ..reprs import revealed

CODE = "PII201"


def check(ctx):
    def shown(source, path):
        info = ctx.sources[source]
        return revealed(ctx.flows, info, path) if info["how"] == "record" else tuple(info["categories"])

    for sink in ctx.sinks("log"):
        found = ctx.grouped(sink, CODE, shown=shown)
        if found is None:
            continue
        source, path, categories, more = found
        where = "an exception message" if sink.qual == "<raise>" else f"logging via {sink.call.display}"
        yield ctx.flow_finding(CODE, sink, source, path, f"{ctx.what(source)}{more} {'reach' if more else 'reaches'} {where}",
                               categories=categories)
