"""PII302 unencrypted-sensitive: a field of a sensitive category in a stored model,
stored without an encryption wrapper (policy 1.4)."""

from __future__ import annotations

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
            if bad and not is_encrypted(b, fld) and (owner, fld.name) not in seen:
                seen.add((owner, fld.name))
                mod = b.p.class_module[owner]
                name = f"{b.p.classes[owner].name}.{fld.name}"
                yield ctx.declaration_finding(
                    CODE, mod.path, fld.line, fld.col,
                    f"{', '.join(short_category(c) for c in bad)} ({name}) is stored without encryption",
                    categories=bad, source=name,
                )
