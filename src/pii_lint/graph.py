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

from collections import defaultdict, deque
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import networkx as nx

from . import erasure
from .dispatch import CallDispatch
from .edges import CallSite, SinkInfo, node_name, sink_applies
from .facts import ANONYMISED, CallFact, ClassFact, FunctionFact, ModuleFacts
from .idioms import (
    ANSWERS, CALL, CONTAINERS, EXCEPTION_CLASS, INTRA, KEY_READERS, MERGERS, MESSAGE_KEYWORDS, MUTATORS, NO_DATA_METHODS,
    NOT_TEXT, SERIALISERS, STRINGIFIERS,
)
from .names import NameResolution
from .orm import ModelSemantics
from .record_edges import RecordEdges
from .sink_edges import SinkEdges
from .value_types import ValueTypes

# Running a program answers with what it prints, not with its arguments.
PROCESS_RUNNERS = frozenset({"subprocess.run", "subprocess.check_output", "subprocess.call", "subprocess.check_call",
                             "subprocess.Popen", "subprocess.getoutput", "subprocess.getstatusoutput", "os.popen",
                             "os.system", "asyncio.create_subprocess_exec", "asyncio.create_subprocess_shell"})


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


def _cleaned(kind: str, display: str) -> str:
    """The path step of a sanitizer: ``hash`` -> "cleaned by hashlib.sha256() (hash)"."""
    return f"cleaned by {display}() ({kind})"


class GraphBuilder(NameResolution, ValueTypes, ModelSemantics, CallDispatch, SinkEdges, RecordEdges):
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
        self._held_classes: dict[tuple[str, str], str | None] = {}  # (class, attribute) -> the class it names
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
        for cache in (self._types, self._resolved, self._mro, self._qual_cache, self._record_class_cache,
                      self._held_classes):
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
            src = f"src|{node}"
            self.sources[src] = {
                "categories": (category,), "label": f"{self._base_label(node[2:].rsplit('|', 1)[0])}.{attr}",
                "inferred": True,
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

    def _base_label(self, base: str) -> str:
        """How a value read from is shown: ``address`` for a variable, ``get_member()`` for a
        call's result (its node is named by the call's position)."""
        if base.startswith("c|") and base[2:] in self._calls_by_id:
            return f"{self._calls_by_id[base[2:]].display.rsplit('.', 1)[-1]}()"
        return node_name(base)

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
            setter = self.setter_parameter(d) if d.startswith("f|") else None
            if setter is not None:
                self.add_edge(s, setter, CALL, f"passed to the {d.rsplit('|', 1)[-1]} setter",
                              (mod.path, line) if line else None)
                continue
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
        sinks = [s for s in sinks if sink_applies(s, call)]
        if any(s.redirect for s in sinks):
            sinks = self._redirected(call, mod, sinks)
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
            if key == 0 and op is not None and op.startswith("read:"):
                continue  # message_ids.get(recipient.email): the key picks the entry, it is not in it
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


