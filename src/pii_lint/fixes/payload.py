"""PII202 (unsafe): a payload sent to a recipient with an allow list is cut down to it.

``obj.model_dump()`` -> ``obj.model_dump(include={...})``, ``model_to_dict(obj)`` ->
``model_to_dict(obj, fields=[...])``, and a dict literal (or ``dict(...)``) loses the
entries that carry fields outside the list. The payload may be built in the call, in
the variable it passes (assigned earlier in the same function), or in dict entries of the
same file that the analysis followed the values through (encoded, joined, then sent).
"""

from __future__ import annotations

import ast

import libcst as cst

from .args import keyword, set_keyword
from .cst import Source, Unavailable, replace_nodes, walk


def rewrite(src: Source, finding, settings):
    _, include, drop, entries = finding.fix_hint
    call = src.call_at(finding.location.line, finding.location.col)
    where = [call] + _assigned_values(src, call)
    for node in where:
        changes, done = _changes(node, include, drop)
        if changes:
            module = src.module.deep_replace(node, replace_nodes(node, changes))
            return module, "send only what the recipient may receive: " + "; ".join(done)
    changes, done = _entry_changes(src, set(entries))
    if changes:
        return replace_nodes(src.module, changes), "send only what the recipient may receive: " + "; ".join(done)
    raise Unavailable("the payload is not built in the call, in a variable assigned in the same function, "
                      "or in dict entries of this file")


def _entry_changes(src: Source, entries: set[tuple[int, str]]) -> tuple[dict, list[str]]:
    """The dict entries the analysis followed each value into (by the value's line and the
    key), wherever in the file the payload was put together before it was encoded and sent."""
    changes: dict = {}
    done: list[str] = []
    for node, rng in src.positions.items():
        if not isinstance(node, cst.Dict):
            continue
        gone = [k for k, e in enumerate(node.elements) if isinstance(e, cst.DictElement)
                and (src.positions[e.value].start.line, _key(e.key)) in entries]
        if gone:
            changes[id(node)] = _cutter("elements", gone)
            done.append("dropped " + ", ".join(_label(node.elements[k].key) for k in gone))
    return changes, sorted(done)


def _changes(root, include, drop) -> tuple[dict, list[str]]:
    changes: dict = {}
    done: list[str] = []
    for node, _ in walk(root):
        if isinstance(node, cst.Call):
            name = _callee_name(node.func)
            if name in ("model_dump", "dict") and isinstance(node.func, cst.Attribute) and include \
                    and not keyword(node, "include") and not keyword(node, "exclude"):
                fields = "{" + ", ".join(f'"{f}"' for f in include) + "}"
                changes[id(node)] = _with_keyword("include", fields)
                done.append(f"{name}(include={fields})")
            elif name == "model_to_dict" and include and not keyword(node, "fields") and not keyword(node, "exclude"):
                fields = "[" + ", ".join(f'"{f}"' for f in include) + "]"
                changes[id(node)] = _with_keyword("fields", fields)
                done.append(f"model_to_dict(..., fields={fields})")
            elif node is root and any(_sdk_field(a, drop) for a in node.args):
                # An SDK call's keywords are its payload (stripe.Customer.modify(..., phone=...)).
                gone = [k for k, a in enumerate(node.args) if _sdk_field(a, drop)]
                changes[id(node)] = _cutter("args", gone)
                done.append("dropped " + ", ".join(f"{node.args[k].keyword.value}=" for k in gone))
            elif name == "dict" and isinstance(node.func, cst.Name):
                gone = [k for k, a in enumerate(node.args)
                        if (a.keyword is not None and a.keyword.value in drop) or _reads(a.value, drop)]
                if gone:
                    changes[id(node)] = _cutter("args", gone)
                    done.append("dropped " + ", ".join(_label(node.args[k].keyword or node.args[k].value) for k in gone))
        elif isinstance(node, cst.Dict):
            gone = [k for k, e in enumerate(node.elements) if isinstance(e, cst.DictElement)
                    and (_key(e.key) in drop or _reads(e.value, drop))]
            if gone:
                changes[id(node)] = _cutter("elements", gone)
                done.append("dropped " + ", ".join(_label(node.elements[k].key) for k in gone))
    return changes, done


def _with_keyword(name: str, text: str):
    return lambda updated: set_keyword(updated, name, cst.parse_expression(text))


def _cutter(attr: str, gone: list[int]):
    """Drop the ``gone`` items (by position) of a dict's ``elements`` or a call's ``args``.

    When the last item goes, the new last one ends the literal as the old one did: no
    trailing comma if there was none, and the line break before the closing bracket (with
    the new last item's own comment, not the dropped one's)."""

    def cut(updated):
        original = getattr(updated, attr)
        items = [item for k, item in enumerate(original) if k not in set(gone)]
        if not items or len(original) - 1 not in gone:
            return updated.with_changes(**{attr: items})
        last, new_last = original[-1], items[-1]
        own = new_last.comma.whitespace_after if isinstance(new_last.comma, cst.Comma) else None
        comma = last.comma if isinstance(last.comma, cst.Comma) else cst.MaybeSentinel.DEFAULT
        closing = updated.rbrace.whitespace_before if attr == "elements" else last.whitespace_after_arg
        broken = isinstance(own, cst.ParenthesizedWhitespace)
        if broken and isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace):
            # The line break (and the dropped item's comment) follow its trailing comma.
            end = comma.whitespace_after
            comma = comma.with_changes(whitespace_after=own.with_changes(indent=end.indent, last_line=end.last_line))
        elif broken and isinstance(closing, cst.ParenthesizedWhitespace):
            closing = own.with_changes(indent=closing.indent, last_line=closing.last_line)
        new_last = new_last.with_changes(comma=comma)
        if attr == "elements":
            items[-1] = new_last
            return updated.with_changes(elements=items, rbrace=updated.rbrace.with_changes(whitespace_before=closing))
        items[-1] = new_last.with_changes(whitespace_after_arg=closing)
        return updated.with_changes(args=items)

    return cut


def _label(node) -> str:
    return cst.Module([]).code_for_node(node)


# An HTTP call's whole body: dropping one of these would drop everything sent.
_BODY_KEYWORDS = frozenset({"data", "json", "params", "headers", "files", "body", "content"})


def _sdk_field(arg, drop) -> bool:
    return arg.keyword is not None and arg.keyword.value not in _BODY_KEYWORDS and _reads(arg.value, drop)


def _key(node) -> str | None:
    if isinstance(node, cst.SimpleString):
        try:
            value = ast.literal_eval(node.value)
        except (ValueError, SyntaxError):
            return None
        return value if isinstance(value, str) else None
    return None


def _reads(node, drop) -> bool:
    """The value reads a dropped name itself (``customer.phone``, ``request.POST["phone"]``,
    ``data.get("phone")``, ``phone``); a nested dict answers for its own entries."""
    if isinstance(node, cst.Attribute) and node.attr.value in drop:
        return True
    if isinstance(node, cst.Name) and node.value in drop:
        return True
    if isinstance(node, cst.Subscript) and len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index) \
            and _key(node.slice[0].slice.value) in drop:
        return True
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "get" \
            and node.args and _key(node.args[0].value) in drop:
        return True
    if isinstance(node, cst.Dict) or (isinstance(node, cst.Call) and _callee_name(node.func) == "dict"):
        return False
    return any(_reads(child, drop) for child in node.children)


def _callee_name(func) -> str | None:
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None


def _assigned_values(src: Source, call: cst.Call) -> list:
    """Values assigned, before the call and in its function, to the names it passes."""
    names = {a.value.value for a in call.args if isinstance(a.value, cst.Name)}
    if not names:
        return []
    line = src.positions[call].start.line
    scope = _enclosing_function(src, call)
    found: dict[str, tuple[int, object]] = {}
    for node, _ in walk(scope):
        if isinstance(node, cst.Assign) and len(node.targets) == 1 and isinstance(node.targets[0].target, cst.Name):
            name = node.targets[0].target.value
            at = src.positions[node].start.line
            if name in names and at < line and (name not in found or found[name][0] < at):
                found[name] = (at, node.value)
    return [value for _, (_, value) in sorted(found.items())]


def _enclosing_function(src: Source, call: cst.Call):
    target = src.positions[call]
    best = src.module
    for node, rng in src.positions.items():
        if isinstance(node, cst.FunctionDef) and (rng.start.line, rng.start.column) <= (target.start.line, target.start.column) \
                and (rng.end.line, rng.end.column) >= (target.end.line, target.end.column):
            if best is src.module or src.positions[best].start.line <= rng.start.line:
                best = node
    return best
