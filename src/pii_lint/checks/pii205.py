"""PII205 identity-linkage: passively collected data (device, IP, cookies, browsing)
joined with identity data in one stored record or outbound payload (policy 1.2)."""

from __future__ import annotations

from collections import deque

from ..flows import route_to_return
from ..idioms import CALL, RETURN, SUMMARY
from .context import short_category
from .models import field_facts, stored_models


def _names(categories) -> str:
    return ", ".join(short_category(c) for c in sorted(categories))

CODE = "PII205"


def _alternatives(builder, one: list, other: list, reach: dict) -> bool:
    """Two paths that come into one value by different ways that never meet in one run:
    from different branches of an ``if`` (the merge of a variable's versions there), or
    as the same parameter from different calls (``consume(key=ip)`` and ``clear(key=email)``
    both calling ``cache_lock(key)``). The value holds one or the other, never both."""
    into: dict[str, tuple] = {}
    for (prev, edge), (node, _) in zip(one, one[1:]):
        into.setdefault(node, (prev, edge))
    for (prev, edge), (node, _) in zip(other, other[1:]):
        came = into.get(node)
        if came is None or came[0] == prev:
            continue
        sites = (came[1].get("site") if came[1] and came[1].get("k") == CALL else None,
                 edge.get("site") if edge and edge.get("k") == CALL else None)
        apart = any(t[0] == "phi" for t in builder._type_facts.get(node, ())) or (
            None not in sites and sites[0] != sites[1])
        # Only if neither way in also feeds the other (parameters = (*parameters, ip) in one
        # branch: the e-mail is in both).
        if apart and not _reaches(builder, prev, came[0], reach) and not _reaches(builder, came[0], prev, reach):
            return True
        # get_cache_key(key=email) and the ip it computes: the argument's way to the return
        # inside the function, against the other path's.
        for mine, theirs, path in ((edge, came[1], one), (came[1], edge, other)):
            if mine and mine.get("k") == SUMMARY and theirs and theirs.get("k") == RETURN:
                key = ("route", mine["callee"], mine["param"])
                if key not in reach:
                    reach[key] = route_to_return(builder.g, mine["callee"], mine["param"])
                route = reach[key]
                if route and _alternatives(builder, path, route, reach):
                    return True
    return False


def _reaches(builder, start: str, goal: str, reach: dict, limit: int = 2_000) -> bool:
    """Whether ``goal`` is reachable from ``start``; what ``start`` reaches is kept in
    ``reach`` (None past ``limit`` nodes: taken as reaching everything)."""
    if start not in reach:
        seen = {start}
        queue = deque([start])
        succ = builder.g._succ
        while queue and seen is not None:
            for nxt in succ.get(queue.popleft(), ()):
                if nxt not in seen:
                    if len(seen) >= limit:
                        seen = None
                        break
                    seen.add(nxt)
                    queue.append(nxt)
        reach[start] = seen
    seen = reach[start]
    return seen is None or goal in seen


def check(ctx):
    """At the call that joins the data; at the model only when no reported call stores the
    join into it (one defect, one finding)."""
    pack = ctx.pack
    passive, identity = pack.info.passive, pack.info.identity
    b = ctx.builder
    joined_by_calls = set()
    reach: dict = {}  # node -> the nodes it reaches, (callee, parameter) -> its route: for every sink
    for sink in ctx.sinks("http", "sdk", "storage", "cache", "cookie"):
        # A record that mixes both is reported at its class: here, what this call joins.
        reached = [(s, p) for s, p in ctx.reaching(sink, CODE, every=True) if ctx.sources[s]["how"] != "record"]
        passive_src = [(s, path) for s, path in reached
                       if any(pack.is_under(c, passive) for c in ctx.sources[s]["categories"])]
        identity_src = [(s, path) for s, path in reached
                        if any(pack.is_under(c, identity) for c in ctx.sources[s]["categories"])]
        # key = ("ip", ip) if per_ip else ("user", email): one branch's value or the other's.
        joined_identity = [i for i in identity_src
                           if any(not _alternatives(b, p[1], i[1], reach) for p in passive_src)]
        passive_src = [p for p in passive_src if any(not _alternatives(b, p[1], i[1], reach) for i in joined_identity)]
        identity_cats = {c for s, _ in joined_identity for c in ctx.sources[s]["categories"] if pack.is_under(c, identity)}
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
        if not p or cls in joined_by_calls:
            continue
        fact = b.p.classes[cls]
        if i:
            what = f"beside identity data ({_names(i)})"
        else:
            # Request(ip=..., user=request.user): the row's key to the person links them as well.
            target, i = _key_to_identity(b, cls, lambda c: pack.is_under(c, identity))
            if not i:
                continue
            what = f"beside a key to identity data ({target.rsplit('.', 1)[-1]}: {_names(i)})"
        yield ctx.declaration_finding(
            CODE, b.p.class_module[cls].path, fact.line, fact.col, f"{fact.name} stores passive data ({_names(p)}) {what}",
            categories=p + i, source=fact.name)


def _key_to_identity(b, cls: str, is_identity) -> tuple[str, list[str]]:
    """The first model a to-one relation of ``cls`` points at that holds identity data, and
    those categories (the user model's username and e-mail): ("", []) when none does."""
    for _, fld in field_facts(b, cls):
        if not fld.relation or fld.type_ref is None or fld.kind == "ManyToManyField":
            continue
        target = b.model_class(fld.type_ref)
        if target is None or target == cls:
            continue
        cats = {c for _, cs, _ in b.record_classes.get(target, ()) for c in cs}
        cats |= {c for (owner, _), (cs, _) in b.field_categories.items()
                 if owner not in b.p.classes and owner in b.mro(target) for c in cs}
        found = sorted(c for c in cats if is_identity(c))
        if found:
            return target, found
    return "", []
