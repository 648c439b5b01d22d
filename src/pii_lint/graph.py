"""Module summaries -> one networkx DiGraph of how values flow through the project.

Pure: no parsing here. Node ids are strings:
    v|scope|name   a variable            f|Class|attr  a class attribute (field)
    c|call_id      a call's result       t|temp_id     a built value (f-string, dict)
    r|scope        a function's return   a|base|attr   attribute of an untyped value
    src|id         a source              rec|Class     a whole record of Class
    s|call_id|kind a sink
Edges carry ``k`` (kind: intra, call, return, summary), ``d`` (what happened), ``at``
((path, line)) and ``san`` (index of the sanitizer the edge passes through, or -1).
"""

from __future__ import annotations

import fnmatch
from collections import defaultdict, deque
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import networkx as nx

from . import erasure
from .facts import ANONYMISED, CallFact, ClassFact, FunctionFact, ModuleFacts
from .idioms import (
    ANSWERS, CALL, CONTAINERS, EXCEPTION_CLASS, INTRA, KEY_READERS, MERGERS, MESSAGE_KEYWORDS, MUTATORS, NO_DATA_METHODS,
    NOT_TEXT, RETURN, SERIALISERS, STRINGIFIERS,
)
from .names import NameResolution
from .orm import ModelSemantics
from .value_types import ValueTypes, _param_names, bind_arguments

# Running a program answers with what it prints, not with its arguments.
PROCESS_RUNNERS = frozenset({"subprocess.run", "subprocess.check_output", "subprocess.call", "subprocess.check_call",
                             "subprocess.Popen", "subprocess.getoutput", "subprocess.getstatusoutput", "os.popen",
                             "os.system", "asyncio.create_subprocess_exec", "asyncio.create_subprocess_shell"})
# Columns that keep whatever text they are given.
TEXT_COLUMNS = frozenset({"CharField", "TextField", "JSONField", "String", "Text", "Unicode", "UnicodeText", "JSON",
                          "JSONB", "Column", "mapped_column"})


def _short_ref(ref) -> str:
    """``log.warning`` for the ref of ``log.warning``: how a call through partial() is named."""
    if ref[0] == "a":
        base = _short_ref(ref[1])
        return f"{base}.{ref[2]}" if base else ref[2]
    if ref[0] in ("n", "f"):
        return ref[2].split("#", 1)[0]
    return ""


class Edge:
    """One edge's data, read as networkx edge data is (``data["d"]``, ``data.get("at")``):
    slots instead of a dict per edge, a third of the size on graphs of 100k edges.

    ``k`` kind (INTRA, CALL, RETURN), ``d`` description, ``at`` (path, line) or None,
    ``san`` the sanitiser's rank (-1: none), ``site`` the call site, ``op`` the operation."""

    __slots__ = ("k", "d", "at", "san", "site", "op")

    def __init__(self, k, d, at, san, site, op) -> None:
        self.k, self.d, self.at, self.san, self.site, self.op = k, d, at, san, site, op

    def __getitem__(self, key: str):
        return getattr(self, key)

    def get(self, key: str, default=None):
        return getattr(self, key, default)


# Nodes carry no attributes: one read-only mapping serves them all.
NO_ATTRIBUTES = MappingProxyType({})


@dataclass
class CallSite:
    call: CallFact
    module: ModuleFacts
    bound: dict[str, tuple]  # param -> refs


SINGLE_RELATIONS = frozenset({"ForeignKey", "OneToOneField", "ParentalKey"})  # one related record, not a manager


def _statement_call(cid: str, scope: str, line: int, display: str) -> CallFact:
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


@dataclass
class Project:
    modules: dict[str, ModuleFacts]  # by module name
    scopes: dict = field(default_factory=dict)
    classes: dict[str, ClassFact] = field(default_factory=dict)
    functions: dict[str, FunctionFact] = field(default_factory=dict)
    class_module: dict[str, ModuleFacts] = field(default_factory=dict)
    function_module: dict[str, ModuleFacts] = field(default_factory=dict)

    @classmethod
    def build(cls, facts: list[ModuleFacts]) -> "Project":
        project = cls({f.module: f for f in facts if f.error is None})
        for mod in project.modules.values():
            project.scopes.update(mod.scopes)
            project.classes.update(mod.classes)
            project.functions.update(mod.functions)
            for q in mod.classes:
                project.class_module[q] = mod
            for q in mod.functions:
                project.function_module[q] = mod
        return project


def _holds(when: dict, call: CallFact) -> bool:
    """A sink's condition on literal arguments (``content_type="text/csv"``): every key given
    a literal that matches one of its globs."""
    for key, globs in when.items():
        value = call.consts.get(key) if isinstance(key, str) else (
            call.pos_consts[key] if key < len(call.pos_consts) else None)
        if not isinstance(value, str) or not any(fnmatch.fnmatchcase(value.lower(), g) for g in globs):
            return False
    return True


def _cleaned(kind: str, display: str) -> str:
    """The path step of a sanitizer: ``hash`` -> "cleaned by hashlib.sha256() (hash)"."""
    return f"cleaned by {display}() ({kind})"


class GraphBuilder(NameResolution, ValueTypes, ModelSemantics):
    """Resolves the symbolic refs of every module and adds the edges."""

    def __init__(self, project: Project, pack, settings) -> None:
        self.p = project
        self.pack = pack
        self.settings = settings
        self._class_aliases = self._find_class_aliases()
        self._arguments: dict[str, list] = defaultdict(list)  # parameter node -> argument refs
        self._bindings: dict[tuple, tuple] = {}  # (call, callee, bound receiver) -> bind_arguments()
        self.infer = settings.infer is True
        self.g = nx.DiGraph()
        self._resolved: dict = {}
        self._types: dict[str, str | None] = {}
        self._type_facts: dict[str, list] = defaultdict(list)
        self._mro: dict[str, list[str]] = {}
        self._qual_cache: dict[str, str] = {}
        self.call_sites: dict[str, list[CallSite]] = defaultdict(list)
        self._calls_into: dict[str, list[tuple]] = defaultdict(list)  # callee -> (call, module, bound arguments)
        self.stored_writes: dict[tuple[str, str], list[str]] = defaultdict(list)  # (model, column) -> values
        self.wrapper_params: dict[str, frozenset] = {}  # sink inside a wrapper -> its parameters' nodes
        self._inferred_attrs: list[tuple[str, str, str]] = []  # untyped `x.email` reads: node, attribute, category
        self._request_nodes: dict[str, str] = {}
        self._function_values: dict[str, set[str]] = defaultdict(set)
        self.url_literals: dict[str, str] = {}
        self._decorator_scopes: set[str] | None = None  # project functions used as decorators  # t|id -> "https://..." (a URL in the code)  # value node -> functions stored in it  # v|function|request -> flask.request
        # `from settings import smtp_password as pw`: v|function|pw -> (settings.smtp_password, category)
        self._imported: dict[str, tuple[str, str]] = {}
        self._field_writes: list[tuple] = []  # (value, field node, module, line, constructor call or None)
        self._record_class_cache: dict[str, bool] = {}
        self._classes_by_name: dict[str, list[str]] | None = None
        self._subclasses: dict[str, list[str]] | None = None
        self._reverse: dict[tuple[str, str], str] | None = None
        self._forward_by_name: dict[str, str] | None = None  # relation name -> the one model it points at
        self._override_cache: dict[str, list[str]] = {}  # method -> overriding methods of subclasses
        self._library_inits: dict[str, list] | None = None  # __init__ scope -> its super().__init__ calls
        self._classes_by_snake: dict[str, list[str]] | None = None
        self._models_by_lower: dict[str, list[str]] | None = None
        self._duck: tuple[dict, dict] | None = None  # (parameter node -> attrs used, attr -> classes)
        self._managers: dict[str, set] | None = None  # manager class name -> models declaring one
        self._server_sessions: set[str] | None = None  # cookie jars a set-up call keeps on the server
        self._shown: set[str] | None = None  # exception classes the project catches only to show them
        self._filled: dict[str, set[str]] | None = None  # function -> parameters it adds to
        self.opaque_calls: set[str] = set()  # results of calls whose callee is not known
        self._user_model: str | None = None
        self.repr_cache: dict[str, tuple | None] = {}  # class -> categories its str()/repr() shows
        self.sinks: list[SinkInfo] = []
        self.erasures: dict[str, list] = defaultdict(list)  # class -> [(path, line, how)]
        self.aged_purges: dict[str, list] = defaultdict(list)  # class -> [(path, line)]: records past an age erased
        self.aged_query_names: set[str] | None = None  # functions returning records past an age (erasure)
        self.sources: dict[str, dict] = {}  # node -> {categories, label, inferred, path, line}
        self.field_categories: dict[tuple[str, str], tuple[tuple[str, ...], bool]] = {}
        self.withdrawn_fields: set[str] = set()  # names whose inference a class's evidence withdrew
        self.warnings: list[str] = []  # configuration that has no effect, one line each
        self.bad_tags: list[tuple[str, int, str]] = []  # (path, line, message): tags naming nothing known
        self.config_fields = {}
        for qual, cats in settings.field_tags().items():
            self.config_fields[qual] = tuple(pack.normalize_category(c) for c in cats)

    # -- names ----------------------------------------------------------------
    @property
    def bindings(self) -> dict[tuple, tuple]:
        """(call id, callee scope, receiver bound) -> (parameter -> argument refs, splat) of direct calls."""
        return self._bindings

    def call_by_id(self, call_id: str) -> CallFact:
        return self._calls_by_id[call_id]

    def call_module(self, call_id: str) -> ModuleFacts:
        return self._call_module[call_id]

    def add_node(self, node: str) -> None:
        if node not in self.g._node:
            self.g._succ[node] = {}
            self.g._pred[node] = {}
            self.g._node[node] = NO_ATTRIBUTES

    def add_edge(self, src: str, dst: str, kind: str, desc: str, at, san: int = -1, site=None, op=None) -> None:
        if src == dst:
            return
        succ, pred = self.g._succ, self.g._pred
        out = succ.get(src)
        if out is None:
            # networkx's add_edge costs several microseconds an edge and the graph is built
            # here once, from scratch: write its adjacency (the layout networkx documents
            # for subclasses) directly.
            out = succ[src] = {}
            pred[src] = {}
            self.g._node[src] = NO_ATTRIBUTES
        else:
            data = out.get(dst)
            if data is not None:
                # Keep the least-sanitised, most direct description.
                if data.san != -1 and san == -1:
                    data.k, data.d, data.at, data.san, data.site, data.op = kind, desc, at, san, site, op
                return
        into = pred.get(dst)
        if into is None:
            succ[dst] = {}
            into = pred[dst] = {}
            self.g._node[dst] = NO_ATTRIBUTES
        out[dst] = into[src] = Edge(kind, desc, at, san, site, op)

    # -- build ----------------------------------------------------------------
    def build(self) -> nx.DiGraph:
        p = self.p
        self._calls_by_id = {c.id: c for m in p.modules.values() for c in m.calls}
        self._call_module = {c.id: m for m in p.modules.values() for c in m.calls}
        self.alias_user_model()  # before any name is resolved and cached
        for mod in p.modules.values():
            for ref, texpr in mod.types:
                if ref[0] in ("n", "f", "r") or texpr[0] in ("item", "form_field"):
                    self._type_facts[self.resolve(ref)].append(texpr)
        self._index_direct_calls()
        # Indexing resolved names before every class of a value could be known: forget
        # what it cached about values, and start the graph clean.
        for cache in (self._types, self._resolved, self._mro, self._qual_cache, self._record_class_cache):
            cache.clear()
        self.g.clear()
        self._inferred_attrs.clear()
        self._imported.clear()
        self._function_values.clear()
        self._declare_classes()
        for mod in sorted(p.modules.values(), key=lambda m: m.path):
            self._module_edges(mod)
        for mod in sorted(p.modules.values(), key=lambda m: m.path):
            for call in mod.calls:
                self._call(call, mod)
        self._records()
        self._attribute_sources()
        erasure.framework_deletes(self)
        erasure.anonymisers(self)
        erasure.deleting_helpers(self)
        self._credential_columns()
        self._returned_sinks()
        self._wrapped_sinks()
        self._drop_nested_sinks()
        return self.g

    def writes_in_memory(self, call: CallFact) -> bool:
        """``writer.writerow(row)`` where ``writer = csv.writer(StreamWriter(io.BytesIO()))``:
        the file written is in memory (the pack's ``memory_files``)."""
        if call.receiver is None or not self.pack.info.memory_files:
            return False
        memory = set(self.pack.info.memory_files)
        start = self.resolve(call.receiver)
        seen, frontier = {start}, [start]
        for _ in range(6):  # writer <- csv.writer(output) <- output <- StreamWriter(buf) <- buf <- io.BytesIO()
            nxt = []
            for node in frontier:
                if node.startswith("c|") and self.call_type(node[2:]) in memory:
                    return True
                for src, data in self.g._pred.get(node, {}).items():
                    if data["k"] == INTRA and src not in seen and not src.startswith(("src|", "rec|")):
                        seen.add(src)
                        nxt.append(src)
            frontier = nxt
        return False

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
            call = _statement_call(f"{scope}|{line}:ret", scope, line, f"{fn.class_qual.rsplit('.', 1)[-1]}.{fn.name}() return")
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
                        if node.startswith(prefix) and node[len(prefix):].split("#", 1)[0] in names:
                            return True
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
                if src.startswith(prefix):
                    name = src[len(prefix):].split("#", 1)[0]
                    if name in names:
                        found.add(name)
                if src.startswith((prefix, f"t|{fn.scope}|", f"c|{fn.scope}|", f"a|{prefix}")):
                    queue.append(src)
        return found

    def _credential_columns(self) -> None:
        """``user.password = raw`` writes a credential column of a stored model: a storage
        sink at the assignment (PII102 asks whether the value was hashed first)."""
        credentials = self.pack.info.credentials
        writes = []
        for n, (value, field_node, mod, line, built) in enumerate(self._field_writes):
            _, cls, attr = field_node.split("|", 2)
            cats = next((self.field_categories[(c, attr)][0] for c in self.mro(cls)
                         if (c, attr) in self.field_categories), ())
            if not self.is_orm_model(cls):
                continue
            # A credential column is storage for every rule; any other text column only for
            # what PII102 asks: self.info = json.dumps({"iban": ...}) stores a bank account in clear.
            kind = "storage" if any(self.pack.is_under(c, credentials) for c in cats) else "column"
            if kind == "column" and self._field_kind(cls, attr) not in TEXT_COLUMNS:
                continue
            writes.append((n, value, f"{cls.rsplit('.', 1)[-1]}.{attr}", mod, line, built, kind))
        # BankTransaction(payer=..., iban=..., bic=...): one sink for the record built, not one per column.
        built_kinds: dict[str, str] = {}
        for *_, built, kind in writes:
            if built is not None and built_kinds.get(built.id) != "storage":
                built_kinds[built.id] = kind
        made: set[str] = set()
        for n, value, display, mod, line, built, kind in writes:
            if built is not None:
                kind = built_kinds[built.id]
                node = f"s|{built.id}|{kind}"
                if node not in made:
                    made.add(node)
                    self.sinks.append(SinkInfo(node, built, mod, kind, built.display, []))
                self.add_edge(value, node, INTRA, f"stored in {display}", (mod.path, line))
                continue
            call = _statement_call(f"{mod.module}|{line}:w{n}", mod.module, line, display)
            node = f"s|{call.id}|{kind}"
            self.add_edge(value, node, INTRA, f"stored in {display}", (mod.path, line))
            self.sinks.append(SinkInfo(node, call, mod, kind, display, []))

    def _first_read(self, node: str) -> tuple[str, int] | None:
        """(path, line) of the first place a value is read: where a source without a
        definition of its own is reported."""
        reads = [d.at for d in self.g._succ.get(node, {}).values() if d.at]
        return min(reads) if reads else None

    def _attribute_sources(self) -> None:
        """``x.email`` on a value of unknown class is personal by its name, where it is read."""
        for node, attr, category in self._inferred_attrs:
            first = self._first_read(node)
            if first is None:
                continue
            path, line = first
            base = node[2:].rsplit("|", 1)[0].rsplit("|", 1)[-1].split("#", 1)[0]
            src = f"src|{node}"
            self.sources[src] = {
                "categories": (category,), "label": f"{base}.{attr}", "inferred": True,
                "path": path, "line": line, "col": 1, "how": "name",
            }
            self.add_edge(src, node, INTRA, "collected", None)
        for node, (label, category) in self._imported.items():
            first = self._first_read(node)
            src = f"src|{node}"
            if first is None or src in self.sources:
                continue
            path, line = first
            self.sources[src] = {
                "categories": (category,), "label": label, "inferred": True,
                "path": path, "line": line, "col": 1, "how": "name",
            }
            self.add_edge(src, node, INTRA, "collected", None)

    def _module_edges(self, mod: ModuleFacts) -> None:
        resolve = self.resolve
        for src, dst, desc, line, op in mod.edges:
            s, d = resolve(src), resolve(dst)
            if s.startswith("q|") and self._is_property(s[2:]):
                if op and op.startswith("store:"):
                    continue  # refund.info_data = err goes through the setter, not what the getter returns
                s = f"r|{s[2:]}"  # self.full_name, an @property: what its function returns
            if d.startswith("q|") and not s.startswith("q|") and self._is_property(d[2:]):
                # customer.email = x through an @email.setter: the setter's value parameter.
                setter = self.p.functions[d[2:]]
                if len(setter.params) >= 2:
                    self.add_edge(s, f"v|{setter.scope}|{setter.params[1]}", CALL,
                                  f"passed to the {setter.name} setter", (mod.path, line) if line else None)
                continue
            if s.startswith("q|") and s[2:] in self.p.functions and not d.startswith("q|"):
                self._function_values[d].add(s[2:])  # GETTERS = {"email": get_email}: a function held as a value
            if s.startswith("q|") or d.startswith("q|"):
                continue  # a definition or an external name is not a value
            if op == "each:owned" and not self._person_owned(mod.owned_iters.get(src)):
                op = "each"  # for order in event.orders.all(): an event's orders are many people's
            if op and op.startswith("store:") and s.startswith("f|"):
                continue  # an object of a known class keeps its fields apart: customer.email is not customer
            if d.startswith("f|") and self._relation_field(d):
                continue  # entry.content_object = device: the row keeps a key; reading it back is typed
            self.add_edge(s, d, INTRA, desc, (mod.path, line) if line else None, op=op)
            if d.startswith("f|") and line and not s.startswith("src|"):
                self._field_writes.append((s, d, mod, line, None))
        for fact in mod.sources:
            cats = tuple(c for c in (self._category(c, mod, fact.line) for c in fact.categories) if c) \
                if not fact.inferred else fact.categories
            if fact.inferred and (not self.infer or (fact.holder and self.pack.is_thing_holder(fact.holder))):
                continue  # repository["full_name"], table.get("owner"): an entry of a thing's record
            if not cats:
                continue
            node = f"src|{fact.id}"
            self.sources[node] = {
                "categories": cats, "label": fact.label, "inferred": fact.inferred,
                "path": mod.path, "line": fact.line, "col": fact.col,
                "how": "name" if fact.inferred else "comment",
            }
        for tid, url in mod.urls.items():
            self.url_literals[f"t|{tid}"] = url
        for sid, dst in mod.source_edges:
            node = f"src|{sid}"
            if node in self.sources and self.sources[node]["inferred"] and (
                    self._sanitizer_parameter(dst)  # mask_email(email): what callers pass, which their flows show
                    or self._known_class_says(resolve(dst))):
                del self.sources[node]
            if node in self.sources:
                self.add_edge(node, resolve(dst), INTRA, "collected", None)
        for base, attr, line in mod.blanks:
            if base[0] == "f":
                continue
            t = self.type_of(resolve(base))
            if t in self.p.classes and attr == ANONYMISED:
                self.erasures[t].append((mod.path, line, "marks the record erased"))
            elif t in self.p.classes and self.is_personal_field(t, attr):
                self.erasures[t].append((mod.path, line, f"blanks .{attr}"))

    def _known_class_says(self, node: str) -> bool:
        """Whether what ``node`` holds is known from a project class rather than its name: a
        value of that class (``for address in Address.objects.all()``), or a field of one that
        is not personal, read into it (``username = credentials["username"]`` of a
        GitCredentials), through plain assignments."""
        if self.type_of(node) in self.p.classes:
            return True
        reads, seen, todo = 0, {node}, [node]
        while todo:
            current = todo.pop()
            preds = [(b, d) for b, d in self.g._pred.get(current, {}).items() if not b.startswith("src|")]
            if not preds or len(seen) > 8:
                return False  # a parameter, a call's result: nothing says what it holds
            for base, data in preds:
                op = data.op or ""
                name = op[5:] if op.startswith("attr:") else op[6:-1] if op.startswith("read:'") else None
                if name is None and base.startswith("f|"):
                    cls, _, name = base[2:].rpartition("|")  # creds.username: RepositoryCredentials.username
                    if op or cls not in self.p.classes or self.is_personal_field(cls, name):
                        return False
                    reads += 1
                    continue
                if name is None:
                    if (op and op != NOT_TEXT) or data.k != INTRA or base in seen:
                        return False
                    seen.add(base)
                    todo.append(base)
                    continue
                cls = self.type_of(base)
                if cls not in self.p.classes or self.is_personal_field(cls, name) or not any(
                        name in self.p.classes[c].fields for c in self.mro(cls) if c in self.p.classes):
                    return False
                reads += 1
        return reads > 0

    # -- calls ----------------------------------------------------------------
    def _call(self, call: CallFact, mod: ModuleFacts) -> None:
        if call.display == "raise":
            if not self._user_facing_error(call.raised):
                self._sink(call, mod, "<raise>")
            return
        if call.func is not None and call.func[1] == "" and call.func[2].startswith("<set:"):
            self._attribute_store(call, mod)
            return
        if call.func == ("n", "", "<download>"):
            self._sink(call, mod, "<download>", self.pack.sinks_for("<download>"))
            return
        if call.func == ("n", "", "<item>"):
            if self._is_cookie_jar(call.receiver):
                self._sink(call, mod, "<cookie-item>", self.pack.sinks_for("<cookie-item>"))
            return
        call = self._through_partial(call)
        kind, target = self.callee(call)
        result = f"c|{call.id}"
        at = (mod.path, call.line)
        erasure.record_call(self, call, mod)
        if kind == "project":
            sanitizer = self.pack.sanitizer_for(target)
            self._bind(call, mod, target, receiver_bound=self._is_bound_call(call, target),
                       returns=sanitizer is None)
            for wrapper in self._decorator_wrappers(target):
                self._bind(call, mod, wrapper, receiver_bound=False, returns=False)
            if sanitizer is None and call.func is not None and call.func[0] in ("f", "a") and \
                    not call.display.startswith("super().") and self._is_bound_call(call, target):
                # self.rows() in a base class, report.rows() on a value typed by its base: the
                # subclasses' overrides run too (class hierarchy analysis).
                for override in self._overrides(target):
                    self._bind(call, mod, override, receiver_bound=True)
            if sanitizer is not None:
                idx = self.pack.sanitizers.index(sanitizer)
                for _, refs in call.args:
                    for r in refs:
                        src = self.resolve(r)
                        if not src.startswith("q|"):
                            self.add_edge(src, result, INTRA, _cleaned(sanitizer.kind, call.display), at, idx)
            self._library_effects(call, mod, [target], result)
            return
        if kind == "class":
            self._construct(call, mod, target)
            return
        if kind == "unknown" and call.func is not None and self._calls_decorated(call):
            return  # fn(*args, **kwargs) in a decorator's wrapper: the decorated function, bound at its calls
        if kind == "unknown" and call.func is not None:
            # GETTERS[what](customer), handler = lambda c: ...; handler(c): the functions it may be.
            held = self._functions_held(self.resolve(call.func))
            if held:
                for scope in held:
                    self._bind(call, mod, scope, receiver_bound=False)
                return
        if kind == "unknown" and call.func is not None and call.func[0] == "a":
            # ws.append(row) where ws is a SafeWorksheet or a SafeWriteOnlyWorksheet: both run.
            methods = self._union_methods(call)
            if methods:
                for scope in methods:
                    self._bind(call, mod, scope, receiver_bound=True)
                self._library_effects(call, mod, methods, result)
                return
        if kind in ("ext", "unknown") and call.func is not None and call.func[0] == "a":
            # report.get_data() where the base class leaves get_data to its subclasses.
            defined = self._subclass_methods(call)
            if defined:
                for scope in defined:
                    self._bind(call, mod, scope, receiver_bound=True)
                return
        if kind == "task":
            if call.func[2] == "apply_async":
                # task.apply_async((a, b), {"k": v}) or (args=..., kwargs=...): unpack them.
                unpacked = {0: "*", "args": "*", 1: "**", "kwargs": "**"}
                args = tuple((unpacked[key], refs) for key, refs in call.args if key in unpacked)
                call = replace(call, args=args)
            self._bind(call, mod, target, receiver_bound=False, returns=False)
            return
        qual = target
        if kind == "ext" and qual in self.pack.info.child_builders:
            # ET.SubElement(root, "Tx"): the new element is inside root, and so is what it holds.
            position = self.pack.info.child_builders[qual]
            for key, refs in call.args:
                if key == position:
                    for ref in refs:
                        parent = self.resolve(ref)
                        if parent.startswith("q|"):
                            continue
                        # tx = SubElement(root, "Tx"); SubElement(tx, "IBAN").text = iban: what is
                        # later added to tx is in root too, so the name it is kept under links back.
                        kept = [n for n, d in self.g._succ.get(result, {}).items() if d.get("d", "").startswith("assigned to")]
                        for child in [result, *sorted(kept)]:
                            self.add_edge(child, parent, INTRA, f"added to {call.display}'s parent", at,
                                          op="gather" if call.loop else "list")
        if kind == "ext" and qual in self.pack.info.callback_sinks:
            self._callback_sink(call, mod, qual, self.pack.info.callback_sinks[qual])
        sinks = self.pack.sinks_for(qual) if kind == "ext" else []
        if kind == "unknown" and "." in qual:
            # response.set_cookie(...) on a value of unknown class: the pack's receiver-agnostic
            # sinks (`*.set_cookie`, `*.objects.create`) still apply.
            sinks = [s for s in self.pack.sinks_for(qual) if any(c.startswith("*.") for c in s.callee)]
        sinks = [s for s in sinks if _holds(s.when, call)]
        if kind == "ext" and self.infer and self.pack.is_provider_response(qual):
            self._provider_response(call, mod, result)
        if sinks:
            self._sink(call, mod, qual, sinks)
            if not qual.rsplit(".", 1)[-1][:1].isupper():
                return
            # EmailMessage(to=[email]) is a sink and an object: message.to still holds the address.
        if kind == "ext" and (qual in PROCESS_RUNNERS or self._cache_read(qual)):
            return  # subprocess.run(cmd).stdout, cache.get(key): what the program or cache answers
        sanitizer_idx = -1
        if kind in ("ext", "unknown"):
            name = qual if kind == "ext" else call.display
            sanitizer = self.pack.sanitizer_for(name)
            if sanitizer is None and kind == "ext" and "." in name:
                sanitizer = self.pack.sanitizer_for(name.rsplit(".", 1)[-1])
            if sanitizer is not None:
                sanitizer_idx = self.pack.sanitizers.index(sanitizer)
        desc = f"passed through {call.display}()"
        key = call.pos_consts[0] if call.pos_consts else None
        op = None
        if call.func is not None and call.func[0] == "a" and call.func[2] in KEY_READERS and call.args:
            if isinstance(key, str):
                desc, op = f"read key {key!r}", f"read:{key!r}"  # data.get("email") reads one entry, as data["email"]
            elif call.key_param:
                desc, op = "read the entry its caller names", "read:param"  # def get(self, name): self._d.get(name)
            else:
                desc, op = "read an entry", "read:?"  # data.pop(name): some entry, which one is not known
        if sanitizer_idx != -1:
            desc = _cleaned(self.pack.sanitizers[sanitizer_idx].kind, call.display)
        if call.display.endswith("model_to_dict") or call.display.endswith("model_dump"):
            if self._selected_fields(call, mod, result):
                return
        if self._selected_columns(call, mod, result):
            return
        if call.func is not None and call.func[0] == "a" and call.func[2] in ("dump", "dumps") and \
                self._schema_dump(call, mod, result):
            return
        if call.func is not None and call.func[0] == "a" and call.func[2] in MUTATORS and call.receiver is not None:
            # rows.append(row), payload.update(phone=p): the container now holds what it was given.
            recv = self.resolve(call.receiver)
            if not recv.startswith("q|"):
                # append(x) nests x one level down; update(d), extend(xs) merge d's entries in as they are.
                nesting = "merge" if call.func[2] in MERGERS else \
                    "gather" if call.loop and not self.one_owners_records(call) else "list"
                for key, refs in call.args:
                    for r in refs:
                        self.add_edge(self.resolve(r), recv, INTRA, f"added to {call.display.rsplit('.', 1)[0]}",
                                      at, op=nesting)
        if call.func is not None and call.func[0] == "a" and call.func[2] in NO_DATA_METHODS:
            return
        if ANSWERS.match(call.display.rsplit(".", 1)[-1]):
            return  # is_valid(email), email.endswith("@x"): a yes or no, not the data
        if self.call_type(call.id) in self.p.classes:
            # Customer.objects.get(user=u): the arguments select the record; the result is
            # the record (it carries its own fields), not the arguments.
            return
        last = call.display.rsplit(".", 1)[-1]
        spelled = "fields" if last in SERIALISERS else "str" if last in STRINGIFIERS else None
        builds_dict = call.display in ("dict", "OrderedDict", "collections.OrderedDict")
        if kind == "unknown" and last not in CONTAINERS:
            self.opaque_calls.add(result)  # nothing known of the callee (see flows._consistent)
        exception = EXCEPTION_CLASS.match(last) is not None
        for key, refs in call.args:
            keyword = isinstance(key, str) and key not in ("*", "**")
            if exception and keyword and key not in MESSAGE_KEYWORDS:
                continue  # OAuth2Error(request=request): an attribute of the error, not its message
            # dict(supplier=s, price=p) puts each keyword under its own key.
            entry = f"put:{key!r}" if builds_dict and keyword else spelled
            for r in refs:
                value = self.resolve(r)
                if keyword and not builds_dict and value.startswith("r|") and "<lambda" in value:
                    # sorted(rows, key=lambda r: r.email), association_proxy(..., creator=lambda v: Email(v)):
                    # a hook the library calls, whose answer is not what the call returns.
                    continue
                self.add_edge(value, result, INTRA, desc, at, sanitizer_idx, op=entry)
        # self.SaleNotAllowed(), urllib.request.Request(...): a class looked up on an object
        # builds something new from its arguments; the object is only where it was found.
        if call.receiver is not None and not (last[:1].isupper() and not last.isupper()):
            recv = self.resolve(call.receiver)
            if not recv.startswith("q|"):
                self.add_edge(recv, result, INTRA, desc, at, sanitizer_idx, op=op or spelled)

    def _cache_read(self, qual: str) -> bool:
        """``cache.get(key)``: a cache read answers with what was stored under the key (its
        own flows, through the write), not with the key."""
        head, _, method = qual.rpartition(".")
        return method in ("get", "get_many", "mget", "hget", "hgetall") and bool(self.pack.sinks_for(f"{head}.set"))

    def _selected_fields(self, call: CallFact, mod: ModuleFacts, result: str) -> bool:
        """model_to_dict(obj, fields=[...]) / obj.model_dump(include={...}) send only those fields."""
        chosen = call.consts.get("fields") or call.consts.get("include")
        excluded = call.consts.get("exclude")
        if not (isinstance(chosen, (tuple, dict)) and chosen) and not (isinstance(excluded, (tuple, dict)) and excluded):
            return False
        obj = call.receiver if call.display.endswith("model_dump") else next((r[0] for k, r in call.args if k == 0 and r), None)
        if obj is None:
            return False
        t = self.type_of(self.resolve(obj))
        if t not in self.p.classes:
            return False
        if not chosen:
            fields = {f for c in self.mro(t) if c in self.p.classes for f in self.p.classes[c].fields}
            if not any(self.is_personal_field(t, str(x)) for x in excluded):
                return False  # model_to_dict(self, exclude=["id"]): every personal field, the whole record
            chosen = sorted(fields - {str(x) for x in excluded})
        for name in chosen:
            member = self.class_member(t, str(name))
            if member and member.startswith("f|"):
                self.add_edge(member, result, INTRA, f"selected field {name}", (mod.path, call.line))
        return True

    def _selected_columns(self, call: CallFact, mod: ModuleFacts, result: str) -> bool:
        """``Order.objects.values("id", "total")``, ``values_list("email", flat=True)``: rows of
        those columns only (an annotation such as a ``Sum`` is no column: nothing flows)."""
        if call.func is None or call.func[0] != "a" or call.func[2] not in ("values", "values_list") or \
                not call.pos_consts or not all(isinstance(c, str) for c in call.pos_consts) or call.receiver is None:
            return False
        t = self.type_of(self.resolve(call.receiver))
        if t not in self.p.classes:
            return False
        members = []
        for name in call.pos_consts:
            cls, *path = t, *name.split("__")
            for part in path[:-1]:  # values("customer__email"): across the relation
                fld = next((self.p.classes[c].fields[part] for c in self.mro(cls)
                            if c in self.p.classes and part in self.p.classes[c].fields), None)
                cls = self.model_class(fld.type_ref) if fld is not None and fld.relation and fld.type_ref else None
                if cls is None:
                    return False  # a lookup not followed: the rows may hold anything of the record
            members.append((name, self.class_member(cls, path[-1])))
        for name, member in members:
            if member and member.startswith("f|"):
                self.add_edge(member, result, INTRA, f"selected column {name}", (mod.path, call.line))
        return True

    def _schema_dump(self, call: CallFact, mod: ModuleFacts, result: str) -> bool:
        """``CustomerSchema().dump(customer)`` (marshmallow): the fields the schema declares,
        read from the object."""
        schema = self.type_of(self.resolve(call.func[1]))
        # marshmallow's Schema, or flask-marshmallow's and marshmallow-sqlalchemy's built on it.
        if schema not in self.p.classes or not any("marshmallow" in c.split(".", 1)[0] for c in self.mro(schema)):
            return False
        declared = sorted({f.name for c in self.mro(schema) if c in self.p.classes
                           for f in self.p.classes[c].fields.values() if f.is_field_call}
                          | {name for c in self.mro(schema) if c in self.p.classes
                             for name in self.p.classes[c].meta_fields or ()})  # class Meta: fields = (...)
        auto = any(c.rsplit(".", 1)[-1].endswith(("AutoSchema", "ModelSchema")) for c in self.mro(schema))
        if auto and not any(self.p.classes[c].meta_fields for c in self.mro(schema) if c in self.p.classes):
            return False  # every column of its model, as the object itself
        obj = next((refs for key, refs in call.args if key == 0), ())
        at = (mod.path, call.line)
        for ref in obj:
            node = self.resolve(ref)
            if node.startswith("q|"):
                continue
            t = self.type_of(node)
            for name in declared:
                member = self.class_member(t, name) if t in self.p.classes else None
                target = member if member and member.startswith("f|") else self.attr_of(node, name)
                if not target.startswith("q|"):
                    self.add_edge(target, result, INTRA, f"dumped field {name}", at, op=f"put:{name!r}")
        return True

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

    def urls_reaching(self, nodes, limit: int = 400) -> list[str]:
        """URL literals the values ``nodes`` are built from, nearest first: a client's base
        URL passed to its constructor, a settings constant, urljoin(API_URL, path)."""
        found, seen = [], set(nodes)
        queue = deque(sorted(seen))
        while queue and len(seen) < limit:
            node = queue.popleft()
            url = self.url_literals.get(node)
            if url is not None:
                found.append(url)
                continue
            for src in sorted(self.g._pred.get(node, ())):
                if src not in seen and not src.startswith("src|"):
                    seen.add(src)
                    queue.append(src)
        return found

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
        display = _short_ref(func) or call.display
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

    def _library_effects(self, call: CallFact, mod: ModuleFacts, methods: list[str], result: str) -> None:
        """pretix's SafeWorksheet.append, its PayPal client's execute: a project method that
        overrides a library method still does what the library's does (one sink per call)."""
        for method in methods:
            for overridden in self._overridden_library_methods(method):
                if self.infer and self.pack.is_provider_response(overridden):
                    self._provider_response(call, mod, result)
                sinks = [s for s in self.pack.sinks_for(overridden) if _holds(s.when, call)]
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

    def _note_stored_fields(self, call: CallFact, mod: ModuleFacts, qual: str) -> None:
        """``OrderEvent.objects.create(parameters={"email": ...})``: what each keyword stores in
        the model's column of that name (read by the checks of what models hold)."""
        cls = self.call_type(call.id)
        if cls not in self.p.classes:
            head = qual.split(".objects.", 1)[0]
            cls = head if head in self.p.classes else None
        if cls is None:
            return
        for key, refs in call.args:
            if key in ("defaults", "create_defaults"):
                # update_or_create(key=k, defaults={"value": v}): each entry is a column.
                for ref in refs:
                    holder = self.resolve(ref)
                    for src, data in self.g._pred.get(holder, {}).items():
                        op = data.get("op") or ""
                        if op.startswith("put:'") and not src.startswith("q|"):
                            self.stored_writes[(cls, op[5:-1])].append(src)
                continue
            if isinstance(key, str) and key not in ("*", "**"):
                nodes = [n for n in (self.resolve(r) for r in refs) if not n.startswith("q|")]
                if nodes:
                    self.stored_writes[(cls, key)].extend(nodes)

    def _records(self) -> None:
        """A value whose type is a class with personal fields carries the whole record."""
        personal = defaultdict(list)
        for (cls, name), (cats, inferred) in self.field_categories.items():
            personal[cls].append((name, cats, inferred))
        # Subclasses inherit their bases' personal fields.
        record_classes = {}
        for cls in self.p.classes:
            fields = []
            for c in self.mro(cls):
                fields.extend(personal.get(c, ()))
            if fields:
                record_classes[cls] = fields
        library_user = self._library_user_record()
        if library_user is not None:
            record_classes[library_user[0]] = library_user[1]
        self.record_classes = record_classes
        for cls in sorted(record_classes):
            if cls not in self.p.classes:
                continue
            # `self` in a record's own methods is the record: logger.info("saved %s", self).
            fact = self.p.classes[cls]
            for scope in sorted(fact.methods.values()):
                fn = self.p.functions.get(scope)
                if fn is not None and fn.kind == "method" and fn.params:
                    self.add_edge(f"rec|{cls}", f"v|{scope}|{fn.params[0]}", INTRA,
                                  f"holds a {fact.name} record", None)
        for cls, fields in record_classes.items():
            if cls not in self.p.classes:
                continue  # a library's user model: a source where each of its records is read, below
            cats = tuple(sorted({c for _, cs, _ in fields for c in cs}))
            node = f"rec|{cls}"
            fact = self.p.classes[cls]
            mod = self.p.class_module[cls]
            self.sources[node] = {
                "categories": cats, "label": f"{fact.name} record", "inferred": all(i for _, _, i in fields),
                "path": mod.path, "line": fact.line, "col": fact.col, "how": "record", "class": cls,
            }
        typed = list(self._type_facts) + [f"c|{cid}" for cid in self._calls_by_id]
        # basket.owner: a foreign key read on a record is the related record.
        typed += [f"f|{cls}|{name}" for cls, fact in self.p.classes.items() for name, fld in fact.fields.items()
                  if fld.relation and fld.is_field_call and fld.kind in SINGLE_RELATIONS]
        # request.user, flask's session.user, request.customer: the signed-in person's record.
        typed += [n for n in self.g if n.startswith("a|") and n.endswith(("|user", "|customer"))]
        for node in typed:
            t = self.type_of(node) if not node.startswith("c|") else self.call_type(node[2:])
            if t in record_classes and (node in self.g or node.startswith("v|") or node.startswith("c|")):
                self._holds_record(t, node)
        for fn in self.p.functions.values():
            for param, ann in fn.annotations.items():
                t = self.resolve(ann)
                if t.startswith("q|") and t[2:] in record_classes:
                    self._holds_record(t[2:], f"v|{fn.scope}|{param}")

    def _holds_record(self, cls: str, node: str) -> None:
        """``node`` holds a ``cls`` record. A project class's records come from its ``rec|``
        source; a library's user model has no class in the project, so each value holding
        one is a source of its own, where it is first read (``request.user``)."""
        if cls in self.p.classes:
            self.add_edge(f"rec|{cls}", node, INTRA, f"holds a {cls.rsplit('.', 1)[-1]} record", None)
            return
        first = self._first_read(node)
        src = f"src|{node}"
        if first is None or src in self.sources:
            return
        path, line = first
        fields = self.record_classes[cls]
        self.sources[src] = {
            "categories": tuple(sorted({c for _, cs, _ in fields for c in cs})),
            "label": f"{cls.rsplit('.', 1)[-1]} record", "inferred": False,
            "path": path, "line": line, "col": 1, "how": "record", "class": cls,
        }
        self.add_edge(src, node, INTRA, f"holds a {cls.rsplit('.', 1)[-1]} record", None)

    def _library_user_record(self) -> tuple[str, list] | None:
        """The user model when the project has none of its own (Django's ``auth.User``): its
        fields, as the pack's ``library_fields`` lists them."""
        user = self.user_model()
        fields = self.pack.info.library_fields.get(user) if user not in self.p.classes else None
        if not fields:
            return None
        return user, [(name, (category,), False) for name, category in sorted(fields.items())]
