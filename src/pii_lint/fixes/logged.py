"""PII201 (unsafe): log the record's key instead of its personal attribute
(``customer.email`` -> ``customer.pk``), or, with ``[tool.pii-lint.fix] mask``, wrap the
attribute in that function and import it."""

from __future__ import annotations

import libcst as cst

from .cst import Source, Unavailable, replace_nodes, walk


def _reads(call: cst.Call, attr: str) -> list[cst.Attribute]:
    """``x.<attr>`` read as a value in the call's arguments (not ``x.<attr>.lower()``)."""
    found, chained = [], []
    for arg in call.args:
        for node, parent in walk(arg):
            if isinstance(node, cst.Attribute) and node.attr.value == attr:
                if isinstance(parent, cst.Attribute) and parent.value is node:
                    chained.append(node)
                elif not (isinstance(parent, cst.Call) and parent.func is node):
                    found.append(node)
    if not found and chained:
        raise Unavailable(f"`.{attr}` is used further in the call (a method of it is called)")
    if not found:
        raise Unavailable(f"the call does not read `.{attr}` itself (it comes through a variable or a helper)")
    return found


def _names(call: cst.Call, name: str) -> list[cst.Name]:
    """The variable ``name`` read as a value in the call's arguments (not ``name.lower()``)."""
    found = []
    for arg in call.args:
        for node, parent in walk(arg):
            if isinstance(node, cst.Name) and node.value == name and not (
                    isinstance(parent, cst.Attribute) and parent.attr is node) and not (
                    isinstance(parent, cst.Call) and parent.func is node) and not (
                    isinstance(parent, cst.Arg) and parent.keyword is node):
                found.append(node)
    if not found:
        raise Unavailable(f"the call does not read `{name}` itself (it comes through another variable)")
    return found


def rewrite(src: Source, finding, settings):
    _, cls, attr, key, *kind = finding.fix_hint
    call = src.call_at(finding.location.line, finding.location.col)
    reads = _names(call, attr) if kind == ["name"] else _reads(call, attr)
    shown = src.module.code_for_node(reads[0])
    if settings.fix.mask:
        module_name, _, func = settings.fix.mask.rpartition(".")
        new_call = replace_nodes(call, {id(n): (lambda u: cst.Call(func=cst.Name(func), args=[cst.Arg(u)]))
                                        for n in reads})
        module = src.module.deep_replace(call, new_call)
        module = _add_import(module, module_name, func)
        return module, f"log {func}({shown}) instead of {shown}"
    if not key:
        raise Unavailable(f"{cls.rsplit('.', 1)[-1]} has no key to log instead")
    new_call = replace_nodes(call, {id(n): (lambda u: u.with_changes(attr=cst.Name(key))) for n in reads})
    base = shown.rsplit(".", 1)[0]
    return src.module.deep_replace(call, new_call), f"log {base}.{key} instead of {shown}"


def _add_import(module: cst.Module, module_name: str, name: str) -> cst.Module:
    from libcst.codemod import CodemodContext
    from libcst.codemod.visitors import AddImportsVisitor

    for node, _ in walk(module):
        # A different `name` already bound here: importing ours would change what it means.
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)) and node.name.value == name:
            raise Unavailable(f"the module already defines {name}")
    context = CodemodContext()
    AddImportsVisitor.add_needed_import(context, module_name, name)
    return AddImportsVisitor(context).transform_module(module)
