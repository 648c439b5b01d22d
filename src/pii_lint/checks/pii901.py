"""PII901 invalid-tag: a tag that names no known category, a retention that is not a period,
or a `[tool.pii-lint.fields]` entry that names no field. Reported where it is written; the
tag is ignored and the rest of the project is analysed."""

from __future__ import annotations

import difflib
import re

CODE = "PII901"


def check(ctx):
    for path, line, message in sorted(set(ctx.builder.bad_tags)):
        yield ctx.declaration_finding(CODE, path, line, 1, message)
    yield from _unknown_config_fields(ctx)


def _unknown_config_fields(ctx):
    """``"shop.models.Ordr.note" = "content.private"``: reported at its line of the
    configuration file, with the closest field the project has."""
    config = ctx.config_file
    if config is None or not ctx.settings.fields:
        return
    b = ctx.builder
    known = sorted(f"{qual}.{name}" for qual, fact in b.p.classes.items() for name in fact.fields)
    known_set = set(known)
    for qual in sorted(ctx.settings.fields):
        if qual in known_set:
            continue
        owner, _, name = qual.rpartition(".")
        if owner in b.p.classes and any(name in b.p.classes[c].fields for c in b.mro(owner) if c in b.p.classes):
            continue  # a field of a project base class, named through the subclass
        close = difflib.get_close_matches(qual, known, n=1, cutoff=0.6)
        hint = f"; closest field: {close[0]}" if close else ""
        path, text = config
        yield ctx.declaration_finding(
            CODE, path, _line_of(text, qual), 1,
            f"[tool.pii-lint.fields] {qual!r} names no field of the project{hint}; the entry is ignored",
            source=qual)


def _line_of(text: str, key: str) -> int:
    """The line of the configuration file where ``key`` is written (quoted), else 1."""
    pattern = re.compile(r"""^\s*["']""" + re.escape(key) + r"""["']\s*=""")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return number
    return 1
