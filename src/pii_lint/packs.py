"""Rule packs: YAML files under rules/<pack>/ validated into pydantic models.

Layout of a pack folder:
    pack.yaml          name, lists (forbidden, sensitive, ...), consent and encryption names
    taxonomy.yaml      the category keys the pack knows (Fides data categories)
    names.yaml         name patterns that infer a category, and exclusions
    sanitizers.yaml    calls that clean data, each with the rules it clears
    sinks/*.yaml       where data goes: log, http, sdk, storage, cache, file, cookie
    rules/*.yaml       one file per rule code: metadata and docs

A project pack may say ``extends: shop`` and then only list what it changes.
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import hashlib
import re
from importlib import resources
from pathlib import Path
from typing import Literal, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError, describe_validation_error

SinkKind = Literal["log", "http", "sdk", "storage", "cache", "file", "cookie", "email"]
ArgSpec = Union[int, str]  # position, keyword name, "*" (every argument) or "receiver"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NamePattern(_Strict):
    category: str
    patterns: list[str]


class ClassScopedNames(_Strict):
    """Column names that say what they hold only on some classes: `token` on an ApiKey,
    `name` on a BankCard."""

    classes: list[str]  # re.search over the snake_case class name (api_key, bank_card)
    user_model: bool = False  # the user model too
    names: list[NamePattern]  # re.fullmatch over the column name


class PackInfo(_Strict):
    name: str
    description: str = ""
    extends: str | None = None
    forbidden: list[str] = []
    sensitive: list[str] = []
    credentials: list[str] = []  # categories PII102 watches
    passive: list[str] = []  # passively collected (PII205)
    identity: list[str] = []  # identity data (PII205)
    consent: list[str] = []  # regexes over names that mean a consent check
    encryption: list[str] = []  # qualified-name globs of encryption wrappers
    hashed_names: list[str] = []  # regexes: names that say the value is hashed (infer nothing)
    logger_names: list[str] = []  # regexes: receivers assumed to be loggers
    user_facing_errors: list[str] = []  # globs: exceptions whose message goes back to the user
    business_descriptions: list[str] = []  # regexes: a field's help text saying it is the business's data
    settings_classes: list[str] = []  # regexes: class names of the shop's own configuration
    thing_holders: list[str] = []  # regexes: names of values whose attributes describe a thing (table.fullname)
    record_reprs: dict[str, list[str]] = {}  # library base glob -> fields its default str()/repr() shows
    cookie_jars: list[str] = []  # globs: mappings whose items are cookies (flask.session, SimpleCookie)
    session_stores: dict[str, list[str]] = {}  # set-up call -> cookie jars it moves to the server (Flask-Session)
    library_fields: dict[str, dict[str, str]] = {}  # library model base -> {field: category}
    hashed_columns: dict[str, list[str]] = {}  # library model base -> its columns that keep a hash
    history_classes: list[NamePattern] = []  # class names of rows that record what a person did
    class_scoped_names: list[ClassScopedNames] = []  # names personal only on some classes
    pii_switches: dict[str, str] = {}  # SDK set-up call -> its keyword that turns on sending personal data
    field_types: dict[str, str] = {}  # field class -> the category it holds whatever its name (EmailField)
    callback_sinks: dict[str, list[str]] = {}  # SDK set-up call -> keywords naming a function whose result it sends
    child_builders: dict[str, int] = {}  # call -> position of the parent its result is added to (SubElement)
    method_params: dict[str, list[str]] = {}  # library method -> the classes of its parameters (after self)
    returned_sinks: dict[str, str] = {}  # library method -> sink kind an override's return value goes to
    memory_files: list[str] = []  # classes of in-memory files: a writer on one stores nothing (io.BytesIO)
    request_globals: dict[str, str] = {}  # framework proxy (flask.request) -> what it stands for (request)
    provider_responses: list[str] = []  # globs: SDK calls whose result is the provider's record of the customer
    payload_envelopes: list[str] = []  # entry names under which a payload holds the whole record (result, data)


class Category(_Strict):
    key: str
    description: str = ""


class Taxonomy(_Strict):
    categories: list[Category]


class Names(_Strict):
    names: list[NamePattern] = []
    exclude: list[str] = []


class Sanitizer(_Strict):
    kind: str  # hash | encrypt | mask | tokenize | anonymize | cast
    callee: list[str]  # qualified-name globs
    clears: list[str]  # rule codes, or "*"


class Sanitizers(_Strict):
    sanitizers: list[Sanitizer] = []


class Sink(_Strict):
    kind: SinkKind
    callee: list[str]  # qualified-name globs, "logging.Logger.info", "requests.post"
    not_callee: list[str] = []  # globs of calls the callee globs take in that are not this sink
    args: list[ArgSpec] = ["*"]  # which arguments carry data
    label: str = ""  # what a message calls it: "logging", "Stripe"
    sdk: str | None = None  # the SDK package that a recipient's `sdk` names
    purpose: str | None = None  # Fides data-use key
    url: ArgSpec | None = None  # http: the argument holding the URL
    expiry: list[ArgSpec] = []  # cache: keywords or positions that set an expiry ("*": always)
    expiry_methods: list[str] = []  # cache: methods that set an expiry afterwards (expire)
    # cache: a write given no expiry gets the library's default (Django's 300 s), unless the
    # project's settings make the default forever; only an explicit None never expires.
    default_expiry: bool = False
    when: dict[ArgSpec, list[str]] = {}  # only calls giving these arguments a literal matching a glob
    given: list[ArgSpec] = []  # only calls passing one of these (yaml.dump's stream: without it, a string)
    # Keywords naming where the output goes (print's file=): a call given another stream
    # than the standard ones writes into that object instead of this sink.
    redirect: list[str] = []


class Factory(_Strict):
    """A call whose result is an object of a known type (getLogger -> logging.Logger)."""

    callee: list[str]
    returns: str


class Sinks(_Strict):
    sinks: list[Sink] = []
    factories: list[Factory] = []


class RuleDocs(_Strict):
    what: str
    why: str
    example: str
    use_instead: str
    help: str = ""  # one line under each finding in text output: what to do instead


class Clause(_Strict):
    title: str
    text: str


class Policy(_Strict):
    """The privacy policy a pack encodes, by clause number ("1.4")."""

    clauses: dict[str, Clause] = {}


class FixSpec(_Strict):
    """A fix the rule offers: its kind (pii_lint.fixes.KINDS) and whether it is safe."""

    kind: str
    applicability: Literal["safe", "unsafe"]
    summary: str

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        from .fixes import KINDS

        if value not in KINDS:
            raise ValueError(f"unknown fix kind {value!r}; known: {', '.join(KINDS)}")
        return value


class RuleSpec(_Strict):
    code: str = Field(pattern=r"^PII\d{3}$")
    name: str
    summary: str
    policy: str  # clause, "1.4"; "-" for PII900
    severity: Literal["error", "warning", "note"] = "error"
    security_severity: float = Field(default=5.0, ge=0, le=10)
    precision: Literal["very-high", "high", "medium", "low"] = "high"
    enabled: bool = True
    docs: RuleDocs
    fixes: list[FixSpec] = []


class Pack:
    """A loaded, validated pack with fast look-ups for the engine."""

    def __init__(
        self,
        info: PackInfo,
        categories: dict[str, str],
        names: Names,
        sanitizers: list[Sanitizer],
        sinks: list[Sink],
        factories: list[Factory],
        rules: dict[str, RuleSpec],
        digest: str,
    ) -> None:
        self.info = info
        self.policy: dict[str, Clause] = {}  # clause number -> the policy's words
        self.categories = categories
        self.names = names
        self.sanitizers = sanitizers
        self.sinks = sinks
        self.factories = factories
        self.rules = rules
        self.digest = digest
        self._consent_re = _any_regex(info.consent)
        self._logger_re = _any_regex(info.logger_names)
        self._sink_globs = _GlobIndex((pattern, sink) for sink in sinks for pattern in sink.callee)
        self._not_sink_globs = _GlobIndex((pattern, id(sink)) for sink in sinks for pattern in sink.not_callee)
        self._sanitizer_globs = _GlobIndex((pattern, s) for s in sanitizers for pattern in s.callee)
        self._factory_globs = _GlobIndex((pattern, f.returns) for f in factories for pattern in f.callee)
        self._encryption_globs = _GlobIndex((pattern, True) for pattern in info.encryption)
        self._user_facing_globs = _GlobIndex((pattern, True) for pattern in info.user_facing_errors)
        self._business_re = _any_regex(info.business_descriptions)
        self._settings_re = _any_regex(info.settings_classes)
        self._thing_holder_re = _any_regex(info.thing_holders)
        self._cookie_jar_globs = _GlobIndex((pattern, True) for pattern in info.cookie_jars)
        self._response_globs = _GlobIndex((pattern, True) for pattern in info.provider_responses)
        self.infer_name = functools.lru_cache(maxsize=65536)(self._infer_name)

    # The name matchers are compiled when first asked: a run whose facts all come from the
    # cache never infers a name, and compiling them is most of what loading the pack costs.
    @functools.cached_property
    def _name_res(self) -> list:
        return [(p.category, re.compile("|".join(f"(?:^|_)(?:{pat})(?:$|_)" for pat in p.patterns)))
                for p in self.names.names]

    @functools.cached_property
    def _exclude_re(self) -> re.Pattern:
        return _any_regex(self.names.exclude)

    @functools.cached_property
    def _hashed_re(self) -> re.Pattern:
        return _any_regex(self.info.hashed_names)

    @functools.cached_property
    def _history_res(self) -> list:
        return [(e.category, _any_regex(e.patterns)) for e in self.info.history_classes]

    @functools.cached_property
    def _scoped(self) -> list:
        return [(_any_regex(e.classes), e.user_model, [(n.category, _any_regex(n.patterns)) for n in e.names])
                for e in self.info.class_scoped_names]

    def is_provider_response(self, qual: str) -> bool:
        """``stripe.PaymentIntent.retrieve``: what it returns holds the customer's details."""
        return bool(self._response_globs.match(qual))

    # -- categories ---------------------------------------------------------
    def normalize_category(self, key: str) -> str:
        """Full key for ``key`` (``contact.email`` -> ``user.contact.email``), or raise."""
        return _normalize_key(self.categories, key)

    def is_under(self, category: str, roots: list[str]) -> bool:
        return any(category == r or category.startswith(r + ".") for r in roots)

    # -- names --------------------------------------------------------------
    def _infer_name(self, name: str) -> str | None:
        """The category a bare identifier or key suggests, or None."""
        norm = normalize_identifier(name)
        if not norm or self._exclude_re.search(norm) or self._hashed_re.search(norm):
            return None
        for category, regex in self._name_res:
            if regex.search(norm):
                return category
        return None

    def says_hashed(self, name: str) -> bool:
        """``hashed_password``, ``key_hash``: a name saying its value is already hashed."""
        return bool(self._hashed_re.search(normalize_identifier(name)))

    def is_consent_name(self, name: str) -> bool:
        return bool(self._consent_re.search(normalize_identifier(name)))

    def is_logger_name(self, name: str) -> bool:
        return bool(self._logger_re.fullmatch(name))

    # -- calls --------------------------------------------------------------
    def sinks_for(self, qualname: str) -> list[Sink]:
        found = self._sink_globs.match(qualname)
        excluded = self._not_sink_globs.match(qualname) if found else ()
        return [sink for sink in found if id(sink) not in excluded] if excluded else found

    def sanitizer_for(self, qualname: str) -> Sanitizer | None:
        found = self._sanitizer_globs.match(qualname)
        return found[0] if found else None

    def factory_type(self, qualname: str) -> str | None:
        found = self._factory_globs.match(qualname)
        return found[0] if found else None

    def is_encryption(self, qualname: str) -> bool:
        return bool(self._encryption_globs.match(qualname))

    def describes_business_data(self, text: str) -> bool:
        return bool(text) and bool(self._business_re.search(text))

    def history_category(self, class_name: str) -> str | None:
        """``UserSearch`` -> behavior.search_history: a class whose rows record what someone did."""
        norm = normalize_identifier(class_name)
        return next((category for category, regex in self._history_res if regex.search(norm)), None)

    def scoped_category(self, class_name: str, field_name: str, user_model: bool) -> str | None:
        """``ApiKey.token`` -> credentials, ``Bankcard.name`` -> name: what a column holds by
        the class it is on (the pack's ``class_scoped_names``); None elsewhere."""
        norm = normalize_identifier(class_name)
        for classes, on_user, names in self._scoped:
            if (user_model and on_user) or classes.search(norm):
                for category, regex in names:
                    if regex.fullmatch(field_name):
                        return category
        return None

    def is_cookie_jar(self, qualname: str) -> bool:
        return bool(self._cookie_jar_globs.match(qualname))

    def is_settings_class(self, name: str) -> bool:
        return bool(self._settings_re.search(name))

    def is_thing_holder(self, name: str) -> bool:
        """``table`` in ``table.fullname``: a value named for a thing, not a person."""
        return bool(self._thing_holder_re.search(normalize_identifier(name)))

    @functools.cached_property
    def user_facing_error_names(self) -> frozenset[str]:
        """The last part of each exception class the pack names as shown to the user, for
        code that knows a class only by the name it raises it under."""
        return frozenset(p.rsplit(".", 1)[-1] for p in self.info.user_facing_errors if "*" not in p)

    def is_user_facing_error(self, qualname: str) -> bool:
        return bool(self._user_facing_globs.match(qualname))

    def enabled_rules(self) -> dict[str, RuleSpec]:
        return {code: r for code, r in self.rules.items() if r.enabled}


def _normalize_key(categories: dict[str, str], key: str) -> str:
    key = key.strip()
    full = key if key.startswith("user.") or key == "user" else f"user.{key}"
    if full in categories:
        return full
    close = difflib.get_close_matches(full, list(categories), n=3, cutoff=0.6)
    hint = f"; closest known: {', '.join(c.removeprefix('user.') for c in close)}" if close else ""
    raise ConfigError(f"unknown data category {key!r}{hint}")


class _GlobIndex:
    """Qualified-name globs: exact names in a dict, the rest scanned once per name."""

    def __init__(self, pairs) -> None:
        self.exact: dict[str, list] = {}
        self.prefixed: list[tuple[str, str, object]] = []  # (literal prefix, regex source, value)
        floating: list[tuple[str, object]] = []  # globs that start with a wildcard
        for pattern, value in pairs:
            cut = min((pattern.index(ch) for ch in "*?[" if ch in pattern), default=None)
            if cut is None:
                self.exact.setdefault(pattern, []).append(value)
            elif cut:
                self.prefixed.append((pattern[:cut], fnmatch.translate(pattern), value))
            else:
                floating.append((fnmatch.translate(pattern), value))
        # Most names match no glob: a prefix test and one regex for the rest rule them out,
        # and a glob's own regex is compiled only when a name gets that far.
        self.prefixes = tuple({prefix for prefix, _, _ in self.prefixed})
        self.floating = floating
        self.any_floating = re.compile("|".join(source for source, _ in floating)) if floating else None
        self.match = functools.lru_cache(maxsize=65536)(self._match)

    def _match(self, name: str) -> list:
        found = list(self.exact.get(name, ()))
        if self.prefixes and name.startswith(self.prefixes):
            found.extend(value for prefix, source, value in self.prefixed
                         if name.startswith(prefix) and re.match(source, name))
        if self.any_floating is not None and self.any_floating.match(name):
            found.extend(value for source, value in self.floating if re.match(source, name))
        return found


def _any_regex(patterns: list[str]) -> re.Pattern:
    if not patterns:
        return re.compile(r"(?!)")
    return re.compile("|".join(f"(?:{p})" for p in patterns))


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def normalize_identifier(name: str) -> str:
    """``billingEmail`` / ``Billing-Email`` -> ``billing_email``."""
    name = _CAMEL.sub("_", name.strip())
    return re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower()


# -- loading ----------------------------------------------------------------

BUNDLED = "pii_lint.bundled_rules"


def bundled_pack_dir(name: str) -> Path | None:
    root = resources.files(BUNDLED)
    candidate = root / name
    if candidate.is_dir() and (candidate / "pack.yaml").is_file():
        return Path(str(candidate))
    return None


def bundled_pack_names() -> list[str]:
    root = resources.files(BUNDLED)
    return sorted(p.name for p in root.iterdir() if p.is_dir() and (p / "pack.yaml").is_file())


def _is_shipped(pack: str) -> bool:
    return "/" not in pack and "\\" not in pack and bundled_pack_dir(pack) is not None


def resolve_pack_dir(pack: str, relative_to: Path | None = None) -> Path:
    bundled = bundled_pack_dir(pack) if _is_shipped(pack) else None
    if bundled is not None:
        return bundled
    path = Path(pack)
    if not path.is_absolute() and relative_to is not None:
        path = relative_to / path
    if path.is_dir() and (path / "pack.yaml").is_file():
        return path
    known = ", ".join(bundled_pack_names())
    raise ConfigError(f"pack {pack!r}: no bundled pack of that name ({known}) and no folder with a pack.yaml there")


# libyaml's safe loader when PyYAML was built with it: same semantics, several times faster.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        return yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path}{where}: YAML error: {problem}") from None


def _validate(model: type[BaseModel], path: Path, data):
    if data is None:
        data = {}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {describe_validation_error(exc)}") from None


def _load_folder(folder: Path, base_rules: dict[str, RuleSpec]) -> dict:
    """Validated parts of one pack folder. A rule file of a child pack may give only what
    it changes (``code: PII201`` and ``enabled: false``): the rest comes from the base."""
    parts: dict = {"digest": hashlib.sha256()}
    files = sorted(p for p in folder.rglob("*.yaml") if p.is_file())
    for f in files:
        parts["digest"].update(f.relative_to(folder).as_posix().encode())
        parts["digest"].update(f.read_bytes())
    optional = {"taxonomy.yaml": Taxonomy, "names.yaml": Names, "sanitizers.yaml": Sanitizers, "policy.yaml": Policy}
    for filename, model in optional.items():
        path = folder / filename
        parts[filename] = _validate(model, path, _read_yaml(path)) if path.is_file() else None
    parts["sinks"] = [_validate(Sinks, p, _read_yaml(p)) for p in sorted((folder / "sinks").glob("*.yaml"))]
    rules: dict[str, RuleSpec] = {}
    for p in sorted((folder / "rules").glob("*.yaml")):
        raw = _read_yaml(p)
        if isinstance(raw, dict) and raw.get("code") in base_rules:
            raw = {**base_rules[raw["code"]].model_dump(), **raw}
        rule = _validate(RuleSpec, p, raw)
        if rule.code in rules:
            raise ConfigError(f"{p}: code: duplicate rule code {rule.code} (also in another file of {folder})")
        rules[rule.code] = rule
    parts["rules"] = rules
    return parts


def load_pack(pack: str = "shop", relative_to: Path | None = None, _seen: tuple = ()) -> Pack:
    return _load_pack_cached(pack, str(relative_to) if relative_to else None, _seen)


@functools.lru_cache(maxsize=16)
def _load_pack_cached(pack: str, relative_to: str | None, _seen: tuple) -> Pack:
    folder = resolve_pack_dir(pack, Path(relative_to) if relative_to else None)
    if folder in _seen:
        raise ConfigError(f"{folder / 'pack.yaml'}: extends: packs extend each other in a loop")
    info = _validate(PackInfo, folder / "pack.yaml", _read_yaml(folder / "pack.yaml"))
    base = load_pack(info.extends, folder, _seen + (folder,)) if info.extends else None
    parts = _load_folder(folder, base.rules if base else {})

    categories = dict(base.categories) if base else {}
    if parts["taxonomy.yaml"]:
        categories.update({c.key: c.description for c in parts["taxonomy.yaml"].categories})
    # A child pack adds to its base: its own entries first, so its names win.
    names = parts["names.yaml"] or Names()
    if base is not None:
        names = Names(names=names.names + base.names.names, exclude=names.exclude + base.names.exclude)
    sanitizers = (parts["sanitizers.yaml"].sanitizers if parts["sanitizers.yaml"] else []) + (base.sanitizers if base else [])
    sinks = [s for group in parts["sinks"] for s in group.sinks] + (base.sinks if base else [])
    factories = [f for group in parts["sinks"] for f in group.factories] + (base.factories if base else [])
    rules = dict(base.rules) if base else {}
    rules.update(parts["rules"])
    # A project's own policy text replaces the base's clause by clause.
    clauses = dict(base.policy) if base else {}
    clauses.update(parts["policy.yaml"].clauses if parts["policy.yaml"] else {})
    if base is not None:
        # A child pack inherits every list it does not set itself.
        merged = base.info.model_dump()
        merged.update(info.model_dump(exclude_unset=True))
        info = PackInfo.model_validate(merged)
    digest = parts["digest"]
    if base is not None:
        digest.update(base.digest.encode())
    info, names = _normalized(info, names, categories, folder)
    if not _is_shipped(pack):
        # A shipped pack's regexes are checked by pii-lint's tests; compiling them all again
        # is a third of a run that the cache answers.
        check_regexes(info, names, folder)
    pack_ = Pack(info, categories, names, sanitizers, sinks, factories, rules, digest.hexdigest())
    pack_.policy = clauses
    return pack_


CATEGORY_LISTS = ("forbidden", "sensitive", "credentials", "passive", "identity")


def _normalized(info: PackInfo, names: Names, categories: dict[str, str], folder: Path):
    """Every category a pack names must be one it knows; keys are stored in full
    (``government_id`` -> ``user.government_id``) so that look-ups compare like with like."""
    def norm(where: str, key: str) -> str:
        try:
            return _normalize_key(categories, key)
        except ConfigError as exc:
            raise ConfigError(f"{folder / where}: {exc}") from None

    lists = {name: [norm(f"pack.yaml: {name}", key) for key in getattr(info, name)] for name in CATEGORY_LISTS}
    lists["field_types"] = {kind: norm(f"pack.yaml: field_types.{kind}", key) for kind, key in info.field_types.items()}
    lists["history_classes"] = [NamePattern(category=norm("pack.yaml: history_classes", e.category),
                                            patterns=e.patterns) for e in info.history_classes]
    lists["library_fields"] = {base: {name: norm(f"pack.yaml: library_fields.{base}", key) for name, key in fields.items()}
                               for base, fields in info.library_fields.items()}
    lists["class_scoped_names"] = [e.model_copy(update={"names": [
        NamePattern(category=norm("pack.yaml: class_scoped_names", n.category), patterns=n.patterns) for n in e.names]})
        for e in info.class_scoped_names]
    entries = [NamePattern(category=norm("names.yaml: names.category", entry.category), patterns=entry.patterns)
               for entry in names.names]
    return info.model_copy(update=lists), Names(names=entries, exclude=names.exclude)


def check_regexes(info: PackInfo, names: Names, folder: Path) -> None:
    """A bad regex is a one-line error naming its file, not a crash mid-analysis."""
    regexes = [("pack.yaml: hashed_names", info.hashed_names), ("pack.yaml: logger_names", info.logger_names),
               ("pack.yaml: consent", info.consent), ("pack.yaml: business_descriptions", info.business_descriptions),
               ("pack.yaml: settings_classes", info.settings_classes), ("pack.yaml: thing_holders", info.thing_holders)]
    regexes += [("pack.yaml: history_classes", e.patterns) for e in info.history_classes]
    regexes += [("pack.yaml: class_scoped_names", e.classes + [p for n in e.names for p in n.patterns])
                for e in info.class_scoped_names]
    regexes += [("names.yaml: patterns", entry.patterns) for entry in names.names]
    for where, patterns in regexes:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                file, _, key = where.partition(": ")
                raise ConfigError(f"{folder / file}: {key}: bad regex {pattern!r}: {exc}") from None
