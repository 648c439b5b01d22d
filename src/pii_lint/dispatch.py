"""Calls into project code: which functions a call runs (decorators, overrides, partials,
functions held in values) and how its arguments bind to their parameters."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from .edges import CallSite, sink_applies, short_ref
from .facts import CallFact, ModuleFacts
from .idioms import CALL, INTRA, MUTATORS, RETURN
from .value_types import bind_arguments


class CallDispatch:
    """Which functions a call runs and what it binds: decorators, overrides, partials, constructors."""

    def _is_property(self, scope: str) -> bool:
        fn = self.p.functions.get(scope)
        return fn is not None and fn.is_property

    def _calls_decorated(self, call: CallFact) -> bool:
        """``fn(...)`` where ``fn`` is the parameter of a project decorator (a function some
        definition is decorated with)."""
        if call.func[0] != "n":
            return False
        if self._decorator_scopes is None:
            self._decorator_scopes = {t[2:] for fn in self.p.functions.values() for t in map(self.resolve, fn.decorators)
                                      if t.startswith("q|") and t[2:] in self.p.functions}
        node = self.resolve(call.func)
        if not node.startswith("v|"):
            return False
        scope, _, name = node[2:].rpartition("|")
        return scope in self._decorator_scopes and name in self.p.functions[scope].params

    def _decorator_wrappers(self, scope: str) -> list[str]:
        """``@logged def subscribe(email)``: the function ``logged`` returns (its ``inner``)
        is what a call of ``subscribe`` runs first, with the same arguments."""
        fn = self.p.functions[scope]
        wrappers = []
        for ref in fn.decorators:
            target = self.resolve(ref)
            if target.startswith("q|") and target[2:] in self.p.functions:
                wrappers.extend(w for w in self._functions_held(f"r|{target[2:]}") if w != scope)
        return wrappers

    def _functions_held(self, node: str, depth: int = 4) -> list[str]:
        """Project functions and lambdas a value may be: stored in it, or in the dict or list it
        was read from, a few steps back."""
        if node.startswith("q|") or node not in self.g:
            return []
        found: set[str] = set()
        frontier, seen = [node], {node}
        for _ in range(depth):
            nxt = []
            for cur in frontier:
                found |= self._function_values.get(cur, set())
                if cur.startswith("v|"):
                    nested = cur[2:].replace("|", ".", 1).split("#", 1)[0]
                    if nested in self.p.functions:
                        found.add(nested)  # `def inner(...)` inside the function: the name is that function
                for src, data in self.g._pred[cur].items():
                    if src in seen or data["k"] != INTRA:
                        continue
                    seen.add(src)
                    fn = self.p.functions.get(src[2:]) if src.startswith("r|") else None
                    if fn is not None and fn.kind == "lambda":
                        found.add(fn.scope)  # a lambda's node stands for the lambda itself
                    elif not src.startswith(("src|", "r|")):
                        nxt.append(src)
            frontier = nxt
        return sorted(found)

    def _subclass_methods(self, call: CallFact) -> list[str]:
        """The methods named by ``call`` in the subclasses of its receiver's project class,
        when that class does not define it itself."""
        base = self.resolve(call.func[1])
        t = self.type_of(base) if not base.startswith("q|") else None
        if t not in self.p.classes or self.class_member(t, call.func[2]) is not None:
            return []
        found = {self.p.classes[sub].methods.get(call.func[2]) for sub in self.subclasses(t)}
        return sorted(m for m in found if m and m in self.p.functions and self.p.functions[m].kind == "method")

    def _overrides(self, scope: str) -> list[str]:
        """Methods of subclasses that override method ``scope`` (class hierarchy analysis)."""
        cached = self._override_cache.get(scope)
        if cached is not None:
            return cached
        fn = self.p.functions.get(scope)
        found = set()
        if fn is not None and fn.class_qual is not None and fn.kind == "method":
            for sub in self.subclasses(fn.class_qual):
                other = self.p.classes[sub].methods.get(fn.name) if sub != fn.class_qual else None
                if other and other != scope and other in self.p.functions:
                    found.add(other)
        self._override_cache[scope] = sorted(found)
        return self._override_cache[scope]

    def _through_partial(self, call: CallFact) -> CallFact:
        """``warn = partial(log.warning, "event", reason=r); warn(iban=x)`` is
        ``log.warning("event", reason=r, iban=x)``."""
        if call.func is None or call.func[0] != "n":
            return call
        node = self.resolve(call.func)
        made = next((t for t in self._type_facts.get(node, ()) if t[0] == "ref" and t[1][0] == "c"), None)
        inner = self._calls_by_id.get(made[1][1]) if made else None
        if inner is None or inner.display.rsplit(".", 1)[-1] != "partial":
            return call
        target = next((refs for key, refs in inner.args if key == 0), ())
        if len(target) != 1:
            return call
        bound = [(key - 1 if isinstance(key, int) else key, refs) for key, refs in inner.args if key != 0]
        shift = sum(1 for key, _ in bound if isinstance(key, int))
        given = [(key + shift if isinstance(key, int) else key, refs) for key, refs in call.args]
        func = target[0]
        display = short_ref(func) or call.display
        return replace(call, func=func, display=display, args=tuple(bound + given),
                       receiver=func[1] if func[0] == "a" else call.receiver)

    def _is_bound_call(self, call: CallFact, scope: str) -> bool:
        fn = self.p.functions[scope]
        if fn.kind not in ("method", "classmethod") or call.func[0] not in ("a", "f"):
            return False
        if call.func[0] == "f":
            return True
        base = self.resolve(call.func[1])
        # Class.method(obj, ...) passes self explicitly; obj.method(...) binds it.
        return not (base.startswith("q|") and base[2:] in self.p.classes and fn.kind == "method")

    def _bind(self, call: CallFact, mod: ModuleFacts, scope: str, receiver_bound: bool, returns: bool = True) -> None:
        fn = self.p.functions[scope]
        at = (mod.path, call.line)
        key = (call.id, scope, receiver_bound)
        bound, splat = self._bindings[key] if key in self._bindings else bind_arguments(fn, call, receiver_bound)
        name = fn.name if fn.class_qual is None else f"{fn.class_qual.rsplit('.', 1)[-1]}.{fn.name}"
        packed: dict[tuple, str | None] = {}
        for param, ref, key in sorted((e for e in splat if len(e) == 3), key=repr):
            # f(a=x, b=x): the same value under two keys is under either.
            packed[(param, ref)] = key if packed.get((param, ref), key) == key else None
        for param, refs in bound.items():
            dst = f"v|{scope}|{param}"
            for r in refs:
                src = self.resolve(r)
                if not src.startswith("q|"):
                    # f(**data) gives parameter p the entry data["p"]; f(ip=x) puts x in kwargs["ip"].
                    op = f"read:{param!r}" if (param, r) in splat else \
                        f"put:{packed[(param, r)]!r}" if packed.get((param, r)) else None
                    self.add_edge(src, dst, CALL, f"passed as argument {param} of {name}()", at, site=call.id, op=op)
        if returns:
            self.add_edge(f"r|{scope}", f"c|{call.id}", RETURN, f"returned from {name}()", at, site=call.id)
        for param in self._filled_params().get(scope, ()):
            # fill_rows(rows, orders): what the callee appends to its parameter is in the caller's list.
            for r in bound.get(param, ()):
                dst = self.resolve(r)
                if not dst.startswith("q|"):
                    self.add_edge(f"v|{scope}|{param}", dst, RETURN, f"filled by {name}()", at, site=call.id)
        self.call_sites[scope].append(CallSite(call, mod, {k: tuple(v) for k, v in bound.items()} if returns else {}))
        self._calls_into[scope].append((call, mod, {k: tuple(v) for k, v in bound.items()}))

    def _filled_params(self) -> dict[str, set[str]]:
        """Parameters a function adds to (``rows.append(row)``, ``payload.update(...)``): the
        caller's container holds what was added once the call returns."""
        if self._filled is None:
            self._filled = defaultdict(set)
            for call in self._calls_by_id.values():
                recv = call.receiver
                if call.func is None or call.func[0] != "a" or call.func[2] not in MUTATORS or recv is None:
                    continue
                fn = self.p.functions.get(call.scope)
                if recv[0] == "n" and recv[1] == call.scope and fn is not None and recv[2] in fn.params[1 if fn.kind == "method" else 0:]:
                    self._filled[call.scope].add(recv[2])
        return self._filled

    def setter_parameter(self, member: str) -> str | None:
        """The value parameter of the function a write of ``member`` (``f|Class|attr``) runs:
        ``password = synonym("_password", descriptor=property(get, set))`` hashes in ``set``."""
        cls, _, attr = member[2:].rpartition("|")
        fact = self.p.classes.get(cls)
        fld = fact.fields.get(attr) if fact is not None else None
        if fld is None or fld.setter is None:
            return None
        target = self.resolve(fld.setter)
        setter = self.p.functions.get(target[2:]) if target.startswith("q|") else None
        return f"v|{setter.scope}|{setter.params[1]}" if setter is not None and len(setter.params) >= 2 else None

    def _construct(self, call: CallFact, mod: ModuleFacts, cls: str) -> None:
        result = f"c|{call.id}"
        at = (mod.path, call.line)
        init = None
        for c in self.mro(cls):
            fact = self.p.classes.get(c)
            if fact and "__init__" in fact.methods:
                init = fact.methods["__init__"]
                break
        short = cls.rsplit(".", 1)[-1]
        for key, refs in call.args:
            if isinstance(key, str) and key not in ("*", "**"):
                member = self.class_member(cls, key)
                if member and member.startswith("f|"):
                    setter = self.setter_parameter(member)
                    if setter is not None:
                        for r in refs:
                            self.add_edge(self.resolve(r), setter, CALL, f"passed to the {key} setter", at)
                        continue
                    if not self._relation_field(member):  # LogEntry(content_object=device): a key
                        for r in refs:
                            value = self.resolve(r)
                            self.add_edge(value, member, INTRA, f"stored as {short}.{key}", at)
                            if not value.startswith("q|"):
                                # Account(secret=password): a column written, as account.secret = password is
                                self._field_writes.append((value, member, mod, call.line, call))
                    continue
            if init is None:
                # Without a project __init__ the object keeps what it was given (exceptions do).
                for r in refs:
                    # Order(**order_data): each entry becomes an attribute of the object.
                    self.add_edge(self.resolve(r), result, INTRA, f"passed to {short}()", at,
                                  op="unpack" if key == "**" else None)
        if init is not None:
            # Arguments go to __init__'s parameters; `self` is the new object.
            self._bind(call, mod, init, receiver_bound=True, returns=False)
            kept = self._kept_by_library_base(init)
            if kept:
                # FontFallbackParagraph(name, style) whose __init__ hands text to reportlab's
                # Paragraph: the library object keeps what it was given, as it does unsubclassed.
                bound, _ = bind_arguments(self.p.functions[init], call, receiver_bound=True)
                for param in sorted(kept & set(bound)):
                    for r in bound[param]:
                        self.add_edge(self.resolve(r), result, INTRA, f"kept by {short}()", at)

    def _kept_by_library_base(self, init: str) -> set[str]:
        """Parameters of a project ``__init__`` passed as they are to ``super().__init__`` of a
        library base class (one no project class between defines ``__init__``)."""
        if self._library_inits is None:
            self._library_inits = defaultdict(list)
            for c in self._calls_by_id.values():
                if c.func is not None and c.func[0] == "a" and c.func[2] == "__init__" and c.display.startswith("super()"):
                    self._library_inits[c.scope].append(c)
        fn = self.p.functions.get(init)
        if fn is None or not fn.params or not self._library_inits.get(init):
            return set()
        kept = set()
        for c in self._library_inits[init]:
            if self.callee(c)[0] == "project":
                continue
            for _, refs in c.args:
                for r in refs:
                    node = self.resolve(r)
                    name = node.rsplit("|", 1)[-1]
                    if node == f"v|{init}|{name}" and name in fn.params[1:]:
                        kept.add(name)
        return kept

    def _library_effects(self, call: CallFact, mod: ModuleFacts, methods: list[str], result: str) -> None:
        """pretix's SafeWorksheet.append, its PayPal client's execute: a project method that
        overrides a library method still does what the library's does (one sink per call)."""
        for method in methods:
            for overridden in self._overridden_library_methods(method):
                if self.infer and self.pack.is_provider_response(overridden):
                    self._provider_response(call, mod, result)
                sinks = [s for s in self.pack.sinks_for(overridden) if sink_applies(s, call)]
                if sinks:
                    self._sink(call, mod, overridden, sinks)
                    return

    def _union_methods(self, call: CallFact) -> list[str]:
        """The project methods a call on a value of one of several classes may run, when each
        of those classes has one."""
        classes = self.union_types(self.resolve(call.func[1]))
        if len(classes) < 2:
            return []
        methods = []
        for cls in classes:
            method = next((f"{c}.{call.func[2]}" for c in self.mro(cls) if f"{c}.{call.func[2]}" in self.p.functions), None)
            if method is None:
                return []
            methods.append(method)
        return sorted(set(methods))

    def _overridden_library_methods(self, method: str) -> list[str]:
        """``pkg.SafeWorksheet.append`` overriding ``openpyxl...Worksheet.append``: the library
        methods of that name in the class's bases, nearest first."""
        fn = self.p.functions.get(method)
        if fn is None or not fn.class_qual or fn.kind != "method":
            return []
        return [f"{base}.{fn.name}" for base in self.mro(fn.class_qual) if base not in self.p.classes]
