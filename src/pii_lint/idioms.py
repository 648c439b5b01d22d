"""What the engine knows of libraries and frameworks by name: ORM query methods, class
loaders, request-bound users, methods that give nothing back, serialisers. Edge kinds too."""

from __future__ import annotations

import re

INTRA, CALL, RETURN, SUMMARY = "intra", "call", "return", "summary"
# Between the keys of one `put:` edge that puts a value under any of several names.
KEY_SEP = "\x1f"
# The op of a step into a branch where a local is known not to be a string
# (``if not isinstance(uid, str): raise ValueError(repr(uid))``).
NOT_TEXT = "notext"

ORM_BASES = ("django.db.models.Model", "django.db.models.base.Model", "django.contrib.auth.models.AbstractUser",
             "django.contrib.auth.models.AbstractBaseUser", "sqlalchemy.orm.DeclarativeBase",
             "sqlalchemy.orm.decl_api.DeclarativeBase", "flask_sqlalchemy.SQLAlchemy.Model", "peewee.Model",
             "tortoise.models.Model", "mongoengine.Document", "sqlmodel.SQLModel")
# Manager/query methods whose result holds records of the same model.
ORM_CHAIN = frozenset("""get filter exclude all first last earliest latest order_by select_related
prefetch_related only defer distinct iterator none using annotate reverse get_or_404 first_or_404 filter_by
one one_or_none scalar scalars scalar_one scalar_one_or_none unique where limit offset get_queryset
create get_or_create update_or_create in_bulk with_parent options join outerjoin group_by having
one_or_404 paginate execution_options""".split())
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
CLASS_LOADERS = frozenset({"get_model", "get_class", "get_classes", "load_model"})  # load_model: swapper
# get_logentry_model(): a model a setting may swap, named after it (get_user_model() aside).
SWAPPABLE_GETTER = re.compile(r"get_(\w+)_model")
# Columns of numbers, dates and flags: no name, address, e-mail or whole record fits in one
# (what flows into `CartPosition.price` from a tax computed with the address is a price).
SCALAR_FIELDS = frozenset("""DecimalField IntegerField FloatField BigIntegerField SmallIntegerField
PositiveIntegerField PositiveSmallIntegerField PositiveBigIntegerField MoneyField DurationField BooleanField
NullBooleanField DateField DateTimeField TimeField Integer BigInteger SmallInteger Numeric Float Boolean Date
DateTime Time Interval bool int float Decimal datetime date time timedelta""".split())
TEXT_CATEGORIES = ["user.name", "user.contact.email", "user.contact.address", "user.account", "user.authorization"]
# Categories of free text a field with `choices=` cannot hold.
FREE_TEXT_CATEGORIES = ["user.name", "user.contact", "user.government_id", "user.financial", "user.authorization"]
# What a number, a date or a flag column cannot hold: text identifiers and tokens.
TEXT_ONLY_CATEGORIES = TEXT_CATEGORIES + ["user.device.cookie_id"]
# Field classes that hold a yes/no, whatever their name says (`preset_password`, `ticket_on_email`).
FLAG_FIELDS = frozenset({"BooleanField", "NullBooleanField", "Boolean", "bool"})
DJANGO_USER = "django.contrib.auth.models.User"
# Library bases of a user model.
USER_BASES = frozenset({"AbstractUser", "AbstractBaseUser"})
# `request.user`, `self.request.user`, GraphQL `info.context.user`, Flask `g.user`,
# Starlette `request.state.user`: the signed-in user, an object of the user model.
REQUEST_HOLDERS = frozenset({"request", "context", "g", "state", "scope", "req", "session"})
# Objects whose attributes and entries are configuration, whatever their names say
# (`event.settings.contact_mail`, `app.config["MAIL_USERNAME"]`): DESIGN's settings singleton.
SETTINGS_HOLDERS = frozenset({"settings", "config", "conf", "configuration", "preferences", "prefs"})
# A request's whole payload: what the sender put in it (a webhook's customer, a form's fields).
REQUEST_PAYLOADS = frozenset({"body", "data", "json", "POST", "form"})
# Celery: queuing a task calls it later with the same arguments.
TASK_QUEUERS = frozenset({"delay", "apply_async", "s", "si", "signature"})
# Query methods whose result is a number about the records, not records.
AGGREGATES = frozenset({"aggregate", "count", "exists", "values_list_count", "acount", "aexists", "aaggregate"})
# Methods whose result is a count or a flag, not the data they touch.
# A signal's send() answers with its receivers' results, a socket's or session's with a count
# or a response: not what was sent.
NO_DATA_METHODS = frozenset({"delete", "count", "exists", "update", "save", "full_clean", "clear", "keys", "send",
                             "send_robust"})
# Calls whose result is a yes or no about their arguments, not the arguments.
# authenticate(username=..., password=...) answers with the user the credentials name (or None).
ANSWERS = re.compile(r"^(?:is|has|can|should|check|validate|verify|exists|contains)(?:_\w+)?$|"
                     r"^(?:startswith|endswith|isdigit|isalpha|isalnum|isnumeric|isdecimal|isspace|islower|isupper|"
                     r"authenticate|aauthenticate)$")
# A library's exception class, and the keywords that make its message: the others
# (`OAuth2Error(request=request)`, `HTTPError(response=r)`) are kept as attributes, not shown.
EXCEPTION_CLASS = re.compile(r"^_?[A-Z]\w*(?:Error|Exception|Warning)$")
MESSAGE_KEYWORDS = frozenset({"message", "msg", "description", "error_description", "detail", "details", "reason",
                              "text", "error", "errors", "params", "args", "title", "summary", "value"})
# Calls that turn an object into text: str() or repr() of a record.
STRINGIFIERS = frozenset({"str", "repr", "format", "format_map", "join", "force_text", "force_str", "smart_str",
                          "pformat", "saferepr", "urlencode"})
# Calls whose result spells out every field of the object they are given (what logging it
# reveals is the whole record, not its repr).
SERIALISERS = frozenset({"vars", "asdict", "astuple", "model_dump", "model_dump_json", "dict", "json", "to_dict",
                         "as_dict", "model_to_dict", "serialize", "dumps", "dump", "jsonable_encoder", "to_json",
                         "to_representation", "values", "safe_dump", "dump_all", "safe_dump_all"})
# Methods that put their arguments into the container they are called on.
MUTATORS = frozenset({"append", "extend", "insert", "add", "appendleft", "extendleft", "update", "put", "put_nowait",
                      "push", "setdefault"})
# Mutators whose argument is a container whose items join the receiver's.
MERGERS = frozenset({"update", "extend", "extendleft"})
# Calls that give back the same items in another container.
CONTAINERS = frozenset({"list", "tuple", "set", "frozenset", "sorted", "reversed", "copy", "deepcopy", "copy.copy",
                        "copy.deepcopy", "iter", "next", "enumerate", "zip", "items", "values",  # d.values(): its entries
                        "encode", "decode"})  # text.encode(): the same text as bytes
# Attributes that hold an object's fields spelled out: a serializer's `.data`.
SERIALISED_ATTRS = frozenset({"data", "validated_data", "initial_data", "cleaned_data"})
# Logger methods that return a logger carrying extra context.
BINDERS = frozenset({"bind", "new", "opt", "patch", "getChild", "with_fields", "contextualize", "bind_contextvars"})
