"""A small picklable summary of what one module's code does with values (``extraction`` reads it).

The summary resolves nothing across modules. It names values symbolically (``Ref``) and
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

import re
from dataclasses import dataclass, field


Ref = tuple


# `# noqa`, `# noqa: PII201, E501 -- reviewed`: the codes are whatever follows the colon up
# to the reason, so that a misspelt code (PII2O1) is seen as one instead of making a bare noqa.
NOQA_COMMENT = re.compile(r"#\s*noqa\b(?:\s*:\s*((?:(?!\s--)[^#\n])*))?(?:\s*--\s*([^#\n]*))?", re.I)


# Form fields whose cleaned value is a record (or records) of their queryset's model.
MODEL_CHOICE_FIELDS = frozenset({"ModelChoiceField", "ModelMultipleChoiceField"})


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
    setter: Ref | None = None  # ... and the one a write runs (synonym(descriptor=property(...)) too)
    deletes_related: bool = False  # relationship(Child, cascade="all, delete-orphan"): deleting this deletes them
    holds: Ref | None = None  # form_class = SignupForm: the name bound, a class when it names one
    max_length: int | None = None  # CharField(max_length=4), String(4): what the column can hold


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
    aged_calls: set = field(default_factory=set)  # ids of delete()/update() calls on records past an age, or given them
    # Functions returning records past an age (a QuerySet's `expired()`), and delete()/update()
    # call id -> the methods its query chain calls: `Token.objects.expired().delete()`.
    aged_queries: set = field(default_factory=set)
    query_chains: dict = field(default_factory=dict)
    query_returns: dict = field(default_factory=dict)  # function name -> names it calls in what it returns
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
    eternal_caches: bool = False  # settings make a cache write without a timeout last forever


class _NotLiteral:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<not literal>"

    def __reduce__(self):
        return "_NOT_LITERAL"


_NOT_LITERAL = NOT_LITERAL = _NotLiteral()


ANONYMISED = "<anonymised>"  # a blank of the whole record: a flag saying it was erased
