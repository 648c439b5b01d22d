"""Which classes are stored models, and what their fields hold (shared by the declaration rules)."""

from __future__ import annotations


# Columns that hold whatever the code puts in them: their content, not their name, says what they hold.
PAYLOAD_FIELDS = frozenset({"JSONField", "JSONBField", "HStoreField", "PickledObjectField", "DictField", "JSON",
                            "ArrayField", "JSONB", "PickleType", "ARRAY", "HSTORE", "JSONType"})


# Text columns that hold a payload when the code writes serialised data into them (json.dumps).
TEXT_PAYLOADS = frozenset({"TextField", "Text", "UnicodeText"})


def stored_models(builder, flows=None) -> dict[str, list]:
    """ORM classes with personal fields -> [(field, categories, inferred)] (inherited included).
    With ``flows``, also the models whose JSON columns receive personal data (saleor's
    ``OrderEvent.parameters = {"email": ...}``)."""
    models = {cls: list(fields) for cls, fields in builder.record_classes.items() if builder.is_orm_model(cls)}
    if flows is not None:
        for cls, fields in payload_fields(builder, flows).items():
            models.setdefault(cls, []).extend(fields)
    return dict(sorted(models.items()))


def payload_fields(builder, flows) -> dict[str, list]:
    """JSON columns of ORM models -> [(field, categories reaching it, True)], computed once."""
    if flows.payload_fields is not None:
        return flows.payload_fields
    out: dict[str, list] = {}
    for cls, fact in sorted(builder.p.classes.items()):
        if not builder.is_orm_model(cls):
            continue
        for owner, fld in field_facts(builder, cls):
            payload = fld.kind in PAYLOAD_FIELDS or fld.kind.endswith("JSONField")  # TaggedJSONField too
            text = fld.kind in TEXT_PAYLOADS
            if not (payload or text) or (owner, fld.name) in builder.field_categories:
                continue
            nodes = [f"f|{owner}|{fld.name}"] + builder.stored_writes.get((cls, fld.name), [])
            reached = [(source, path) for node in nodes for source, path in flows.reaching(node, "PII301").items()]
            if text:
                # RefundExport.rows = json.dumps(rows): a text column holding serialised records.
                reached = [(s, p) for s, p in reached if any(d and d.get("op") == "fields" for _, d in p)]
            cats = sorted({c for source, _ in reached for c in builder.sources[source]["categories"]})
            if cats:
                out.setdefault(cls, []).append((fld.name, tuple(cats), True))
    flows.payload_fields = out
    return out


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
