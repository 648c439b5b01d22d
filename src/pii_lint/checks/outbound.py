"""PII202 unminimized-payload and PII203 undeclared-recipient (policy 1.3): what an HTTP
call or SDK sends, and to whom."""

from __future__ import annotations

from ..fixes import hints
from ..reprs import follow, revealed
from .context import short_category
from .recipients import destination


def check_202(ctx):
    for sink in ctx.sinks("http", "sdk"):
        dest = destination(ctx, sink)
        offending = []  # (source, path, message), best first: every source, for the fix
        for source, path in ctx.reaching(sink, "PII202", every=dest.declared):
            info = ctx.sources[source]
            whole, categories = info["how"] == "record", tuple(info["categories"])
            if whole:
                # Fields picked from a record (generate_request_data) are not the whole record;
                # its repr (str(customer)) shows what its __str__ shows.
                whole = follow(ctx.flows, info, path)[0] in ("whole", "object")
                categories = categories if whole else revealed(ctx.flows, info, path)
            if not dest.declared:
                # Any third party: a whole record is more than any service needs.
                if whole:
                    offending.append((source, path, categories, f"the whole {ctx.what(source)} is sent to "
                                                                f"{dest.name or 'an unresolved host'}"))
                continue
            outside = [c for c in categories if not ctx.pack.is_under(c, list(dest.allow))]
            if not outside:
                continue
            if whole:
                allowed = ", ".join(short_category(a) for a in dest.allow) or "nothing"
                offending.append((source, path, categories, f"the whole {ctx.what(source)} is sent to {dest.name}, "
                                                            f"which may receive only {allowed}"))
            else:
                offending.append((source, path, tuple(outside), f"{', '.join(short_category(c) for c in outside)} "
                                                                f"({ctx.describe_source(source)}) is sent to "
                                                                f"{dest.name}, whose allow list does not include it"))
        if offending:
            hint = hints.payload(ctx, sink, offending, dest.allow) if dest.declared else None
            offending = _one_per_kind(ctx, offending)
            source, path, _, message = offending[0]
            more = len(offending) - 1
            suffix = f" (and {more} more source{'s' if more > 1 else ''})" if more else ""
            categories = sorted({c for _, _, cats, _ in offending for c in cats})
            yield ctx.flow_finding("PII202", sink, source, path, message + suffix, categories=categories, fix_hint=hint)


def check_203(ctx):
    for sink in ctx.sinks("http", "sdk"):
        dest = destination(ctx, sink)
        if dest.declared:
            continue
        where = dest.name or "a host that cannot be resolved"
        found = ctx.grouped(sink, "PII203", shown=ctx.shown)
        if found is not None:
            source, path, categories, _ = found
            subject, plural = ctx.headline(found)
            yield ctx.flow_finding("PII203", sink, source, path,
                                   f"{subject} {'are' if plural else 'is'} sent to {where}, which no declared "
                                   f"recipient covers", categories=categories)


def _one_per_kind(ctx, offending: list) -> list:
    """The report names one source per record class or category set, best first."""
    seen: set = set()
    kept = []
    for entry in offending:
        kind = ctx.source_kind(entry[0])
        if kind not in seen:
            seen.add(kind)
            kept.append(entry)
    return kept
