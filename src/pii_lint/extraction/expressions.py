"""How the module reader follows expressions: reads, calls, containers, formatting."""

from __future__ import annotations

import ast
import json

from .reader import Ctx
from .syntax import (
    CLASS_NAME, CONSTANT_NAME, ENVIRONMENT_READ, ERROR_HANDLER_REGISTRATIONS, GETTER, ORDERINGS, TYPE_WRAPPERS,
    chain_methods, dotted_name, filtered_copy, format_fields, holder_name, in_settings, is_set_expr,
    literal_value, short, short_prefix, stored_names, url_parts,
)
from ..facts import CallFact, FunctionFact, Ref, NOT_LITERAL
from ..idioms import KEY_SEP


class ExpressionReader:
    """Expressions: the refs a value is made from, and the calls it makes."""

    # -- expressions ------------------------------------------------------------
    def callee_ref(self, node, ctx: Ctx) -> Ref | None:
        if isinstance(node, ast.Name):
            return self.read_ref(ctx, node.id)
        if isinstance(node, ast.Attribute):
            if ctx.self_name and isinstance(node.value, ast.Name) and node.value.id == ctx.self_name:
                return ("f", ctx.class_qual, node.attr)
            base = self.callee_ref(node.value, ctx)
            if base is None:
                refs = self.expr(node.value, ctx)
                base = refs[0] if len(refs) == 1 else None
            return ("a", base, node.attr) if base is not None else None
        if isinstance(node, ast.Call):
            refs = self.expr(node, ctx)
            return refs[0] if refs else None
        if isinstance(node, ast.Subscript):
            refs = self.expr(node, ctx)  # request.POST["email"].strip(): the key is read
            return refs[0] if len(refs) == 1 else None
        return None

    def type_ref(self, annotation, ctx: Ctx) -> Ref | None:
        """The principal class an annotation names (Optional[Customer] -> Customer)."""
        node = annotation
        for _ in range(8):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                try:
                    node = ast.parse(node.value, mode="eval").body
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    return None
                continue
            if isinstance(node, ast.Subscript):
                outer = (dotted_name(node.value) or "").split(".")[-1]
                if outer in TYPE_WRAPPERS:
                    inner = node.slice
                    if isinstance(inner, ast.Tuple) and inner.elts:
                        inner = next((e for e in inner.elts if not (isinstance(e, ast.Constant) and e.value is None)), inner.elts[0])
                    node = inner
                    continue
                node = node.value
                continue
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
                node = node.right if isinstance(node.left, ast.Constant) and node.left.value is None else node.left
                continue
            break
        if isinstance(node, (ast.Name, ast.Attribute)):
            return self.callee_ref(node, ctx)
        return None

    def expr(self, node, ctx: Ctx) -> list[Ref]:
        """Refs of the values an expression's result derives from."""
        if node is None:
            return []
        method = getattr(self, "e_" + type(node).__name__, None)
        if method is not None:
            outer, self.cur = self.cur, ctx.scope
            try:
                return method(node, ctx)
            finally:
                self.cur = outer
        out = []
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                out.extend(self.expr(child, ctx))
        return out

    def e_Constant(self, node, ctx):
        # A URL is followed as a value, so that a client's base URL set in a constructor
        # (super().__init__("https://api.example")) names the host its requests go to.
        if isinstance(node.value, str) and "://" in node.value[:16] and len(node.value) < 2048:
            tid = self.new_id(node)
            self.f.urls[tid] = node.value
            return [("t", tid)]
        return []

    def e_Name(self, node, ctx):
        return [self.read_ref(ctx, node.id)]

    def _getattr_reads(self, node, ctx) -> list | None:
        """``getattr(c, "email")``, ``getattr(c, name) for name in FIELDS``: reads of those
        attributes (None when the name is not known)."""
        if not (isinstance(node.func, ast.Name) and node.func.id == "getattr" and len(node.args) >= 2):
            return None
        names = self.key_names(node.args[1])
        if not names:
            return None
        base = self.expr(node.args[0], ctx)
        for extra in node.args[2:]:
            self.expr(extra, ctx)
        if len(base) > 1:
            base = self.temp(node.args[0], base, "combined")
        return [("a", base[0], name) for name in names] if base else []

    def e_Attribute(self, node, ctx):
        if ctx.self_name and isinstance(node.value, ast.Name) and node.value.id == ctx.self_name:
            return [("f", ctx.class_qual, node.attr)]
        base = self.expr(node.value, ctx)
        if not base:
            return []
        if len(base) > 1:
            base = self.temp(node.value, base, "combined")
        if node.attr == "__dict__":
            return self.temp(node, base[:1], "its fields read through .__dict__", "fields")  # the whole object
        return [("a", base[0], node.attr)]

    def e_Subscript(self, node, ctx):
        base = self.expr(node.value, ctx)
        self.expr(node.slice, ctx)
        key = literal_value(node.slice)
        if isinstance(key, str) and base:
            t = self.temp(node, base, f"read key {key!r}", f"read:{key!r}")
            if len(base) == 1 and base[0][0] == "n":
                self.f.types.append((t[0], ("item", base[0])))  # caches["default"]: an item of a library registry
            elif len(base) == 1 and base[0][0] in ("a", "f") and base[0][2] == "cleaned_data":
                # form.cleaned_data["account"], self.cleaned_data[...]: the value of the form's field.
                self.f.types.append((t[0], ("form_field", (base[0][0], base[0][1], key))))
            if not in_settings(node.value):
                self.maybe_infer(node, key, t[0], self.code_text(node), holder_name(node.value))
            return t
        prefix = short_prefix(node.slice)
        if prefix is not None and base:
            return self.temp(node, base, f"cut to its first {prefix} characters", f"prefix:{prefix}")
        choices = self.key_names(node.slice)
        if choices and base:
            t = self.temp(node, base, f"read key {node.slice.id}")
            for choice in choices:
                self.maybe_infer(node, choice, t[0], f"{self.code_text(node.value)}[{json.dumps(choice)}]")
            return t
        return base

    def e_JoinedStr(self, node, ctx):
        refs = []
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                refs.extend(self.expr(v.value, ctx))
                if v.format_spec is not None:
                    refs.extend(self.expr(v.format_spec, ctx))
        return self.temp(node, refs, "formatted into an f-string", "str")

    def e_BinOp(self, node, ctx):
        if isinstance(node.op, ast.Sub) and is_set_expr(node.left):
            # set(params) - set(response.result): what is left of the left set, nothing of the right.
            self.expr(node.right, ctx)
            return self.temp(node, self.expr(node.left, ctx), "set difference", None)
        refs = self.expr(node.left, ctx) + self.expr(node.right, ctx)
        desc, op = ("formatted into a string", "str") if isinstance(node.op, ast.Mod) else \
            ("combined into an expression", "arith")
        if isinstance(node.op, ast.Add):
            desc, op = "concatenated", None
        return self.temp(node, refs, desc, op)

    def e_BoolOp(self, node, ctx):
        out = []
        last = len(node.values) - 1
        for i, v in enumerate(node.values):
            refs = self.expr(v, ctx)
            # `res and res.info["action"]`: an operand before the last comes out only when it is
            # falsy (None, "", an empty list), which carries no data; `x or default` is either.
            if isinstance(node.op, ast.Or) or i == last:
                out.extend(refs)
        return out

    def e_IfExp(self, node, ctx):
        self.expr(node.test, ctx)
        return self.expr(node.body, ctx) + self.expr(node.orelse, ctx)

    def e_Compare(self, node, ctx):
        # A comparison yields a bool: no data flows through it.
        self.expr(node.left, ctx)
        for c in node.comparators:
            self.expr(c, ctx)
        return []

    def e_UnaryOp(self, node, ctx):
        refs = self.expr(node.operand, ctx)
        return [] if isinstance(node.op, ast.Not) else refs

    def e_NamedExpr(self, node, ctx):
        refs = self.expr(node.value, ctx)
        self.assign(node.target, refs, node.value, ctx, node, ())
        return [self.read_ref(ctx, node.target.id)]

    def _container(self, node, ctx, elts, desc):
        refs = []
        for e in elts:
            refs.extend(self.expr(e, ctx))
        return self.temp(node, refs, desc, "list")

    def e_List(self, node, ctx):
        return self._container(node, ctx, node.elts, "put in a list")

    def e_Tuple(self, node, ctx):
        """Each item under its position: ``(field, value)[0]`` is the field, not the value."""
        if any(isinstance(e, ast.Starred) for e in node.elts):
            return self._container(node, ctx, node.elts, "put in a tuple")
        t = ("t", self.new_id(node))
        for i, e in enumerate(node.elts):
            self.flow_all(self.expr(e, ctx), t, "put in a tuple", node.lineno, f"put:{i!r}")
        return [t]

    def e_Set(self, node, ctx):
        return self._container(node, ctx, node.elts, "put in a set")

    def e_Dict(self, node, ctx):
        t = ("t", self.new_id(node))
        any_flow = False
        for k, v in zip(node.keys, node.values):
            if k is not None:
                self.expr(k, ctx)
            refs = self.expr(v, ctx)
            key = literal_value(k) if k is not None else None
            if k is None:  # {**info, "error": e}: info's entries, under their own keys
                desc, op = "its entries copied into a dict", None
            elif isinstance(key, (str, int)):
                desc, op = f"put in a dict under key {key!r}", f"put:{key!r}"
            else:
                desc, op = "put in a dict", "list"
            for r in refs:
                self.edge(r, t, desc, v.lineno, op)
                any_flow = True
        return [t] if any_flow else []

    def _comprehension(self, node, ctx, elts, desc):
        # Its loop variables are its own: the enclosing function's values come back after it.
        before = dict(self.vers)
        keys_before = self.loop_keys
        targets = stored_names([gen.target for gen in node.generators])
        for gen in node.generators:
            refs = self.expr(gen.iter, ctx)
            self.bind_loop_keys(gen.target, gen.iter)
            self.loop_target(gen.target, gen.iter, refs, ctx, gen.iter)
            tref = self.target_ref(gen.target, ctx)
            if tref is not None:
                for r in refs:
                    self.f.types.append((tref, ("ref", r)))
            for cond in gen.ifs:
                self.expr(cond, ctx)
        loop_ctx = ctx.inner(loop=ctx.loop + 1)
        refs = []
        if isinstance(node, ast.DictComp) and (names := self.key_names(node.key)):
            # {k: payer[k] for k in ("iban", "bic")}: each value sits under one of those names.
            self.expr(node.key, loop_ctx)
            values = self.expr(node.value, loop_ctx)
            t = ("t", self.new_id(node))
            op = "put:" + KEY_SEP.join(repr(n) for n in names)
            self.flow_all(values, t, f"put in a dict under {', '.join(map(repr, names))}", node.lineno, op)
            refs = [t] if values else []
            elts = ()
        for e in elts:
            refs.extend(self.expr(e, loop_ctx))
        self.loop_keys = keys_before
        for name in targets:
            if name in before:
                self.vers[name] = before[name]
            else:
                self.vers.pop(name, None)
        if not elts:
            return refs
        return self.temp(node, refs, desc, "collect")

    def e_ListComp(self, node, ctx):
        return self._comprehension(node, ctx, [node.elt], "collected in a list")

    def e_SetComp(self, node, ctx):
        return self._comprehension(node, ctx, [node.elt], "collected in a set")

    def e_GeneratorExp(self, node, ctx):
        return self._comprehension(node, ctx, [node.elt], "collected in a generator")

    def e_DictComp(self, node, ctx):
        copied = filtered_copy(node)
        if copied is not None:
            # {k: v for k, v in d.items() if k in keys}: d's entries under their own keys.
            return self.temp(node, self.expr(copied, ctx), "copied entries of a dict", None)
        return self._comprehension(node, ctx, [node.key, node.value], "collected in a dict")

    def e_Lambda(self, node, ctx):
        sid = f"{ctx.scope}.<lambda:{node.lineno}:{node.col_offset}>"
        scope = self.add_scope(sid, "function", ctx.scope)
        positional = [a.arg for a in node.args.posonlyargs + node.args.args]
        params = tuple(positional + [a.arg for a in node.args.kwonlyargs])
        scope.locals.update(params)
        self.f.functions[sid] = FunctionFact(sid, "<lambda>", node.lineno, node.col_offset + 1, None, params, "lambda",
                                             len(positional))
        inner = Ctx(sid, ctx.class_qual, ctx.self_name, ctx.guards, ctx.loop, sid)
        self.flow_all(self.expr(node.body, inner), ("r", sid), "returned", node.lineno)
        return [("r", sid)]

    def e_Await(self, node, ctx):
        return self.expr(node.value, ctx)

    def e_Yield(self, node, ctx):
        refs = self.expr(node.value, ctx)
        if ctx.func is not None:
            self.flow_all(refs, ("r", ctx.func), "yielded", node.lineno)
            if len(refs) == 1 and isinstance(node, ast.Yield) and isinstance(node.value, (ast.Call, ast.Name, ast.Attribute)):
                # for exporter in init_exporters(): the class of what the generator yields, as a
                # loop over a queryset is of its model.
                self.f.types.append((("r", ctx.func), ("ref", refs[0])))
        return []

    e_YieldFrom = e_Yield

    def e_Starred(self, node, ctx):
        return self.expr(node.value, ctx)

    def e_Call(self, node, ctx):
        reads = self._getattr_reads(node, ctx)
        if reads is not None:
            return reads
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ERROR_HANDLER_REGISTRATIONS:
            self._error_handler_registered(node)
        receiver = None
        if isinstance(func, ast.Attribute):
            if ctx.self_name and isinstance(func.value, ast.Name) and func.value.id == ctx.self_name:
                receiver = ("n", ctx.scope, ctx.self_name)
                fref = ("f", ctx.class_qual, func.attr)
            else:
                base = self.callee_ref(func.value, ctx)
                if base is None:
                    refs = self.expr(func.value, ctx)
                    base = refs[0] if len(refs) == 1 else (self.temp(func.value, refs, "combined") or [None])[0]
                receiver = base
                fref = ("a", base, func.attr) if base is not None else None
        elif isinstance(func, ast.Name) and ctx.self_name and func.id == ctx.self_name and ctx.class_qual:
            fref = ("k", ctx.class_qual)  # cls(...) in a classmethod
        else:
            fref = self.callee_ref(func, ctx)
        args = []
        pos_consts = []
        strings: list[str] = []
        names: list[str] = []
        # sorted(kwargs), ", ".join(kwargs): the keywords' names.
        iterates = len(node.args) == 1 and (isinstance(func, ast.Name) and func.id in ORDERINGS
                                            or isinstance(func, ast.Attribute) and func.attr == "join")
        for i, a in enumerate(node.args):
            if iterates and self.is_keyword_mapping(a, ctx):
                args.append((i, ()))
                pos_consts.append(NOT_LITERAL)
                continue
            if isinstance(a, ast.Starred):
                args.append(("*", tuple(self.expr(a.value, ctx))))
                pos_consts.append(NOT_LITERAL)
                continue
            args.append((i, tuple(self.expr(a, ctx))))
            pos_consts.append(literal_value(a))
            url_parts(a, i, strings, names)
        consts = {}
        # "{url}/{owner}".format(**creds): only the entries the template names are in the text.
        fields = format_fields(func.value.value) if isinstance(func, ast.Attribute) and func.attr == "format" \
            and isinstance(func.value, ast.Constant) and isinstance(func.value.value, str) else None
        for kw in node.keywords:
            key = kw.arg if kw.arg is not None else "**"
            if key == "**" and fields is not None:
                refs = self.expr(kw.value, ctx)
                for name in dict.fromkeys(fields):
                    args.append((name, tuple(self.temp(kw.value, refs, f"read key {name!r}", f"read:{name!r}"))))
                continue
            args.append((key, tuple(self.expr(kw.value, ctx))))
            if kw.arg is not None:
                consts[kw.arg] = literal_value(kw.value)
                url_parts(kw.value, kw.arg, strings, names)
        cid = self.new_id(node)
        if self.loop_owner is not None:
            self.f.loop_owners[cid] = self.loop_owner
        if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str) and \
                (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")) in ("SMTP", "SMTP_SSL"):
            self.f.relay_hosts.append((node.lineno, node.args[0].col_offset + 1, node.args[0].value))  # smtplib.SMTP(host)
        if isinstance(func, ast.Attribute) and func.attr in ("delete", "update"):
            if self._aged(func.value):
                self.f.aged_calls.add(cid)
            elif isinstance(func.value, ast.Call):
                self.f.query_chains[cid] = chain_methods(func.value)
        elif any(self._aged(arg) for arg in node.args):
            self.f.aged_calls.add(cid)  # batch_delete(stale_tokens): a helper given records past an age
        end_line = getattr(node, "end_lineno", None) or node.lineno
        end_col = self.col(end_line, getattr(node, "end_col_offset", None) or node.col_offset)
        fact = CallFact(
            cid, ctx.scope, node.lineno, self.col(node.lineno, node.col_offset), end_line, end_col,
            fref, short(func), tuple(args), {k: v for k, v in consts.items() if v is not NOT_LITERAL},
            tuple(pos_consts), tuple(strings), tuple(names),
            ctx.guards, ctx.loop, receiver,
        )
        if isinstance(func, ast.Attribute) and func.attr in ("get", "getlist", "pop", "setdefault") and node.args:
            fact.key_param = self.is_parameter_key(node.args[0], ctx)
        self.f.calls.append(fact)
        # get_email(), fetch_phone_number(), getpass.getpass(): the name says what comes back.
        called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        said = "password" if called == "getpass" else GETTER.match(called)
        if said:
            what = said if isinstance(said, str) else said.group(1)
            # locale.get_display_name(): what the holder is says whose name it is.
            holder = holder_name(func.value) if isinstance(func, ast.Attribute) else ""
            self.maybe_infer(node, what, ("c", cid), f"{called}()", holder)
        # `.get("email")` reads a personal key.
        if isinstance(func, ast.Attribute) and func.attr in ("get", "getlist", "pop", "setdefault") and node.args:
            environ = ENVIRONMENT_READ.search(short(func.value))  # os.environ.get("SMTP_PASSWORD"): a setting
            holder = short(func.value).rsplit(".", 1)[-1]
            settings = in_settings(func.value)
            # Logger.get("emails"), Role.get("email"): a class looks an object up by its name.
            by_name = CLASS_NAME.fullmatch(holder) is not None
            for key in self.key_names(node.args[0]):
                if not (environ and CONSTANT_NAME.fullmatch(key)) and not settings and not by_name:
                    self.maybe_infer(node, key, ("c", cid), f"{self.code_text(func.value)}.{func.attr}({json.dumps(key)})",
                                     holder_name(func.value))
        return [("c", cid)]

    def sink_like_call(self, node, kind: str, refs, ctx: Ctx, raised: Ref | None = None,
                       receiver: Ref | None = None, display: str | None = None) -> None:
        """A statement that behaves as a call: ``raise X(...)`` is ``raise(X(...))``, and
        ``jar[k] = v`` is ``<item>(v)`` on ``jar``."""
        outer, self.cur = self.cur, ctx.scope
        cid = self.new_id(node)
        self.cur = outer
        self.f.calls.append(CallFact(
            cid, ctx.scope, node.lineno, self.col(node.lineno, node.col_offset), node.end_lineno or node.lineno,
            self.col(node.end_lineno or node.lineno, node.end_col_offset or 0), ("n", "", f"<{kind}>"),
            display or kind, ((0, tuple(refs)),), {}, (NOT_LITERAL,),
            (), (), ctx.guards, ctx.loop, receiver, raised,
        ))
