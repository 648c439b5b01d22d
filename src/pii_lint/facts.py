"""One pass over one module: a small picklable summary of what the code does with values.

The pass resolves nothing across modules. It names values symbolically (``Ref``) and
records assignments, calls, returns, classes and tags; ``graph.py`` resolves those
names over the whole project. Parsing uses CPython's ``ast``: it gives positions for
free and agrees with the interpreter on what is valid Python (see README, "Design").

Refs are tuples:
    ("n", scope, name)    a name as seen from a scope (local, enclosing, global, import);
                          ``name#2`` is the second value assigned to a local
    ("a", base, attr)     attribute ``attr`` of the value ``base``
    ("f", class, attr)    attribute of ``self``/``cls`` inside class ``class``
    ("k", class)          the class itself (``cls(...)`` in a classmethod)
    ("c", call_id)        the result of a call
    ("t", temp_id)        a value built from others (string formatting, containers)
    ("r", scope)          what a function returns
    ("s", source_id)      a collection point or a name that looks personal
"""

from __future__ import annotations

import ast
import json
import re
import string
import sys
import threading
import warnings
from dataclasses import dataclass, field

from .idioms import KEY_SEP, NOT_TEXT, SETTINGS_HOLDERS

Ref = tuple

PII_COMMENT = re.compile(r"#\s*pii\s*:\s*([^#\n]*)")
RETENTION_COMMENT = re.compile(r"#\s*pii-retention\s*:\s*([^#\s]+)")
# `# noqa`, `# noqa: PII201, E501 -- reviewed`: the codes are whatever follows the colon up
# to the reason, so that a misspelt code (PII2O1) is seen as one instead of making a bare noqa.
NOQA_COMMENT = re.compile(r"#\s*noqa\b(?:\s*:\s*((?:(?!\s--)[^#\n])*))?(?:\s*--\s*([^#\n]*))?", re.I)
NOQA_CODE = re.compile(r"[A-Z]+[0-9]+")
COMMENT_HINT = re.compile(r"#\s*(?:pii|noqa)", re.I)

# Wrappers whose first type argument is the type of the value.
TYPE_WRAPPERS = {
    "Optional", "List", "list", "Sequence", "Iterable", "Iterator", "Mapped", "QuerySet",
    "Annotated", "Set", "set", "FrozenSet", "frozenset", "Tuple", "tuple", "Collection",
    "Type", "type", "Union", "Final", "ClassVar", "Manager", "Generator", "AsyncIterator",
}
ORM_RELATIONS = {"ForeignKey", "OneToOneField", "ManyToManyField", "relationship", "ParentalKey"}
# Schema fields whose first argument is the class of the value (graphene, marshmallow, DRF).
VALUE_TYPED_FIELDS = {"Field", "List", "NonNull", "Nested", "Pluck"}
# Form fields whose cleaned value is a record (or records) of their queryset's model.
MODEL_CHOICE_FIELDS = frozenset({"ModelChoiceField", "ModelMultipleChoiceField"})
# A function named for what it returns: get_email(), fetch_phone_number(), get_client_ip().
_GETTER = re.compile(r"^_?(?:get|fetch|load|read|retrieve|lookup|find|obtain|request|prompt_for|ask_for)_(\w+)$")
# Keywords of a field that say in words what it holds.
DESCRIBING_KEYWORDS = ("help_text", "verbose_name", "label", "description", "title", "doc")


@dataclass(slots=True)
class FieldFact:
    name: str
    line: int
    col: int
    categories: tuple[str, ...] = ()
    tag: str = ""  # how it was tagged: comment, annotated, metadata; "" when untagged
    type_ref: Ref | None = None  # annotation or relation target
    encrypted_by: tuple[Ref, ...] = ()  # callee refs wrapping the field's value
    relation: bool = False
    cascade: bool = False
    is_field_call: bool = False  # value is a call (models.CharField(), Column(), Field())
    described: str = ""  # help_text, verbose_name, label, description: evidence of what it holds
    value_type: Ref | None = None  # graphene.Field(X), fields.Nested(X): the class of the value
    manager: bool = False  # objects = CheckoutQueryset.as_manager(): queries the class's records
    choices: bool = False  # choices=...: one of a fixed list, not free text
    kind: str = ""  # the field class called: "JSONField", "CharField"
    related_name: str | None = None  # ForeignKey(..., related_name="orders"): the reverse accessor
    getter: Ref | None = None  # name = property(get_name, set_name): the function that reads it
    deletes_related: bool = False  # relationship(Child, cascade="all, delete-orphan"): deleting this deletes them


@dataclass(slots=True)
class ClassFact:
    qual: str
    name: str
    line: int
    col: int
    bases: tuple[Ref, ...]
    fields: dict[str, FieldFact] = field(default_factory=dict)
    methods: dict[str, str] = field(default_factory=dict)  # name -> function scope
    instance_attrs: set[str] = field(default_factory=set)  # self.x = ... in methods
    masked_attrs: set[str] = field(default_factory=set)  # self.number = "XXXX-%s" % ...: kept masked
    retention: str | None = None
    tablename: bool = False
    meta_abstract: bool = False
    meta_unstored: bool = False  # Meta.managed = False or Meta.proxy = True: no table of its own
    model_ref: Ref | None = None  # `model = X` / `queryset = X.objects...` of a view (or its Meta)
    meta_fields: tuple[str, ...] | None = None  # Meta.fields of a form or serializer (None: all)
    meta_exclude: tuple[str, ...] = ()  # Meta.exclude
    settings_initial: set[str] = field(default_factory=set)  # form fields pre-filled from settings


@dataclass(slots=True)
class FunctionFact:
    scope: str
    name: str
    line: int
    col: int
    class_qual: str | None
    params: tuple[str, ...]  # positional first, then *args, keyword-only, **kwargs
    kind: str = "function"  # function | method | classmethod | staticmethod | lambda
    positional: int = 0  # how many of params take positions
    annotations: dict[str, Ref] = field(default_factory=dict)
    depends: tuple[Ref, ...] = ()  # FastAPI Depends(x) defaults
    returns: Ref | None = None
    is_property: bool = False  # @property, @cached_property: reading the attribute runs it
    decorators: tuple[Ref, ...] = ()  # @logged: calls run the wrapper the decorator returns


@dataclass(slots=True)
class CallFact:
    id: str
    scope: str
    line: int
    col: int
    end_line: int
    end_col: int
    func: Ref  # ref of the callee expression
    display: str  # "logger.info"
    args: tuple  # ((key, (refs...)), ...); key: int position, str keyword, "*" or "**"
    consts: dict  # keyword -> literal value (strings, numbers, None, lists of strings)
    pos_consts: tuple  # literal value per position, or NOT_LITERAL
    strings: tuple[tuple, ...]  # (argument key, string piece): where URLs come from
    names: tuple[tuple, ...]  # (argument key, dotted name): settings.SHIPFAST_URL
    guards: tuple[str, ...]  # names tested by enclosing ifs and early exits
    loop: int  # loop depth around the call
    receiver: Ref | None  # the object a method is called on
    raised: Ref | None = None  # `raise X(...)`: the callee X, which says who reads the message
    key_param: bool = False  # d.get(name) with `name` a parameter: the caller chooses the entry


@dataclass(slots=True)
class SourceFact:
    id: str
    line: int
    col: int
    categories: tuple[str, ...]
    label: str
    inferred: bool
    holder: str = ""  # the value an inferred entry is read from (`affiliation` of affiliation["city"])


@dataclass(slots=True)
class Scope:
    id: str
    kind: str  # module | class | function
    parent: str | None
    locals: set[str] = field(default_factory=set)
    globals: set[str] = field(default_factory=set)  # `global`/`nonlocal` declarations
    imports: dict[str, str] = field(default_factory=dict)  # local name -> qualified name
    stars: list[str] = field(default_factory=list)  # modules of `from m import *`, in order


@dataclass(slots=True)
class ModuleFacts:
    path: str
    module: str
    error: str | None = None
    error_line: int = 1  # where PII900 is reported: CPython's line and column
    error_col: int = 1
    scopes: dict[str, Scope] = field(default_factory=dict)
    classes: dict[str, ClassFact] = field(default_factory=dict)
    functions: dict[str, FunctionFact] = field(default_factory=dict)
    # (src, dst, description, line, op): op says what checks may rely on, where it matters:
    # "put:'k'" / "read:'k'" (dict entries), "each" (an element of; "each:owned" of one person's records), "collect", "list".
    edges: list = field(default_factory=list)
    calls: list[CallFact] = field(default_factory=list)
    types: list = field(default_factory=list)  # (ref, ("ref", r) | ("call", id) | ("ann", r) | ("phi", refs))
    sources: list[SourceFact] = field(default_factory=list)
    source_edges: list = field(default_factory=list)  # (source id, dst ref)
    blanks: list = field(default_factory=list)  # (base ref, attr, line): personal field set empty
    aged_calls: set = field(default_factory=set)  # ids of delete()/update() calls on records past an age
    # Functions returning records past an age (a QuerySet's `expired()`), and delete()/update()
    # call id -> the methods its query chain calls: `Token.objects.expired().delete()`.
    aged_queries: set = field(default_factory=set)
    query_chains: dict = field(default_factory=dict)
    relay_hosts: list = field(default_factory=list)  # (line, col, host): SMTP relays the code configures
    # call id -> (ref of the object, relation) when the innermost loop around the call iterates
    # one object's related records: `for line in invoice.lines.all()`
    loop_owners: dict = field(default_factory=dict)
    owned_iters: dict = field(default_factory=dict)  # iterable ref -> (object ref, relation), as above
    constants: dict[str, str] = field(default_factory=dict)  # module-level NAME = "string"
    urls: dict[str, str] = field(default_factory=dict)  # temp id -> a URL literal ("https://..."), a value of its own
    noqa: dict[int, tuple] = field(default_factory=dict)  # line -> (codes or None, reason, misspelt codes)
    # Exception class names (last part) handlers catch: to show the message to the user
    # (Django's messages, Flask's flash, a framework error handler's reply), to log or raise
    # it again, and (caught, raised) when a handler raises another error instead.
    shown_errors: set = field(default_factory=set)
    logged_errors: set = field(default_factory=set)
    caught_errors: set = field(default_factory=set)
    forwarded_errors: set = field(default_factory=set)


class _Ctx:
    __slots__ = ("scope", "class_qual", "self_name", "guards", "loop", "func")

    def __init__(self, scope, class_qual=None, self_name=None, guards=(), loop=0, func=None):
        self.scope = scope
        self.class_qual = class_qual
        self.self_name = self_name
        self.guards = guards
        self.loop = loop
        self.func = func

    def inner(self, guards=None, loop=None) -> "_Ctx":
        """The same scope under more guards or one loop deeper."""
        return _Ctx(self.scope, self.class_qual, self.self_name, self.guards if guards is None else guards,
                    self.loop if loop is None else loop, self.func)


def extract(source: bytes | str, relpath: str, module: str, infer_name) -> ModuleFacts:
    """Facts for one file. ``infer_name(name) -> category | None`` is the pack's matcher."""
    facts = ModuleFacts(path=relpath, module=module)
    try:
        tree = _parse(source, relpath)
    except SyntaxError as exc:
        facts.error_line = exc.lineno or 1
        facts.error_col = max(exc.offset or 1, 1)
        newer = _needs_newer_python(exc)
        if PY2_EXCEPT.search(exc.text or ""):
            facts.error = "syntax error: Python 2 code (`except X, e:`); pii-lint reads Python 3"
        elif newer:
            facts.error = f"needs Python >= {newer} to parse; run pii-lint under the project's Python"
        else:
            facts.error = f"syntax error: {exc.msg}"
        return facts
    except (ValueError, MemoryError, RecursionError) as exc:
        facts.error = f"cannot parse: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": ")
        return facts
    text = _decode(source) if isinstance(source, bytes) else source
    lines = text.splitlines()
    try:
        _Extractor(facts, lines, infer_name).run(tree)
    except RecursionError:
        # Rare, very deep code: run again on a thread with a large stack.
        facts2 = ModuleFacts(path=relpath, module=module)
        _run_deep(lambda: _Extractor(facts2, lines, infer_name).run(tree))
        return facts2
    return facts


# Grammar this interpreter may be too old for: (version, what the failing line looks like).
NEWER_SYNTAX = (
    ((3, 12), re.compile(r"^\s*type\s+\w+\s*(?:\[[^\]]*\])?\s*=")),             # PEP 695 type aliases
    ((3, 12), re.compile(r"^\s*(?:async\s+)?(?:def|class)\s+\w+\s*\[")),           # PEP 695 type parameters
    ((3, 14), re.compile(r"^\s*except\*?\s+[\w.]+\s*,\s*[\w.]+\s*:")),            # PEP 758 except A, B:
    ((3, 14), re.compile(r"(?<![\w\"'])[tT][rR]?[\"']")),                              # PEP 750 t-strings
)

MASK_RUN = re.compile(r"[Xx*\u2022#]{4}")


def _masks(value) -> bool:
    """``"XXXX-XXXX-XXXX-%s" % n[-4:]``, ``f"****{n[-4:]}"``: text made mostly of mask characters."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, (ast.Mod, ast.Add)):
        return _masks(value.left)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "format":
        return _masks(value.func.value)
    if isinstance(value, ast.JoinedStr):
        return any(_masks(v) for v in value.values if isinstance(v, ast.Constant))
    return isinstance(value, ast.Constant) and isinstance(value.value, str) and bool(MASK_RUN.search(value.value))


# Settings naming the SMTP server mail is handed to (Django, Flask-Mail, plain).
RELAY_SETTING = re.compile(r"(?i)^(?:EMAIL|MAIL|SMTP)_?(?:HOST|SERVER|RELAY)(?:_?NAME)?$")
# A query filter on a date before some point: `created__lt=cutoff`, `Model.sent_at < limit`.
DATE_LOOKUP = re.compile(r"(?:^|_)(?:created|modified|updated|expires?|expiry|expired|date|time|timestamp|sent|"
                         r"last_\w+|\w+_(?:at|on|date|time))__(?:lt|lte|range)$")
DATE_NAME = re.compile(r"(?:^|_)(?:created|modified|updated|expires?|expiry|expired|date|time|timestamp|sent)$|"
                       r"_(?:at|on|date|time)$")


def _filters_by_age(chain) -> bool:
    """Whether a query chain keeps only records older than some point (a retention purge)."""
    while isinstance(chain, ast.Call):
        for kw in chain.keywords:
            if kw.arg and DATE_LOOKUP.search(kw.arg):
                return True
        for arg in chain.args:
            for sub in ast.walk(arg):
                if isinstance(sub, ast.keyword) and sub.arg and DATE_LOOKUP.search(sub.arg):
                    return True  # Q(sent__lt=cutoff) | Q(...)
                if isinstance(sub, ast.Compare) and len(sub.ops) == 1 and isinstance(sub.ops[0], (ast.Lt, ast.LtE)) \
                        and isinstance(sub.left, ast.Attribute) and DATE_NAME.search(sub.left.attr):
                    return True  # Model.created_at < cutoff (SQLAlchemy)
        func = chain.func
        if not isinstance(func, ast.Attribute):
            return False
        chain = func.value
    return False


# Python 2's `except ValueError, e:` binds a lower-case name; PEP 758's `except A, B:` names classes.
PY2_EXCEPT = re.compile(r"^\s*except\s+(?:\([^)]*\)|[\w.]+)\s*,\s*[a-z_][a-z0-9_]*\s*:")


def _needs_newer_python(exc: SyntaxError) -> str | None:
    """"3.12" when the error is newer grammar than this interpreter reads (PEP 701 f-strings,
    PEP 695 type parameters...), not a mistake in the code."""
    if exc.msg.startswith("f-string") and sys.version_info < (3, 12):
        return "3.12"  # PEP 701: quotes, comments and backslashes inside f-string fields
    line = exc.text or ""
    for version, pattern in NEWER_SYNTAX:
        if sys.version_info < version and pattern.search(line):
            return ".".join(map(str, version))
    return None


def _parse(source, relpath: str) -> ast.Module:
    with warnings.catch_warnings():
        # SyntaxWarnings are about the analysed code, not for our user's terminal.
        warnings.simplefilter("ignore")
        try:
            return ast.parse(source, filename=relpath)
        except RecursionError:
            result: list = []
            _run_deep(lambda: result.append(ast.parse(source, filename=relpath)))
            return result[0]


def _decode(source: bytes) -> str:
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        return source.decode(encoding, "replace")
    except (SyntaxError, LookupError):
        return source.decode("utf-8", "replace")


def _run_deep(fn) -> None:
    errors: list[BaseException] = []

    def target():
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(200_000)
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            errors.append(exc)
        finally:
            sys.setrecursionlimit(old)

    old_size = threading.stack_size()
    threading.stack_size(512 * 1024 * 1024)
    try:
        worker = threading.Thread(target=target)
        worker.start()
        worker.join()
    finally:
        threading.stack_size(old_size)
    if errors:
        raise errors[0]


# A k-anonymity range query sends the first 5 characters of a password's SHA-1 (Have I Been
# Pwned): this many characters of a hash are shared by too many values to name anyone.
SHORT_PREFIX = 8


def _short_prefix(index) -> int | None:
    """``value[:5]``, ``value[0:5]``: the number of leading characters kept, when few."""
    if not isinstance(index, ast.Slice) or index.step is not None:
        return None
    lower, upper = _literal(index.lower) if index.lower is not None else 0, _literal(index.upper)
    if lower == 0 and isinstance(upper, int) and not isinstance(upper, bool) and 0 < upper <= SHORT_PREFIX:
        return upper
    return None


def _holder_name(node) -> str:
    """The name of the value an entry is read from: ``affiliation`` in ``affiliation["city"]``,
    ``repository`` in ``payload["repository"]["full_name"]``."""
    if isinstance(node, ast.Subscript):
        key = _literal(node.slice)
        return key if isinstance(key, str) else ""
    return (_dotted(node) or "").rsplit(".", 1)[-1]


def _chain_methods(node) -> tuple[str, ...]:
    """The names of the calls in a chain (``("expired", "filter")`` for
    ``Token.objects.filter(app=a).expired()``), outermost first."""
    names = []
    while isinstance(node, ast.Call):
        func = node.func
        names.append(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
        node = func.value if isinstance(func, ast.Attribute) else None
    return tuple(names)


def _dotted(node) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


_REPORTS = re.compile(r"(?:^|_)(?:log|logger|logging|debug|info|warning|warn|error|exception|critical|print|"
                      r"capture_exception|capture_message|report|report_error|notify|echo|write)(?:$|_)", re.I)


# Calls that show a message to the person using the app: Django's messages, Flask's flash.
SHOWN = re.compile(r"(?:^|\.)(?:messages\.(?:debug|info|success|warning|error|add_message)|flash)$")


# A web framework's error handler for an exception class: what it returns is the reply to
# the request (Flask's errorhandler, FastAPI's and Starlette's exception handlers).
ERROR_HANDLER_DECORATORS = frozenset({"errorhandler", "app_errorhandler", "exception_handler"})
ERROR_HANDLER_REGISTRATIONS = frozenset({"register_error_handler", "add_exception_handler"})
# A logger's methods, and calls that print or report an error elsewhere.
LOGGING_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log",
                             "capture_exception", "capture_message"})
REPORTING_FUNCTIONS = frozenset({"print", "capture_exception", "capture_message", "print_exc", "log_exception"})


def _class_names(node) -> list[str]:
    """The last part of each class an ``except`` clause or a handler registration names."""
    return [(_dotted(t) or "").rsplit(".", 1)[-1] for t in (node.elts if isinstance(node, ast.Tuple) else [node])]


def _handled_by_decorator(fn) -> list[str]:
    """The classes ``@app.errorhandler(NotFound)`` makes ``fn`` the handler of."""
    return [name for dec in fn.decorator_list
            if isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) and dec.args
            and dec.func.attr in ERROR_HANDLER_DECORATORS
            for name in _class_names(dec.args[0])]


def _handler_effect(body, caught_as: str | None, logs) -> tuple[bool, set[str]]:
    """(reports, forwards) of a handler's body: whether it logs the error (``logs`` says which
    calls do) or raises it again, and the classes it raises instead, the message maybe in them
    (``raise HTTPAPIError(f"failed: {e}")``)."""
    nodes = [n for stmt in body for n in ast.walk(stmt)]
    forwards: set[str] = set()
    for n in nodes:
        if not isinstance(n, ast.Raise):
            continue
        exc = n.exc.func if isinstance(n.exc, ast.Call) else n.exc
        if exc is None or (isinstance(exc, ast.Name) and exc.id == caught_as):
            return True, set()
        forwards.add((_dotted(exc) or "?").rsplit(".", 1)[-1])
    return any(logs(n) for n in nodes if isinstance(n, ast.Call)), forwards


def _logging_call(call) -> bool:
    """A logger's method, or a function that prints or reports: what a framework error handler
    does when it logs."""
    func = call.func
    return (isinstance(func, ast.Attribute) and func.attr in LOGGING_METHODS) or (
        isinstance(func, ast.Name) and func.id in REPORTING_FUNCTIONS)


def _reporting_call(call) -> bool:
    """A call that logs, prints or reports, by the last part of its name. A method of a call's
    result (``logging.getLogger("").warning``) is named by itself."""
    name = _dotted(call.func) or (call.func.attr if isinstance(call.func, ast.Attribute) else "")
    return not SHOWN.search(name) and bool(_REPORTS.search(name.rsplit(".", 1)[-1]))


def _showing_call(call) -> bool:
    name = _dotted(call.func) or (call.func.attr if isinstance(call.func, ast.Attribute) else "")
    return bool(SHOWN.search(name))


def _note_handler(f: "ModuleFacts", names: list[str], body, caught_as: str | None, logs, shows) -> None:
    """What a handler of ``names`` does with the error, into the module's facts."""
    f.caught_errors.update(names)
    reports, forwards = _handler_effect(body, caught_as, logs)
    if reports:
        f.logged_errors.update(names)
        return
    f.forwarded_errors.update((name, other) for name in names for other in forwards)
    if shows(body):
        f.shown_errors.update(names)


def _error_handler(f: "ModuleFacts", fn, names: list[str]) -> None:
    """A framework error handler of ``names``: what it returns answers the request
    (``render_error(exc, str(exc))``) unless it logs or raises the error."""
    if names:
        caught_as = fn.args.args[-1].arg if fn.args.args else None
        _note_handler(f, names, fn.body, caught_as, _logging_call,
                      lambda body: any(isinstance(n, ast.Return) and n.value is not None
                                       for stmt in body for n in ast.walk(stmt)))


def _handled_errors(f: "ModuleFacts", handlers) -> None:
    """The exception classes ``except`` clauses catch to show to the user and nothing else
    (``except MassActionError as e: messages.error(request, e.args[0])``), those they log or
    raise again, and those they raise another error instead of."""
    for handler in handlers:
        if handler.type is not None:
            _note_handler(f, _class_names(handler.type), handler.body, handler.name, _reporting_call,
                          lambda body: any(isinstance(n, ast.Call) and _showing_call(n)
                                           for stmt in body for n in ast.walk(stmt)))


def _quiet_catches(handlers) -> frozenset[str]:
    """``except ResetError as e: return render(...)``: the exceptions a try statement's
    handlers catch and keep to themselves (no raise, no log, print or report call)."""
    caught: set[str] = set()
    for handler in handlers:
        if any(isinstance(n, ast.Raise) or (isinstance(n, ast.Call) and _REPORTS.search(
                (_dotted(n.func) or "").rsplit(".", 1)[-1])) for stmt in handler.body for n in ast.walk(stmt)):
            continue
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for t in types:
            name = (_dotted(t) or "").rsplit(".", 1)[-1] if t is not None else "*"
            caught.add("*" if name in ("", "*", "Exception", "BaseException") else name)
    return frozenset(caught)


# WTForms turns a ValueError raised in these into the field's error; Django forms do the
# same for a ValidationError in clean_<field>.
VALIDATING_METHODS = re.compile(r"pre_validate|post_validate|process_formdata|process_data|validate|validate_\w+|"
                                r"clean|clean_\w+|to_python")
VALIDATION_ERRORS = frozenset({"ValueError", "ValidationError", "StopValidation", "TypeError"})


def _deletes(node) -> bool:
    """A SQLAlchemy cascade string that deletes: "all", "delete", "all, delete-orphan"."""
    value = _literal(node)
    parts = {part.strip() for part in value.split(",")} if isinstance(value, str) else set()
    return bool(parts & {"all", "delete", "delete-orphan"})


def _in_settings(node) -> bool:
    """``settings.GITHUB_CREDENTIALS[host]``, ``app.config``: read from configuration."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        if isinstance(node, ast.Attribute) and node.attr in SETTINGS_HOLDERS:
            return True
        node = node.func if isinstance(node, ast.Call) else node.value
    return isinstance(node, ast.Name) and node.id in SETTINGS_HOLDERS


def _format_fields(template: str) -> list[str] | None:
    """The names ``"{url}/{owner}/{slug}"`` formats, or None when one is positional or odd."""
    try:
        parsed = [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]
    except ValueError:
        return None
    names = [re.split(r"[.\[]", field, maxsplit=1)[0] for field in parsed]
    return names if all(n.isidentifier() for n in names) else None


def _item_type(value, refs):
    """The type fact of ``caches["default"]`` (its key read, typed as an item) or of
    ``caches[alias]`` (the registry's own ref, read as an item of it)."""
    if not isinstance(value, ast.Subscript) or len(refs) != 1 or refs[0][0] not in ("t", "n"):
        return None
    return ("ref", refs[0]) if refs[0][0] == "t" else ("item", refs[0])


def _literal(node):
    """A literal's value, or the _NOT_LITERAL sentinel."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        values = [_literal(e) for e in node.elts]
        return _NOT_LITERAL if any(v is _NOT_LITERAL for v in values) else tuple(values)
    if isinstance(node, ast.Dict):
        if all(isinstance(k, ast.Constant) for k in node.keys):
            values = {k.value: _literal(v) for k, v in zip(node.keys, node.values)}
            return _NOT_LITERAL if any(v is _NOT_LITERAL for v in values.values()) else values
    return _NOT_LITERAL


class _NotLiteral:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<not literal>"

    def __reduce__(self):
        return "_NOT_LITERAL"


_NOT_LITERAL = NOT_LITERAL = _NotLiteral()


def _pii_tag_from_metadata(node) -> tuple[str, ...]:
    """``{"pii": "contact.email"}`` or ``{"pii": ["a", "b"]}`` -> categories."""
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            if isinstance(key, ast.Constant) and key.value == "pii":
                lit = _literal(value)
                if isinstance(lit, str):
                    return tuple(c.strip() for c in lit.split(",") if c.strip())
                if isinstance(lit, tuple):
                    return tuple(str(c) for c in lit)
    return ()


class _Extractor:
    def __init__(self, facts: ModuleFacts, lines: list[str], infer_name) -> None:
        self.f = facts
        self.lines = lines
        self.infer = infer_name
        self.mod = facts.module
        self.counter = 0
        self.cur = facts.module  # scope of the expression being read
        # Locals of the function being read are versioned: each assignment is a new value
        # (``x#2``), so a later `x = email` does not reach an earlier use of x.
        self.vscope: str | None = None
        self.versioned: set[str] = set()
        self.vers: dict[str, int] = {}
        self.vcount: dict[str, int] = {}
        self.comment_lines = self._scan_comments()
        # Module constants that list names (`FINGERPRINT_PARTS = ["REMOTE_ADDR", ...]`), and the
        # loop variables currently bound to one: `request.META.get(key)` reads each of them.
        self._own_cache: dict[int, tuple] = {}  # id(body) -> (body, own nodes, nested scopes)
        self.name_lists: dict[str, tuple[str, ...]] = {}
        self.loop_keys: dict[str, tuple[str, ...]] = {}
        self.aged_names: frozenset[str] = frozenset()  # names (loop variables, queries) of records past an age
        self.top_functions: dict[str, ast.FunctionDef] = {}  # the module's functions (register_error_handler)
        self.loop_owner = None  # (object ref, relation) the innermost loop goes over
        # Exception names caught around the statement being read, by handlers that neither
        # re-raise nor log ("*": any): a raise they catch is handled, not an exception message.
        self.quiet_catches: list[frozenset[str]] = []
        self.loop_elements: dict[str, tuple] = {}  # loop variable -> refs of the container it is an element of
        self.owner_vars: dict[tuple, tuple] = {}  # (scope, local) -> (object ref, relation) it holds
        self.element_op = "each"  # the op of a loop's "element of" edges: "each:owned" over one person's

    # -- comments -------------------------------------------------------------
    def _scan_comments(self) -> dict[int, str]:
        found = {}
        for i, line in enumerate(self.lines, 1):
            if "#" in line and COMMENT_HINT.search(line):
                found[i] = line
                m = NOQA_COMMENT.search(line)
                if m:
                    words = [c.upper() for c in re.split(r"[,\s]+", m.group(1) or "") if c]
                    codes = tuple(c for c in words if NOQA_CODE.fullmatch(c))
                    bad = tuple(c for c in words if not NOQA_CODE.fullmatch(c))
                    # Only a comment with no codes at all is bare; misspelt codes silence nothing.
                    self.f.noqa[i] = (codes if words else None, (m.group(2) or "").strip(), bad)
        return found

    def _tag_comment(self, node) -> tuple[str, ...]:
        for line in range(node.lineno, (getattr(node, "end_lineno", None) or node.lineno) + 1):
            text = self.comment_lines.get(line)
            if text:
                m = PII_COMMENT.search(text)
                if m:
                    # `# pii: name.first (prénom), name.last`: keys are the first word of each part.
                    keys = tuple(part.split()[0] for part in m.group(1).split(",") if part.split())
                    return keys or ("",)  # a bare `# pii:`: reported (PII901), never a tag of nothing
        return ()

    def _retention_comment(self, line: int) -> str | None:
        text = self.comment_lines.get(line)
        if text:
            m = RETENTION_COMMENT.search(text)
            if m:
                return m.group(1)
        return None

    # -- helpers --------------------------------------------------------------
    def code_text(self, node, limit: int = 60) -> str:
        """The expression as written (``request.POST["password"]``), for messages; shortened."""
        line = getattr(node, "lineno", None)
        if line is not None and line == getattr(node, "end_lineno", None) and 0 < line <= len(self.lines):
            raw = self.lines[line - 1].encode("utf-8")[node.col_offset:node.end_col_offset]
            text = raw.decode("utf-8", "replace")
        else:
            text = _short(node)
        return text if len(text) <= limit else text[: limit - 3] + "..."

    def col(self, line: int, offset: int) -> int:
        """1-based column in characters: ast gives UTF-8 byte offsets."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if text.isascii():
            return offset + 1
        return len(text.encode("utf-8")[:offset].decode("utf-8", "ignore")) + 1

    def new_id(self, node) -> str:
        """Unique in the project (scopes start with the module): ``scope|line:col:n``."""
        self.counter += 1
        return f"{self.cur}|{getattr(node, 'lineno', 0)}:{getattr(node, 'col_offset', 0)}:{self.counter}"

    def edge(self, src: Ref, dst: Ref, desc: str, line: int, op: str | None = None) -> None:
        self.f.edges.append((src, dst, desc, line, op))

    def flow_all(self, refs, dst: Ref, desc: str, line: int, op: str | None = None) -> None:
        for r in refs:
            self.edge(r, dst, desc, line, op)

    def temp(self, node, refs, desc: str, op: str | None = None) -> list[Ref]:
        if not refs:
            return []
        t = ("t", self.new_id(node))
        self.flow_all(refs, t, desc, node.lineno, op)
        return [t]

    def add_scope(self, sid: str, kind: str, parent: str | None) -> Scope:
        scope = Scope(sid, kind, parent)
        self.f.scopes[sid] = scope
        return scope

    def add_source(self, node, categories, label: str, inferred: bool, dst: Ref, holder: str = "") -> None:
        sid = f"{self.f.path}:{node.lineno}:{node.col_offset}:{label}"
        self.f.sources.append(SourceFact(sid, node.lineno, self.col(node.lineno, node.col_offset), tuple(categories),
                                         label, inferred, holder))
        self.f.source_edges.append((sid, dst))

    def maybe_infer(self, node, name: str, dst: Ref, label: str, holder: str = "") -> None:
        category = self.infer(name)
        if category:
            self.add_source(node, (category,), label, True, dst, holder)

    # -- versioned locals ---------------------------------------------------------
    def _is_versioned(self, ctx: _Ctx, name: str) -> bool:
        return ctx.scope == self.vscope and name in self.versioned and name not in self.f.scopes[ctx.scope].imports

    def read_ref(self, ctx: _Ctx, name: str) -> Ref:
        if self._is_versioned(ctx, name):
            k = self.vers.get(name, 0)
            return ("n", ctx.scope, f"{name}#{k}" if k else name)
        return ("n", ctx.scope, name)

    def store_ref(self, ctx: _Ctx, name: str) -> Ref:
        if self._is_versioned(ctx, name):
            k = self.vcount[name] = self.vcount.get(name, 0) + 1
            self.vers[name] = k
            return ("n", ctx.scope, f"{name}#{k}")
        return ("n", ctx.scope, name)

    def merge(self, states: list[dict[str, int]]) -> None:
        """Where control flow joins, a name takes any of the values it had on the way in."""
        if not states:
            return
        merged = {}
        for name in sorted(set().union(*states)):  # the facts are the same under any hash seed
            versions = {st.get(name, 0) for st in states}
            if len(versions) == 1:
                merged[name] = versions.pop()
                continue
            k = self.vcount[name] = self.vcount.get(name, 0) + 1
            target = ("n", self.vscope, f"{name}#{k}")
            joined = tuple(("n", self.vscope, f"{name}#{v}" if v else name) for v in sorted(versions))
            for ref in joined:
                self.edge(ref, target, "", 0)
            # ws = A() if write_only else B(): the class of the value is one of theirs.
            self.f.types.append((target, ("phi", joined)))
            merged[name] = k
        self.vers = merged

    def narrow(self, name: str | None, node, ctx: _Ctx) -> None:
        """``if not isinstance(uid, str): raise ValueError(repr(uid))``: in that branch ``uid``
        is a new version, reached by a step that says it is not text."""
        if name is None or not self._is_versioned(ctx, name):
            return
        before = self.read_ref(ctx, name)
        after = self.store_ref(ctx, name)
        self.edge(before, after, "known not to be text", node.lineno, NOT_TEXT)
        self.f.types.append((after, ("ref", before)))  # still of the class it was annotated with

    def loop_head(self, body, targets=()) -> dict[str, int]:
        """Names a loop assigns get a head version that the loop's end flows back into."""
        assigned = (_stored_names(body) | set(targets)) & self.versioned
        entry = dict(self.vers)
        for name in sorted(assigned):
            k = self.vcount[name] = self.vcount.get(name, 0) + 1
            old = entry.get(name, 0)
            self.edge(("n", self.vscope, f"{name}#{old}" if old else name), ("n", self.vscope, f"{name}#{k}"), "", 0)
            self.vers[name] = k
        return {name: self.vers[name] for name in sorted(assigned)}

    def loop_back(self, heads: dict[str, int]) -> None:
        for name, k in heads.items():
            cur = self.vers.get(name, 0)
            if cur != k:
                self.edge(("n", self.vscope, f"{name}#{cur}" if cur else name), ("n", self.vscope, f"{name}#{k}"), "", 0)
            self.vers[name] = k

    # -- module ---------------------------------------------------------------
    def run(self, tree: ast.Module) -> None:
        scope = self.add_scope(self.mod, "module", None)
        self._collect_locals(tree.body, scope)
        self.top_functions.update((stmt.name, stmt) for stmt in tree.body
                                  if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)))
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                names = _string_list(stmt.value) or _string_keys(stmt.value)  # a dict iterates its keys
                if names:
                    self.name_lists[stmt.targets[0].id] = names
        ctx = _Ctx(self.mod)
        self.block(tree.body, ctx)
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
                for t in stmt.targets:
                    if isinstance(t, ast.Name):
                        self.f.constants[t.id] = stmt.value.value
                    # EMAIL_HOST = "smtp.sendgrid.net", app.config["MAIL_SERVER"] = ...: the SMTP
                    # relay mail leaves through (smtplib.SMTP(host) is seen in e_Call).
                    name = t.id if isinstance(t, ast.Name) else _literal(t.slice) if isinstance(t, ast.Subscript) else None
                    if isinstance(name, str) and RELAY_SETTING.match(name):
                        self.f.relay_hosts.append((stmt.lineno, stmt.value.col_offset + 1, stmt.value.value))

    def _error_handler_registered(self, call) -> None:
        """``app.register_error_handler(UserError, show_user_error)``, the handler defined in this module."""
        handler = call.args[1] if len(call.args) == 2 else None
        fn = self.top_functions.get(handler.id) if isinstance(handler, ast.Name) else None
        if fn is not None:
            _error_handler(self.f, fn, _class_names(call.args[0]))

    def own_nodes(self, body):
        """``_own_nodes`` of a function's body, walked once for the locals and the versioning."""
        key = id(body)
        found = self._own_cache.get(key)
        if found is None or found[0] is not body:
            found = (body, *_own_nodes(body))
            self._own_cache[key] = found
        return found[1], found[2]

    def _collect_locals(self, body, scope: Scope) -> None:
        """Names bound in a scope (not descending into nested scopes), as Python decides."""
        own, nested = self.own_nodes(body)
        scope.locals.update(node.name for node in nested if not isinstance(node, ast.Lambda))
        for node in own:
            if isinstance(node, (ast.Global, ast.Nonlocal)):
                scope.globals.update(node.names)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                scope.locals.add(node.id)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if alias.name != "*":
                        scope.locals.add((alias.asname or alias.name).split(".")[0])
            elif isinstance(node, ast.ExceptHandler) and node.name:
                scope.locals.add(node.name)
            elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
                scope.locals.add(node.name)
            elif isinstance(node, ast.MatchMapping) and node.rest:
                scope.locals.add(node.rest)
        scope.locals -= scope.globals

    # -- statements -----------------------------------------------------------
    def block(self, body, ctx: _Ctx) -> None:
        guards = ctx.guards
        first_call = len(self.f.calls)
        loop = ctx.loop
        for stmt in body:
            if guards is not ctx.guards:
                ctx = ctx.inner(guards=guards)
            self.stmt(stmt, ctx)
            # `if not consent: return` guards everything after it in the block.
            if isinstance(stmt, ast.If) and _exits(stmt.body) and not stmt.orelse:
                guards = guards + _test_polarity(stmt.test)[1]
        if loop and body and isinstance(body[-1], (ast.Return, ast.Break)):
            # for provider in providers: if provider.id == wanted: ...; save(data); return: the
            # calls on the way out of the loop run once, not once per element.
            once = 0 if isinstance(body[-1], ast.Return) else loop - 1
            for call in self.f.calls[first_call:]:
                if call.loop == loop:
                    call.loop = once

    def stmt(self, node, ctx: _Ctx) -> None:
        method = getattr(self, "s_" + type(node).__name__, None)
        if method is not None:
            method(node, ctx)
        else:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.expr(child, ctx)

    def s_Expr(self, node, ctx):
        self.expr(node.value, ctx)

    def s_Assert(self, node, ctx):
        """``assert isinstance(order, Order)``: from here on, ``order`` is an Order."""
        self.expr(node.test, ctx)
        if node.msg is not None:
            before = dict(self.vers)
            self.narrow(_not_text(node.test).get(False), node, ctx)  # the message is built when the test fails
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
                if _filters_by_age(node.value):
                    self.aged_names = self.aged_names | {target.id}
                elif target.id in self.aged_names:
                    self.aged_names = self.aged_names - {target.id}

    def _note_settings_initial(self, target, value, ctx: _Ctx) -> None:
        """``self.initial["iban"] = event.settings.get("bank_iban")`` in a form: the field holds
        the shop's configuration (its own bank account), not what a customer types."""
        if not (ctx.self_name and isinstance(target, ast.Subscript) and isinstance(target.value, ast.Attribute)
                and target.value.attr == "initial" and isinstance(target.value.value, ast.Name)
                and target.value.value.id == ctx.self_name):
            return
        key = _literal(target.slice)
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
            self.flow_all(refs, tref, f"added to {_short(node.target)}", node.lineno)

    def s_Return(self, node, ctx):
        if node.value is not None and ctx.func is not None:
            refs = self.expr(node.value, ctx)
            self.flow_all(refs, ("r", ctx.func), "returned", node.lineno)
            if len(refs) == 1 and isinstance(node.value, (ast.Call, ast.Name, ast.Attribute, ast.Await)):
                # An unannotated function returns the class of what it returns (get_csv_writer()).
                self.f.types.append((("r", ctx.func), ("ref", refs[0])))
            elif (item := _item_type(node.value, refs)) is not None:
                self.f.types.append((("r", ctx.func), item))  # return caches[alias]
            if _filters_by_age(node.value):
                self.f.aged_queries.add(ctx.func.rsplit(".", 1)[-1])  # def expired(self): return self.filter(...)
            if _is_download(node.value) and refs:
                # return "customers.csv", "text/csv", data: a file handed to the framework to send.
                self.sink_like_call(node, "download", refs, ctx, display="a download returned")

    def s_Raise(self, node, ctx):
        if node.exc is not None:
            refs = self.expr(node.exc, ctx)
            if refs:
                raised = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                name = (_dotted(raised) or "").rsplit(".", 1)[-1]
                method = ctx.func.rsplit(".", 1)[-1] if ctx.func and ctx.class_qual else ""
                # A form field's or form's validator: its error is shown next to the field.
                if VALIDATING_METHODS.fullmatch(method) and name in VALIDATION_ERRORS:
                    pass
                elif not any("*" in caught or name in caught for caught in self.quiet_catches):
                    self.sink_like_call(node, "raise", refs, ctx, raised=self.callee_ref(raised, ctx))
        if node.cause is not None:
            self.expr(node.cause, ctx)

    def s_If(self, node, ctx):
        self.expr(node.test, ctx)
        when_true, when_false = _test_polarity(node.test)
        not_text = _not_text(node.test)
        before = dict(self.vers)
        self.narrow(not_text.get(True), node, ctx)
        self.block(node.body, ctx.inner(guards=ctx.guards + when_true))
        after_body = self.vers
        self.vers = dict(before)
        self.narrow(not_text.get(False), node, ctx)
        self.block(node.orelse, ctx.inner(guards=ctx.guards + when_false))
        # A branch that returns or raises does not reach the code after the if.
        self.merge([st for st, body in ((after_body, node.body), (self.vers, node.orelse)) if not _exits(body)]
                   or [self.vers])

    def _aged(self, expr) -> bool:
        """Records past an age: a query filtered so, or a name holding one."""
        return _filters_by_age(expr) or (isinstance(expr, ast.Name) and expr.id in self.aged_names)

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
        heads = self.loop_head(node.body, _stored_names([node.target]))
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
        _handled_errors(self.f, node.handlers)
        self.quiet_catches.append(_quiet_catches(node.handlers))
        self.block(node.body, ctx)
        self.quiet_catches.pop()
        after_body = dict(self.vers)
        self.block(node.orelse, ctx)
        ends = [] if _exits(node.orelse or node.body) else [self.vers]
        for handler in node.handlers:
            # A handler may start anywhere in the body: from before it or after it.
            self.merge([before, after_body])
            if handler.type is not None:
                self.expr(handler.type, ctx)
            self.block(handler.body, ctx)
            if not _exits(handler.body):
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
            if not _exits(case.body):
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
                _string_list(iterable) or _string_keys(iterable)
            self.loop_keys = {**before, target.id: names} if names else {
                k: v for k, v in before.items() if k != target.id}
        return before

    def _related_records(self, iterable, ctx: _Ctx):
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
        if not isinstance(root, (ast.Name, ast.Attribute)) or _dotted(root) is None:
            return None
        refs = self.expr(root, ctx)
        return (refs[0], chain.attr) if len(refs) == 1 else None

    def is_parameter_key(self, node, ctx: _Ctx) -> bool:
        """``name`` or ``str(name)`` where ``name`` is a parameter of the function, not
        assigned since: a getter whose caller names the entry."""
        if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
            node = node.args[0]  # six.text_type(name), str(name)
        if not isinstance(node, ast.Name) or ctx.func is None or node.id in self.loop_keys:
            return False
        fn = self.f.functions.get(ctx.func)
        return fn is not None and node.id in fn.params and not self.vers.get(node.id)

    def key_names(self, node) -> tuple[str, ...]:
        """The names a subscript or ``.get`` key stands for: a literal, or a loop variable over
        a constant list of names."""
        key = _literal(node)
        if isinstance(key, str):
            return (key,)
        if isinstance(node, ast.Name):
            return self.loop_keys.get(node.id, ())
        return ()

    def loop_target(self, target, iterable, refs, ctx: _Ctx, stmt) -> None:
        """``for k, v in d.items()``: the values carry the data; keys are names, not data."""
        inner = iterable
        while isinstance(inner, ast.Call) and isinstance(inner.func, ast.Name) and inner.func.id in ORDERINGS \
                and len(inner.args) == 1:
            inner = inner.args[0]  # for key in sorted(d.keys()), list(kwargs.keys()): still the keys
        method = inner.func.attr if isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) else ""
        if method == "keys":
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
        dec_names = {_dotted(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list}
        _error_handler(self.f, node, _handled_by_decorator(node))
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
            if isinstance(default, ast.Call) and (_dotted(default.func) or "").split(".")[-1] in ("Depends", "Security"):
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
        self.versioned = scope.locals - _names_read_by_nested_scopes(self.own_nodes(node.body)[1])
        if in_class:
            inner = _Ctx(sid, ctx.class_qual, self_name, (), 0, sid)
        elif ctx.self_name and ctx.self_name not in scope.locals:
            # A function nested in a method still sees the method's `self`.
            inner = _Ctx(sid, ctx.class_qual, ctx.self_name, (), 0, sid)
        else:
            inner = _Ctx(sid, None, None, (), 0, sid)
        catches, self.quiet_catches = self.quiet_catches, []  # a raise in it escapes to its caller
        aged = self.aged_names
        self.block(node.body, inner)
        self.aged_names = aged
        self.quiet_catches = catches
        self.vscope, self.versioned, self.vers, self.vcount = saved

    s_AsyncFunctionDef = s_FunctionDef

    def s_ClassDef(self, node, ctx):
        qual = f"{ctx.scope}.{node.name}"
        bases = tuple(r for r in (self.callee_ref(b, ctx) for b in node.bases) if r)
        for kw in node.keywords:
            self.expr(kw.value, ctx)
        cls = ClassFact(qual, node.name, node.lineno, self.col(node.lineno, node.col_offset), bases)
        cls.retention = self._retention_comment(node.lineno)
        self.f.classes[qual] = cls
        scope = self.add_scope(qual, "class", ctx.scope)
        self._collect_locals(node.body, scope)
        inner = _Ctx(qual, qual, None, (), 0, None)
        for stmt in node.body:
            if isinstance(stmt, ast.Assign):
                refs = self.expr(stmt.value, inner)
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        if target.id == "__pii_retention__":
                            lit = _literal(stmt.value)
                            if isinstance(lit, str):
                                cls.retention = lit
                        elif target.id == "__tablename__":
                            cls.tablename = True
                        elif target.id == "__abstract__" and _literal(stmt.value) is True:
                            cls.meta_abstract = True  # SQLAlchemy's abstract base: no table of its own
                        else:
                            if target.id in ("model", "queryset"):
                                cls.model_ref = self.callee_ref(_chain_root(stmt.value), inner)
                            self.class_field(target.id, stmt, None, stmt.value, inner, refs)
                    else:
                        self.assign(target, refs, stmt.value, inner, stmt, ())
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) \
                    and stmt.target.id == "__pii_retention__" and isinstance(_literal(stmt.value), str):
                cls.retention = _literal(stmt.value)
            elif isinstance(stmt, ast.ClassDef) and stmt.name == "Meta":
                for sub in stmt.body:
                    if not isinstance(sub, ast.Assign):
                        continue
                    names = {t.id for t in sub.targets if isinstance(t, ast.Name)}
                    if "abstract" in names:
                        cls.meta_abstract = _literal(sub.value) is True
                    if ("managed" in names and _literal(sub.value) is False) or \
                            ("proxy" in names and _literal(sub.value) is True):
                        cls.meta_unstored = True
                    if "fields" in names and _string_list(sub.value):
                        cls.meta_fields = _string_list(sub.value)
                    if "exclude" in names:
                        cls.meta_exclude = _string_list(sub.value)
                    if "model" in names and cls.model_ref is None:
                        # DRF serializers, graphene/saleor mutations, forms: `class Meta: model = X`.
                        cls.model_ref = self.callee_ref(_chain_root(sub.value), inner)
                self.stmt(stmt, inner)
            elif isinstance(stmt, ast.FunctionDef) and (declared := _declared_attr(stmt)) is not None:
                # SQLAlchemy mixins: `@declared_attr def person(cls): return relationship(...)`
                # declares the relation (and the cascades on its backref) a class attribute
                # would. Its columns stay methods: a mixin's `own_address` is often a venue's.
                if stmt.name == "__tablename__":
                    cls.tablename = True
                elif isinstance(declared, ast.Call) and (_dotted(declared.func) or "").rsplit(".", 1)[-1] in ORM_RELATIONS:
                    self.class_field(stmt.name, stmt, None, declared, inner, [])
                self.stmt(stmt, inner)
            else:
                self.stmt(stmt, inner)

    def class_field(self, name: str, node, annotation, value, ctx: _Ctx, refs) -> None:
        cls = self.f.classes[ctx.class_qual]
        fact = FieldFact(name, node.lineno, self.col(node.lineno, node.col_offset))
        tags = self._tag_comment(node)
        if tags:
            fact.categories, fact.tag = tags, "comment"
        if annotation is not None:
            fact.type_ref = self.type_ref(annotation, ctx)
            marker = self._marker_categories(annotation)
            if marker and not fact.categories:
                fact.categories, fact.tag = marker, "annotated"
        if isinstance(value, ast.Call) and (_dotted(value.func) or "").rsplit(".", 1)[-1] not in TRANSLATIONS:
            fact.is_field_call = True  # not incorrect_cvc = _("Incorrect security code"): a label
            self._field_call(value, fact, ctx)
            if _dotted(value.func) == "property" and value.args:
                fact.getter = self.callee_ref(value.args[0], ctx)
        dst = ("f", ctx.class_qual, name)
        self.flow_all(refs, dst, f"assigned to {cls.name}.{name}", node.lineno)
        cls.fields[name] = fact

    def _field_call(self, call: ast.Call, fact: FieldFact, ctx: _Ctx) -> None:
        """Tags, relations and encryption wrappers in a field's defining call."""
        callee = _dotted(call.func) or ""
        last = callee.split(".")[-1]
        wrappers = []
        node = call
        while isinstance(node, ast.Call):
            ref = self.callee_ref(node.func, ctx)
            if ref:
                wrappers.append(ref)
            for kw in node.keywords:
                if kw.arg in ("json_schema_extra", "metadata", "info") and not fact.categories:
                    cats = _pii_tag_from_metadata(kw.value)
                    if cats:
                        fact.categories, fact.tag = cats, "metadata"
                if kw.arg == "choices":
                    fact.choices = True
                if kw.arg == "related_name" and isinstance(_literal(kw.value), str):
                    fact.related_name = _literal(kw.value)
                if kw.arg == "on_delete":
                    fact.cascade = (_dotted(kw.value) or "").endswith("CASCADE")
                if kw.arg == "cascade" and _deletes(kw.value):
                    fact.deletes_related = True  # SQLAlchemy: the parent's delete reaches these rows
                if kw.arg == "backref" and isinstance(kw.value, ast.Call) and any(
                        k.arg == "cascade" and _deletes(k.value) for k in kw.value.keywords):
                    fact.cascade = True  # backref("links", cascade="all, delete-orphan"): the other side's delete
            inner = [a for a in node.args if isinstance(a, ast.Call)]
            # encrypt(models.CharField(...)) and Column(StringEncryptedType(...)) both nest.
            node = inner[0] if inner else None
        fact.encrypted_by = tuple(wrappers)
        made_by = _dotted(call.func) or (_dotted(call.func.func) if isinstance(call.func, ast.Call) else None) or ""
        fact.manager = made_by.endswith("Manager") or made_by.rsplit(".", 1)[-1] in ("as_manager", "from_queryset")
        fact.kind = last
        column = call  # deferred(Column(...)), column_property(Column(...)): the column inside
        while isinstance(column, ast.Call) and (_dotted(column.func) or "").rsplit(".", 1)[-1] not in SQL_COLUMNS:
            column = next((a for a in column.args if isinstance(a, ast.Call)), None)
        if column is not None and column.args:
            # Column(JSON), Column(db.Integer, ForeignKey(...)): the column's type says what it
            # holds (a name given first, Column("name", String), comes before it).
            args = column.args[1:] if isinstance(column.args[0], ast.Constant) else column.args
            first = args[0] if args else None
            typed = (_dotted(first.func if isinstance(first, ast.Call) else first) or "") if first is not None else ""
            if typed.rsplit(".", 1)[-1] in SQL_PAYLOAD_TYPES or typed.rsplit(".", 1)[-1] in SQL_SCALAR_TYPES:
                fact.kind = typed.rsplit(".", 1)[-1]
        fact.described = " ".join(_field_descriptions(call))
        if last in VALUE_TYPED_FIELDS and call.args and isinstance(call.args[0], (ast.Name, ast.Attribute)):
            fact.value_type = self.callee_ref(call.args[0], ctx)
        if last in MODEL_CHOICE_FIELDS:
            # forms.ModelChoiceField(queryset=Account.objects.filter(...)): a record of Account.
            query = next((kw.value for kw in call.keywords if kw.arg == "queryset"), call.args[0] if call.args else None)
            if query is not None:
                fact.value_type = self.callee_ref(_chain_root(query), ctx)
        if last == "GenericForeignKey":
            fact.relation = True  # content_object = GenericForeignKey(...): a key to any model's row
        # ForeignKey(Account, ...) or ForeignKey(to="bookkeeping.Account"); relationship(argument=...).
        target = call.args[0] if call.args else next(
            (kw.value for kw in call.keywords if kw.arg in ("to", "argument")), None)
        if last in ORM_RELATIONS and target is not None:
            fact.relation = True
            if isinstance(target, ast.Constant) and isinstance(target.value, str):
                fact.type_ref = ("n", ctx.scope, target.value.split(".")[-1])
            else:
                fact.type_ref = self.callee_ref(target, ctx)
            if last in ("ForeignKey", "OneToOneField") and len(call.args) > 1 and not fact.cascade:
                fact.cascade = (_dotted(call.args[1]) or "").endswith("CASCADE")
            elif last in ("ForeignKey", "OneToOneField") and not any(kw.arg == "on_delete" for kw in call.keywords):
                fact.cascade = True  # Django before 2.0 (lfs, older shops): CASCADE unless said otherwise

    def _marker_categories(self, annotation) -> tuple[str, ...]:
        """``Annotated[str, PersonalData("contact.email")]`` -> ("contact.email",)."""
        for sub in ast.walk(annotation):
            if isinstance(sub, ast.Call) and (_dotted(sub.func) or "").split(".")[-1] in ("PersonalData", "PII"):
                return tuple(a.value for a in sub.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
        return ()

    def _annotated_marker(self, annotation, node, dst: Ref) -> None:
        cats = self._marker_categories(annotation)
        if cats:
            self.add_source(node, cats, getattr(node, "arg", "value"), False, dst)

    # -- assignment -----------------------------------------------------------
    def target_ref(self, target, ctx: _Ctx, store: bool = False) -> Ref | None:
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

    def assign(self, target, refs, value, ctx: _Ctx, stmt, tags, desc: str = "assigned to") -> None:
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
            pair = value is not None and _returns_pair(value)  # obj, created = X.objects.get_or_create()
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
            if refs and target.elts and _returns_pair(value):
                # obj, created = Model.objects.get_or_create(...)
                first = self.target_ref(target.elts[0], ctx)
                if first is not None:
                    self.f.types.append((first, ("ref", refs[0])))
            return
        if isinstance(target, ast.Subscript):
            base = self.expr(target.value, ctx)
            self.expr(target.slice, ctx)
            key = _literal(target.slice)
            where = f" under key {key!r}" if isinstance(key, (str, int)) else ""
            for b in base:
                self.flow_all(refs, b, f"put in {_short(target.value)}{where}", stmt.lineno,
                              f"put:{key!r}" if isinstance(key, (str, int)) else "list")
            outer = target.value
            held = refs
            while isinstance(outer, ast.Subscript) and held:
                # notice["params"]["user"] = v: v is in notice too, under "params" then "user".
                inner_key = key
                key = _literal(outer.slice)
                held = self.temp(outer, held, f"put in {_short(outer)}",
                                 f"put:{inner_key!r}" if isinstance(inner_key, (str, int)) else "list")
                root = outer.value
                if not isinstance(root, ast.Subscript):
                    ref = self.target_ref(root, ctx) if isinstance(root, (ast.Name, ast.Attribute)) else None
                    if ref is not None:
                        self.flow_all(held, ref, f"put in {_short(root)}", stmt.lineno,
                                      f"put:{key!r}" if isinstance(key, (str, int)) else "list")
                outer = root
            holder = (_dotted(target.value) or "").rsplit(".", 1)[-1].lower()
            if refs and len(base) == 1 and ("cookie" in holder or holder in ("session", "jar")):
                # response.cookies[k] = v, SimpleCookie()[k] = v, flask.session[k] = v: the graph
                # decides whether the mapping is a cookie jar.
                self.sink_like_call(stmt, "item", refs, ctx, receiver=base[0], display=f"{_short(target.value)}[...]")
            return
        tref = self.target_ref(target, ctx, store=True)
        if tref is not None and tref[0] == "f" and value is not None and _masks(value):
            cls = self.f.classes.get(ctx.class_qual)
            if cls is not None:
                cls.masked_attrs.add(target.attr)  # oscar's Bankcard keeps only the last four digits
        if tref is None:
            return
        label = _short(target)
        self.flow_all(refs, tref, f"{desc} {label}", stmt.lineno, self.element_op if desc == "element of" else None)
        if isinstance(target, ast.Attribute) and tref[0] == "a":
            # Storing into an object of unknown type makes the object carry it.
            self.edge(tref, tref[1], f"stored in {label}", stmt.lineno, f"store:{target.attr}")
            if isinstance(target.value, ast.Name) and target.value.id in self.loop_elements:
                for container in self.loop_elements[target.value.id]:
                    self.edge(tref[1], container, f"changed in {_short(target.value)}'s container", stmt.lineno, "gather")
            if refs:
                # scope.user = {...}, record.user_email = ...: a sink when the object's class says so.
                self.sink_like_call(stmt, f"set:{target.attr}", refs, ctx, receiver=tref[1], display=f"{label} =")
        if isinstance(target, ast.Attribute) and value is not None and _is_blank(value):
            base = ("f", ctx.class_qual, None) if tref[0] == "f" else tref[1]
            self.f.blanks.append((base, target.attr, stmt.lineno))
        elif isinstance(target, ast.Attribute) and _literal(value) is True and ANONYMISED_FLAG.match(target.attr):
            # le.shredded = True, user.is_anonymized = True: the record is marked as erased
            self.f.blanks.append((tref[1] if tref[0] == "a" else ("f", ctx.class_qual, None), ANONYMISED, stmt.lineno))
        if tags:
            # ip = request.META["REMOTE_ADDR"]  # pii: ...: named as the code reads it.
            said = self.code_text(value) if value is not None else ""
            self.add_source(target, tags, said if said and len(said) <= 60 else f"{label} (collection point)", False,
                            tref)
        elif isinstance(target, ast.Name):
            # DEFAULT_FROM_EMAIL, SENDGRID_PASSWORD at module level: the shop's settings, not a person's data.
            if not (CONSTANT_NAME.fullmatch(target.id) and self.f.scopes[ctx.scope].kind in ("module", "class")):
                self.maybe_infer(target, target.id, tref, target.id)
        if value is not None and tref[0] in ("n", "f"):
            call = _call_result(value)
            if call is not None and refs:
                self.f.types.append((tref, ("ref", refs[0])))
            elif isinstance(value, (ast.Name, ast.Attribute)) and refs:
                self.f.types.append((tref, ("ref", refs[0])))
            elif (item := _item_type(value, refs)) is not None:
                self.f.types.append((tref, item))

    # -- expressions ------------------------------------------------------------
    def callee_ref(self, node, ctx: _Ctx) -> Ref | None:
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

    def type_ref(self, annotation, ctx: _Ctx) -> Ref | None:
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
                outer = (_dotted(node.value) or "").split(".")[-1]
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

    def expr(self, node, ctx: _Ctx) -> list[Ref]:
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
        key = _literal(node.slice)
        if isinstance(key, str) and base:
            t = self.temp(node, base, f"read key {key!r}", f"read:{key!r}")
            if len(base) == 1 and base[0][0] == "n":
                self.f.types.append((t[0], ("item", base[0])))  # caches["default"]: an item of a library registry
            elif len(base) == 1 and base[0][0] in ("a", "f") and base[0][2] == "cleaned_data":
                # form.cleaned_data["account"], self.cleaned_data[...]: the value of the form's field.
                self.f.types.append((t[0], ("form_field", (base[0][0], base[0][1], key))))
            if not _in_settings(node.value):
                self.maybe_infer(node, key, t[0], self.code_text(node), _holder_name(node.value))
            return t
        prefix = _short_prefix(node.slice)
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
        if isinstance(node.op, ast.Sub) and _is_set_expr(node.left):
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
            key = _literal(k) if k is not None else None
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
        targets = _stored_names([gen.target for gen in node.generators])
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
        copied = _filtered_copy(node)
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
        inner = _Ctx(sid, ctx.class_qual, ctx.self_name, ctx.guards, ctx.loop, sid)
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
        for i, a in enumerate(node.args):
            if isinstance(a, ast.Starred):
                args.append(("*", tuple(self.expr(a.value, ctx))))
                pos_consts.append(_NOT_LITERAL)
                continue
            args.append((i, tuple(self.expr(a, ctx))))
            pos_consts.append(_literal(a))
            _url_parts(a, i, strings, names)
        consts = {}
        # "{url}/{owner}".format(**creds): only the entries the template names are in the text.
        fields = _format_fields(func.value.value) if isinstance(func, ast.Attribute) and func.attr == "format" \
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
                consts[kw.arg] = _literal(kw.value)
                _url_parts(kw.value, kw.arg, strings, names)
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
                self.f.query_chains[cid] = _chain_methods(func.value)
        end_line = getattr(node, "end_lineno", None) or node.lineno
        end_col = self.col(end_line, getattr(node, "end_col_offset", None) or node.col_offset)
        fact = CallFact(
            cid, ctx.scope, node.lineno, self.col(node.lineno, node.col_offset), end_line, end_col,
            fref, _short(func), tuple(args), {k: v for k, v in consts.items() if v is not _NOT_LITERAL},
            tuple(pos_consts), tuple(strings), tuple(names),
            ctx.guards, ctx.loop, receiver,
        )
        if isinstance(func, ast.Attribute) and func.attr in ("get", "getlist", "pop", "setdefault") and node.args:
            fact.key_param = self.is_parameter_key(node.args[0], ctx)
        self.f.calls.append(fact)
        # get_email(), fetch_phone_number(), getpass.getpass(): the name says what comes back.
        called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        said = "password" if called == "getpass" else _GETTER.match(called)
        if said:
            what = said if isinstance(said, str) else said.group(1)
            self.maybe_infer(node, what, ("c", cid), f"{called}()")
        # `.get("email")` reads a personal key.
        if isinstance(func, ast.Attribute) and func.attr in ("get", "getlist", "pop", "setdefault") and node.args:
            environ = ENVIRONMENT_READ.search(_short(func.value))  # os.environ.get("SMTP_PASSWORD"): a setting
            holder = _short(func.value).rsplit(".", 1)[-1]
            settings = _in_settings(func.value)
            # Logger.get("emails"), Role.get("email"): a class looks an object up by its name.
            by_name = CLASS_NAME.fullmatch(holder) is not None
            for key in self.key_names(node.args[0]):
                if not (environ and CONSTANT_NAME.fullmatch(key)) and not settings and not by_name:
                    self.maybe_infer(node, key, ("c", cid), f"{self.code_text(func.value)}.{func.attr}({json.dumps(key)})",
                                     _holder_name(func.value))
        return [("c", cid)]

    def sink_like_call(self, node, kind: str, refs, ctx: _Ctx, raised: Ref | None = None,
                       receiver: Ref | None = None, display: str | None = None) -> None:
        """A statement that behaves as a call: ``raise X(...)`` is ``raise(X(...))``, and
        ``jar[k] = v`` is ``<item>(v)`` on ``jar``."""
        outer, self.cur = self.cur, ctx.scope
        cid = self.new_id(node)
        self.cur = outer
        self.f.calls.append(CallFact(
            cid, ctx.scope, node.lineno, self.col(node.lineno, node.col_offset), node.end_lineno or node.lineno,
            self.col(node.end_lineno or node.lineno, node.end_col_offset or 0), ("n", "", f"<{kind}>"),
            display or kind, ((0, tuple(refs)),), {}, (_NOT_LITERAL,),
            (), (), ctx.guards, ctx.loop, receiver, raised,
        ))


ORDERINGS = frozenset({"list", "sorted", "tuple", "set", "reversed", "iter", "frozenset"})


CONSTANT_NAME = re.compile(r"[A-Z][A-Z0-9_]*")
# gettext and its aliases: a translated label, never a field's definition.
TRANSLATIONS = frozenset({"_", "N_", "L_", "gettext", "gettext_lazy", "ugettext", "ugettext_lazy", "pgettext",
                          "pgettext_lazy", "ngettext", "ngettext_lazy", "lazy_gettext", "lazy_pgettext"})
CLASS_NAME = re.compile(r"_?[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)*")
ENVIRONMENT_READ = re.compile(r"(?:^|\.)(?:environ|env|config|settings)$")

# SQLAlchemy's column constructors.
SQL_COLUMNS = frozenset({"Column", "mapped_column"})


def _declared_attr(node: ast.FunctionDef):
    """What a ``@declared_attr`` method returns (its first top-level ``return``), or None
    when it is not one."""
    if not any("declared_attr" in (_dotted(d.func if isinstance(d, ast.Call) else d) or "").split(".")
               for d in node.decorator_list):
        return None
    return next((stmt.value for stmt in node.body if isinstance(stmt, ast.Return)), False)


# SQLAlchemy column types that hold whatever the code puts in them.
SQL_PAYLOAD_TYPES = frozenset({"JSON", "JSONB", "PickleType", "ARRAY", "HSTORE", "JSONType"})
SQL_SCALAR_TYPES = frozenset({"Integer", "BigInteger", "SmallInteger", "Numeric", "Float", "Boolean", "Date",
                              "DateTime", "Time", "Interval"})

DOWNLOAD_TYPE = re.compile(r"^(?:text/(?:csv|plain|tab-separated-values)|application/(?:json|xml|zip|pdf|"
                           r"vnd\.ms-excel|vnd\.openxmlformats[\w.-]*|x-ndjson|octet-stream))\b")


def _is_download(node) -> bool:
    """``("customers.csv", "text/csv", data)``: a file name and a file content type, as
    exporters return them to the framework that sends the file."""
    if not isinstance(node, ast.Tuple) or len(node.elts) < 2:
        return False
    texts = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    named = any("." in t and "/" not in t and " " not in t for t in texts) or any(
        isinstance(e, (ast.JoinedStr, ast.BinOp)) for e in node.elts)
    return named and any(DOWNLOAD_TYPE.match(t) for t in texts)


def _string_list(node) -> tuple[str, ...]:
    """``["REMOTE_ADDR", "HTTP_USER_AGENT"]``: a list, tuple or set of string literals."""
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and node.elts and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return tuple(e.value for e in node.elts)
    return ()


def _field_descriptions(call: ast.Call) -> list[str]:
    """The words a field definition gives about itself: ``help_text="Business VAT number"``,
    ``verbose_name=_("tax number")`` and Django's positional verbose name."""
    texts = [kw.value for kw in call.keywords if kw.arg in DESCRIBING_KEYWORDS]
    if call.args:
        texts.append(call.args[0])
    out = []
    for node in texts:
        while isinstance(node, ast.Call) and node.args:  # _("..."), gettext_lazy("...")
            node = node.args[0]
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append(node.value)
    return out


_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _own_nodes(body):
    """Nodes of a block outside nested functions and classes, and those nested scopes."""
    own, nested = [], []
    stack = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, _NESTED):
            nested.append(node)
            continue
        own.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return own, nested


def _stored_names(body) -> set[str]:
    """Names assigned in statements, not counting nested functions and classes."""
    names = set()
    for node in _own_nodes(body)[0]:
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
    return names


def _names_read_by_nested_scopes(nested) -> set[str]:
    return {sub.id for scope in nested for sub in ast.walk(scope) if isinstance(sub, ast.Name)}


def _url_parts(node, key, strings: list, names: list) -> None:
    """String pieces and dotted names an argument is built from, ``(key, value)`` each, for
    finding a URL's host. Nested calls are not entered: they record their own."""
    stack = [node]
    while stack:
        sub = stack.pop()
        if isinstance(sub, ast.Constant):
            if isinstance(sub.value, str) and len(sub.value) < 2048:
                strings.append((key, sub.value))
        elif isinstance(sub, (ast.Name, ast.Attribute)):
            dotted = _dotted(sub)
            if dotted:
                names.append((key, dotted))
        elif isinstance(sub, (ast.JoinedStr, ast.FormattedValue, ast.BinOp)):
            stack.extend(ast.iter_child_nodes(sub))


def _chain_root(node):
    """``X`` of ``X.objects.filter(...).order_by(...)`` (``models.X`` stays whole)."""
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Attribute) and not node.attr[:1].isupper():
            node = node.value  # .objects, .filter: not the class; a class is named in CapWords
        else:
            return node


def _returns_pair(node) -> bool:
    call = _call_result(node)
    return call is not None and isinstance(call.func, ast.Attribute) and call.func.attr in (
        "get_or_create", "update_or_create")


def _call_result(node):
    while isinstance(node, ast.Await):
        node = node.value
    return node if isinstance(node, ast.Call) else None


ANONYMISED = "<anonymised>"  # a blank of the whole record: a flag saying it was erased
ANONYMISED_FLAG = re.compile(r"^(?:is_)?(?:anonymi[sz]ed|shredded|redacted|scrubbed|pseudonymi[sz]ed|erased|forgotten)$")


def _is_blank(node) -> bool:
    lit = _literal(node)
    return lit is None or lit == "" or (isinstance(lit, str) and lit.strip("[]()<>").lower() in ("deleted", "redacted", "anonymized", "anonymised", "removed"))


def _exits(body) -> bool:
    return bool(body) and isinstance(body[-1], (ast.Return, ast.Raise, ast.Continue, ast.Break))


def _not_text(test) -> dict[bool, str]:
    """The local a test proves is not a string, by the branch it holds in: ``isinstance(x, str)``
    is False in the other branch (``{False: "x"}``), ``not isinstance(x, (str, bytes))`` True."""
    negated = False
    while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        negated, test = not negated, test.operand
    if not (isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "isinstance"
            and len(test.args) == 2 and isinstance(test.args[0], ast.Name)):
        return {}
    kinds = test.args[1].elts if isinstance(test.args[1], ast.Tuple) else [test.args[1]]
    if not any(isinstance(k, ast.Name) and k.id == "str" for k in kinds):
        return {}
    return {negated: test.args[0].id}


def _test_polarity(test) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Names a test checks, as (guarding the true branch, guarding the false branch):
    ``if consent`` guards its body, ``if not consent`` / ``if consent is False`` its else."""
    negated = False
    while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        negated, test = not negated, test.operand
    if (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value in (False, None) and isinstance(test.ops[0], (ast.Is, ast.Eq))):
        negated, test = not negated, test.left
    names = tuple(_test_names(test))
    return ((), names) if negated else (names, ())


def _test_names(test) -> list[str]:
    names = []
    for sub in ast.walk(test):
        if isinstance(sub, ast.Name):
            names.append(sub.id)
        elif isinstance(sub, ast.Attribute):
            names.append(sub.attr)
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str) and len(sub.value) < 64:
            names.append(sub.value)
    return names


def _short(node) -> str:
    d = _dotted(node)
    if d:
        return d
    if isinstance(node, ast.Call):
        inner = _short(node.func)
        return f"{inner}()"
    if isinstance(node, ast.Attribute):
        return f"{_short(node.value)}.{node.attr}"
    if isinstance(node, ast.Subscript):
        return f"{_short(node.value)}[...]"
    if isinstance(node, ast.JoinedStr):
        return "f-string"
    if isinstance(node, ast.Constant):
        text = repr(node.value)
        return text if len(text) <= 20 else text[:17] + "..."
    return type(node).__name__.lower()


def _is_set_expr(node: ast.expr) -> bool:
    """A set display, set comprehension or ``set(...)``/``frozenset(...)`` call."""
    if isinstance(node, (ast.Set, ast.SetComp)):
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("set", "frozenset")


def _filtered_copy(node: ast.DictComp) -> ast.expr | None:
    """The dict of ``{k: v for k, v in d.items() if ...}``: a copy of some of d's entries."""
    if len(node.generators) != 1:
        return None
    gen = node.generators[0]
    target, it = gen.target, gen.iter
    if not (isinstance(target, ast.Tuple) and len(target.elts) == 2 and all(isinstance(e, ast.Name) for e in target.elts)):
        return None
    if not (isinstance(it, ast.Call) and not it.args and isinstance(it.func, ast.Attribute) and it.func.attr == "items"):
        return None
    key, value = (e.id for e in target.elts)
    if isinstance(node.key, ast.Name) and node.key.id == key and isinstance(node.value, ast.Name) and node.value.id == value:
        return it.func.value
    return None


def _string_keys(node) -> tuple[str, ...]:
    """``{"email": "Email", "first_name": "FirstName"}``: a dict display's string keys."""
    if isinstance(node, ast.Dict) and node.keys and all(
            isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys):
        return tuple(k.value for k in node.keys)
    return ()
