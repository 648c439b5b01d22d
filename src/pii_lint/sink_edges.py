"""Sinks in the graph: calls that log, store, send or set cookies, the functions that wrap
them, and the errors that reach a log or only the user."""

from __future__ import annotations

from dataclasses import replace

from .edges import SinkInfo, node_name, statement_call
from .facts import CallFact, FunctionFact, ModuleFacts
from .idioms import INTRA, NOT_TEXT
from .value_types import _param_names

# Where print(file=...) still reaches the console: sys.stderr, a command's self.stdout.
STANDARD_STREAMS = frozenset({"stdout", "stderr", "__stdout__", "__stderr__"})


class SinkEdges:
    """Sinks: the calls that log, store, send or set cookies, and the functions that wrap them."""

    def _returned_sinks(self) -> None:
        """``return line + f" user={record.request.user.email}"`` in a logging.Formatter's format():
        what an override of a method the pack lists in ``returned_sinks`` returns is written
        out by the library (the log line), reported at the return."""
        returned = self.pack.info.returned_sinks
        if not returned:
            return
        for scope, fn in sorted(self.p.functions.items()):
            if fn.kind != "method" or fn.class_qual is None:
                continue
            kind = next((returned[m] for m in self._overridden_library_methods(scope) if m in returned), None)
            ret = f"r|{scope}"
            lines = sorted(d["at"] for d in self.g._pred.get(ret, {}).values() if d.get("at"))
            if kind is None or not lines:
                continue
            path, line = lines[0]
            mod = self.p.function_module[scope]
            call = statement_call(f"{scope}|{line}:ret", scope, line, f"{fn.class_qual.rsplit('.', 1)[-1]}.{fn.name}() return")
            node = f"s|{call.id}|{kind}"
            self.add_edge(ret, node, INTRA, "returned to the logging framework", (path, line))
            self.sinks.append(SinkInfo(node, call, mod, kind, "<returned>", []))

    def _drop_nested_sinks(self) -> None:
        """``client.send(Mail(to_emails=email))``: a message built by one SDK sink call and
        handed straight to another of the same SDK on the same line is one transfer, reported
        at the outer call. (Stores and files keep both: ``session.execute(insert(T).values(...))``
        may show the outer call less than the inner.)"""
        by_node = {s.node: s for s in self.sinks}
        nested = set()
        for s in self.sinks:
            for succ in self.g._succ.get(f"c|{s.call.id}", ()):
                outer = by_node.get(succ)
                if outer is not None and outer is not s and s.kind == outer.kind == "sdk" and outer.call.line == s.call.line \
                        and {x.sdk for x in s.sinks} == {x.sdk for x in outer.sinks}:
                    nested.add(s.node)
        if nested:
            self.sinks = [s for s in self.sinks if s.node not in nested]

    def _wrapped_sinks(self, kinds=("file", "log"), depth: int = 3) -> None:
        """A project function that writes one of its parameters out (oscar's
        UnicodeCSVWriter.writerow) is such a sink where it is called: that call site is where
        the rows are written, inside a loop over records or not. Wrappers of wrappers too."""
        frontier = [s for s in self.sinks if s.kind in kinds]
        done = set()
        for _ in range(depth):
            found = []
            for sink in frontier:
                fn = self.p.functions.get(sink.call.scope)
                if fn is None:
                    continue
                if not self._forwards(sink, fn):
                    continue
                params = self._params_reaching(sink.node, fn)
                if params and self._calls_into.get(fn.scope):
                    # Flows through these parameters are reported where the function is called.
                    self.wrapper_params[sink.node] = frozenset(f"v|{fn.scope}|{p}" for p in params)
                for call, mod, bound in self._calls_into.get(fn.scope, ()):
                    node = f"s|{call.id}|{sink.kind}"
                    if not any(bound.get(p) for p in params):
                        continue
                    for param in sorted(params):
                        for ref in bound.get(param, ()):
                            src = self.resolve(ref)
                            if not src.startswith("q|"):
                                self.add_edge(src, node, INTRA, f"written out by {call.display}()", (mod.path, call.line))
                    if node not in done:  # one sink per call site, whatever the wrapper's sinks inside
                        done.add(node)
                        found.append(SinkInfo(node, call, mod, sink.kind, sink.qual, sink.sinks))
            self.sinks.extend(found)
            frontier = found

    def _forwards(self, sink: SinkInfo, fn: FunctionFact) -> bool:
        """Whether ``fn`` only passes on what its caller gives: the sink's first argument (the
        message, the row) or a ``*args``/``**kwargs`` it forwards is one of ``fn``'s parameters
        (``def log(self, level, msg, *args): self._logger.log(level, msg, *args)``). A function
        that writes a message of its own (``log.info("booking for %s", phone)``) is reported
        itself."""
        prefix, names = f"v|{fn.scope}|", _param_names(fn)
        for key, refs in sink.call.args:
            if key in (0, "*", "**"):
                for ref in refs:
                    node = self.resolve(ref)
                    for _ in range(4):  # through list(row), assignments
                        if node.startswith(prefix) and node[len(prefix):] in names:
                            return True  # the parameter itself: a later version may hold another value
                        preds = [src for src, d in self.g._pred.get(node, {}).items()
                                 if d["k"] == INTRA and not d.get("op")]
                        if len(preds) != 1:
                            break
                        node = preds[0]
        return False

    def _params_reaching(self, sink_node: str, fn: FunctionFact) -> set[str]:
        """Parameters of ``fn`` (not its receiver) that ``fn`` forwards to ``sink_node`` as they
        are. One it formats into a message of its own (``raise NotFound(f"no {email}")``) is
        written by ``fn``, and reported there."""
        prefix = f"v|{fn.scope}|"
        receiver = fn.params[0] if fn.class_qual and fn.kind == "method" and fn.params else None
        names = _param_names(fn) - {receiver}
        seen = {sink_node}
        queue = [sink_node]
        found = set()
        while queue:
            node = queue.pop()
            for src, data in self.g._pred[node].items():
                if src in seen or data["k"] != INTRA or data.get("op") in ("str", "arith", NOT_TEXT):
                    continue  # NOT_TEXT: only a record passes the guard, and fn's own sink reports it
                seen.add(src)
                if src.startswith(prefix) and src[len(prefix):] in names:
                    found.add(src[len(prefix):])  # not `resource#2 = narrowed(resource)`: reached by its steps
                if src.startswith((prefix, f"t|{fn.scope}|", f"c|{fn.scope}|", f"a|{prefix}")):
                    queue.append(src)
        return found

    def _is_cookie_jar(self, ref) -> bool:
        """``response.cookies``, a ``SimpleCookie``, or Flask's ``session`` (a signed cookie
        unless configured otherwise); Django's ``request.session`` is kept on the server."""
        node = self.resolve(ref)
        if node.startswith("q|"):
            kind = node[2:]
        elif node.split("#", 1)[0].endswith("|cookies"):
            return True
        else:
            kind = self.type_of(node)
        return bool(kind) and self.pack.is_cookie_jar(kind) and kind not in self._server_side_sessions()

    def _server_side_sessions(self) -> set[str]:
        """Cookie jars the project moves to the server: Flask's session once ``Session(app)`` of
        Flask-Session set it up (the pack's ``session_stores``)."""
        if self._server_sessions is None:
            stores = self.pack.info.session_stores
            last_names = {q.rsplit(".", 1)[-1] for q in stores}
            self._server_sessions = set()
            for call in self._calls_by_id.values() if stores else ():
                if call.display.rsplit(".", 1)[-1] not in last_names:
                    continue  # only Session(app), init_app(app)... can set a store up
                kind, qual = self.callee(call)
                if kind == "ext" and qual in stores:
                    self._server_sessions.update(stores[qual])
            if self._own_session_interface():
                self._server_sessions.update(("flask.session", "flask.globals.session"))
        return self._server_sessions

    def _own_session_interface(self) -> bool:
        """``session_interface = RedisSessionInterface()`` on the app (or its Flask subclass):
        a session interface other than Flask's signed cookie keeps the session on the server."""
        for node in self.g:
            if not (node.startswith(("a|", "f|")) and node.endswith("|session_interface")):
                continue
            for src in self.g._pred[node]:
                call = self._calls_by_id.get(src[2:]) if src.startswith("c|") else None
                if call is None:
                    continue
                kind, qual = self.callee(call)
                lineage = self.mro(qual) if kind == "class" else [qual] if kind == "ext" else []
                if lineage and not any(c.endswith("SecureCookieSessionInterface") for c in lineage):
                    return True
        return False

    def _user_facing_error(self, raised) -> bool:
        """A validation error: its message is shown to the person who typed the value. So is
        a project's own exception class that the project catches only to show it (misago's
        MassActionError, caught and put in `messages.error`)."""
        if raised is None:
            return False
        target = self.resolve(raised)
        if not target.startswith("q|"):
            target = self.type_of(target) or ""  # `raise err` of a known class
            if not target:
                return False
        else:
            target = target[2:]
        if target in self.p.classes and self._shown_errors().intersection(
                c.rsplit(".", 1)[-1] for c in self.mro(target) if c in self.p.classes):
            return True
        return any(self.pack.is_user_facing_error(c) for c in self.mro(target))

    def _shown_errors(self) -> set[str]:
        """Names of exception classes some handler shows to the user and none logs or raises
        again. A handler that raises another error instead hands the message on: it reaches a
        log when that error is logged, or is no project error that some handler catches (it
        goes up to the framework, which logs it), nor one the pack knows is shown."""
        if self._shown is None:
            mods = self.p.modules.values()
            logged = set().union(*(m.logged_errors for m in mods))
            caught = set().union(*(m.caught_errors for m in mods))
            own = {q.rsplit(".", 1)[-1] for q in self.p.classes}
            shown_by_pack = self.pack.user_facing_error_names
            forwards = sorted(set().union(*(m.forwarded_errors for m in mods)))
            changed = True
            while changed:
                changed = False
                for name, raised in forwards:
                    if name not in logged and raised not in shown_by_pack and (
                            raised in logged or raised not in caught or raised not in own):
                        logged.add(name)
                        changed = True
            self._shown = set().union(*(m.shown_errors for m in mods)) - logged
        return self._shown

    def _redirected(self, call: CallFact, mod: ModuleFacts, sinks: list) -> list:
        """``print(line, file=results)``: the line is written into ``results`` (a buffer, a
        file, a reply being built), not to the console; which sinks are left."""
        keywords = {k for s in sinks for k in s.redirect}
        for key, refs in call.args:
            if key not in keywords:
                continue
            targets = [self.resolve(r) for r in refs]
            if not targets or any(node_name(t).rsplit(".", 1)[-1] in STANDARD_STREAMS for t in targets):
                return sinks
            at = (mod.path, call.line)
            for position, values in call.args:
                if not isinstance(position, int) and position != "*":
                    continue  # sep=, end=, the stream itself
                for ref in values:
                    value = self.resolve(ref)
                    for target in targets:
                        if not value.startswith("q|") and not target.startswith("q|"):
                            self.add_edge(value, target, INTRA, f"printed into {node_name(target)}", at)
            return [s for s in sinks if not s.redirect]
        return sinks

    def _sink(self, call: CallFact, mod: ModuleFacts, qual: str, sinks=()) -> None:
        """``raise X(...)`` comes without pack entries: an exception message is a log."""
        kind = sinks[0].kind if sinks else "log"
        node = f"s|{call.id}|{kind}"
        self.add_node(node)
        at = (mod.path, call.line)
        label = call.display if qual != "<raise>" else "an exception message"
        wanted = {arg for s in sinks for arg in s.args} if sinks else {"*"}
        keywords = sorted(k for k in wanted if isinstance(k, str) and k not in ("*", "receiver"))
        references = self._relation_columns(call) if kind == "storage" else ()
        for key, refs in call.args:
            if key in references:
                continue  # transactions.create(refund=refund): a foreign key stores the refund's key
            if key == "**" and "*" not in wanted and keywords:
                # send_templated_mail(**data): the entries under the keywords that carry data,
                # not data["recipient_list"].
                for r in refs:
                    src = self.resolve(r)
                    if src.startswith("q|"):
                        continue
                    for kw in keywords:
                        entry = f"{node}|{kw}"
                        self.add_edge(src, entry, INTRA, f"read as {kw}=", at, op=f"read:{kw!r}")
                        self.add_edge(entry, node, INTRA, f"passed to {label}", at)
                continue
            if "*" in wanted or key in wanted or key in ("*", "**"):
                for r in refs:
                    src = self.resolve(r)
                    if not src.startswith("q|"):
                        self.add_edge(src, node, INTRA, f"passed to {label}", at)
        # raise self.SaleNotAllowed(): the object the exception class is looked up on is not its message.
        if call.receiver is not None and ("receiver" in wanted or (kind == "log" and qual != "<raise>")):
            recv = self.resolve(call.receiver)
            if not recv.startswith("q|"):
                self.add_edge(recv, node, INTRA, f"logged by {label}" if kind == "log" else f"sent by {label}", at)
        self.sinks.append(SinkInfo(node, call, mod, kind, qual, list(sinks)))
        if kind == "storage":
            self._note_stored_fields(call, mod, qual)
            self._posted_credentials(call, mod, node)

    def _posted_credentials(self, call: CallFact, mod: ModuleFacts, node: str) -> None:
        """``credit_card_form.save()`` of a ModelForm: the credential columns of its model that the
        form includes (a card number, a password) are written as they were posted."""
        form = self.type_of(self.resolve(call.receiver)) if call.receiver is not None else None
        found = self.form_meta(form) if form in self.p.classes else None
        if found is None:
            return
        meta, model = found
        creds = self.pack.info.credentials
        short = form.rsplit(".", 1)[-1]
        for c in self.mro(model):
            fact = self.p.classes.get(c)
            for name in sorted(fact.fields) if fact is not None else ():
                cats, inferred = self.field_categories.get((c, name), ((), False))
                cats = tuple(cat for cat in cats if self.pack.is_under(cat, creds))
                if not cats or name in meta.meta_exclude or (meta.meta_fields is not None and name not in meta.meta_fields):
                    continue
                src = f"src|{call.id}|{name}"
                self.sources[src] = {"categories": cats, "label": f"{short}'s {name}", "inferred": inferred,
                                     "path": mod.path, "line": call.line, "col": call.col, "how": "name" if inferred else "tag",
                                     "column": f"{c}.{name}"}
                self.add_edge(src, node, INTRA, f"posted into {short} and saved as {c.rsplit('.', 1)[-1]}.{name}", (mod.path, call.line))

    def _attribute_store(self, call: CallFact, mod: ModuleFacts) -> None:
        """``scope.user = {...}`` on a Sentry scope, ``record.email = ...`` on a log record: an
        assignment the pack declares a sink (callee ``<type>.<attribute>=``)."""
        recv = self.resolve(call.receiver)
        t = self.type_of(recv) if not recv.startswith("q|") else None
        if not t or t in self.p.classes:
            return
        qual = f"{t}.{call.func[2][5:-1]}="
        sinks = self.pack.sinks_for(qual)
        if sinks:
            self._sink(replace(call, receiver=None), mod, qual, sinks)  # the value assigned, not the object

    def _sanitizer_parameter(self, ref) -> bool:
        """A parameter of a project function the pack names a sanitizer (mask_*, hash_*)."""
        if ref[0] != "n" or ref[1] not in self.p.functions or ref[2] not in self.p.functions[ref[1]].params:
            return False
        sanitizer = self.pack.sanitizer_for(ref[1]) or self.pack.sanitizer_for(ref[1].rsplit(".", 1)[-1])
        return sanitizer is not None and sanitizer.kind != "cast"

    def _callback_sink(self, call: CallFact, mod: ModuleFacts, qual: str, keywords: list[str]) -> None:
        """``sentry_sdk.init(before_send=scrub)``: what ``scrub`` returns is what the tracker
        receives, so its return value reaches a log-kind sink at the set-up call."""
        node = f"s|{call.id}|callback"
        at = (mod.path, call.line)
        for key, refs in call.args:
            if key not in keywords:
                continue
            for ref in refs:
                target = self.resolve(ref)
                if target.startswith("q|") and target[2:] in self.p.functions:
                    self.add_edge(f"r|{target[2:]}", node, INTRA, f"returned to {call.display} as {key}", at)
        if node in self.g:
            self.sinks.append(SinkInfo(node, call, mod, "log", qual, []))

    def _provider_response(self, call: CallFact, mod: ModuleFacts, result: str) -> None:
        """``intent = stripe.PaymentIntent.retrieve(id)``: the provider's record of the payment
        and its payer, a whole payload (an entry read from it is personal only by its name)."""
        node = f"src|{result}"
        self.sources[node] = {
            "categories": ("user",), "label": f"{call.display}()", "inferred": True,
            "path": mod.path, "line": call.line, "col": call.col, "how": "name",
        }
        self.add_edge(node, result, INTRA, "returned by the provider", None)
