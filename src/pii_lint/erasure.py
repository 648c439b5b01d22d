"""Which stored models project code erases (PII401): deletes, blanking updates, framework
delete views and mutations, and anonymisers that overwrite an object's fields by name.

Each finder appends ``(path, line, how)`` to ``builder.erasures[class]``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .edges import node_name

if TYPE_CHECKING:
    from .facts import CallFact, ModuleFacts
    from .graph import GraphBuilder

# Framework views that delete the records of their `model` / `queryset`.
DELETING_VIEWS = frozenset({"DeleteView", "BaseDeleteView", "DeletionMixin", "DestroyAPIView", "DestroyModelMixin",
                            "ModelViewSet", "RetrieveDestroyAPIView", "RetrieveUpdateDestroyAPIView"})
# A view, mutation or admin action named for deleting the model it names
# (saleor's `ModelDeleteMutation`, `CustomerBulkDelete`, a project's `ReviewDeleteView`).
DELETER_NAME = re.compile(r"(?:Delete|Destroy|Erase|Purge|Anonymi[sz]e)(?![a-z])")


def record_call(b: GraphBuilder, call: CallFact, mod: ModuleFacts) -> None:
    """``obj.delete()``, ``Model.objects.filter(...).delete()``, ``session.delete(obj)``,
    and updates that blank personal fields."""
    if call.func is None or call.func[0] not in ("a", "f"):
        return
    method = call.func[2]
    if method not in ("delete", "update"):
        return
    if call.func[0] == "f":
        # self.delete() in a model's own method (forget(), anonymise()).
        if method == "delete" and call.func[1] in b.p.classes:
            b.erasures[call.func[1]].append((mod.path, call.line, "self.delete()"))
        return
    base = b.resolve(call.func[1])
    cls = None
    if base.startswith("q|"):
        owner = base[2:]
        owner = owner[: -len(".objects")] if owner.endswith(".objects") else owner
        cls = owner if owner in b.p.classes else None
    else:
        cls = b.type_of(base)
        if cls is None and base.startswith("a|"):
            # deletion.user.delete() on a value of unknown class: what every `user` key points at.
            cls = b.forward_relation_by_name(node_name(base))
    if method == "delete" and call.args and (cls is None or cls not in b.p.classes):
        for key, refs in call.args:  # session.delete(obj)
            if key == 0 and refs:
                cls = b.type_of(b.resolve(refs[0]))
    if cls not in b.p.classes and (cls is None or cls != b.user_model()):
        return  # a library's records, except the user model's (request.user.delete())
    if method == "update":
        blanked = [k for k, v in call.consts.items() if (v is None or v == "") and b.is_personal_field(cls, k)]
        if blanked:
            b.erasures[cls].append((mod.path, call.line, f"blanks {', '.join(blanked)}"))
            if _purges_by_age(b, mod, call):
                b.aged_purges[cls].append((mod.path, call.line))
        return
    b.erasures[cls].append((mod.path, call.line, method))
    if _purges_by_age(b, mod, call):
        b.aged_purges[cls].append((mod.path, call.line))  # Cart.objects.filter(expires__lt=cutoff).delete()


def _purges_by_age(b: GraphBuilder, mod: ModuleFacts, call: CallFact) -> bool:
    """``Cart.objects.filter(expires__lt=cutoff).delete()``, or the same filter behind a
    project query method (``Token.objects.expired().delete()``)."""
    if call.id in mod.aged_calls:
        return True
    chain = mod.query_chains.get(call.id)
    if not chain:
        return False
    if b.aged_query_names is None:
        b.aged_query_names = _aged_query_names(b)
    return any(name in b.aged_query_names for name in chain)


def _aged_query_names(b: GraphBuilder) -> set[str]:
    """Functions returning records past an age, and those returning what they return
    (``all_expired()`` returning ``self.filter(self.expired_q())``)."""
    aged = set().union(*(m.aged_queries for m in b.p.modules.values()))
    returns = [(name, called) for m in b.p.modules.values() for name, called in sorted(m.query_returns.items())]
    changed = True
    while changed:
        changed = False
        for name, called in returns:
            if name not in aged and called & aged:
                aged.add(name)
                changed = True
    return aged


def framework_deletes(b: GraphBuilder) -> None:
    """A delete view or mutation of a framework, or a project class named for deleting,
    deletes the records of the model it names (``model = X`` or ``class Meta: model = X``)."""
    routed = _routed_actions(b)
    for qual, cls in sorted(b.p.classes.items()):
        lineage = b.mro(qual)
        named = any(DELETER_NAME.search(c.rsplit(".", 1)[-1]) for c in lineage)
        if not named and not any(c.rsplit(".", 1)[-1] in DELETING_VIEWS for c in lineage if c not in b.p.classes):
            continue
        if not named and qual in routed and "destroy" not in routed[qual]:
            continue  # OrderViewSet.as_view({"get": "retrieve"}): routed to no delete
        if cls.model_ref is not None:
            target = b.model_class(cls.model_ref)
        else:
            # No `model = X`: the records its get_queryset() returns (self.request.user.phonedevice_set).
            getter = next((f"{c}.get_queryset" for c in lineage if f"{c}.get_queryset" in b.p.functions), None)
            target = b.type_of(f"r|{getter}") if getter else None
        if target is not None and (target in b.p.classes or target == b.user_model()):
            b.erasures[target].append((b.p.class_module[qual].path, cls.line, f"deleted by {cls.name}"))


def _routed_actions(b: GraphBuilder) -> dict[str, set]:
    """Viewsets the project routes only by hand, ``X.as_view({"get": "retrieve"})``: the actions
    they map to. A viewset given to a router (``router.register(..., X)``) or routed some other
    way maps every action, and is left out."""
    actions: dict[str, set] = {}
    other: set[str] = set()
    for mod in b.p.modules.values():
        for call in mod.calls:
            for key, refs in call.args:
                for ref in refs:
                    target = b.resolve(ref)
                    if target.startswith("q|") and target[2:] in b.p.classes:
                        other.add(target[2:])  # router.register("orders", OrderViewSet)
            if call.func is None or call.func[0] != "a" or call.func[2] != "as_view":
                continue
            target = b.resolve(call.func[1])
            if not target.startswith("q|") or target[2:] not in b.p.classes:
                continue
            mapping = call.pos_consts[0] if call.pos_consts else None
            if isinstance(mapping, dict) and all(isinstance(v, str) for v in mapping.values()):
                actions.setdefault(target[2:], set()).update(mapping.values())
            else:
                other.add(target[2:])
    return {qual: found for qual, found in actions.items() if qual not in other}


def deleting_helpers(b: GraphBuilder) -> None:
    """``def batch_delete(queryset): queryset.model.objects.filter(pk__in=...).delete()``: a
    helper that deletes what a parameter selects erases the records of the query each caller
    passes, and purges them by age where that query keeps only old records."""
    params: dict[str, set[str]] = {}
    for mod in b.p.modules.values():
        for call in mod.calls:
            if call.func is None or call.func[0] != "a" or call.func[2] != "delete":
                continue
            fn = b.p.functions.get(call.scope)
            root = _chain_root_name(b, call.func[1])
            if fn is not None and root in fn.params:
                params.setdefault(fn.scope, set()).add(root)
    if not params:
        return
    for (call_id, scope, _), (bound, _) in sorted(b.bindings.items()):
        for param in sorted(params.get(scope, ())):
            mod = b.call_module(call_id)
            call = b.call_by_id(call_id)
            for ref in bound.get(param, ()):
                cls = b.type_of(b.resolve(ref))
                if cls in b.p.classes or (cls is not None and cls == b.user_model()):
                    b.erasures[cls].append((mod.path, call.line, f"deleted by {scope.rsplit('.', 1)[-1]}()"))
                    if call_id in mod.aged_calls:
                        b.aged_purges[cls].append((mod.path, call.line))


def _chain_root_name(b: GraphBuilder, ref) -> str | None:
    """The local a chain of attributes and calls starts from: ``queryset`` in
    ``queryset.model.objects.filter(...)``."""
    for _ in range(12):
        if ref is None:
            return None
        if ref[0] == "n":
            return ref[2].split("#", 1)[0]
        if ref[0] == "a":
            ref = ref[1]
        elif ref[0] == "c":
            inner = b._calls_by_id.get(ref[1])
            ref = inner.func if inner is not None else None
        else:
            return None
    return None


def anonymisers(b: GraphBuilder) -> None:
    """``setattr(obj, name, value)`` with a computed name overwrites whatever fields a
    mapping lists (shuup's GDPR anonymiser): every project caller's argument of a known
    class has its records anonymised."""
    params: dict[str, set[str]] = {}
    for mod in b.p.modules.values():
        for call in mod.calls:
            if call.display != "setattr" or len(call.pos_consts) < 3 or isinstance(call.pos_consts[1], str):
                continue
            fn = b.p.functions.get(call.scope)
            first = next((refs for key, refs in call.args if key == 0), ())
            if fn is None or len(first) != 1:
                continue
            node = b.resolve(first[0])
            prefix = f"v|{fn.scope}|"
            if node.startswith(prefix) and node[len(prefix):] in fn.params:
                params.setdefault(fn.scope, set()).add(node[len(prefix):])
    if not params:
        return
    for (call_id, scope, _), (bound, _) in sorted(b.bindings.items()):
        wanted = params.get(scope)
        if not wanted:
            continue
        mod = b.call_module(call_id)
        call = b.call_by_id(call_id)
        for param in wanted:
            for ref in bound.get(param, ()):
                cls = b.type_of(b.resolve(ref))
                if cls in b.p.classes:
                    b.erasures[cls].append((mod.path, call.line, f"anonymised by {scope.rsplit('.', 1)[-1]}()"))
