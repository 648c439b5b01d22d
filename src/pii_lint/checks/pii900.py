"""PII900 unanalysable-file: a file that cannot be parsed or analysed; the run goes on."""

from __future__ import annotations

CODE = "PII900"


def check(ctx):
    for facts in ctx.facts:
        if facts.error:
            yield ctx.declaration_finding(CODE, facts.path, facts.error_line, facts.error_col,
                                          f"{facts.path} cannot be analysed: {facts.error}")
