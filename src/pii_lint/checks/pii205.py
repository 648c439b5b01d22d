"""PII205 identity-linkage: passively collected data (device, IP, cookies, browsing)
joined with identity data in one stored record or outbound payload (policy 1.2)."""

from __future__ import annotations

from .context import short_category
from .models import stored_models


def _names(categories) -> str:
    return ", ".join(short_category(c) for c in sorted(categories))

CODE = "PII205"


def check(ctx):
    """At the call that joins the data; at the model only when no reported call stores the
    join into it (one defect, one finding)."""
    pack = ctx.pack
    passive, identity = pack.info.passive, pack.info.identity
    b = ctx.builder
    joined_by_calls = set()
    for sink in ctx.sinks("http", "sdk", "storage", "cache", "cookie"):
        # A record that mixes both is reported at its class: here, what this call joins.
        reached = [(s, p) for s, p in ctx.reaching(sink, CODE) if ctx.sources[s]["how"] != "record"]
        passive_src = [(s, path) for s, path in reached
                       if any(pack.is_under(c, passive) for c in ctx.sources[s]["categories"])]
        identity_cats = {c for s, _ in reached for c in ctx.sources[s]["categories"] if pack.is_under(c, identity)}
        if passive_src and identity_cats:
            source, path = passive_src[0]
            info = ctx.sources[source]
            if sink.kind == "storage":
                joined_by_calls.add(b.call_type(sink.call.id))
            yield ctx.flow_finding(
                CODE, sink, source, path,
                f"{_names(c for c in info['categories'] if pack.is_under(c, passive))} "
                f"({ctx.describe_source(source)}) is joined with identity data ({_names(identity_cats)}) "
                f"in {sink.call.display}")
    for cls, fields in stored_models(b, ctx.flows).items():
        cats = {c for _, cs, _ in fields for c in cs}
        p = sorted(c for c in cats if pack.is_under(c, passive))
        i = sorted(c for c in cats if pack.is_under(c, identity))
        if p and i and cls not in joined_by_calls:
            fact = b.p.classes[cls]
            yield ctx.declaration_finding(
                CODE, b.p.class_module[cls].path, fact.line, fact.col,
                f"{fact.name} stores passive data ({_names(p)}) beside identity data ({_names(i)})",
                categories=p + i, source=fact.name)
