"""Hints the checks leave on their findings: what a fix would need to know that only the
project graph knows (a record's key, a recipient's allow list, a cache's keyword).

Computed during analysis (cheap, no LibCST) and cached with the findings, so ``check``
can mark fixable findings without parsing anything again.
"""

from __future__ import annotations

import ast


def tag(category: str) -> tuple:
    return ("tag", category[5:] if category.startswith("user.") else category)


def retention() -> tuple:
    return ("retention",)


def _field(source: str) -> tuple[str, str] | None:
    """``f|shop.models.Customer|email`` -> (class, attribute); an attribute of a value of
    unknown class, personal by its name (``src|a|v|scope|order|email``), -> ("", attribute)."""
    if source.startswith("src|a|"):
        attr = source.rsplit("|", 1)[-1]
        return ("", attr) if attr.isidentifier() else None
    if not source.startswith("f|"):
        return None
    cls, _, attr = source[2:].rpartition("|")
    return (cls, attr) if cls and attr.isidentifier() else None


def _read_in_call_scope(sink, path, locals_too: bool = False) -> bool:
    """The field is read in the function that makes the call (not by a helper whose result
    is logged): only then can the attribute be found in the call and rewritten."""
    for node, _ in path[1:]:
        if node == sink.node:
            return True
        if node.startswith("a|") and path[0][0] == f"src|{node}":
            continue  # the attribute read itself (a source found by its name)
        # Only expressions of the call's own statement: a variable or a return is elsewhere.
        kinds = ("t|", "c|", "v|") if locals_too else ("t|", "c|")
        if not node.startswith(kinds) or node[2:].split("|", 1)[0] != sink.call.scope:
            return False
    return True


def record_key(builder, cls: str) -> str | None:
    """How a record of ``cls`` names its row: ``pk`` for Django models, ``id`` when it
    has an ``id`` field (SQLAlchemy, pydantic), else None."""
    lineage = builder.mro(cls)
    if any(c.startswith("django.") for c in lineage):
        return "pk"
    for c in lineage:
        fact = builder.p.classes.get(c)
        if fact is not None and "id" in fact.fields:
            return "id"
    return None


def _name_read(info) -> str | None:
    """The name a value personal by its name was read by, from its label: ``email``,
    ``request.POST["street"]``, ``data.get("phone")`` and ``order.phone`` give the name
    the fix looks for in the payload (variable, key or attribute)."""
    try:
        node = ast.parse(info.get("label", ""), mode="eval").body
    except SyntaxError:
        return None
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    key = node.slice if isinstance(node, ast.Subscript) else \
        node.args[0] if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
        and node.func.attr == "get" and node.args else None
    return key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) and key.value else None


def logged(ctx, sink, source: str, path) -> tuple | None:
    """PII201: ("log", class, attribute, key or None) when a record's attribute is logged;
    ("log", "", name, None, "name") when a variable personal by its name is (only a mask can
    stand in for it: there is no record to take a key from)."""
    field = _field(source)
    if field is None and sink.qual != "<raise>":
        info = ctx.sources[source]
        label = info.get("label", "")
        if info["how"] == "name" and label.isidentifier() and _read_in_call_scope(sink, path, locals_too=True):
            return ("log", "", label, None, "name")
        return None
    if field is None or sink.qual == "<raise>" or not _read_in_call_scope(sink, path):
        return None
    cls, attr = field
    key = record_key(ctx.builder, cls) if cls else None
    return ("log", cls, attr, key if key != attr else None)


def expiry(sink) -> tuple | None:
    """PII301 at a cache write: ("expiry", keyword, position or None) in the library's own
    keyword; the position is where the call may take it positionally instead."""
    for spec in sink.sinks:
        keyword = next((k for k in spec.expiry if isinstance(k, str) and k != "*"), None)
        if keyword is not None:
            position = next((k for k in spec.expiry if isinstance(k, int)), None)
            return ("expiry", keyword, position)
    return None


def payload(ctx, sink, offending, allow) -> tuple | None:
    """PII202: ("payload", include, drop, entries). ``include``: the fields of a whole record
    the recipient may receive (non-personal fields too); ``drop``: personal fields it may not;
    ``entries``: (line, key) of the dict entries that carry them into the payload."""
    from ..checks.models import field_facts

    b = ctx.builder
    include: set[str] = set()
    drop: set[str] = set()
    entries: set[tuple[int, str]] = set()
    whole = False
    for source, path, categories, _ in offending:
        info = ctx.sources[source]
        if info["how"] == "record" and info.get("class"):
            cls = info["class"]
            whole = True
            for owner, fld in field_facts(b, cls):
                if fld.relation:
                    continue
                cats = b.field_categories.get((owner, fld.name), ((), False))[0]
                if cats and not all(ctx.pack.is_under(c, list(allow)) for c in cats):
                    drop.add(fld.name)
                elif fld.is_field_call or fld.type_ref is not None:
                    include.add(fld.name)
            continue
        field = _field(source)
        name = field[1] if field is not None else _name_read(info) if info["how"] == "name" else None
        entry = _dict_entry(path, sink.module.path)
        # A payload built in a variable of the same function is found by the fix by the names
        # it reads; one built elsewhere in the file, by the dict entries the values went into.
        if entry is not None:
            entries.add(entry)
        elif name is None or not _read_in_call_scope(sink, path, locals_too=True):
            return None
        if name is not None:
            drop.add(name)
    include -= drop
    if not (drop or entries) or (whole and not include):
        return None
    return ("payload", tuple(sorted(include)) if whole else (), tuple(sorted(drop)), tuple(sorted(entries)))


def _dict_entry(path, module_path: str) -> tuple[int, str] | None:
    """(line, key) of the dict entry a value was first put under, when that is in the
    call's own file (``"EMAIL": data["email"]`` in a dict that is encoded, then sent)."""
    for _, data in path:
        op = data.get("op") if data is not None else None
        if not op or not op.startswith("put:"):
            continue
        key = ast.literal_eval(op[4:])
        if isinstance(key, str) and data.get("at") and data["at"][0] == module_path:
            return data["at"][1], key
        return None  # a tuple's item or an entry of another file: not one the fix can cut
    return None
