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

from collections import defaultdict
from dataclasses import dataclass, field, replace

import networkx as nx

from . import erasure
from .config import RETENTION
from .errors import ConfigError
from .facts import CallFact, ClassFact, FunctionFact, ModuleFacts
from .packs import normalize_identifier

INTRA, CALL, RETURN, SUMMARY = "intra", "call", "return", "summary"

ORM_BASES = ("django.db.models.Model", "django.db.models.base.Model", "django.contrib.auth.models.AbstractUser",
             "django.contrib.auth.models.AbstractBaseUser", "sqlalchemy.orm.DeclarativeBase",
             "sqlalchemy.orm.decl_api.DeclarativeBase", "flask_sqlalchemy.SQLAlchemy.Model", "peewee.Model",
             "tortoise.models.Model", "mongoengine.Document", "sqlmodel.SQLModel")
# Manager/query methods whose result holds records of the same model.
ORM_CHAIN = frozenset("""get filter exclude all first last earliest latest order_by select_related
prefetch_related only defer distinct iterator none using annotate reverse get_or_404 first_or_404
one one_or_none scalar scalars scalar_one scalar_one_or_none unique where limit offset get_queryset
create get_or_create update_or_create in_bulk""".split())
# Pydantic/ORM class methods that build an instance of the class.
CLASS_BUILDERS = frozenset("""model_validate model_validate_json parse_obj parse_raw from_orm model_construct
construct objects query""".split())
# Calls that fetch a model instance given the class as first argument.
FETCHERS = frozenset({"get", "get_object_or_404", "get_list_or_404", "query", "scalars", "select", "merge", "refresh"})
# Attributes that name a record without saying anything about its person.
IDENTIFIERS = frozenset({"id", "pk", "uuid"})
# Mapping methods that read one entry by its key.
KEY_READERS = frozenset({"get", "pop", "setdefault", "getlist"})
# Calls that load a class by name: apps.get_model("shop", "Customer"), get_class("partner.strategy", "Selector").
CLASS_LOADERS = frozenset({"get_model", "get_class", "get_classes"})
# Categories of free text a field with `choices=` cannot hold.
FREE_TEXT_CATEGORIES = ["user.name", "user.contact", "user.government_id", "user.financial", "user.authorization"]
DJANGO_USER = "django.contrib.auth.models.User"
# Library bases of a user model.
USER_BASES = frozenset({"AbstractUser", "AbstractBaseUser"})
# `request.user`, `self.request.user`, GraphQL `info.context.user`, Flask `g.user`,
# Starlette `request.state.user`: the signed-in user, an object of the user model.
REQUEST_HOLDERS = frozenset({"request", "context", "g", "state", "scope", "req"})
# Celery: queuing a task calls it later with the same arguments.
TASK_QUEUERS = frozenset({"delay", "apply_async", "s", "si", "signature"})
# Methods whose result is a count or a flag, not the data they touch.
NO_DATA_METHODS = frozenset({"delete", "count", "exists", "update", "save", "full_clean", "clear", "keys"})
# Calls that turn an object into text: str() or repr() of a record.
STRINGIFIERS = frozenset({"str", "repr", "format", "format_map", "join", "force_text", "force_str", "smart_str",
                          "pformat", "saferepr"})
# Calls whose result spells out every field of the object they are given (what logging it
# reveals is the whole record, not its repr).
SERIALISERS = frozenset({"vars", "asdict", "astuple", "model_dump", "model_dump_json", "dict", "json", "to_dict",
                         "as_dict", "model_to_dict", "serialize", "dumps", "dump", "jsonable_encoder", "to_json",
                         "to_representation", "values"})
# Logger methods that return a logger carrying extra context.
BINDERS = frozenset({"bind", "new", "opt", "patch", "getChild", "with_fields", "contextualize", "bind_contextvars"})


@dataclass
class CallSite:
    call: CallFact
    module: ModuleFacts
    bound: dict[str, tuple]  # param -> refs


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


def _cleaned(kind: str, display: str) -> str:
    """The path step of a sanitizer: ``hash`` -> "cleaned by hashlib.sha256() (hash)"."""
    return f"cleaned by {display}() ({kind})"


def is_field(fld) -> bool:
    """A class attribute that declares data (a field call, an annotation or a tag), not a constant."""
    return fld.is_field_call or fld.type_ref is not None or fld.tag != ""


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


def _param_names(fn: FunctionFact) -> set[str]:
    """Parameter names as the function's body sees them (``args`` for ``*args``)."""
    return {p.lstrip("*") for p in fn.params}


class GraphBuilder:
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
        self._inferred_attrs: list[tuple[str, str]] = []  # untyped `x.email` reads
        self._field_writes: list[tuple] = []  # (value, field node, module, line): obj.field = value
        self._record_class_cache: dict[str, bool] = {}
        self._classes_by_name: dict[str, list[str]] | None = None
        self._classes_by_snake: dict[str, list[str]] | None = None
        self._user_model: str | None = None
        self.repr_cache: dict[str, tuple | None] = {}  # class -> categories its str()/repr() shows
        self.sinks: list[SinkInfo] = []
        self.erasures: dict[str, list] = defaultdict(list)  # class -> [(path, line, how)]
        self.sources: dict[str, dict] = {}  # node -> {categories, label, inferred, path, line}
        self.field_categories: dict[tuple[str, str], tuple[tuple[str, ...], bool]] = {}
        self.bad_tags: list[tuple[str, int, str]] = []  # (path, line, message): tags naming nothing known
        self.config_fields = {}
        for qual, cats in settings.field_tags().items():
            self.config_fields[qual] = tuple(pack.normalize_category(c) for c in cats)

    # -- names ----------------------------------------------------------------
    def resolve_name(self, scope_id: str, name: str) -> str:
        if "#" in name:
            # A version of a local: always the function's own (or a class it was given).
            return self._class_aliases.get((scope_id, name)) or f"v|{scope_id}|{name}"
        scopes = self.p.scopes
        s = scopes.get(scope_id)
        first = True
        while s is not None:
            if first or s.kind != "class":
                if name in s.globals:
                    s = self._module_scope(s)
                    first = True
                    continue
                if name in s.imports:
                    return self.resolve_qual(s.imports[name])
                if name in s.locals:
                    if s.kind == "function":
                        return self._class_aliases.get((s.id, name)) or f"v|{s.id}|{name}"
                    return self.resolve_qual(f"{s.id}.{name}")
            if s.kind == "module" and s.stars:
                found = self._star_lookup(s, name)
                if found is not None:
                    return found
            first = False
            s = scopes.get(s.parent) if s.parent else None
        return f"q|{name}"

    def _star_lookup(self, scope, name: str, depth: int = 0) -> str | None:
        """``name`` as ``from m import *`` brings it into a module: m's own definition, import or
        further star import (django-oscar's ``from .abstract_models import *``)."""
        if depth > 8:
            return None
        for module in scope.stars:
            other = self.p.scopes.get(module)
            if other is None:
                continue
            if name in other.locals or name in other.imports:
                return self.resolve_qual(f"{module}.{name}")
            found = self._star_lookup(other, name, depth + 1)
            if found is not None:
                return found
        return None

    def _find_class_aliases(self) -> dict[tuple[str, str], str]:
        """``Order = get_model("order", "Order")`` (Django's apps registry, django-oscar's
        loaders): the name is the class, as if it were imported."""
        by_name: dict[str, list[str]] = defaultdict(list)
        for qual, cls in self.p.classes.items():
            by_name[cls.name].append(qual)
        aliases = {}
        for mod in self.p.modules.values():
            calls = {c.id: c for c in mod.calls}
            for ref, texpr in mod.types:
                if ref[0] != "n" or texpr[0] != "ref" or texpr[1][0] != "c" or texpr[1][1] not in calls:
                    continue
                call = calls[texpr[1][1]]
                if call.display.rsplit(".", 1)[-1] not in CLASS_LOADERS:
                    continue
                words = [w for w in call.pos_consts[:2] if isinstance(w, str)]
                if not words:
                    continue
                where, _, name = (".".join(words)).rpartition(".")
                candidates = [q for q in by_name.get(name, ()) if not self.p.classes[q].meta_abstract]
                # The class whose module path names the app: order.models.Order for ("order", "Order").
                fitting = [q for q in candidates if f".{where}." in f".{q}"] or candidates
                if fitting:
                    best = sorted(fitting, key=lambda q: (not q.rsplit(".", 1)[0].endswith(".models"), len(q), q))[0]
                    aliases[(ref[1], ref[2])] = f"q|{best}"
        return aliases

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
        return root[0] == "n" and self.resolve(root).startswith("q|")

    def _module_scope(self, s):
        while s.parent:
            s = self.p.scopes[s.parent]
        return s

    def resolve_qual(self, qual: str) -> str:
        """A dotted name -> project node, project definition (q|scope) or external (q|name)."""
        cached = self._qual_cache.get(qual)
        if cached is not None:
            return cached
        self._qual_cache[qual] = f"q|{qual}"  # guards import cycles
        result = self._resolve_qual(qual)
        self._qual_cache[qual] = result
        return result

    def _resolve_qual(self, qual: str) -> str:
        p = self.p
        if qual in p.functions or qual in p.classes or qual in p.modules:
            return f"q|{qual}"
        parts = qual.split(".")
        for i in range(len(parts) - 1, 0, -1):
            head, rest = ".".join(parts[:i]), parts[i:]
            if head in p.modules:
                scope = p.scopes.get(head)
                first = rest[0]
                if scope is not None and first in scope.imports:
                    base = self.resolve_qual(scope.imports[first])
                elif scope is not None and first in scope.locals and f"{head}.{first}" not in p.classes \
                        and f"{head}.{first}" not in p.functions:
                    base = self._class_aliases.get((head, first)) or f"v|{head}|{first}"
                elif scope is not None and scope.stars and (star := self._star_lookup(scope, first)) is not None:
                    base = star
                else:
                    return f"q|{qual}"
                return self._attr_chain(base, rest[1:])
            if head in p.classes:
                return self._attr_chain(f"q|{head}", rest)
        return f"q|{qual}"

    def _attr_chain(self, base: str, attrs) -> str:
        for attr in attrs:
            base = self.attr_of(base, attr)
        return base

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
                self.g.add_node(node)  # a record's non-personal attribute (customer.pk): nothing flows
                return node
        node = f"a|{base}|{attr}"
        if attr in IDENTIFIERS:
            self.g.add_node(node)  # x.id, x.pk: a record's key, not its personal data
            return node
        if node not in self.g or not self.g.pred[node]:
            self.add_edge(base, node, INTRA, f"read .{attr}", None, op=f"attr:{attr}")
            if self.infer and self.pack.infer_name(attr):
                self._inferred_attrs.append((node, attr))
        return node

    def is_personal_field(self, cls: str, attr: str) -> bool:
        return any((c, attr) in self.field_categories for c in self.mro(cls))

    # -- models -----------------------------------------------------------------
    @property
    def bindings(self) -> dict[tuple, tuple]:
        """(call id, callee scope, receiver bound) -> (parameter -> argument refs, splat) of direct calls."""
        return self._bindings

    def call_by_id(self, call_id: str) -> CallFact:
        return self._calls_by_id[call_id]

    def call_module(self, call_id: str) -> ModuleFacts:
        return self._call_module[call_id]

    def model_class(self, ref) -> str | None:
        """The project class a model reference names: a class, ``"app.Model"`` in a relation
        (matched by class name, as Django's app registry would), or ``settings.AUTH_USER_MODEL``."""
        target = self.resolve(ref)
        if target.split("#", 1)[0].endswith("AUTH_USER_MODEL"):
            return self.user_model()  # settings.AUTH_USER_MODEL, or a project constant copied from it
        if not target.startswith("q|"):
            return None
        qual = target[2:]
        if qual in self.p.classes:
            return qual
        return self._class_by_name(qual.rsplit(".", 1)[-1])

    def _class_by_name(self, name: str) -> str | None:
        if self._classes_by_name is None:
            by_name: dict[str, list[str]] = defaultdict(list)
            for qual, fact in sorted(self.p.classes.items()):
                if not fact.meta_abstract:
                    by_name[fact.name].append(qual)
            self._classes_by_name = by_name
        candidates = self._classes_by_name.get(name, ())
        models = [q for q in candidates if self.is_orm_model(q)] or list(candidates)
        if not models:
            return None
        return sorted(models, key=lambda q: (not q.rsplit(".", 1)[0].endswith(".models"), len(q), q))[0]

    def user_model(self) -> str | None:
        """The project's user model: a stored subclass of Django's AbstractUser or
        AbstractBaseUser (the one `AUTH_USER_MODEL` and `request.user` stand for)."""
        if self._user_model is None:
            found = sorted(
                (q for q, fact in self.p.classes.items() if not fact.meta_abstract and self.is_orm_model(q)
                 and any(c.rsplit(".", 1)[-1] in USER_BASES for c in self.mro(q) if c not in self.p.classes)),
                key=lambda q: (len(self.mro(q)), q))
            # Without one of its own, the project uses Django's: deleting it still cascades.
            self._user_model = found[0] if found else DJANGO_USER
        return self._user_model or None

    def _is_record_class(self, cls: str) -> bool:
        cached = self._record_class_cache.get(cls)
        if cached is None:
            cached = any((c, f) in self.field_categories for c in self.mro(cls)
                         for f in (self.p.classes[c].fields if c in self.p.classes else ()))
            self._record_class_cache[cls] = cached
        return cached

    def class_member(self, cls: str, attr: str) -> str | None:
        for c in self.mro(cls):
            fact = self.p.classes.get(c)
            if fact is None:
                continue
            if attr in fact.fields or attr in fact.instance_attrs:
                return f"f|{c}|{attr}"
            if attr in fact.methods:
                return f"q|{fact.methods[attr]}"
        # Attributes only assigned in methods (self.x = ...) live on the class itself.
        if f"f|{cls}|{attr}" in self.g:
            return f"f|{cls}|{attr}"
        return None

    def mro(self, cls: str) -> list[str]:
        cached = self._mro.get(cls)
        if cached is not None:
            return cached
        self._mro[cls] = [cls]
        out = [cls]
        fact = self.p.classes.get(cls)
        if fact is not None:
            for b in fact.bases:
                target = self.resolve(b)
                if target.startswith("q|"):
                    for c in self.mro(target[2:]):
                        if c not in out:
                            out.append(c)
        self._mro[cls] = out
        return out

    def resolve(self, ref) -> str:
        cached = self._resolved.get(ref)
        if cached is not None:
            return cached
        kind = ref[0]
        if kind == "n":
            out = self.resolve_name(ref[1], ref[2]) if ref[1] else f"q|{ref[2]}"
        elif kind == "a":
            out = self.attr_of(self.resolve(ref[1]), ref[2])
        elif kind == "f":
            out = self.class_member(ref[1], ref[2]) if ref[2] else None
            if out is None:
                out = f"f|{ref[1]}|{ref[2]}"
        elif kind == "k":
            out = f"q|{ref[1]}"
        elif kind == "c":
            out = f"c|{ref[1]}"
        elif kind == "t":
            out = f"t|{ref[1]}"
        elif kind == "r":
            out = f"r|{ref[1]}"
        else:
            out = f"{kind}|{ref[1]}"
        self._resolved[ref] = out
        return out

    # -- types ----------------------------------------------------------------
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
                if fact and attr in fact.fields and fact.fields[attr].type_ref is not None:
                    fld = fact.fields[attr]
                    if fld.relation:
                        return self.model_class(fld.type_ref)
                    target = self.resolve(fld.type_ref)
                    if target.startswith("q|"):
                        return target[2:]
        if node.startswith("a|") and node.endswith("|user"):
            holder = node[2:-len("|user")].rsplit("|", 1)[-1].split("#", 1)[0]
            if holder in REQUEST_HOLDERS:
                return self.user_model()
        if node[:2] in ("v|", "a|", "f|"):
            # A receiver named like a logger (log, self.logger, LOG) is one; `log#2` is a value of log.
            if self.pack.is_logger_name(node.rsplit("|", 1)[-1].split("#", 1)[0]):
                return "logging.Logger"
        if node.startswith("r|"):
            fn = self.p.functions.get(node[2:])
            if fn is not None and fn.returns is not None:
                target = self.resolve(fn.returns)
                if target.startswith("q|"):
                    return target[2:]
        return None

    def _type_from(self, texpr) -> str | None:
        kind, ref = texpr
        if kind == "ann":
            target = self.resolve(ref)
            return target[2:] if target.startswith("q|") else None
        if ref[0] == "c":
            return self.call_type(ref[1])
        target = self.resolve(ref)
        if target.startswith("q|") and ref[0] == "n" and target[2:] not in self.p.classes \
                and target[2:] not in self.p.functions and target[2:] not in self.p.modules:
            # client = stripe; return stripe: a library module (or class) handed over as a value.
            return target[2:]
        return self.type_of(target)

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
        target = self.resolve(call.func) if call.func is not None else None
        if target is None:
            return None
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
                return self.type_of(f"r|{qual}")
            head, _, method = qual.rpartition(".")
            # Customer.objects.get(), Customer.model_validate(), session.get(Customer, 1)
            owner = head[: -len(".objects")] if head.endswith(".objects") else head
            if owner in self.p.classes and (method in ORM_CHAIN or method in CLASS_BUILDERS or head != owner):
                return owner
            if method in FETCHERS and call.args:
                first = self._first_arg_class(call)
                if first:
                    return first
            factory = self.pack.factory_type(qual)
            if factory:
                return factory
            return None
        # A method called on a value.
        if call.func[0] == "a":
            base = self.resolve(call.func[1])
            method = call.func[2]
            base_type = self.type_of(base) if not base.startswith("q|") else None
            if base.startswith("q|"):
                base_type = None
            if base.startswith("f|"):
                owner = self._manager_owner(base)
                if owner is not None and method not in NO_DATA_METHODS:
                    return owner  # Checkout.objects.for_user(...): a custom manager's queryset
            if base_type and base_type in self.p.classes and method in ORM_CHAIN:
                return base_type
            if base_type and method in BINDERS:
                return base_type
            if base_type:
                factory = self.pack.factory_type(f"{base_type}.{method}")
                if factory:
                    return factory
            if method in FETCHERS and call.args:
                return self._first_arg_class(call)
        return None

    def _manager_owner(self, node: str) -> str | None:
        """The model whose records ``Model.objects`` (a manager the class declares) queries."""
        _, cls, attr = node.split("|", 2)
        for c in self.mro(cls):
            fact = self.p.classes.get(c)
            if fact is not None and attr in fact.fields:
                fld = fact.fields[attr]
                return cls if fld.manager or attr == "objects" else None
        return None

    def _first_arg_class(self, call: CallFact) -> str | None:
        for key, refs in call.args:
            if key == 0 and len(refs) == 1:
                target = self.resolve(refs[0])
                if target.startswith("q|") and target[2:] in self.p.classes:
                    return target[2:]
        return None

    # -- edges ----------------------------------------------------------------
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
            self.g._node[src] = {}
        else:
            data = out.get(dst)
            if data is not None:
                # Keep the least-sanitised, most direct description.
                if data["san"] != -1 and san == -1:
                    data.update(k=kind, d=desc, at=at, san=san, site=site, op=op)
                return
        into = pred.get(dst)
        if into is None:
            succ[dst] = {}
            into = pred[dst] = {}
            self.g._node[dst] = {}
        out[dst] = into[src] = {"k": kind, "d": desc, "at": at, "san": san, "site": site, "op": op}

    # -- build ----------------------------------------------------------------
    def build(self) -> nx.DiGraph:
        p = self.p
        self._calls_by_id = {c.id: c for m in p.modules.values() for c in m.calls}
        self._call_module = {c.id: m for m in p.modules.values() for c in m.calls}
        for mod in p.modules.values():
            for ref, texpr in mod.types:
                if ref[0] in ("n", "f", "r"):
                    self._type_facts[self.resolve(ref)].append(texpr)
        self._index_direct_calls()
        # Indexing resolved names before every class of a value could be known: forget
        # what it cached about values, and start the graph clean.
        for cache in (self._types, self._resolved, self._mro, self._qual_cache, self._record_class_cache):
            cache.clear()
        self.g.clear()
        self._inferred_attrs.clear()
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
        self._credential_columns()
        self._wrapped_sinks()
        return self.g

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
                    if node in done or not any(bound.get(p) for p in params):
                        continue
                    done.add(node)
                    for param in sorted(params):
                        for ref in bound.get(param, ()):
                            src = self.resolve(ref)
                            if not src.startswith("q|"):
                                self.add_edge(src, node, INTRA, f"written out by {call.display}()", (mod.path, call.line))
                    found.append(SinkInfo(node, call, mod, sink.kind, sink.qual, sink.sinks))
            self.sinks.extend(found)
            frontier = found

    def _forwards(self, sink: SinkInfo, fn: FunctionFact) -> bool:
        """Whether ``fn`` only passes on what its caller gives: the sink's first argument (the
        message, the row) or a ``*args``/``**kwargs`` it forwards is one of ``fn``'s parameters
        (``def log(self, level, msg, *args): self._logger.log(level, msg, *args)``). A function
        that writes a message of its own (``log.info("booking for %s", phone)``) is reported
        itself."""
        prefix = f"v|{fn.scope}|"
        for key, refs in sink.call.args:
            if key in (0, "*", "**"):
                for ref in refs:
                    node = self.resolve(ref)
                    for _ in range(4):  # through list(row), assignments
                        if node.startswith(prefix) and node[len(prefix):].split("#", 1)[0] in _param_names(fn):
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
        seen = {sink_node}
        queue = [sink_node]
        found = set()
        while queue:
            node = queue.pop()
            for src, data in self.g._pred[node].items():
                if src in seen or data["k"] != INTRA or data.get("op") in ("str", "arith"):
                    continue
                seen.add(src)
                if src.startswith(prefix):
                    name = src[len(prefix):].split("#", 1)[0]
                    if name in _param_names(fn) and name != receiver:
                        found.add(name)
                if src.startswith((prefix, f"t|{fn.scope}|", f"c|{fn.scope}|", f"a|{prefix}")):
                    queue.append(src)
        return found

    def is_orm_model(self, cls: str) -> bool:
        """An ORM model (Django, SQLAlchemy, ...) with a table of its own: not abstract, not a
        proxy, not ``managed = False``."""
        fact = self.p.classes.get(cls)
        if fact is None or fact.meta_abstract or fact.meta_unstored:
            return False
        for c in self.mro(cls):
            other = self.p.classes.get(c)
            if other is None:
                if c in ORM_BASES or c.endswith(".Model"):
                    return True
            elif other.tablename:
                return True
        return False

    def _credential_columns(self) -> None:
        """``user.password = raw`` writes a credential column of a stored model: a storage
        sink at the assignment (PII102 asks whether the value was hashed first)."""
        credentials = self.pack.info.credentials
        for n, (value, field_node, mod, line) in enumerate(self._field_writes):
            _, cls, attr = field_node.split("|", 2)
            cats = next((self.field_categories[(c, attr)][0] for c in self.mro(cls)
                         if (c, attr) in self.field_categories), ())
            if not any(self.pack.is_under(c, credentials) for c in cats) or not self.is_orm_model(cls):
                continue
            display = f"{cls.rsplit('.', 1)[-1]}.{attr}"
            call = CallFact(f"{mod.module}|{line}:w{n}", mod.module, line, 1, line, 1, None, display, (), {}, (),
                            (), (), (), 0, None)
            node = f"s|{call.id}|storage"
            self.add_edge(value, node, INTRA, f"stored in {display}", (mod.path, line))
            self.sinks.append(SinkInfo(node, call, mod, "storage", display, []))

    def _attribute_sources(self) -> None:
        """``x.email`` on a value of unknown class is personal by its name, where it is read."""
        for node, attr in self._inferred_attrs:
            reads = [d["at"] for _, _, d in self.g.out_edges(node, data=True) if d.get("at")]
            if not reads:
                continue
            path, line = min(reads)
            base = node[2:].rsplit("|", 1)[0].rsplit("|", 1)[-1].split("#", 1)[0]
            src = f"src|{node}"
            self.sources[src] = {
                "categories": (self.pack.infer_name(attr),), "label": f"{base}.{attr}", "inferred": True,
                "path": path, "line": line, "col": 1, "how": "name",
            }
            self.add_edge(src, node, INTRA, "collected", None)

    def _declare_classes(self) -> None:
        """Tagged (or personal-looking) fields become sources."""
        for qual, cls in sorted(self.p.classes.items()):
            mod = self.p.class_module[qual]
            if cls.retention is not None and not RETENTION.match(cls.retention):
                self.bad_tags.append((mod.path, cls.line, f"retention {cls.retention!r} of {cls.name} is not a "
                                                          f"period like 30d, 12w, 6m or 7y"))
            for name, fld in cls.fields.items():
                node = f"f|{qual}|{name}"
                self.g.add_node(node)
                cats = self.config_fields.get(f"{qual}.{name}")
                inferred = False
                how = "config" if cats else fld.tag
                if not cats and fld.categories:
                    cats = tuple(self._category(c, mod, fld.line) for c in fld.categories)
                    cats = tuple(c for c in cats if c)
                if not cats and self.infer and not fld.relation and is_field(fld):
                    cat = self.pack.infer_name(name)
                    if cat and fld.choices and self.pack.is_under(cat, FREE_TEXT_CATEGORIES):
                        cat = None  # name = CharField(choices=BACKENDS): one of the code's own values
                    if cat and self._evidence_against_name(cls, fld):
                        cat = None
                    if cat:
                        cats, inferred, how = (cat,), True, "name"
                if cats:
                    self.field_categories[(qual, name)] = (cats, inferred)
                    self.sources[node] = {
                        "categories": cats, "label": f"{cls.name}.{name}", "inferred": inferred,
                        "path": mod.path, "line": fld.line, "col": fld.col, "how": how, "class": qual,
                    }


        self._geocodes()
        self._service_credentials()

    def _evidence_against_name(self, cls: ClassFact, fld) -> bool:
        """What the code says about a field outweighs what its name suggests: a help text about
        the business, a value of a project class (`credit_card_info: CreditCardInfo` holds
        what that class holds), or a settings class of the shop's own."""
        if self.pack.describes_business_data(fld.described) or self.pack.is_settings_class(cls.name):
            return True
        if self._copies_business_column(cls, fld.name):
            return True
        for ref in (fld.value_type, fld.type_ref):
            if ref is not None:
                target = self.resolve(ref)
                if target.startswith("q|") and target[2:] in self.p.classes:
                    return True
        return False

    def _copies_business_column(self, cls: ClassFact, name: str) -> bool:
        """``Order.tax_number`` beside ``billing_address``: a column that keeps a copy of the
        same-named column of a related model shares that column's evidence."""
        for owner in self.mro(cls.qual):
            fact = self.p.classes.get(owner)
            for other in (fact.fields.values() if fact is not None else ()):
                if not other.relation or other.type_ref is None:
                    continue
                target = self.model_class(other.type_ref)
                if target is None or target == cls.qual:
                    continue
                for c in self.mro(target):
                    related = self.p.classes.get(c)
                    copied = related.fields.get(name) if related is not None else None
                    if copied is not None and self.pack.describes_business_data(copied.described):
                        return True
        return False

    def _geocodes(self) -> None:
        """Latitude and longitude inferred on a class that holds a postal address are the
        address's geocode (typed, not tracked): contact.address, not passive location."""
        location = "user.location"
        for (qual, name), (cats, inferred) in list(self.field_categories.items()):
            if not inferred or not all(self.pack.is_under(c, [location]) for c in cats):
                continue
            if any(self.pack.is_under(c, ["user.contact.address"])
                   for other in self.mro(qual) for (owner, _), (other_cats, _) in self.field_categories.items()
                   if owner == other for c in other_cats):
                geocode = ("user.contact.address",)
                self.field_categories[(qual, name)] = (geocode, True)
                self.sources[f"f|{qual}|{name}"]["categories"] = geocode

    def _service_credentials(self) -> None:
        """A password or secret inferred on a class with no other personal data and no
        relation to a person (a payment gateway's key, an OAuth app's secret) is the shop's
        credential for a service, not a user's: it infers nothing."""
        credentials = self.pack.info.credentials
        by_class: dict[str, list] = defaultdict(list)
        for (qual, name), (cats, inferred) in self.field_categories.items():
            by_class[qual].append((name, cats, inferred))
        user = self.user_model()
        for qual, fields in sorted(by_class.items()):
            if not all(inferred and all(self.pack.is_under(c, credentials) for c in cats)
                       for _, cats, inferred in fields):
                continue
            if qual == user or any(c.rsplit(".", 1)[-1] in USER_BASES for c in self.mro(qual)):
                continue
            if any(self._relates_to_person(qual, fld) for c in self.mro(qual) if c in self.p.classes
                   for fld in self.p.classes[c].fields.values()):
                continue
            for name, _, _ in fields:
                del self.field_categories[(qual, name)]
                del self.sources[f"f|{qual}|{name}"]

    def _relates_to_person(self, qual: str, fld) -> bool:
        if not fld.relation or fld.type_ref is None:
            return False
        target = self.model_class(fld.type_ref)
        if target is None:
            return False
        return target == self.user_model() or any(
            owner == c and not all(self.pack.is_under(cat, self.pack.info.credentials) for cat in cats)
            for c in self.mro(target) for (owner, _), (cats, _) in self.field_categories.items())

    def _category(self, raw: str, mod: ModuleFacts, line: int) -> str | None:
        try:
            return self.pack.normalize_category(raw)
        except ConfigError as exc:  # the engine stops with it: a configuration error
            self.bad_tags.append((mod.path, line, f"`# pii:` tag: {exc}"))
            return None

    def _module_edges(self, mod: ModuleFacts) -> None:
        resolve = self.resolve
        for src, dst, desc, line, op in mod.edges:
            s, d = resolve(src), resolve(dst)
            if s.startswith("q|") or d.startswith("q|"):
                continue  # a definition or an external name is not a value
            if op == "store" and s.startswith("f|"):
                continue  # an object of a known class keeps its fields apart: customer.email is not customer
            self.add_edge(s, d, INTRA, desc, (mod.path, line) if line else None, op=op)
            if d.startswith("f|") and line and not s.startswith("src|"):
                self._field_writes.append((s, d, mod, line))
        for fact in mod.sources:
            cats = tuple(c for c in (self._category(c, mod, fact.line) for c in fact.categories) if c) \
                if not fact.inferred else fact.categories
            if fact.inferred and not self.infer:
                continue
            if not cats:
                continue
            node = f"src|{fact.id}"
            self.sources[node] = {
                "categories": cats, "label": fact.label, "inferred": fact.inferred,
                "path": mod.path, "line": fact.line, "col": fact.col,
                "how": "name" if fact.inferred else "comment",
            }
        for sid, dst in mod.source_edges:
            node = f"src|{sid}"
            if node in self.sources:
                self.add_edge(node, resolve(dst), INTRA, "collected", None)
        for base, attr, line in mod.blanks:
            if base[0] == "f":
                continue
            t = self.type_of(resolve(base))
            if t in self.p.classes and self.is_personal_field(t, attr):
                self.erasures[t].append((mod.path, line, f"blanks .{attr}"))

    # -- calls ----------------------------------------------------------------
    def callee(self, call: CallFact) -> tuple[str, str]:
        """("project", scope) | ("class", qual) | ("ext", qualified name) | ("unknown", display)."""
        func = call.func
        if func is None:
            return ("unknown", call.display)
        if func[0] == "n" and func[1] == "":
            return ("ext", func[2])
        target = self.resolve(func)
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
        if func[0] == "a":
            base = self.resolve(func[1])
            t = self.type_of(base) if not base.startswith("q|") else None
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

    def _method_by_receiver_name(self, receiver, method: str) -> str | None:
        """``context.log(...)`` on a value of unknown class: the method of the one project class
        the receiver is named after (``Context``), if that class has it."""
        if receiver[0] != "n":
            return None
        name = receiver[2].split("#", 1)[0]
        if self._classes_by_snake is None:
            index: dict[str, list[str]] = defaultdict(list)
            for qual, fact in sorted(self.p.classes.items()):
                index[normalize_identifier(fact.name)].append(qual)
            self._classes_by_snake = index
        candidates = self._classes_by_snake.get(name, ())
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

    def _call(self, call: CallFact, mod: ModuleFacts) -> None:
        if call.display == "raise":
            if not self._user_facing_error(call.raised):
                self._sink(call, mod, "<raise>")
            return
        kind, target = self.callee(call)
        result = f"c|{call.id}"
        at = (mod.path, call.line)
        erasure.record_call(self, call, mod)
        if kind == "project":
            sanitizer = self.pack.sanitizer_for(target)
            self._bind(call, mod, target, receiver_bound=self._is_bound_call(call, target),
                       returns=sanitizer is None)
            if sanitizer is not None:
                idx = self.pack.sanitizers.index(sanitizer)
                for _, refs in call.args:
                    for r in refs:
                        src = self.resolve(r)
                        if not src.startswith("q|"):
                            self.add_edge(src, result, INTRA, _cleaned(sanitizer.kind, call.display), at, idx)
            return
        if kind == "class":
            self._construct(call, mod, target)
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
        sinks = self.pack.sinks_for(qual) if kind == "ext" else []
        if sinks:
            self._sink(call, mod, qual, sinks)
            return
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
            else:
                desc, op = "read an entry", "read:?"  # data.pop(name): some entry, which one is not known
        if sanitizer_idx != -1:
            desc = _cleaned(self.pack.sanitizers[sanitizer_idx].kind, call.display)
        if call.display.endswith("model_to_dict") or call.display.endswith("model_dump"):
            if self._selected_fields(call, mod, result):
                return
        if call.func is not None and call.func[0] == "a" and call.func[2] in NO_DATA_METHODS:
            return
        if self.call_type(call.id) in self.p.classes:
            # Customer.objects.get(user=u): the arguments select the record; the result is
            # the record (it carries its own fields), not the arguments.
            return
        last = call.display.rsplit(".", 1)[-1]
        spelled = "fields" if last in SERIALISERS else "str" if last in STRINGIFIERS else None
        builds_dict = call.display in ("dict", "OrderedDict", "collections.OrderedDict")
        for key, refs in call.args:
            # dict(supplier=s, price=p) puts each keyword under its own key.
            entry = f"put:{key!r}" if builds_dict and isinstance(key, str) and key not in ("*", "**") else spelled
            for r in refs:
                self.add_edge(self.resolve(r), result, INTRA, desc, at, sanitizer_idx, op=entry)
        if call.receiver is not None:
            recv = self.resolve(call.receiver)
            if not recv.startswith("q|"):
                self.add_edge(recv, result, INTRA, desc, at, sanitizer_idx, op=op or spelled)

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
            chosen = sorted(fields - {str(x) for x in excluded})
        for name in chosen:
            member = self.class_member(t, str(name))
            if member and member.startswith("f|"):
                self.add_edge(member, result, INTRA, f"selected field {name}", (mod.path, call.line))
        return True

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
        packed = {(param, ref): key for param, ref, key in (e for e in splat if len(e) == 3)}
        for param, refs in bound.items():
            dst = f"v|{scope}|{param}"
            for r in refs:
                src = self.resolve(r)
                if not src.startswith("q|"):
                    # f(**data) gives parameter p the entry data["p"]; f(ip=x) puts x in kwargs["ip"].
                    op = f"read:{param!r}" if (param, r) in splat else \
                        f"put:{packed[(param, r)]!r}" if (param, r) in packed else None
                    self.add_edge(src, dst, CALL, f"passed as argument {param} of {name}()", at, site=call.id, op=op)
        if returns:
            self.add_edge(f"r|{scope}", f"c|{call.id}", RETURN, f"returned from {name}()", at, site=call.id)
        self.call_sites[scope].append(CallSite(call, mod, {k: tuple(v) for k, v in bound.items()} if returns else {}))
        self._calls_into[scope].append((call, mod, {k: tuple(v) for k, v in bound.items()}))

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
                    for r in refs:
                        self.add_edge(self.resolve(r), member, INTRA, f"stored as {short}.{key}", at)
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

    def _user_facing_error(self, raised) -> bool:
        """A validation error: its message is shown to the person who typed the value."""
        if raised is None:
            return False
        target = self.resolve(raised)
        if not target.startswith("q|"):
            target = self.type_of(target) or ""  # `raise err` of a known class
            if not target:
                return False
        else:
            target = target[2:]
        return any(self.pack.is_user_facing_error(c) for c in self.mro(target))

    def _sink(self, call: CallFact, mod: ModuleFacts, qual: str, sinks=()) -> None:
        """``raise X(...)`` comes without pack entries: an exception message is a log."""
        kind = sinks[0].kind if sinks else "log"
        node = f"s|{call.id}|{kind}"
        self.g.add_node(node)
        at = (mod.path, call.line)
        label = call.display if qual != "<raise>" else "an exception message"
        wanted = {arg for s in sinks for arg in s.args} if sinks else {"*"}
        for key, refs in call.args:
            if "*" in wanted or key in wanted or key in ("*", "**"):
                for r in refs:
                    src = self.resolve(r)
                    if not src.startswith("q|"):
                        self.add_edge(src, node, INTRA, f"passed to {label}", at)
        if call.receiver is not None and ("receiver" in wanted or kind == "log"):
            recv = self.resolve(call.receiver)
            if not recv.startswith("q|"):
                self.add_edge(recv, node, INTRA, f"logged by {label}" if kind == "log" else f"sent by {label}", at)
        self.sinks.append(SinkInfo(node, call, mod, kind, qual, list(sinks)))
        if kind == "storage":
            self._note_stored_fields(call, mod, qual)

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
            if isinstance(key, str) and key not in ("*", "**", "defaults"):
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
        self.record_classes = record_classes
        for cls, fields in record_classes.items():
            cats = tuple(sorted({c for _, cs, _ in fields for c in cs}))
            node = f"rec|{cls}"
            fact = self.p.classes[cls]
            mod = self.p.class_module[cls]
            self.sources[node] = {
                "categories": cats, "label": f"{fact.name} record", "inferred": all(i for _, _, i in fields),
                "path": mod.path, "line": fact.line, "col": fact.col, "how": "record", "class": cls,
            }
        typed = list(self._type_facts) + [f"c|{cid}" for cid in self._calls_by_id]
        for node in typed:
            t = self.type_of(node) if not node.startswith("c|") else self.call_type(node[2:])
            if t in record_classes and (node in self.g or node.startswith("v|") or node.startswith("c|")):
                self.add_edge(f"rec|{t}", node, INTRA, f"holds a {t.rsplit('.', 1)[-1]} record", None)
        for fn in self.p.functions.values():
            for param, ann in fn.annotations.items():
                t = self.resolve(ann)
                if t.startswith("q|") and t[2:] in record_classes:
                    self.add_edge(f"rec|{t[2:]}", f"v|{fn.scope}|{param}", INTRA,
                                  f"holds a {t[2:].rsplit('.', 1)[-1]} record", None)
