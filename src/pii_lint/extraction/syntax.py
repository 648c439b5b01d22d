"""What a piece of syntax says by itself: names, literals, tests, handlers, ORM calls."""

from __future__ import annotations

import ast
import re
import string

from ..facts import NOT_LITERAL, ModuleFacts
from ..idioms import SETTINGS_HOLDERS


PII_COMMENT = re.compile(r"#\s*pii\s*:\s*([^#\n]*)")


RETENTION_COMMENT = re.compile(r"#\s*pii-retention\s*:\s*([^#\s]+)")


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


# A function named for what it returns: get_email(), fetch_phone_number(), get_client_ip().
GETTER = re.compile(r"^_?(?:get|fetch|load|read|retrieve|lookup|find|obtain|request|prompt_for|ask_for)_(\w+)$")


# Keywords of a field that say in words what it holds.
DESCRIBING_KEYWORDS = ("help_text", "verbose_name", "label", "description", "title", "doc")


MASK_RUN = re.compile(r"[Xx*\u2022#]{4}")


def masks(value) -> bool:
    """``"XXXX-XXXX-XXXX-%s" % n[-4:]``, ``f"****{n[-4:]}"``: text made mostly of mask characters."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, (ast.Mod, ast.Add)):
        return masks(value.left)
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "format":
        return masks(value.func.value)
    if isinstance(value, ast.JoinedStr):
        return any(masks(v) for v in value.values if isinstance(v, ast.Constant))
    return isinstance(value, ast.Constant) and isinstance(value.value, str) and bool(MASK_RUN.search(value.value))


# Settings naming the SMTP server mail is handed to (Django, Flask-Mail, plain).
RELAY_SETTING = re.compile(r"(?i)^(?:EMAIL|MAIL|SMTP)_?(?:HOST|SERVER|RELAY)(?:_?NAME)?$")


# A query filter on a date before some point: `created__lt=cutoff`, `Model.sent_at < limit`.
DATE_LOOKUP = re.compile(r"(?:^|_)(?:created|modified|updated|expires?|expiry|expired|date|time|timestamp|sent|"
                         r"last_\w+|\w+_(?:at|on|date|time))__(?:lt|lte|range)$")


DATE_NAME = re.compile(r"(?:^|_)(?:created|modified|updated|expires?|expiry|expired|date|time|timestamp|sent)$|"
                       r"_(?:at|on|date|time)$")


def is_type_checking(test) -> bool:
    """``if TYPE_CHECKING:`` (or ``typing.TYPE_CHECKING``): code only type checkers read."""
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def filters_by_age(chain, aged_names=frozenset()) -> bool:
    """Whether a query chain keeps only records older than some point (a retention purge);
    ``aged_names`` hold such a filter (``expired = Q(expires__lt=now)``)."""
    if isinstance(chain, ast.BinOp):  # Q(accepted=True) | Q(sent__lt=cutoff)
        return filters_by_age(chain.left, aged_names) or filters_by_age(chain.right, aged_names)
    while isinstance(chain, ast.Call):
        for kw in chain.keywords:
            if kw.arg and DATE_LOOKUP.search(kw.arg):
                return True
        for arg in chain.args:
            if isinstance(arg, ast.Name) and arg.id in aged_names:
                return True  # Token.objects.filter(expired_query)
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


# A k-anonymity range query sends the first 5 characters of a password's SHA-1 (Have I Been
# Pwned): this many characters of a hash are shared by too many values to name anyone.
SHORT_PREFIX = 8


def short_prefix(index) -> int | None:
    """``value[:5]``, ``value[0:5]``: the number of leading characters kept, when few."""
    if not isinstance(index, ast.Slice) or index.step is not None:
        return None
    lower, upper = literal_value(index.lower) if index.lower is not None else 0, literal_value(index.upper)
    if lower == 0 and isinstance(upper, int) and not isinstance(upper, bool) and 0 < upper <= SHORT_PREFIX:
        return upper
    return None


def holder_name(node) -> str:
    """The name of the value an entry is read from: ``affiliation`` in ``affiliation["city"]``,
    ``repository`` in ``payload["repository"]["full_name"]``."""
    if isinstance(node, ast.Subscript):
        key = literal_value(node.slice)
        return key if isinstance(key, str) else ""
    return (dotted_name(node) or "").rsplit(".", 1)[-1]


def chain_methods(node) -> tuple[str, ...]:
    """The names of the calls in a chain (``("expired", "filter")`` for
    ``Token.objects.filter(app=a).expired()``), outermost first."""
    names = []
    while isinstance(node, ast.Call):
        func = node.func
        names.append(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
        node = func.value if isinstance(func, ast.Attribute) else None
    return tuple(names)


def dotted_name(node) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


REPORTS = re.compile(r"(?:^|_)(?:log|logger|logging|debug|info|warning|warn|error|exception|critical|print|"
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


def class_names(node) -> list[str]:
    """The last part of each class an ``except`` clause or a handler registration names."""
    return [(dotted_name(t) or "").rsplit(".", 1)[-1] for t in (node.elts if isinstance(node, ast.Tuple) else [node])]


def handled_by_decorator(fn) -> list[str]:
    """The classes ``@app.errorhandler(NotFound)`` makes ``fn`` the handler of."""
    return [name for dec in fn.decorator_list
            if isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) and dec.args
            and dec.func.attr in ERROR_HANDLER_DECORATORS
            for name in class_names(dec.args[0])]


def handler_effect(body, caught_as: str | None, logs) -> tuple[bool, set[str]]:
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
        forwards.add((dotted_name(exc) or "?").rsplit(".", 1)[-1])
    return any(logs(n) for n in nodes if isinstance(n, ast.Call)), forwards


def logging_call(call) -> bool:
    """A logger's method, or a function that prints or reports: what a framework error handler
    does when it logs."""
    func = call.func
    return (isinstance(func, ast.Attribute) and func.attr in LOGGING_METHODS) or (
        isinstance(func, ast.Name) and func.id in REPORTING_FUNCTIONS)


def reporting_call(call) -> bool:
    """A call that logs, prints or reports, by the last part of its name. A method of a call's
    result (``logging.getLogger("").warning``) is named by itself."""
    name = dotted_name(call.func) or (call.func.attr if isinstance(call.func, ast.Attribute) else "")
    return not SHOWN.search(name) and bool(REPORTS.search(name.rsplit(".", 1)[-1]))


def showing_call(call) -> bool:
    name = dotted_name(call.func) or (call.func.attr if isinstance(call.func, ast.Attribute) else "")
    return bool(SHOWN.search(name))


def note_handler(f: ModuleFacts, names: list[str], body, caught_as: str | None, logs, shows) -> None:
    """What a handler of ``names`` does with the error, into the module's facts."""
    f.caught_errors.update(names)
    reports, forwards = handler_effect(body, caught_as, logs)
    if reports:
        f.logged_errors.update(names)
        return
    f.forwarded_errors.update((name, other) for name in names for other in forwards)
    if shows(body):
        f.shown_errors.update(names)


def error_handler(f: ModuleFacts, fn, names: list[str]) -> None:
    """A framework error handler of ``names``: what it returns answers the request
    (``render_error(exc, str(exc))``) unless it logs or raises the error."""
    if names:
        caught_as = fn.args.args[-1].arg if fn.args.args else None
        note_handler(f, names, fn.body, caught_as, logging_call,
                      lambda body: any(isinstance(n, ast.Return) and n.value is not None
                                       for stmt in body for n in ast.walk(stmt)))


def handled_errors(f: ModuleFacts, handlers) -> None:
    """The exception classes ``except`` clauses catch to show to the user and nothing else
    (``except MassActionError as e: messages.error(request, e.args[0])``), those they log or
    raise again, and those they raise another error instead of."""
    for handler in handlers:
        if handler.type is not None:
            note_handler(f, class_names(handler.type), handler.body, handler.name, reporting_call,
                          lambda body: any(isinstance(n, ast.Call) and showing_call(n)
                                           for stmt in body for n in ast.walk(stmt)))


def quiet_catches(handlers) -> frozenset[str]:
    """``except ResetError as e: return render(...)``: the exceptions a try statement's
    handlers catch and keep to themselves (no raise, no log, print or report call)."""
    caught: set[str] = set()
    for handler in handlers:
        if any(isinstance(n, ast.Raise) or (isinstance(n, ast.Call) and REPORTS.search(
                (dotted_name(n.func) or "").rsplit(".", 1)[-1])) for stmt in handler.body for n in ast.walk(stmt)):
            continue
        types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
        for t in types:
            name = (dotted_name(t) or "").rsplit(".", 1)[-1] if t is not None else "*"
            caught.add("*" if name in ("", "*", "Exception", "BaseException") else name)
    return frozenset(caught)


# WTForms turns a ValueError raised in these into the field's error; Django forms do the
# same for a ValidationError in clean_<field>.
VALIDATING_METHODS = re.compile(r"pre_validate|post_validate|process_formdata|process_data|validate|validate_\w+|"
                                r"clean|clean_\w+|to_python")


VALIDATION_ERRORS = frozenset({"ValueError", "ValidationError", "StopValidation", "TypeError"})


def cascade_deletes(node) -> bool:
    """A SQLAlchemy cascade string that deletes: "all", "delete", "all, delete-orphan"."""
    value = literal_value(node)
    parts = {part.strip() for part in value.split(",")} if isinstance(value, str) else set()
    return bool(parts & {"all", "delete", "delete-orphan"})


def in_settings(node) -> bool:
    """``settings.GITHUB_CREDENTIALS[host]``, ``app.config``, ``getattr(settings, "X", None)``:
    read from configuration."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr" and node.args:
        node = node.args[0]
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        if isinstance(node, ast.Attribute) and node.attr in SETTINGS_HOLDERS:
            return True
        node = node.func if isinstance(node, ast.Call) else node.value
    return isinstance(node, ast.Name) and node.id in SETTINGS_HOLDERS


def format_fields(template: str) -> list[str] | None:
    """The names ``"{url}/{owner}/{slug}"`` formats, or None when one is positional or odd."""
    try:
        parsed = [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]
    except ValueError:
        return None
    names = [re.split(r"[.\[]", field, maxsplit=1)[0] for field in parsed]
    return names if all(n.isidentifier() for n in names) else None


def item_type(value, refs):
    """The type fact of ``caches["default"]`` (its key read, typed as an item) or of
    ``caches[alias]`` (the registry's own ref, read as an item of it)."""
    if not isinstance(value, ast.Subscript) or len(refs) != 1 or refs[0][0] not in ("t", "n"):
        return None
    return ("ref", refs[0]) if refs[0][0] == "t" else ("item", refs[0])


def literal_value(node):
    """A literal's value, or the NOT_LITERAL sentinel."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        values = [literal_value(e) for e in node.elts]
        return NOT_LITERAL if any(v is NOT_LITERAL for v in values) else tuple(values)
    if isinstance(node, ast.Dict):
        if all(isinstance(k, ast.Constant) for k in node.keys):
            values = {k.value: literal_value(v) for k, v in zip(node.keys, node.values)}
            return NOT_LITERAL if any(v is NOT_LITERAL for v in values.values()) else values
    return NOT_LITERAL


def pii_tag_from_metadata(node) -> tuple[str, ...]:
    """``{"pii": "contact.email"}`` or ``{"pii": ["a", "b"]}`` -> categories."""
    if isinstance(node, ast.Dict):
        for key, value in zip(node.keys, node.values):
            if isinstance(key, ast.Constant) and key.value == "pii":
                lit = literal_value(value)
                if isinstance(lit, str):
                    return tuple(c.strip() for c in lit.split(",") if c.strip())
                if isinstance(lit, tuple):
                    return tuple(str(c) for c in lit)
    return ()


ORDERINGS = frozenset({"list", "sorted", "tuple", "set", "reversed", "iter", "frozenset"})


CONSTANT_NAME = re.compile(r"[A-Z][A-Z0-9_]*")


# gettext and its aliases: a translated label, never a field's definition.
TRANSLATIONS = frozenset({"_", "N_", "L_", "gettext", "gettext_lazy", "ugettext", "ugettext_lazy", "pgettext",
                          "pgettext_lazy", "ngettext", "ngettext_lazy", "lazy_gettext", "lazy_pgettext"})


CLASS_NAME = re.compile(r"_?[A-Z][a-z0-9]+(?:[A-Z][A-Za-z0-9]*)*")


ENVIRONMENT_READ = re.compile(r"(?:^|\.)(?:environ|env|config|settings)$")


# SQLAlchemy's column constructors.
SQL_COLUMNS = frozenset({"Column", "mapped_column"})


def declared_attr_value(node: ast.FunctionDef):
    """What a ``@declared_attr`` method returns (its first top-level ``return``), or None
    when it is not one."""
    if not any("declared_attr" in (dotted_name(d.func if isinstance(d, ast.Call) else d) or "").split(".")
               for d in node.decorator_list):
        return None
    return next((stmt.value for stmt in node.body if isinstance(stmt, ast.Return)), False)


# SQLAlchemy column types that hold whatever the code puts in them.
SQL_PAYLOAD_TYPES = frozenset({"JSON", "JSONB", "PickleType", "ARRAY", "HSTORE", "JSONType"})


SQL_SCALAR_TYPES = frozenset({"Integer", "BigInteger", "SmallInteger", "Numeric", "Float", "Boolean", "Date",
                              "DateTime", "Time", "Interval"})


DOWNLOAD_TYPE = re.compile(r"^(?:text/(?:csv|plain|tab-separated-values)|application/(?:json|xml|zip|pdf|"
                           r"vnd\.ms-excel|vnd\.openxmlformats[\w.-]*|x-ndjson|octet-stream))\b")


def is_download(node) -> bool:
    """``("customers.csv", "text/csv", data)``: a file name and a file content type, as
    exporters return them to the framework that sends the file."""
    if not isinstance(node, ast.Tuple) or len(node.elts) < 2:
        return False
    texts = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    named = any("." in t and "/" not in t and " " not in t for t in texts) or any(
        isinstance(e, (ast.JoinedStr, ast.BinOp)) for e in node.elts)
    return named and any(DOWNLOAD_TYPE.match(t) for t in texts)


def string_list(node) -> tuple[str, ...]:
    """``["REMOTE_ADDR", "HTTP_USER_AGENT"]``: a list, tuple or set of string literals."""
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and node.elts and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return tuple(e.value for e in node.elts)
    return ()


def field_descriptions(call: ast.Call) -> list[str]:
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


NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def own_scope_nodes(body):
    """Nodes of a block outside nested functions and classes, and those nested scopes."""
    own, nested = [], []
    stack = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, NESTED):
            nested.append(node)
            continue
        own.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return own, nested


def stored_names(body) -> set[str]:
    """Names assigned in statements, not counting nested functions and classes."""
    names = set()
    for node in own_scope_nodes(body)[0]:
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
    return names


def names_read_by_nested_scopes(nested) -> set[str]:
    return {sub.id for scope in nested for sub in ast.walk(scope) if isinstance(sub, ast.Name)}


def url_parts(node, key, strings: list, names: list) -> None:
    """String pieces and dotted names an argument is built from, ``(key, value)`` each, for
    finding a URL's host. Nested calls are not entered: they record their own."""
    stack = [node]
    while stack:
        sub = stack.pop()
        if isinstance(sub, ast.Constant):
            if isinstance(sub.value, str) and len(sub.value) < 2048:
                strings.append((key, sub.value))
        elif isinstance(sub, (ast.Name, ast.Attribute)):
            dotted = dotted_name(sub)
            if dotted:
                names.append((key, dotted))
        elif isinstance(sub, (ast.JoinedStr, ast.FormattedValue, ast.BinOp)):
            stack.extend(ast.iter_child_nodes(sub))


def chain_root(node):
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


def returns_pair(node) -> bool:
    call = call_result(node)
    return call is not None and isinstance(call.func, ast.Attribute) and call.func.attr in (
        "get_or_create", "update_or_create")


def call_result(node):
    while isinstance(node, ast.Await):
        node = node.value
    return node if isinstance(node, ast.Call) else None


ANONYMISED_FLAG = re.compile(r"^(?:is_)?(?:anonymi[sz]ed|shredded|redacted|scrubbed|pseudonymi[sz]ed|erased|forgotten)$")


def is_blank(node) -> bool:
    lit = literal_value(node)
    return lit is None or lit == "" or (isinstance(lit, str) and lit.strip("[]()<>").lower() in ("deleted", "redacted", "anonymized", "anonymised", "removed"))


def ends_block(body) -> bool:
    return bool(body) and isinstance(body[-1], (ast.Return, ast.Raise, ast.Continue, ast.Break))


def proved_not_text(test) -> dict[bool, str]:
    """The local a test proves is not a string, by the branch it holds in: ``isinstance(x, str)``
    is False in the other branch (``{False: "x"}``), ``not isinstance(x, (str, bytes))`` True,
    ``x is None`` True (None, or empty where ``if x`` fails, holds no one's data)."""
    negated = False
    while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        negated, test = not negated, test.operand
    # `if x`, `x is not None`: where they fail x is None or empty (`assert resource, resource`).
    if isinstance(test, ast.Name):
        return {negated: test.id}
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.left, ast.Name) \
            and isinstance(test.comparators[0], ast.Constant) and test.comparators[0].value is None:
        if isinstance(test.ops[0], ast.IsNot):
            return {negated: test.left.id}
        if isinstance(test.ops[0], ast.Is):
            return {not negated: test.left.id}
        return {}
    if not (isinstance(test, ast.Call) and isinstance(test.func, ast.Name) and test.func.id == "isinstance"
            and len(test.args) == 2 and isinstance(test.args[0], ast.Name)):
        return {}
    kinds = test.args[1].elts if isinstance(test.args[1], ast.Tuple) else [test.args[1]]
    if not any(isinstance(k, ast.Name) and k.id == "str" for k in kinds):
        return {}
    return {negated: test.args[0].id}


def test_polarity(test) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Names a test checks, as (guarding the true branch, guarding the false branch):
    ``if consent`` guards its body, ``if not consent`` / ``if consent is False`` its else."""
    negated = False
    while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        negated, test = not negated, test.operand
    if (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value in (False, None) and isinstance(test.ops[0], (ast.Is, ast.Eq))):
        negated, test = not negated, test.left
    names = tuple(test_names(test))
    return ((), names) if negated else (names, ())


def test_names(test) -> list[str]:
    names = []
    for sub in ast.walk(test):
        if isinstance(sub, ast.Name):
            names.append(sub.id)
        elif isinstance(sub, ast.Attribute):
            names.append(sub.attr)
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str) and len(sub.value) < 64:
            names.append(sub.value)
    return names


def short(node) -> str:
    d = dotted_name(node)
    if d:
        return d
    if isinstance(node, ast.Call):
        inner = short(node.func)
        return f"{inner}()"
    if isinstance(node, ast.Attribute):
        return f"{short(node.value)}.{node.attr}"
    if isinstance(node, ast.Subscript):
        return f"{short(node.value)}[...]"
    if isinstance(node, ast.JoinedStr):
        return "f-string"
    if isinstance(node, ast.Constant):
        text = repr(node.value)
        return text if len(text) <= 20 else text[:17] + "..."
    return type(node).__name__.lower()


def is_set_expr(node: ast.expr) -> bool:
    """A set display, set comprehension or ``set(...)``/``frozenset(...)`` call."""
    if isinstance(node, (ast.Set, ast.SetComp)):
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("set", "frozenset")


def filtered_copy(node: ast.DictComp) -> ast.expr | None:
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


def string_keys(node) -> tuple[str, ...]:
    """``{"email": "Email", "first_name": "FirstName"}``: a dict display's string keys."""
    if isinstance(node, ast.Dict) and node.keys and all(
            isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.keys):
        return tuple(k.value for k in node.keys)
    return ()


SCALAR_ANNOTATIONS = frozenset({"bool", "int", "float", "Decimal", "datetime", "date", "time", "timedelta"})


def scalar_annotation(node) -> str:
    """``bool``, ``Optional[int]``, ``Mapped[bool]``, ``datetime | None``: the scalar type an
    annotation names ("" for any other), which holds no name, e-mail or password."""
    while True:
        if isinstance(node, ast.Subscript) and (dotted_name(node.value) or "").rsplit(".", 1)[-1] in (
                "Optional", "Mapped", "ClassVar", "Final", "NotRequired", "Required"):
            node = node.slice
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            sides = [side for side in (node.left, node.right)
                     if not (isinstance(side, ast.Constant) and side.value is None)]
            if len(sides) != 1:
                return ""
            node = sides[0]
        else:
            break
    name = (dotted_name(node) or "").rsplit(".", 1)[-1]
    return name if name in SCALAR_ANNOTATIONS else ""


def configures_eternal_cache(stmt) -> bool:
    """Module-level settings that make a cache write without a timeout last forever: Django's
    ``CACHES = {"default": {..., "TIMEOUT": None}}``; Flask-Caching's ``CACHE_DEFAULT_TIMEOUT``
    of 0 or None, as a constant or in a config dict (``Cache(config={...})``)."""
    if not isinstance(stmt, (ast.Assign, ast.Expr)):
        return False
    targets = stmt.targets if isinstance(stmt, ast.Assign) else ()
    names = {t.id for t in targets if isinstance(t, ast.Name)} | {
        literal_value(t.slice) for t in targets if isinstance(t, ast.Subscript)}
    if "CACHE_DEFAULT_TIMEOUT" in names:
        return isinstance(stmt.value, ast.Constant) and stmt.value.value in (None, 0)
    for node in ast.walk(stmt.value):
        for key, value in zip(node.keys, node.values) if isinstance(node, ast.Dict) else ():
            name = literal_value(key) if key is not None else None
            if isinstance(value, ast.Constant) and (
                    (name == "CACHE_DEFAULT_TIMEOUT" and value.value in (None, 0))
                    or (name == "TIMEOUT" and "CACHES" in names and value.value is None)):
                return True
    return False


def off_switches(tree) -> frozenset[str]:
    """Module names bound once, at the top, to False, None or 0 and never again
    (``DEBUG_THIS_COMMAND = False``): ``if DEBUG_THIS_COMMAND:`` guards code that never runs."""
    candidates = {t.id for stmt in tree.body if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant)
                  and stmt.value.value in (False, None, 0) and not isinstance(stmt.value.value, float)
                  for t in stmt.targets if isinstance(t, ast.Name)}
    if not candidates:
        return frozenset()
    bound: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
            return frozenset()  # from .local_settings import *: may turn it on
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)) and node.id in candidates:
            bound[node.id] = bound.get(node.id, 0) + 1
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update((name, 2) for name in node.names if name in candidates)
    # TYPE_CHECKING = False: what it guards is read for its names (is_type_checking).
    return frozenset(name for name in candidates if bound.get(name) == 1 and name not in ("TYPE_CHECKING", "MYPY"))


def switched_off(test, switches: frozenset[str]) -> bool | None:
    """True when an ``if`` test never holds (``if DEBUG:`` with DEBUG an off switch, ``if False:``),
    False when it always does (``if not DEBUG:``), None when it depends."""
    negated = False
    while isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        negated, test = not negated, test.operand
    if isinstance(test, ast.Name) and test.id in switches:
        off = True
    elif isinstance(test, ast.Constant) and test.value in (False, None, 0) and not isinstance(test.value, float):
        off = True
    else:
        return None
    return off != negated

