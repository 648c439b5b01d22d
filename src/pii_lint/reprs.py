"""What a log line shows of a record that reaches it whole: its ``str()`` or ``repr()``.

A project class that defines ``__str__`` or ``__repr__`` shows the fields that flow into
what they return. Without one, the library's default decides (the pack's
``record_reprs``): Django's ``Customer object (1)`` and SQLAlchemy's ``<Customer at 0x...>``
show nothing personal, while dataclass, attrs and pydantic reprs show every field. A
record passed through a serialiser (``vars``, ``asdict``, ``model_dump``, ``__dict__``...)
on its way shows every field whatever its repr.
"""

from __future__ import annotations

import fnmatch
from collections import deque

from .flows import Entries, owner, route_to_return
from .idioms import CALL, CONTAINERS, INTRA, RETURN, SERIALISED_ATTRS, SUMMARY

REPR_METHODS = ("__str__", "__repr__")


def revealed(flows, source_info: dict, path: list) -> tuple[str, ...]:
    """The categories a log sink at the end of ``path`` sees of a record source: the fields
    read from it, all of them once serialised, its repr once formatted or logged as is, and
    nothing once it went into arithmetic (a price computed from an order line)."""
    how, found = follow(flows, source_info, path)
    if how == "derived":
        return found
    if how in ("object", "repr"):
        shown = shown_by_repr(flows.b, found)
        return tuple(source_info["categories"]) if shown is None else shown
    return found


def follow(flows, source_info: dict, path: list):
    """What of a record is left at the end of ``path``: ("whole", categories) serialised or
    given to code we cannot see into; ("derived", categories) built by a helper that was given
    it among other things; ("fields", categories) some fields read from it;
    ("gone", ()) arithmetic; ("repr", class) formatted into text; ("object", class) as is."""
    builder = flows.b
    cls = source_info["class"]
    whole = tuple(source_info["categories"])
    made_from = False  # went through a helper that builds something from the whole object
    entries = Entries()  # the dict entries the record was put in
    for i, (node, data) in enumerate(path):
        if not data:
            continue
        helper = (data["callee"], data["param"]) if data.get("k") == SUMMARY else \
            _own_method_called(builder, cls, node, path[i + 1][0]) if i + 1 < len(path) else None
        if helper is not None:
            how, read = flows.summary_effect(*helper)
            if how == "same":
                continue  # the helper returns the object itself
            if how == "put":
                entries.put(read)  # ... or a dict holding it under those keys
                continue
            if how == "unknown":
                fn = builder.p.functions.get(helper[0])
                if fn is not None and fn.kind == "method" and fn.params and fn.params[0] == helper[1]:
                    if route_to_return(builder.g, *helper) is None:
                        # member.url_path(): f"/members/{self.slug}/" returns the fields it reads.
                        shown = {c for f in _fields_returned(builder, helper[0]) for c in _field_categories(builder, cls, f)}
                        return ("fields", tuple(sorted(shown))) if shown else ("gone", ())
                    made_from = True  # address.as_data(): all of it, unless a later step picks fields
                    continue
                made_from = "argument"  # clean_input(info, checkout, data): something made with it
                continue
            if any(not _is_field(builder, cls, name) for name in read):
                return "whole", whole  # a method or property of the object: as far as we can tell, all of it
            return "fields", tuple(sorted({c for name in read for c in _field_categories(builder, cls, name)}))
        op = data.get("op") or ""
        if op == "fields":
            made_from = made_from or True  # model_to_dict(address): all of it, unless a later step picks entries
            continue
        if op == "str":
            return "repr", cls
        if op == "arith":
            return "gone", ()
        if op.startswith("put:"):
            entries.step(data)
            continue
        if op.startswith("read:") and entries.stack:
            if entries.step(data) is False:
                return "gone", ()  # another entry of the container the record was put in
            continue  # the entry the record was put under: the record again
        if op.startswith("attr:") or op.startswith("read:'"):
            if made_from == "argument":
                return "gone", ()  # an entry of what a helper made with the record, not a field of it
            name = op[5:] if op.startswith("attr:") else op[6:-1]
            if name in SERIALISED_ATTRS:
                return "whole", whole  # CustomerSerializer(customer).data
            cats = _field_categories(builder, cls, name)
            if cats:
                return "fields", cats  # customer.email: that field, not the record
            target = _relation_target(builder, cls, name)
            if target is None and not _is_field(builder, cls, name):
                # A property or method (order.total, customer.full_address): what its name says.
                said = builder.pack.infer_name(name) if builder.infer else None
                return ("fields", (said,)) if said else ("gone", ())
            if target is None or target not in builder.record_classes:
                return "gone", ()  # a relation to a class with nothing personal
            cls = target  # order.customer: from here on, a Customer record
            whole = tuple(sorted({c for _, cats, _ in builder.record_classes[cls] for c in cats}))
            continue
        if data.get("k") == INTRA and not op and data.get("d", "").startswith("passed through "):
            if data["d"][len("passed through "):-2] in CONTAINERS:
                entries.step(data)
                continue  # list(payloads), sorted(rows), enumerate(rows): the same items
            # A library call given the object (schema.load(record), record.to_dict()): what it makes
            # of it is not known, so all of it, unless a later step reads an entry of it.
            made_from = made_from or True
            continue
    if made_from == "argument":
        return "derived", whole  # built by a helper from the record and other things: maybe all of it
    return ("whole", whole) if made_from else ("object", cls)


def _own_method_called(builder, cls: str, value: str, result: str) -> tuple[str, str] | None:
    """``(method, its self parameter)`` when ``result`` is an unresolved call ``value.m()``
    whose receiver is a ``cls`` record and ``m`` a project method of that class
    (``self.project.get_url_path()`` where the path shows ``project`` is this record): the
    method's summary says what it returns of the record, as for a resolved call."""
    if not result.startswith("c|"):
        return None
    call = builder._calls_by_id.get(result[2:])
    if call is None or call.func is None or call.func[0] != "a" or call.receiver is None:
        return None
    if builder.resolve(call.receiver) != value or any(builder.resolve(r) == value for _, refs in call.args for r in refs):
        return None
    member = builder.class_member(cls, call.func[2]) if cls in builder.p.classes else None
    fn = builder.p.functions.get(member[2:]) if member and member.startswith("q|") else None
    if fn is None or fn.kind != "method" or not fn.params:
        return None
    return fn.scope, fn.params[0]


def shown_by_repr(builder, cls: str) -> tuple[str, ...] | None:
    """Categories in ``str(obj)`` / ``repr(obj)`` of a ``cls`` object; None when unknown (all)."""
    cache = builder.repr_cache
    if cls in cache:
        return cache[cls]
    cache[cls] = None  # cycle guard
    result = _shown_by_repr(builder, cls)
    cache[cls] = result
    return result


def _shown_by_repr(builder, cls: str) -> tuple[str, ...] | None:
    for c in builder.mro(cls):
        fact = builder.p.classes.get(c)
        if fact is None:
            reprs = builder.pack.info.record_reprs
            for pattern, fields in reprs.items():
                if fnmatch.fnmatchcase(c, pattern):
                    if "*" in fields:
                        return None
                    return tuple(sorted({cat for f in fields for cat in _field_categories(builder, cls, f)}))
            continue
        for method in REPR_METHODS:
            scope = fact.methods.get(method)
            if scope:
                return tuple(sorted({cat for f in _fields_returned(builder, scope)
                                     for cat in _field_categories(builder, cls, f)}))
    return None


def _fields_returned(builder, scope: str, depth: int = 0) -> set[str]:
    """Attributes of ``self`` whose values flow into the return of method ``scope`` (and of
    the methods of the same object it returns the result of, a few calls deep)."""
    start = f"r|{scope}"
    g = builder.g
    if start not in g:
        return set()
    seen = {start}
    queue = deque([start])
    found: set[str] = set()
    while queue:
        node = queue.popleft()
        for src, data in g._pred[node].items():
            if src in seen:
                continue
            seen.add(src)
            if src.startswith("f|"):
                # A field of some class: self.email, or self.buyer.email read as Buyer.email.
                _, owner_cls, name = src.split("|", 2)
                getter = _getter(builder, owner_cls, name)
                if getter is not None and depth < 3:
                    found |= _fields_returned(builder, getter, depth + 1)  # name = property(get_name)
                    continue
                op = data.get("op") or ""
                found.add(f"{owner_cls}|{name}.{op[5:]}" if op.startswith("attr:") else f"{owner_cls}|{name}")
                continue
            if src.startswith("r|") and (data["k"] == RETURN or builder.p.functions.get(src[2:]) is not None
                                          and builder.p.functions[src[2:]].is_property):
                # `return format_name(self.first_name)`: what the callee returns, and what it was given.
                if depth < 3:
                    found |= _fields_returned(builder, src[2:], depth + 1)
                call = builder.call_by_id(node[2:]) if node.startswith("c|") else None
                found |= _fields_named(builder, scope, call)
                for _, refs in (call.args if call is not None else ()):
                    for ref in refs:
                        arg = builder.resolve(ref)
                        if arg not in seen:
                            seen.add(arg)
                            if arg.startswith("f|"):
                                found.add(arg[2:])
                            elif owner(arg) == scope:
                                queue.append(arg)
                continue
            if data["k"] == CALL or owner(src) != scope:
                continue
            queue.append(src)
    return found


def _fields_named(builder, scope: str, call) -> set[str]:
    """``format_repr(self, "id", "email")``: the object handed to a helper with the names of
    its fields to show (indico's reprs) shows those fields."""
    fn = builder.p.functions.get(scope)
    if call is None or fn is None or not fn.class_qual or not fn.params:
        return set()
    own = f"v|{scope}|{fn.params[0]}"
    if not any(builder.resolve(r) == own for key, refs in call.args if key == 0 for r in refs):
        return set()
    cls = fn.class_qual
    return {f"{cls}|{name}" for name in call.pos_consts[1:]
            if isinstance(name, str) and name.isidentifier() and _is_field(builder, cls, name)}


def _getter(builder, cls: str, name: str) -> str | None:
    """The function behind ``name = property(get_name, ...)`` on ``cls``."""
    fact = builder.p.classes.get(cls)
    fld = fact.fields.get(name) if fact is not None else None
    if fld is None or fld.getter is None:
        return None
    target = builder.resolve(fld.getter)
    return target[2:] if target.startswith("q|") and target[2:] in builder.p.functions else None


def _is_field(builder, cls: str, name: str) -> bool:
    return any(name in builder.p.classes[c].fields for c in builder.mro(cls) if c in builder.p.classes)


def _field_categories(builder, cls: str, name: str) -> tuple[str, ...]:
    if "|" in name:  # qualified by the class that declares it: "shop.models.Buyer|email"
        cls, name = name.split("|", 1)
    if "." in name:  # through a relation: billing_address.name
        head, rest = name.split(".", 1)
        target = _relation_target(builder, cls, head)
        return _field_categories(builder, target, rest) if target else ()
    for c in builder.mro(cls):
        entry = builder.field_categories.get((c, name))
        if entry:
            return tuple(entry[0])
    if cls not in builder.p.classes:  # a library's user model: the fields the pack lists
        return next((cats for field, cats, _ in builder.record_classes.get(cls, ()) if field == name), ())
    return ()


def _relation_target(builder, cls: str, name: str) -> str | None:
    for c in builder.mro(cls):
        fact = builder.p.classes.get(c)
        if fact is not None and name in fact.fields:
            fld = fact.fields[name]
            return builder.model_class(fld.type_ref) if fld.relation and fld.type_ref is not None else None
    return None
