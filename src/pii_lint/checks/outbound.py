"""PII202 unminimized-payload and PII203 undeclared-recipient (policy 1.3): what an HTTP
call or SDK sends, and to whom."""

from __future__ import annotations

from .context import categories_text, short_category
from .recipients import destination


def check_202(ctx):
    for sink in ctx.sinks("http", "sdk"):
        dest = destination(ctx, sink)
        for source, path in ctx.reaching(sink, "PII202"):
            info = ctx.sources[source]
            if not dest.declared:
                # Any third party: a whole record is more than any service needs.
                if info["how"] == "record":
                    yield ctx.flow_finding("PII202", sink, source, path,
                                           f"the whole {info['label']} ({categories_text(info)}) is sent to "
                                           f"{dest.name or 'an unresolved host'}")
                continue
            outside = [c for c in info["categories"] if not ctx.pack.is_under(c, list(dest.allow))]
            if info["how"] == "record" and outside:
                yield ctx.flow_finding("PII202", sink, source, path,
                                       f"the whole {info['label']} ({categories_text(info)}) is sent to {dest.name}, "
                                       f"which may receive only {', '.join(short_category(a) for a in dest.allow) or 'nothing'}")
            elif outside:
                yield ctx.flow_finding("PII202", sink, source, path,
                                       f"{', '.join(short_category(c) for c in outside)} ({ctx.describe_source(source)}) "
                                       f"is sent to {dest.name}, whose allow list does not include it", categories=outside)


def check_203(ctx):
    for sink in ctx.sinks("http", "sdk"):
        dest = destination(ctx, sink)
        if dest.declared:
            continue
        where = dest.name or "a host that cannot be resolved"
        for source, path in ctx.reaching(sink, "PII203"):
            info = ctx.sources[source]
            yield ctx.flow_finding("PII203", sink, source, path,
                                   f"{categories_text(info)} ({ctx.describe_source(source)}) sent to {where}, "
                                   f"which no declared recipient covers")
