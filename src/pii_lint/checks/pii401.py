"""PII401 no-erasure-path: a stored model holding personal data that no delete or
anonymise code reaches (policy 1.5)."""

from __future__ import annotations

from .models import field_facts, stored_models

CODE = "PII401"


def erasable(builder, models) -> set[str]:
    """Models with an erasure path: their own or a base's (erasing a Contact erases the
    PersonContact it is), or a cascading foreign key to one that has one."""
    done = {cls for cls in builder.erasures if builder.erasures[cls]}
    done |= {cls for cls in models if any(c in done for c in builder.mro(cls))}
    changed = True
    while changed:
        changed = False
        for cls in sorted(done):
            # Reservation.edit_logs = relationship(..., cascade="all, delete-orphan"): deleting a
            # reservation deletes its logs.
            for _, fld in field_facts(builder, cls) if cls in builder.p.classes else ():
                target = builder.model_class(fld.type_ref) if fld.deletes_related and fld.type_ref else None
                for sub in builder.subclasses(target) if target is not None else ():
                    if sub not in done:
                        done.add(sub)
                        changed = True
        for cls in models:
            if cls in done:
                continue
            for _, fld in field_facts(builder, cls):
                target = builder.model_class(fld.type_ref) if fld.relation and fld.cascade and fld.type_ref else None
                if target is not None and any(sub in done for sub in builder.subclasses(target)):
                    done.add(cls)
                    changed = True
                    break
    return done


def check(ctx):
    b = ctx.builder
    models = stored_models(b, ctx.flows)
    ok = erasable(b, models)
    for cls in models:
        if cls not in ok:
            fact = b.p.classes[cls]
            yield ctx.declaration_finding(
                CODE, b.p.class_module[cls].path, fact.line, fact.col,
                f"{fact.name} stores personal data but no code deletes or anonymises its records",
                source=fact.name,
            )
