"""PII206 personal-data-in-cookie: identity or contact data written into a cookie, unless
it is encrypted first (policy 1.2: cookies record browsing preferences)."""

from __future__ import annotations

from .context import short_category

CODE = "PII206"


def check(ctx):
    identity = ctx.pack.info.identity

    def says_who(info) -> bool:
        return any(ctx.pack.is_under(c, identity) for c in info["categories"])

    for sink in ctx.sinks("cookie"):
        found = ctx.grouped(sink, CODE, keep=says_who)
        if found is None:
            continue
        source, path, categories, more = found
        shown = [c for c in categories if ctx.pack.is_under(c, identity)]
        yield ctx.flow_finding(
            CODE, sink, source, path,
            f"{', '.join(short_category(c) for c in shown)} ({ctx.describe_source(source)}){more} "
            f"is written into a cookie by {sink.call.display}", categories=shown)
