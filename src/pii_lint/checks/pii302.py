"""PII302 unencrypted-sensitive: a field of a sensitive category in a stored model,
stored without an encryption wrapper (policy 1.4)."""

from __future__ import annotations

from ..edges import node_name
from .context import short_category
from .models import field_facts, is_encrypted, stored_models

CODE = "PII302"


def check(ctx):
    b = ctx.builder
    sensitive = ctx.pack.info.sensitive
    seen = set()
    for cls in stored_models(b, ctx.flows):
        for owner, fld in field_facts(b, cls):
            cats, _ = b.field_categories.get((owner, fld.name), ((), False))
            bad = [c for c in cats if ctx.pack.is_under(c, sensitive)]
            if bad and all(ctx.pack.is_under(c, ctx.pack.info.credentials) for c in bad) and \
                    _only_hashed(ctx, cls, owner, fld.name):
                continue  # a password column the code writes only with make_password(): hashes, not passwords
            if bad and not is_encrypted(b, fld) and (owner, fld.name) not in seen:
                seen.add((owner, fld.name))
                mod = b.p.class_module[owner]
                name = f"{b.p.classes[owner].name}.{fld.name}"
                yield ctx.declaration_finding(
                    CODE, mod.path, fld.line, fld.col,
                    f"{', '.join(short_category(c) for c in bad)} ({name}) is stored without encryption",
                    categories=bad, source=name,
                )


def _only_hashed(ctx, cls: str, owner: str, name: str) -> bool:
    """Every value the project writes into the column is a hash sanitizer's result (and
    there is at least one): ``create(password=make_password(raw))``, ``user.password = bcrypt.hashpw(...)``."""
    b = ctx.builder
    field_node = f"f|{owner}|{name}"
    writes = list(b.stored_writes.get((cls, name), ())) + [value for value, node, _, _, _ in b._field_writes
                                                            if node == field_node and not _defines(b, value, owner)]
    return bool(writes) and all(_hashed(ctx, node) for node in writes)


def _hashed(ctx, node: str, depth: int = 3) -> bool:
    """The value is a hash sanitizer's result, a variable named as a hash (``hashed_password``),
    or a variable every assignment of which is one (``key_hash = generate_password_hash(raw)``)."""
    b = ctx.builder
    if node.startswith("c|"):
        call = b._calls_by_id.get(node[2:])
        if call is None:
            return False
        kind, qual = b.callee(call)
        sanitizer = ctx.pack.sanitizer_for(qual if kind != "unknown" else call.display)
        return sanitizer is not None and sanitizer.kind == "hash"
    if not node.startswith("v|") or depth == 0:
        return False
    if ctx.pack.says_hashed(node_name(node)):
        return True
    into = b.g._pred.get(node)
    return bool(into) and all(_hashed(ctx, prev, depth - 1) for prev in into)


def _defines(b, value: str, owner: str) -> bool:
    """``password = models.CharField(...)`` in the class body: the column, not a write."""
    call = b._calls_by_id.get(value[2:]) if value.startswith("c|") else None
    return call is not None and call.scope == owner
