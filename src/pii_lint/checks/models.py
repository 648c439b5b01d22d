"""Which classes are stored models, and what their fields hold (shared by the declaration rules)."""

from __future__ import annotations


def stored_models(builder) -> dict[str, list]:
    """ORM classes with personal fields -> [(field, categories, inferred)] (inherited included)."""
    return {cls: fields for cls, fields in sorted(builder.record_classes.items()) if builder.is_orm_model(cls)}


def field_facts(builder, cls: str):
    """(owner class, FieldFact) for every field of ``cls`` and its project bases."""
    for c in builder.mro(cls):
        fact = builder.p.classes.get(c)
        if fact is not None:
            for fld in fact.fields.values():
                yield c, fld


def is_encrypted(builder, fld) -> bool:
    for ref in fld.encrypted_by:
        target = builder.resolve(ref)
        name = target[2:] if target.startswith("q|") else target
        last = name.rsplit(".", 1)[-1].lower()
        if builder.pack.is_encryption(name) or "encrypt" in last or "fernet" in last:
            return True
    return False
