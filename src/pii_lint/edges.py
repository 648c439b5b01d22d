"""The graph's parts that its builders share: edges, call sites, sinks and small helpers."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from .facts import CallFact, ModuleFacts


# Columns that keep whatever text they are given.
TEXT_COLUMNS = frozenset({"CharField", "TextField", "JSONField", "String", "Text", "Unicode", "UnicodeText", "JSON",
                          "JSONB", "Column", "mapped_column"})


def short_ref(ref) -> str:
    """``log.warning`` for the ref of ``log.warning``: how a call through partial() is named."""
    if ref[0] == "a":
        base = short_ref(ref[1])
        return f"{base}.{ref[2]}" if base else ref[2]
    if ref[0] in ("n", "f"):
        return ref[2].split("#", 1)[0]
    return ""


@dataclass
class CallSite:
    call: CallFact
    module: ModuleFacts
    bound: dict[str, tuple]  # param -> refs


SINGLE_RELATIONS = frozenset({"ForeignKey", "OneToOneField", "ParentalKey"})  # one related record, not a manager


def statement_call(cid: str, scope: str, line: int, display: str) -> CallFact:
    """A call standing for a statement that is a sink (a column assignment, a return)."""
    return CallFact(cid, scope, line, 1, line, 1, None, display, (), {}, (), (), (), (), 0, None)


@dataclass
class SinkInfo:
    node: str
    call: CallFact
    module: ModuleFacts
    kind: str
    qual: str
    sinks: list  # pack Sink entries that matched


def sink_applies(sink, call: CallFact) -> bool:
    """A sink's conditions: one of its ``given`` arguments is passed (``yaml.dump(data)``
    returns the text, ``yaml.dump(data, stream)`` writes it), and each ``when`` key is given
    a literal that matches one of its globs (``content_type="text/csv"``)."""
    if sink.given and not any(key in sink.given for key, _ in call.args):
        return False
    for key, globs in sink.when.items():
        value = call.consts.get(key) if isinstance(key, str) else (
            call.pos_consts[key] if key < len(call.pos_consts) else None)
        if not isinstance(value, str) or not any(fnmatch.fnmatchcase(value.lower(), g) for g in globs):
            return False
    return True


def node_name(node: str) -> str:
    """``email`` for ``v|shop.views.signup|email#2``: the name a node was written as."""
    return node.rsplit("|", 1)[-1].split("#", 1)[0]
