"""How the module reader follows statements: assignments, branches, loops, functions."""

from __future__ import annotations

import ast

from .reader import Ctx
from .syntax import (
    ANONYMISED_FLAG, CONSTANT_NAME, ORDERINGS, VALIDATING_METHODS, VALIDATION_ERRORS, call_result, dotted_name,
    ends_block, error_handler, filters_by_age, handled_by_decorator, handled_errors, in_settings, is_blank, is_download,
    is_type_checking, item_type, literal_value, masks, names_read_by_nested_scopes, proved_not_text, quiet_catches,
    returns_pair, short, stored_names, string_keys, string_list, switched_off, test_polarity,
)
from ..facts import ANONYMISED, FunctionFact, Ref
from ..idioms import ORM_CHAIN, SETTINGS_HOLDERS


class StatementReader:
    """Statements: what each kind of statement does with values."""

    def s_Expr(self, node, ctx):
        self.expr(node.value, ctx)

    def s_Assert(self, node, ctx):
        """``assert isinstance(order, Order)``: from here on, ``order`` is an Order."""
        self.expr(node.test, ctx)
        if node.msg is not None:
            before = dict(self.vers)
            self.narrow(proved_not_text(node.test).get(False), node, ctx)  # the message is built when the test fails
            refs = self.expr(node.msg, ctx)
            if refs:  # assert ok, f"bad {email}": the message of an AssertionError
                self.sink_like_call(node, "raise", refs, ctx)
            self.vers = before
        test = node.test
        if isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "isinstance" \
                and len(test.args) == 2 and isinstance(test.args[0], ast.Name) \
                and isinstance(test.args[1], (ast.Name, ast.Attribute)):
            cls = self.callee_ref(test.args[1], ctx)
            if cls is not None:
                self.f.types.append((self.read_ref(ctx, test.args[0].id), ("ann", cls)))

    def s_Import(self, node, ctx):
        imports = self.f.scopes[ctx.scope].imports
        for alias in node.names:
            if alias.asname:
                imports[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                imports[top] = top

    def s_ImportFrom(self, node, ctx):
        base = node.module or ""
        if node.level:
            pkg_parts = self.mod.split(".")
            is_pkg = self.f.path.endswith("__init__.py")
            keep = len(pkg_parts) - node.level + (1 if is_pkg else 0)
            prefix = ".".join(pkg_parts[: max(keep, 0)])
            base = ".".join(p for p in (prefix, base) if p)
        imports = self.f.scopes[ctx.scope].imports
        for alias in node.names:
            if alias.name == "*":
                self.f.scopes[ctx.scope].stars.append(base)
                continue
            imports[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name

    def s_Assign(self, node, ctx):
        refs = self.expr(node.value, ctx)
        tags = self._tag_comment(node)
        for target in node.targets:
            self.assign(target, refs, node.value, ctx, node, tags)
            self._note_settings_initial(target, node.value, ctx)
            if isinstance(target, ast.Name):
                # stale = Attempt.objects.filter(created__lt=cutoff); stale.delete(): a purge by age.
                if filters_by_age(node.value, self.aged_names):
                    self.aged_names = self.aged_names | {target.id}
                elif target.id in self.aged_names:
                    self.aged_names = self.aged_names - {target.id}

    def _note_settings_initial(self, target, value, ctx: Ctx) -> None:
        """``self.initial["iban"] = event.settings.get("bank_iban")`` in a form: the field holds
        the shop's configuration (its own bank account), not what a customer types."""
        if not (ctx.self_name and isinstance(target, ast.Subscript) and isinstance(target.value, ast.Attribute)
                and target.value.attr == "initial" and isinstance(target.value.value, ast.Name)
                and target.value.value.id == ctx.self_name):
            return
        key = literal_value(target.slice)
        cls = self.f.classes.get(ctx.class_qual)
        if cls is not None and isinstance(key, str) and any(
                (isinstance(n, ast.Attribute) and n.attr in SETTINGS_HOLDERS) or (isinstance(n, ast.Name) and n.id in SETTINGS_HOLDERS)
                for n in ast.walk(value)):
            cls.settings_initial.add(key)

    def s_AnnAssign(self, node, ctx):
        refs = self.expr(node.value, ctx) if node.value is not None else []
        if ctx.class_qual and self.f.scopes[ctx.scope].kind == "class" and isinstance(node.target, ast.Name):
            self.class_field(node.target.id, node, node.annotation, node.value, ctx, refs)
            return
        tags = self._tag_comment(node)
        self.assign(node.target, refs, node.value, ctx, node, tags)
        ann = self.type_ref(node.annotation, ctx)
        tref = self.target_ref(node.target, ctx)
        if ann is not None and tref is not None:
            self.f.types.append((tref, ("ann", ann)))

    def s_AugAssign(self, node, ctx):
        refs = self.expr(node.value, ctx)
        if isinstance(node.target, ast.Name):
            old = self.read_ref(ctx, node.target.id)
            new = self.store_ref(ctx, node.target.id)
            if new != old:
                self.edge(old, new, "", 0)
            self.flow_all(refs, new, f"added to {node.target.id}", node.lineno)
            return
        tref = self.target_ref(node.target, ctx)
        if tref is not None:
            self.flow_all(refs, tref, f"added to {short(node.target)}", node.lineno)

    def s_Return(self, node, ctx):
        if node.value is not None and ctx.func is not None:
            refs = self.expr(node.value, ctx)
            self.flow_all(refs, ("r", ctx.func), "returned", node.lineno)
            if len(refs) == 1 and isinstance(node.value, (ast.Call, ast.Name, ast.Attribute, ast.Await)):
                # An unannotated function returns the class of what it returns (get_csv_writer()).
                self.f.types.append((("r", ctx.func), ("ref", refs[0])))
            elif (item := item_type(node.value, refs)) is not None:
                self.f.types.append((("r", ctx.func), item))  # return caches[alias]
            if self._aged(node.value):
                self.f.aged_queries.add(ctx.func.rsplit(".", 1)[-1])  # def expired(self): return self.filter(...)
            elif isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute) and \
                    node.value.func.attr in ORM_CHAIN:
                # def all_expired(self): return self.filter(self.expired_q()): as old as what it filters by.
                called = {n.func.attr if isinstance(n.func, ast.Attribute) else n.func.id
                          for arg in node.value.args for n in ast.walk(arg)
                          if isinstance(n, ast.Call) and isinstance(n.func, (ast.Attribute, ast.Name))}
                if called:
                    self.f.query_returns.setdefault(ctx.func.rsplit(".", 1)[-1], set()).update(called)
            if is_download(node.value) and refs:
                # return "customers.csv", "text/csv", data: a file handed to the framework to send.
                self.sink_like_call(node, "download", refs, ctx, display="a download returned")

    def s_Raise(self, node, ctx):
        if node.exc is not None:
            refs = self.expr(node.exc, ctx)
            if refs:
                raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                name = (dotted_name(raised) or "").rsplit(".", 1)[-1]
                method = ctx.func.rsplit(".", 1)[-1] if ctx.func and ctx.class_qual else ""
                # A form field's or form's validator: its error is shown next to the field.
                if VALIDATING_METHODS.fullmatch(method) and name in VALIDATION_ERRORS:
                    pass
                elif not any("*" in caught or name in caught for caught in self.quiet_catches):
                    self.sink_like_call(node, "raise", refs, ctx, raised=self.callee_ref(raised, ctx))
        if node.cause is not None:
            self.expr(node.cause, ctx)

    def s_If(self, node, ctx):
        off = switched_off(node.test, self.off_switches - self.f.scopes[ctx.scope].locals)
        if off is not None:  # if DEBUG_THIS_COMMAND: print(user.email), with the switch off for good
            self.block(node.orelse if off else node.body, ctx)
            return
        self.expr(node.test, ctx)
        when_true, when_false = test_polarity(node.test)
        not_text = proved_not_text(node.test)
        before = dict(self.vers)
        self.narrow(not_text.get(True), node, ctx)
        checking, self.type_checking = self.type_checking, self.type_checking or is_type_checking(node.test)
        self.block(node.body, ctx.inner(guards=ctx.guards + when_true))
        self.type_checking = checking
        after_body = self.vers
        self.vers = dict(before)
        self.narrow(not_text.get(False), node, ctx)
        self.block(node.orelse, ctx.inner(guards=ctx.guards + when_false))
        # A branch that returns or raises does not reach the code after the if.
        self.merge([st for st, body in ((after_body, node.body), (self.vers, node.orelse)) if not ends_block(body)]
                   or [self.vers])

    def _aged(self, expr) -> bool:
        """Records past an age: a query filtered so, or a name holding one."""
        return filters_by_age(expr, self.aged_names) or (isinstance(expr, ast.Name) and expr.id in self.aged_names)

    def _iterates_aged(self, it) -> bool:
        """Records past an age, or what a helper makes of them (``for user in chunk_queryset(stale)``)."""
        return self._aged(it) or (isinstance(it, ast.Call) and any(self._aged(a) for a in it.args))

    def s_While(self, node, ctx):
        heads = self.loop_head(node.body)
        self.expr(node.test, ctx)
        inner = ctx.inner(loop=ctx.loop + 1)
        self.block(node.body, inner)
        self.loop_back(heads)
        self.block(node.orelse, ctx)

    def s_For(self, node, ctx):
        refs = self.expr(node.iter, ctx)
        heads = self.loop_head(node.body, stored_names([node.target]))
        owner = self._related_records(node.iter, ctx)
        self.element_op = "each:owned" if owner is not None else "each"  # one person's records, or many
        for r in refs if owner is not None else ():
            self.f.owned_iters[r] = owner  # the graph decides whether the object is a person
        self.loop_target(node.target, node.iter, refs, ctx, node)
        self.element_op = "each"
        tref = self.target_ref(node.target, ctx)
        if tref is not None:
            for r in refs:
                self.f.types.append((tref, ("ref", r)))
        inner = ctx.inner(loop=ctx.loop + 1)
        bound = self.bind_loop_keys(node.target, node.iter)
        aged_before = self.aged_names
        if isinstance(node.target, ast.Name) and self._iterates_aged(node.iter):
            self.aged_names = aged_before | {node.target.id}  # for cp in Cart.objects.filter(expires__lt=...)
        owner_before = self.loop_owner
        self.loop_owner = owner
        elements_before = self.loop_elements
        if isinstance(node.target, ast.Name) and isinstance(node.iter, ast.Name) and refs:
            # for login in rows: login.extra = ...: rows' element changed in place
            self.loop_elements = {**elements_before, node.target.id: tuple(refs)}
        self.block(node.body, inner)
        self.loop_elements = elements_before
        self.loop_owner = owner_before
        self.aged_names = aged_before
        self.loop_keys = bound
        self.loop_back(heads)
        self.block(node.orelse, ctx)

    s_AsyncFor = s_For

    def s_With(self, node, ctx):
        for item in node.items:
            refs = self.expr(item.context_expr, ctx)
            if item.optional_vars is not None:
                self.assign(item.optional_vars, refs, item.context_expr, ctx, node, ())
        self.block(node.body, ctx)

    s_AsyncWith = s_With

    def s_Try(self, node, ctx):
        before = dict(self.vers)
        handled_errors(self.f, node.handlers)
        self.quiet_catches.append(quiet_catches(node.handlers))
        self.block(node.body, ctx)
        self.quiet_catches.pop()
        after_body = dict(self.vers)
        self.block(node.orelse, ctx)
        ends = [] if ends_block(node.orelse or node.body) else [self.vers]
        for handler in node.handlers:
            # A handler may start anywhere in the body: from before it or after it.
            self.merge([before, after_body])
            if handler.type is not None:
                self.expr(handler.type, ctx)
            self.block(handler.body, ctx)
            if not ends_block(handler.body):
                ends.append(self.vers)
        self.merge(ends or [after_body])
        self.block(node.finalbody, ctx)

    s_TryStar = s_Try

    def s_Match(self, node, ctx):
        refs = self.expr(node.subject, ctx)
        before = dict(self.vers)
        ends = [before]  # no case may match
        for case in node.cases:
            self.vers = dict(before)
            for sub in ast.walk(case.pattern):
                name = getattr(sub, "name", None)
                if isinstance(sub, (ast.MatchAs, ast.MatchStar)) and name:
                    target = self.store_ref(ctx, name)
                    self.flow_all(refs, target, f"matched as {name}", case.pattern.lineno)
                    self.maybe_infer(sub, name, target, name)
            if case.guard is not None:
                self.expr(case.guard, ctx)
            self.block(case.body, ctx)
            if not ends_block(case.body):
                ends.append(self.vers)
        self.merge(ends)

    def s_Delete(self, node, ctx):
        for t in node.targets:
            self.expr(t, ctx)

    def bind_loop_keys(self, target, iterable) -> dict[str, tuple[str, ...]]:
        """``for key in FINGERPRINT_PARTS``: the names ``key`` takes. Returns the bindings
        before, to restore when the loop ends."""
        before = self.loop_keys
        if isinstance(target, ast.Tuple) and target.elts and isinstance(target.elts[0], ast.Name) and \
                isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute) and iterable.func.attr == "items":
            # for field, label in FIELD_MAP.items(): the key takes the dict's names
            target, iterable = target.elts[0], iterable.func.value
        elif isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute) and iterable.func.attr == "keys":
            iterable = iterable.func.value
        if isinstance(target, ast.Name):
            names = self.name_lists.get(iterable.id, ()) if isinstance(iterable, ast.Name) else \
                string_list(iterable) or string_keys(iterable)
            self.loop_keys = {**before, target.id: names} if names else {
                k: v for k, v in before.items() if k != target.id}
        return before

    def _related_records(self, iterable, ctx: Ctx):
        """``invoice.lines.all()``: (ref of the object, relation name) when a loop goes over one
        object's related records, asked of its related manager; None for a query over a whole
        table or anything else."""
        chain = iterable
        # list(lines), sorted(lines), groupby(lines, key=...): the same records
        while isinstance(chain, ast.Call) and chain.args and not (
                isinstance(chain.func, ast.Attribute) and chain.func.attr in ("all", "filter", "exclude", "order_by")):
            chain = chain.args[0]
        if isinstance(chain, ast.Name):
            return self.owner_vars.get((ctx.scope, chain.id))
        queried = False  # a related manager asked for its records: invoice.lines.all(), not self.rows
        while isinstance(chain, ast.Call) and isinstance(chain.func, ast.Attribute) and \
                chain.func.attr in ("all", "filter", "exclude", "order_by", "select_related", "prefetch_related"):
            chain, queried = chain.func.value, True
        if not queried or not isinstance(chain, ast.Attribute) or chain.attr == "objects":
            return None
        root = chain.value
        if not isinstance(root, (ast.Name, ast.Attribute)) or dotted_name(root) is None:
            return None
        refs = self.expr(root, ctx)
        return (refs[0], chain.attr) if len(refs) == 1 else None

    def is_parameter_key(self, node, ctx: Ctx) -> bool:
        """``name`` or ``str(name)`` where ``name`` is a parameter of the function, not
        assigned since: a getter whose caller names the entry."""
        if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
            node = node.args[0]  # six.text_type(name), str(name)
        if not isinstance(node, ast.Name) or ctx.func is None or node.id in self.loop_keys:
            return False
        fn = self.f.functions.get(ctx.func)
        return fn is not None and node.id in fn.params and not self.vers.get(node.id)

    def is_keyword_mapping(self, node, ctx: Ctx) -> bool:
        """``kwargs`` of ``def f(**kwargs)``, not assigned since: iterating it gives the
        keywords' names, code, not the values passed."""
        if not isinstance(node, ast.Name) or ctx.func is None or self.vers.get(node.id):
            return False
        fn = self.f.functions.get(ctx.func)
        return fn is not None and f"**{node.id}" in fn.params

    def key_names(self, node) -> tuple[str, ...]:
        """The names a subscript or ``.get`` key stands for: a literal, or a loop variable over
        a constant list of names."""
        key = literal_value(node)
        if isinstance(key, str):
            return (key,)
        if isinstance(node, ast.Name):
            return self.loop_keys.get(node.id, ())
        return ()

    def loop_target(self, target, iterable, refs, ctx: Ctx, stmt) -> None:
        """``for k, v in d.items()``: the values carry the data; keys are names, not data."""
        inner = iterable
        while isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id in ORDERINGS \
                and len(inner.args) == 1:
            inner = inner.args[0]  # for key in sorted(d.keys()), list(kwargs.keys()): still the keys
        method = inner.func.attr if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) else ""
        if method == "keys" or self.is_keyword_mapping(inner, ctx):
            refs = []
        if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name) and iterable.func.id == "enumerate" \
                and isinstance(target, (ast.Tuple, ast.List)) and len(target.elts) == 2 and iterable.args:
            # for i, row in enumerate(rows): i counts, row is each element of rows.
            self.assign(target.elts[0], [], None, ctx, stmt, (), desc="element of")
            self.assign(target.elts[1], refs, None, ctx, stmt, (), desc="element of")
            return
        if method == "items" and isinstance(target, (ast.Tuple, ast.List)) and len(target.elts) == 2:
            self.assign(target.elts[0], [], None, ctx, stmt, (), desc="element of")
            self.assign(target.elts[1], refs, None, ctx, stmt, (), desc="element of")
            return
        self.assign(target, refs, None, ctx, stmt, (), desc="element of")

    # -- definitions ----------------------------------------------------------
    def s_FunctionDef(self, node, ctx):
        parent = self.f.scopes[ctx.scope]
        sid = f"{ctx.scope}.{node.name}"
        dec_names = {dotted_name(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list}
        error_handler(self.f, node, handled_by_decorator(node))
        scope = self.add_scope(sid, "function", ctx.scope)
        args = node.args
        all_args = args.posonlyargs + args.args
        params = [a.arg for a in all_args]
        if args.vararg:
            params.append("*" + args.vararg.arg)
        params.extend(a.arg for a in args.kwonlyargs)
        if args.kwarg:
            params.append("**" + args.kwarg.arg)
        in_class = parent.kind == "class"
        kind = "function"
        if in_class:
            kind = "staticmethod" if "staticmethod" in dec_names else "classmethod" if "classmethod" in dec_names else "method"
        fn = FunctionFact(sid, node.name, node.lineno, node.col_offset + 1, ctx.class_qual if in_class else None,
                          tuple(params), kind, len(all_args))
        previous = self.f.functions.get(sid)
        fn.is_property = in_class and (any(d and d.rsplit(".", 1)[-1] in ("property", "cached_property")
                                           for d in dec_names)
                                       or (previous is not None and previous.is_property))  # @x.setter keeps it
        self.f.functions[sid] = fn
        if in_class:
            self.f.classes[ctx.class_qual].methods[node.name] = sid
        scope.locals.update(p.lstrip("*") for p in params)
        self._collect_locals(node.body, scope)
        defaults = list(zip(all_args[len(all_args) - len(args.defaults):], args.defaults))
        defaults += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
        depends = []
        for arg, default in defaults:
            if isinstance(default, ast.Call) and (dotted_name(default.func) or "").split(".")[-1] in ("Depends", "Security"):
                if default.args:
                    callee = self.callee_ref(default.args[0], ctx)
                    if callee:
                        depends.append(callee)
            else:
                self.expr(default, ctx)
        fn.depends = tuple(depends)
        fn.decorators = tuple(ref for ref in (self.callee_ref(d, ctx) for d in node.decorator_list
                                              if isinstance(d, (ast.Name, ast.Attribute))) if ref is not None)
        self_name = params[0] if in_class and kind in ("method", "classmethod") and params else None
        # def prompt(msg, password=False): a switch, not a password.
        flags = {a.arg for a, d in defaults if isinstance(d, ast.Constant) and isinstance(d.value, bool)}
        flags |= {a.arg for a in all_args + args.kwonlyargs
                  if isinstance(a.annotation, ast.Name) and a.annotation.id == "bool"}
        for a in all_args + args.kwonlyargs + [x for x in (args.vararg, args.kwarg) if x]:
            if a.annotation is not None:
                ann = self.type_ref(a.annotation, ctx)
                if ann is not None:
                    fn.annotations[a.arg] = ann
                    self.f.types.append((("n", sid, a.arg), ("ann", ann)))
                    self._annotated_marker(a.annotation, a, ("n", sid, a.arg))
            if a.arg != self_name and a.arg not in flags:
                self.maybe_infer(a, a.arg, ("n", sid, a.arg), a.arg)
        if node.returns is not None:
            fn.returns = self.type_ref(node.returns, ctx)
        saved = (self.vscope, self.versioned, self.vers, self.vcount)
        # Names a nested function or lambda reads keep one value for the whole function.
        self.vscope, self.vers, self.vcount = sid, {}, {}
        self.versioned = scope.locals - names_read_by_nested_scopes(self.own_nodes(node.body)[1])
        if in_class:
            inner = Ctx(sid, ctx.class_qual, self_name, (), 0, sid)
        elif ctx.self_name and ctx.self_name not in scope.locals:
            # A function nested in a method still sees the method's `self`.
            inner = Ctx(sid, ctx.class_qual, ctx.self_name, (), 0, sid)
        else:
            inner = Ctx(sid, None, None, (), 0, sid)
        catches, self.quiet_catches = self.quiet_catches, []  # a raise in it escapes to its caller
        aged = self.aged_names
        self.block(node.body, inner)
        self.aged_names = aged
        self.quiet_catches = catches
        self.vscope, self.versioned, self.vers, self.vcount = saved

    s_AsyncFunctionDef = s_FunctionDef

    # -- assignment -----------------------------------------------------------
    def target_ref(self, target, ctx: Ctx, store: bool = False) -> Ref | None:
        """The value a target names; ``store`` makes a new version of a local."""
        if isinstance(target, ast.Name):
            return self.store_ref(ctx, target.id) if store else self.read_ref(ctx, target.id)
        if isinstance(target, ast.Attribute):
            if ctx.self_name and isinstance(target.value, ast.Name) and target.value.id == ctx.self_name:
                cls = self.f.classes.get(ctx.class_qual)
                if cls is not None:
                    cls.instance_attrs.add(target.attr)
                return ("f", ctx.class_qual, target.attr)
            base = self.expr(target.value, ctx)
            return ("a", base[0], target.attr) if len(base) == 1 else None
        if isinstance(target, ast.Starred):
            return self.target_ref(target.value, ctx, store)
        return None

    def assign(self, target, refs, value, ctx: Ctx, stmt, tags, desc: str = "assigned to") -> None:
        if isinstance(target, ast.Name):
            # all_lines = list(self.invoice.lines.all()): a later loop over it goes over them.
            owner = self._related_records(value, ctx) if value is not None and desc == "assigned to" else None
            if owner is not None:
                self.owner_vars[(ctx.scope, target.id)] = owner
            else:
                self.owner_vars.pop((ctx.scope, target.id), None)
        if isinstance(target, (ast.Tuple, ast.List)):
            values = value.elts if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts) else None
            whole = refs
            if values is None and refs and desc == "element of":
                whole = self.temp(target, refs, "element of", self.element_op)
            star = next((i for i, e in enumerate(target.elts) if isinstance(e, ast.Starred)), None)
            pair = value is not None and returns_pair(value)  # obj, created = X.objects.get_or_create()
            for i, elt in enumerate(target.elts):
                if pair and i > 0:
                    self.assign(elt, [], None, ctx, stmt, tags, desc)
                    continue
                if pair:
                    self.assign(elt, refs, None, ctx, stmt, tags, desc)
                    continue
                if values is not None:
                    sub_refs = self.expr(values[i], ctx)
                elif whole:
                    # field, value = pair: each name gets its position (after a *rest, any).
                    key = f"read:{i!r}" if star is None or i < star else "read:?"
                    sub_refs = self.temp(elt, whole, f"item {i} of the tuple", key)
                else:
                    sub_refs = whole
                sub_desc = desc if values is not None or not whole else "assigned to"
                self.assign(elt, sub_refs, values[i] if values is not None else None, ctx, stmt, tags, sub_desc)
            if refs and target.elts and returns_pair(value):
                # obj, created = Model.objects.get_or_create(...)
                first = self.target_ref(target.elts[0], ctx)
                if first is not None:
                    self.f.types.append((first, ("ref", refs[0])))
            return
        if isinstance(target, ast.Subscript):
            base = self.expr(target.value, ctx)
            self.expr(target.slice, ctx)
            key = literal_value(target.slice)
            where = f" under key {key!r}" if isinstance(key, (str, int)) else ""
            for b in base:
                self.flow_all(refs, b, f"put in {short(target.value)}{where}", stmt.lineno,
                              f"put:{key!r}" if isinstance(key, (str, int)) else "list")
            outer = target.value
            held = refs
            while isinstance(outer, ast.Subscript) and held:
                # notice["params"]["user"] = v: v is in notice too, under "params" then "user".
                inner_key = key
                key = literal_value(outer.slice)
                held = self.temp(outer, held, f"put in {short(outer)}",
                                 f"put:{inner_key!r}" if isinstance(inner_key, (str, int)) else "list")
                root = outer.value
                if not isinstance(root, ast.Subscript):
                    ref = self.target_ref(root, ctx) if isinstance(root, (ast.Name, ast.Attribute)) else None
                    if ref is not None:
                        self.flow_all(held, ref, f"put in {short(root)}", stmt.lineno,
                                      f"put:{key!r}" if isinstance(key, (str, int)) else "list")
                outer = root
            holder = (dotted_name(target.value) or "").rsplit(".", 1)[-1].lower()
            if refs and len(base) == 1 and ("cookie" in holder or holder in ("session", "jar")):
                # response.cookies[k] = v, SimpleCookie()[k] = v, flask.session[k] = v: the graph
                # decides whether the mapping is a cookie jar.
                self.sink_like_call(stmt, "item", refs, ctx, receiver=base[0], display=f"{short(target.value)}[...]")
            return
        tref = self.target_ref(target, ctx, store=True)
        if tref is not None and tref[0] == "f" and value is not None and masks(value):
            cls = self.f.classes.get(ctx.class_qual)
            if cls is not None:
                cls.masked_attrs.add(target.attr)  # oscar's Bankcard keeps only the last four digits
        if tref is None:
            return
        label = short(target)
        self.flow_all(refs, tref, f"{desc} {label}", stmt.lineno, self.element_op if desc == "element of" else None)
        if isinstance(target, ast.Attribute) and tref[0] == "a":
            # Storing into an object of unknown type makes the object carry it.
            self.edge(tref, tref[1], f"stored in {label}", stmt.lineno, f"store:{target.attr}")
            if isinstance(target.value, ast.Name) and target.value.id in self.loop_elements:
                for container in self.loop_elements[target.value.id]:
                    self.edge(tref[1], container, f"changed in {short(target.value)}'s container", stmt.lineno, "gather")
            if refs:
                # scope.user = {...}, record.user_email = ...: a sink when the object's class says so.
                self.sink_like_call(stmt, f"set:{target.attr}", refs, ctx, receiver=tref[1], display=f"{label} =")
        if isinstance(target, ast.Attribute) and value is not None and is_blank(value):
            base = ("f", ctx.class_qual, None) if tref[0] == "f" else tref[1]
            self.f.blanks.append((base, target.attr, stmt.lineno))
        elif isinstance(target, ast.Attribute) and literal_value(value) is True and ANONYMISED_FLAG.match(target.attr):
            # le.shredded = True, user.is_anonymized = True: the record is marked as erased
            self.f.blanks.append((tref[1] if tref[0] == "a" else ("f", ctx.class_qual, None), ANONYMISED, stmt.lineno))
        if tags:
            # ip = request.META["REMOTE_ADDR"]  # pii: ...: named as the code reads it.
            said = self.code_text(value) if value is not None else ""
            self.add_source(target, tags, said if said and len(said) <= 60 else f"{label} (collection point)", False,
                            tref)
        elif isinstance(target, ast.Name):
            # DEFAULT_FROM_EMAIL, SENDGRID_PASSWORD at module level, EMAIL_THROTTLE = getattr(settings, ...):
            # the shop's settings, not a person's data.
            if not (CONSTANT_NAME.fullmatch(target.id) and self.f.scopes[ctx.scope].kind in ("module", "class")) \
                    and not (value is not None and in_settings(value)):
                self.maybe_infer(target, target.id, tref, target.id)
        if value is not None and tref[0] in ("n", "f"):
            call = call_result(value)
            if call is not None and refs:
                self.f.types.append((tref, ("ref", refs[0])))
            elif isinstance(value, (ast.Name, ast.Attribute)) and refs:
                self.f.types.append((tref, ("ref", refs[0])))
            elif (item := item_type(value, refs)) is not None:
                self.f.types.append((tref, item))
