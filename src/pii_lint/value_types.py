"""The class of a value: annotations, constructors, ORM look-ups and managers, factories,
return values, parameters whose direct callers agree, request-bound users; and which
function a call reaches."""

from __future__ import annotations

from collections import defaultdict

from .edges import node_name
from .facts import MODEL_CHOICE_FIELDS, CallFact, FunctionFact
from .packs import normalize_identifier
from .idioms import AGGREGATES, REQUEST_PAYLOADS, INTRA, ORM_CHAIN, CLASS_BUILDERS, FETCHERS, IDENTIFIERS, REQUEST_HOLDERS, TASK_QUEUERS, NO_DATA_METHODS, BINDERS, SETTINGS_HOLDERS


def bind_arguments(fn: FunctionFact, call: CallFact, receiver_bound: bool):
    """Which arguments of ``call`` each parameter of ``fn`` receives, as Python binds them,
    and the (parameter, ref) pairs that came through ``**mapping`` (``splat``). A keyword
    argument that lands in ``**kwargs`` is recorded in ``splat`` as (parameter, ref, keyword)."""
    params = list(fn.params)
    bound: dict[str, list] = defaultdict(list)
    splat: set[tuple[str, tuple]] = set()
    offset = 0
    if receiver_bound and params:
        if call.receiver is not None:
            bound[params[0]].append(call.receiver)
        offset = 1
    positional = params[:fn.positional]  # keyword-only ones take no position
    named = [p for p in params if not p.startswith("*")]
    star = next((p[1:] for p in params if p.startswith("*") and not p.startswith("**")), None)
    dstar = next((p[2:] for p in params if p.startswith("**")), None)
    for key, refs in call.args:
        if isinstance(key, int):
            idx = key + offset
            if idx < len(positional):
                bound[positional[idx]].extend(refs)
            elif star:
                bound[star].extend(refs)
        elif key == "*":
            for p in positional[offset:]:
                bound[p].extend(refs)
            if star:
                bound[star].extend(refs)
        elif key == "**":
            for p in named[offset:]:
                bound[p].extend(refs)
                splat.update((p, r) for r in refs)
            if dstar:
                bound[dstar].extend(refs)
        elif key in named:
            bound[key].extend(refs)
        elif dstar:
            bound[dstar].extend(refs)
            splat.update((dstar, r, key) for r in refs)
    return bound, splat


def _implicit_attr(attr: str) -> bool:
    """``pk``, ``id`` and ``<relation>_id``: attributes Django gives models without a field."""
    return attr in ("pk", "id") or attr.endswith("_id")


def _param_names(fn: FunctionFact) -> set[str]:
    """Parameter names as the function's body sees them (``args`` for ``*args``)."""
    return {p.lstrip("*") for p in fn.params}


# A duck-typed parameter: its rarest attribute is defined by at most this many classes.
DUCK_MAX_PROVIDERS = 3
RELATED_WRITES = frozenset({"create", "get_or_create", "update_or_create", "bulk_create", "acreate"})
FILE_FIELDS = frozenset({"FileField", "ImageField"})  # a model's file: read on a record, a FieldFile
BUILTIN_ATTRS = frozenset(a for t in (dict, list, str, bytes, set, object) for a in dir(t))


class ValueTypes:
    """Types of values and callees of calls. Mixed into GraphBuilder, whose state it reads."""

    def _index_direct_calls(self) -> None:
        """Arguments of calls whose callee is known without knowing any value's class
        (``f(x)``, ``module.f(x)``, ``self.m(x)``), by parameter: what parameter types are
        inferred from."""
        for mod in self.p.modules.values():
            for call in mod.calls:
                func = call.func
                if func is None or not self._static_callee(func):
                    continue
                target = self.resolve(func)
                nested = self.nested_function(target)
                target = f"q|{nested}" if nested else target
                if not target.startswith("q|") or target[2:] not in self.p.functions:
                    continue
                scope = target[2:]
                receiver_bound = self._is_bound_call(call, scope)
                bound, splat = bind_arguments(self.p.functions[scope], call, receiver_bound)
                self._bindings[(call.id, scope, receiver_bound)] = (bound, splat)
                for param, refs in bound.items():
                    self._arguments[f"v|{scope}|{param}"].extend(refs)

    def _static_callee(self, func) -> bool:
        """``f``, ``module.f``, ``Class.m`` or ``self.m``: resolving it needs no value's class."""
        if func[0] in ("f", "k"):
            return True
        root = func
        while root[0] == "a":
            root = root[1]
        return root[0] == "n" and (self.resolve(root).startswith("q|") or (
            func is root and self.nested_function(self.resolve(root)) is not None))  # helper(x), def helper in the caller

    def attr_of(self, base: str, attr: str) -> str:
        """The node (or qualified name) of ``base.attr``."""
        if base.startswith("q|"):
            qual = base[2:]
            if qual in self.p.classes:
                member = self.class_member(qual, attr)
                if member:
                    return member
            if qual in self.p.modules or qual in self.p.classes:
                return self.resolve_qual(f"{qual}.{attr}")
            return f"q|{qual}.{attr}"
        if attr == "__dict__":
            return base
        t = self.type_of(base)
        if t is not None and t in self.p.classes:
            member = self.class_member(t, attr)
            if member:
                return member
            if self._is_record_class(t):
                node = f"a|{base}|{attr}"
                self.add_node(node)  # a record's non-personal attribute (customer.pk): nothing flows
                return node
        node = f"a|{base}|{attr}"
        if attr in IDENTIFIERS:
            self.add_node(node)  # x.id, x.pk: a record's key, not its personal data
            return node
        if node not in self.g or not self.g.pred[node]:
            self.add_edge(base, node, INTRA, f"read .{attr}", None, op=f"attr:{attr}")
            holder = node_name(base)
            # model.__table__.fullname, obj.__class__.name: the program's machinery, not data;
            # table.fullname, room.full_name: a thing's.
            machinery = (holder.startswith("__") and holder.endswith("__")) or self.pack.is_thing_holder(holder)
            category = self.pack.infer_name(attr) if self.infer and holder not in SETTINGS_HOLDERS \
                and not machinery and attr not in self.withdrawn_fields else None
            if self.infer and attr in REQUEST_PAYLOADS and \
                    node_name(base) in REQUEST_HOLDERS:
                category = "user"  # request.body, request.data: whatever the sender put in it
            if category:
                self._inferred_attrs.append((node, attr, category))
        return node

    def is_personal_field(self, cls: str, attr: str) -> bool:
        return any((c, attr) in self.field_categories for c in self.mro(cls))

    def _is_record_class(self, cls: str) -> bool:
        cached = self._record_class_cache.get(cls)
        if cached is None:
            cached = any((c, f) in self.field_categories for c in self.mro(cls)
                         for f in (self.p.classes[c].fields if c in self.p.classes else ()))
            self._record_class_cache[cls] = cached
        return cached

    def type_of(self, node: str) -> str | None:
        if node.startswith("c|"):
            return self.call_type(node[2:])
        if node in self._types:
            return self._types[node]
        self._types[node] = None  # cycle guard
        t = self._type_of(node)
        self._types[node] = t
        return t

    def _type_of(self, node: str) -> str | None:
        if node.startswith("q|"):
            return None
        proxy = self._request_nodes.get(node)
        if proxy is not None:
            # flask.session is its own kind (a cookie jar); current_user an object of the user model.
            user = self.user_model() if self.pack.info.request_globals[proxy] == "current_user" else None
            return user if user in self.p.classes else proxy
        for texpr in self._type_facts.get(node, ()):
            t = self._type_from(texpr)
            if t:
                return t
        if node in self._arguments:
            # An unannotated parameter: the class every direct caller passes, if they agree.
            types = {self.type_of(self.resolve(ref)) for ref in self._arguments[node]}
            if len(types) == 1:
                (t,) = types
                if t in self.p.classes:
                    return t
        if node.startswith("f|"):
            _, cls, attr = node.split("|", 2)
            for c in self.mro(cls):
                fact = self.p.classes.get(c)
                if fact and attr in fact.fields and fact.fields[attr].kind in FILE_FIELDS:
                    return "django.db.models.fields.files.FieldFile"  # cached.file.save(name, content)
                if fact and attr in fact.fields and fact.fields[attr].kind in MODEL_CHOICE_FIELDS:
                    return self.model_class(fact.fields[attr].value_type) if fact.fields[attr].value_type else None
                if fact and attr in fact.fields and fact.fields[attr].type_ref is not None:
                    fld = fact.fields[attr]
                    if fld.relation:
                        return self.model_class(fld.type_ref)
                    target = self.resolve(fld.type_ref)
                    if target.startswith("q|"):
                        return target[2:]
        if node.startswith("a|"):
            # contact.customer_orders, order.lines: the reverse side of a relation queries its model.
            base, _, attr = node[2:].rpartition("|")
            owner = self.type_of(base)
            related = self.reverse_relation(owner, attr) if owner in self.p.classes else None
            if related:
                return related
            if attr.endswith("_set"):
                # social.verifiedemail_set on an object of unknown class or a library's:
                # Django names that accessor after the model whose key points at it (a key it
                # may inherit from a library base: two_factor's PhoneDevice).
                related = self.related_by_name(attr) or self._model_named_lower(attr[:-len("_set")])
                if related:
                    return related
        if node.startswith("a|") and node.endswith("|user"):
            holder = node_name(node[2:-len("|user")])
            if holder in REQUEST_HOLDERS:
                return self.user_model()
        if node.startswith("a|"):
            # request.customer, request.basket: what middleware attaches, named after its model.
            base, _, attr = node[2:].rpartition("|")
            if node_name(base) in REQUEST_HOLDERS:
                models = [q for q in self._classes_named(attr) if self.is_orm_model(q)]
                if len(models) == 1:
                    return models[0]
        if node[:2] in ("v|", "a|", "f|"):
            # A receiver named like a logger (log, self.logger, LOG) is one; `log#2` is a value of log.
            if self.pack.is_logger_name(node_name(node)):
                return "logging.Logger"
        if node.startswith("a|"):
            # ws = wb.active on an openpyxl Workbook: an attribute of a library object is named
            # by its path (openpyxl.Workbook.active), as a chained call on it would be.
            base, _, attr = node[2:].rpartition("|")
            owner = self.type_of(base) if not base.startswith("q|") else None
            if owner and owner not in self.p.classes and "." in owner:
                return self.pack.factory_type(f"{owner}.{attr}") or f"{owner}.{attr}"
        if node.startswith("r|"):
            fn = self.p.functions.get(node[2:])
            if fn is not None and fn.returns is not None:
                target = self.resolve(fn.returns)
                if target.startswith("q|"):
                    return target[2:]
        if node.startswith("v|"):
            scope, _, name = node[2:].rpartition("|")
            fn = self.p.functions.get(scope)
            if fn is not None and fn.kind == "method" and fn.class_qual and fn.params and fn.params[0] == name:
                return fn.class_qual  # session.delete(self) in a model's method
            return self._library_param(node) or self._duck_type(node)
        return None

    def _library_param(self, node: str) -> str | None:
        """``def filter(self, record)`` in a ``logging.Filter`` subclass: the parameter types of
        the library method it overrides (the pack's ``method_params``)."""
        scope, _, name = node[2:].rpartition("|")
        fn = self.p.functions.get(scope)
        if fn is None or fn.class_qual is None or name not in fn.params:
            return None
        position = fn.params.index(name) - (1 if fn.kind == "method" else 0)
        for base in self.mro(fn.class_qual):
            if base in self.p.classes:
                continue
            types = self.pack.info.method_params.get(f"{base}.{fn.name}")
            if types is not None:
                return types[position] if 0 <= position < len(types) else None
        return None

    def _duck_type(self, node: str) -> str | None:
        """An unannotated parameter whose uses only one project class hierarchy provides
        (``report.get_data()``, ``report.read_datum(...)``, ``report.ensure_texts()``) is a value
        of that hierarchy's root, as far as the project can tell: its calls dispatch to every
        override. Two uses at least, one of them a method of the project's, and the rarest
        defined by a few classes only, so that ``x.save()`` or ``x.name`` types nothing."""
        uses, providers = self._duck_index()
        attrs = uses.get(node)
        # Names every dict, list or string has (`context.get`) say nothing about the class.
        if not attrs or len(attrs - BUILTIN_ATTRS) < 2:
            return None
        # basket.owner_id, basket.pk: what Django adds to every model says nothing on its own.
        rarest = min(sorted(a for a in attrs if not _implicit_attr(a)) or sorted(attrs), key=lambda a: len(providers.get(a, ())))
        defining = providers.get(rarest, ())
        if not defining or len(defining) > DUCK_MAX_PROVIDERS:
            return None
        if not any(m in self.p.classes[c].methods for m in attrs for c in defining):
            return None
        candidates = {sub for c in defining for sub in self.subclasses(c)}
        candidates = {c for c in candidates if all(self._provides(c, a) for a in attrs)}
        roots = [c for c in sorted(candidates) if not any(b in candidates for b in self.mro(c)[1:])]
        if len(roots) <= 1:
            return roots[0] if roots else None
        # Subclasses that each define the method their base leaves out (every report's own
        # get_data()): their nearest common project base, if it provides some of the uses.
        shared = [c for c in self.mro(roots[0]) if c in self.p.classes and all(c in self.mro(r) for r in roots[1:])]
        if shared and any(self._provides(shared[0], a) for a in attrs - BUILTIN_ATTRS):
            return shared[0]
        return None

    def _provides(self, cls: str, attr: str) -> bool:
        if attr in ("pk", "id") and self.is_orm_model(cls):
            return True
        if attr.endswith("_id") and attr != "_id" and self._provides(cls, attr[:-3]):
            return True  # owner_id: the key column of the owner relation
        for c in self.mro(cls):
            fact = self.p.classes.get(c)
            if fact is not None and (attr in fact.fields or attr in fact.instance_attrs or attr in fact.methods):
                return True
        return False

    def _duck_index(self) -> tuple[dict, dict]:
        """Attributes read or called on each parameter, from the facts (no resolving, which
        asks for types), and the classes that define each attribute name."""
        if self._duck is not None:
            return self._duck
        params = {(fn.scope, p) for fn in self.p.functions.values() for p in fn.params}
        for mod in self.p.modules.values():
            # for basket in baskets: an element of an unannotated parameter is typed the same way.
            params.update((dst[1], dst[2]) for src, dst, _, _, op in mod.edges
                          if op == "each" and src[0] == "n" and dst[0] == "n" and (src[1], src[2]) in params)
        uses: dict[str, set[str]] = defaultdict(set)

        def walk(ref) -> None:
            while isinstance(ref, tuple) and ref and ref[0] == "a":
                base = ref[1]
                if isinstance(base, tuple) and base and base[0] == "n" and (base[1], base[2]) in params:
                    uses[f"v|{base[1]}|{base[2]}"].add(ref[2])
                ref = base

        for mod in self.p.modules.values():
            for call in mod.calls:
                walk(call.func)
                for _, refs in call.args:
                    for r in refs:
                        walk(r)
            for edge in mod.edges:
                walk(edge[0])
                walk(edge[1])
        providers: dict[str, list[str]] = defaultdict(list)
        for qual, fact in sorted(self.p.classes.items()):
            for name in {*fact.fields, *fact.instance_attrs, *fact.methods}:
                providers[name].append(qual)
        self._duck = (dict(uses), dict(providers))
        return self._duck

    def _type_from(self, texpr) -> str | None:
        kind, ref = texpr
        if kind == "phi":
            joined = self._joined_types(ref)
            return joined[0] if joined is not None and len(joined) == 1 else None
        if kind == "ann":
            target = self.resolve(ref)
            return target[2:] if target.startswith("q|") else None
        if kind == "item":
            # caches["default"], connections["replica"]: an item of a library's registry is
            # named by it (django.core.cache.caches[]), as the pack's callee globs expect.
            target = self.resolve(ref)
            return f"{target[2:]}[]" if target.startswith("q|") and self._library_value(target[2:]) else None
        if kind == "form_field":
            # form.cleaned_data["account"]: what the form's field of that name cleans to.
            target = self.resolve(ref)
            return self.type_of(target) if target.startswith("f|") else None
        if ref[0] == "c":
            return self.call_type(ref[1])
        target = self.resolve(ref)
        if target.startswith("q|") and ref[0] == "n" and self._library_value(target[2:]):
            # client = stripe; return stripe: a library module (or class) handed over as a value.
            return target[2:]
        return self.type_of(target)

    def _library_value(self, qual: str) -> bool:
        return qual not in self.p.classes and qual not in self.p.functions and qual not in self.p.modules

    def _joined_types(self, refs) -> list[str] | None:
        """The classes of the values joined where control flow meets, when each is known."""
        types = {self.type_of(self.resolve(ref)) for ref in refs}
        return None if None in types else sorted(types)

    def union_types(self, node: str, depth: int = 0) -> list[str]:
        """``ws = SafeWriteOnlyWorksheet(...)`` on one branch, ``SafeWorksheet(...)`` on the other:
        every class the value may have (one or none when ``type_of`` knows or nothing does)."""
        t = self.type_of(node)
        if t is not None:
            return [t]
        if node.startswith("c|"):
            call = self._calls_by_id.get(node[2:])
            target = self.resolve(call.func) if call is not None and call.func is not None else ""
            if target.startswith("q|") and target[2:] in self.p.functions:
                node = f"r|{target[2:]}"  # a function returning either class
        seen = {node}
        for _ in range(4):  # a phi of a returned phi: a few hops at most
            texprs = self._type_facts.get(node, ())
            hop = next((t for t in texprs if t[0] == "ref"), None)
            phi = next((t for t in texprs if t[0] == "phi"), None)
            if phi is not None:
                return self._joined_types(phi[1]) or []
            if hop is None:
                return []
            ref = hop[1]
            if ref[0] == "c":
                return self.union_types(f"c|{ref[1]}", depth + 1) if depth < 4 else []
            node = self.resolve(ref)
            if node in seen:
                return []
            seen.add(node)
        return []

    def call_type(self, call_id: str) -> str | None:
        node = f"c|{call_id}"
        if node in self._types:
            return self._types[node]
        self._types[node] = None
        call = self._calls_by_id.get(call_id)
        t = self._call_type(call) if call is not None else None
        self._types[node] = t
        return t

    def _call_type(self, call: CallFact) -> str | None:
        if call.func is not None and call.func[0] == "f" and call.func[2]:
            held = self.held_class(call.func[1], call.func[2])
            if held is not None:
                return held  # self.registeruser_model(): a record of the class the attribute names
            if call.func[2] in ORM_CHAIN and call.func[1] in self.p.classes:
                managed = self.managed_model(call.func[1])
                if managed is not None:
                    return managed  # self.filter(...) in a project manager: its model's records
        target = self.resolve(call.func) if call.func is not None else None
        if target is None:
            return None
        nested = self.nested_function(target)
        target = f"q|{nested}" if nested else target
        if target.startswith("q|"):
            qual = target[2:]
            if qual in self.p.classes:
                return qual
            fn = self.p.functions.get(qual)
            if fn is not None:
                if fn.returns is not None:
                    r = self.resolve(fn.returns)
                    if r.startswith("q|"):
                        return r[2:]
                returned = self.type_of(f"r|{qual}")
                param = self._returned_query_param(fn) if returned is None and fn.kind != "method" else None
                if param is not None:
                    # chunk_queryset(User.objects.filter(...)): records of what this call passes.
                    refs = bind_arguments(fn, call, False)[0].get(param, ())
                    types = {self.type_of(self.resolve(ref)) for ref in refs}
                    model = types.pop() if len(types) == 1 else None
                    return model if model in self.p.classes else None  # a model's query, not a dict's get()
                return returned
            head, _, method = qual.rpartition(".")
            # Customer.objects.get(), Customer.model_validate(), session.get(Customer, 1)
            # Customer.query.filter_by() (Flask-SQLAlchemy) as Customer.objects.filter()
            owner = head[: -len(".objects")] if head.endswith(".objects") else \
                head[: -len(".query")] if head.endswith(".query") else head
            if (owner in self.p.classes or owner == self.user_model()) and method not in NO_DATA_METHODS \
                    and method not in AGGREGATES and (method in ORM_CHAIN or method in CLASS_BUILDERS or head != owner):
                return owner
            if method in FETCHERS and call.args:
                first = self._first_arg_class(call)
                if first:
                    return first
            factory = self.pack.factory_type(qual)
            if factory:
                return factory
            if method[:1].isupper() and "." in qual and qual not in self.p.modules:
                return qual  # pybrake.Notifier(...): a library class, named by its CapWords
            return None
        # A method called on a value.
        if call.func[0] == "a":
            base = self.resolve(call.func[1])
            method = call.func[2]
            base_type = self.type_of(base) if not base.startswith("q|") else None
            if base.startswith("f|"):
                owner = self._manager_owner(base)
                if owner is not None and method not in NO_DATA_METHODS:
                    return owner  # Checkout.objects.for_user(...): a custom manager's queryset
            if base_type and (base_type in self.p.classes or base_type == self.user_model()) and method in ORM_CHAIN:
                return base_type  # Django's own User too: User.objects.filter(...).delete()
            if base_type is None and base.startswith("a|") and method in RELATED_WRITES:
                # user.historic_passwords.create(...) on a user of unknown class: the one model
                # whose foreign key is named so from the other side.
                related = self.related_by_name(node_name(base))
                if related is not None:
                    return related
            if base_type and method in BINDERS:
                return base_type
            if base_type:
                factory = self.pack.factory_type(f"{base_type}.{method}")
                if factory:
                    return factory
            if method in FETCHERS and call.args:
                return self._first_arg_class(call)
        return None

    def _returned_query_param(self, fn: FunctionFact) -> str | None:
        """The parameter whose query ``fn`` returns narrowed by query methods only
        (``def chunk_queryset(queryset): return queryset.order_by("-pk").iterator()``): a
        generic helper, whose result holds records of whatever model its caller's query does."""
        node = f"r|{fn.scope}"
        for _ in range(8):
            if node.startswith("c|"):
                call = self._calls_by_id.get(node[2:])
                if call is None or call.func is None or call.func[0] != "a" or call.func[2] not in ORM_CHAIN:
                    return None
                node = self.resolve(call.func[1])
                continue
            scope, _, name = node[2:].rpartition("|")
            if node.startswith("v|") and scope == fn.scope and name.split("#", 1)[0] in fn.params:
                return name.split("#", 1)[0]
            facts = self._type_facts.get(node, ())
            if len(facts) != 1 or facts[0][0] != "ref":
                return None
            node = self.resolve(facts[0][1])
        return None

    def managed_model(self, manager: str) -> str | None:
        """The model whose ``objects = OrderManager()`` names the project manager class
        ``manager`` (or one of its subclasses), when it is one model."""
        if self._managers is None:
            self._managers = defaultdict(set)
            for cls in self.p.classes.values():
                for fld in cls.fields.values():
                    if fld.manager and fld.kind:
                        self._managers[fld.kind].add(cls.qual)
        if manager not in self.p.classes:
            return None
        models = {m for sub in self.subclasses(manager) for m in self._managers.get(sub.rsplit(".", 1)[-1], ())}
        # A subclass's manager extending its base's: the records are all of the base model.
        common = [m for m in sorted(models) if all(m in self.mro(other) for other in models)]
        return common[0] if len(common) == 1 else None

    def _manager_owner(self, node: str) -> str | None:
        """The model whose records ``Model.objects`` (a manager the class declares) queries."""
        _, cls, attr = node.split("|", 2)
        for c in self.mro(cls):
            fact = self.p.classes.get(c)
            if fact is not None and attr in fact.fields:
                fld = fact.fields[attr]
                return cls if fld.manager or attr == "objects" else None
        # User.query.filter_by(...) (Flask-SQLAlchemy's query property), cls.objects (Django's
        # default manager): undeclared, but the model's own; an abstract model's, its one
        # concrete subclass's (openwisp's AbstractRegisteredUser -> RegisteredUser).
        if attr not in ("query", "objects") or cls not in self.p.classes:
            return None
        if self._is_record_class(cls) or (attr == "objects" and self.is_orm_model(cls)):
            return cls
        if attr != "objects":
            return None
        concrete = [sub for sub in self.subclasses(cls) if sub != cls and self.is_orm_model(sub)]
        return concrete[0] if len(concrete) == 1 else None

    def _first_arg_class(self, call: CallFact) -> str | None:
        for key, refs in call.args:
            if key == 0 and len(refs) == 1:
                if refs[0][0] == "f" and refs[0][2]:
                    return self.held_class(refs[0][1], refs[0][2])  # session.query(self.user_model)
                target = self.resolve(refs[0])
                if target.startswith("q|") and target[2:] in self.p.classes:
                    return target[2:]
        return None

    def held_class(self, cls: str, attr: str) -> str | None:
        """The project class a class attribute names (``registeruser_model = RegisterUser``),
        as the nearest class in the MRO binds it; None when it is set per instance, or when a
        subclass binds another (allauth's ``client_class``: each provider's own client)."""
        key = (cls, attr)
        if key not in self._held_classes:  # asked for every self.method() call
            held = {self._bound_class(sub, attr) for sub in self.subclasses(cls)}
            self._held_classes[key] = held.pop() if len(held) == 1 else None
        return self._held_classes[key]

    def _bound_class(self, cls: str, attr: str) -> str | None:
        for c in self.mro(cls):
            fact = self.p.classes.get(c)
            if fact is None:
                continue
            if attr in fact.instance_attrs or attr in fact.methods:
                return None
            fld = fact.fields.get(attr)
            if fld is not None:
                target = self.resolve(fld.holds) if fld.holds is not None else ""
                return target[2:] if target.startswith("q|") and target[2:] in self.p.classes else None
        return None

    def callee(self, call: CallFact) -> tuple[str, str]:
        """("project", scope) | ("class", qual) | ("ext", qualified name) | ("unknown", display)."""
        func = call.func
        if func is None:
            return ("unknown", call.display)
        if func[0] == "n" and func[1] == "":
            return ("ext", func[2])
        if func[0] == "f" and func[2] == "model":
            model = self.managed_model(func[1])
            if model is not None:
                return ("class", model)  # self.model(...) in a custom manager builds its model's record
        if func[0] == "f" and func[2] == "__class__" and func[1] in self.p.classes:
            return ("class", func[1])  # self.__class__(...): a new object of the method's class
        if func[0] == "f" and func[2]:
            held = self.held_class(func[1], func[2])
            if held is not None:
                return ("class", held)  # self.registeruser_model(): the class a class attribute names
        target = self.resolve(func)
        if target in self._imported:  # make_password(...) calls the function, not a value
            target = f"q|{self._imported[target][0]}"
        nested = self.nested_function(target)
        if nested:
            return ("project", nested)  # batch_delete(...) where `def batch_delete` is in the caller
        if target.startswith("q|"):
            qual = target[2:]
            if qual in self.p.functions:
                return ("project", qual)
            if qual in self.p.classes:
                return ("class", qual)
            head, _, method = qual.rpartition(".")
            if method in TASK_QUEUERS and head in self.p.functions:
                return ("task", head)
            return ("ext", qual)
        if func[0] == "a" and func[1][0] == "c":
            method = self._super_method(call)
            if method:
                return ("project", method)
        if func[0] == "a":
            base = self.resolve(func[1])
            t = self.type_of(base) if not base.startswith("q|") else None
            if t is None and func[2] in RELATED_WRITES and base.startswith("a|"):
                t = self.related_by_name(node_name(base))  # user.historic_passwords.create
            if t:
                # A method the project class does not define comes from its first library base
                # (customer.save() is django.db.models.Model.save).
                owner = next((c for c in self.mro(t) if c not in self.p.classes), t)
                return ("ext", f"{owner}.{func[2]}")
            # client.lists.add_list_member(): the client's type names the whole chain.
            path = self._external_path(func[1])
            if path:
                return ("ext", f"{path}.{func[2]}")
            method = self._method_by_receiver_name(func[1], func[2])
            if method:
                return ("project", method)
        return ("unknown", call.display)

    def _super_method(self, call: CallFact) -> str | None:
        """``super().__init__(...)`` in a method of class C: the method of C's nearest project
        base that defines it."""
        inner = self._calls_by_id.get(call.func[1][1])
        if inner is None or inner.display != "super":
            return None
        scope = call.scope
        fn = self.p.functions.get(scope)
        while fn is not None and fn.class_qual is None and "." in scope:
            scope = scope.rsplit(".", 1)[0]  # a lambda or comprehension inside the method
            fn = self.p.functions.get(scope)
        if fn is None or fn.class_qual is None:
            return None
        for base in self.mro(fn.class_qual)[1:]:
            fact = self.p.classes.get(base)
            if fact is not None and call.func[2] in fact.methods:
                return fact.methods[call.func[2]]
        return None

    def _model_named_lower(self, lower: str) -> str | None:
        """The one stored model whose class name, lower-cased, is ``lower`` (``phonedevice``)."""
        if self._models_by_lower is None:
            index: dict[str, list[str]] = defaultdict(list)
            for qual, fact in sorted(self.p.classes.items()):
                index[fact.name.lower()].append(qual)
            self._models_by_lower = index
        models = [q for q in self._models_by_lower.get(lower, ()) if self.is_orm_model(q)]
        return models[0] if len(models) == 1 else None

    def _classes_named(self, snake: str) -> list[str]:
        """Project classes whose name, in snake_case, is ``snake`` (``Customer`` for customer)."""
        if self._classes_by_snake is None:
            index: dict[str, list[str]] = defaultdict(list)
            for qual, fact in sorted(self.p.classes.items()):
                index[normalize_identifier(fact.name)].append(qual)
            self._classes_by_snake = index
        return self._classes_by_snake.get(snake, [])

    def _method_by_receiver_name(self, receiver, method: str) -> str | None:
        """``context.log(...)`` on a value of unknown class: the method of the one project class
        the receiver is named after (``Context``), if that class has it."""
        if receiver[0] != "n":
            return None
        name = receiver[2].split("#", 1)[0]
        # A Jinja `context` that reads .vars is not the project's Context, which has none.
        uses = self._duck_index()[0].get(f"v|{receiver[1]}|{name}", set()) - BUILTIN_ATTRS
        candidates = [c for c in self._classes_named(name) if all(self._provides(c, a) for a in uses)]
        found = {m for m in (self.class_member(c, method) for c in candidates) if m and m.startswith("q|")}
        if len(found) == 1:
            qual = next(iter(found))[2:]
            return qual if qual in self.p.functions else None
        return None

    def _external_path(self, ref, depth: int = 0) -> str | None:
        """``mailchimp_marketing.Client.lists`` for ``client.lists`` when client's type is external."""
        if depth > 8:
            return None
        if ref[0] == "a":
            inner = self._external_path(ref[1], depth + 1)
            return f"{inner}.{ref[2]}" if inner else None
        node = self.resolve(ref)
        if node.startswith("q|"):
            return None
        t = self.type_of(node)
        return t if t and t not in self.p.classes else None
