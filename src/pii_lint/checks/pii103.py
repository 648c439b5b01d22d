"""PII103 untagged-personal-data: under ``infer = "suggest"``, model fields whose names
look personal but carry no tag (policy 1.2)."""

from __future__ import annotations

from ..orm import is_field
from ..fixes import hints
from .context import short_category

CODE = "PII103"


def check(ctx):
    if ctx.settings.infer != "suggest":
        return
    b = ctx.builder
    for qual, cls in sorted(b.p.classes.items()):
        mod = b.p.class_module[qual]
        for name, fld in cls.fields.items():
            if (qual, name) in b.field_categories or fld.relation or not is_field(fld):
                continue
            category = ctx.pack.infer_name(name)
            if category:
                yield ctx.declaration_finding(
                    CODE, mod.path, fld.line, fld.col,
                    f"{cls.name}.{name} looks like {short_category(category)} but has no `# pii:` tag",
                    categories=(category,), source=f"{cls.name}.{name}", fix_hint=hints.tag(category),
                )
