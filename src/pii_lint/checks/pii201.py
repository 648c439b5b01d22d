"""PII201 personal-data-logged: personal data reaching a log, print, warning,
error tracker or exception message (policy 1.4)."""

from __future__ import annotations

from .context import categories_text

CODE = "PII201"


def check(ctx):
    for sink in ctx.sinks("log"):
        where = "an exception message" if sink.qual == "<raise>" else f"logging via {sink.call.display}"
        for source, path in ctx.reaching(sink, CODE):
            info = ctx.sources[source]
            what = f"{categories_text(info)} ({ctx.describe_source(source)})"
            if info["how"] == "record":
                what = f"{info['label']} ({categories_text(info)})"
            yield ctx.flow_finding(CODE, sink, source, path, f"{what} reaches {where}")
