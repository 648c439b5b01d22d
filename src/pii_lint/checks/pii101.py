"""PII101 forbidden-category: a field or collection point of a category the policy
forbids collecting (policy 1.1, 1.2)."""

from __future__ import annotations

from .context import short_category

CODE = "PII101"


def check(ctx):
    forbidden = ctx.pack.info.forbidden
    for node, info in sorted(ctx.sources.items()):
        if info["how"] == "record" or (info["inferred"] and "class" not in info) or info.get("column"):
            continue  # records and posted columns repeat their fields; a local's name alone is too weak
        bad = [c for c in info["categories"] if ctx.pack.is_under(c, forbidden)]
        if bad:
            how = " (inferred from the name)" if info["inferred"] else ""
            what = "field" if "class" in info else "collection point"
            yield ctx.declaration_finding(
                CODE, info["path"], info["line"], info.get("col", 1),
                f"{', '.join(short_category(c) for c in bad)} ({info['label']}{how}) is a forbidden category; "
                f"this {what} collects it",
                categories=bad, source=info["label"],
            )
