"""Model semantics: which classes are stored models, the project's user model, what a
relation points to, and which fields hold personal data (tags, configuration, names,
and the evidence that outweighs names)."""

from __future__ import annotations

import re
from collections import defaultdict

from .config import RETENTION
from .errors import ConfigError
from .facts import CallFact, ClassFact, ModuleFacts
from .idioms import (DJANGO_USER, FLAG_FIELDS, FREE_TEXT_CATEGORIES, ORM_BASES, SCALAR_FIELDS, TEXT_ONLY_CATEGORIES,
                     USER_BASES)


def is_field(fld) -> bool:
    """A class attribute that declares data (a field call, an annotation or a tag), not a constant."""
    return fld.is_field_call or fld.type_ref is not None or fld.tag != ""


# password = synonym("_password", ...), full_name = column_property(first + " " + last): another
# column read or written through functions, not a column of its own.
ACCESSOR_KINDS = frozenset({"property", "synonym", "column_property", "hybrid_property"})

# socks_proxy_host = GenericIPAddressField(), smtp_server = EmailField(): a machine's, whatever the type.
INFRASTRUCTURE = re.compile(r"(?:^|_)(?:host|hosts|server|servers|proxy|gateway|relay|dns|nameserver|router|smtp|imap|"
                            r"pop3?|mailbox|box|sender|from|reply_to|noreply|no_reply)(?:$|_)")
ENUM_BASES = frozenset({"enum.Enum", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag",
                        "django.db.models.Choices", "django.db.models.TextChoices", "django.db.models.IntegerChoices",
                        "django.db.models.enums.Choices", "django.db.models.enums.TextChoices",
                        "django.db.models.enums.IntegerChoices"})
# Addresses an application mails from or to on its own account, set up by its operators: a
# sender, a reply-to, copies and notification recipients (`notification_sender_address`,
# `extra_cc_emails`, `start_notification_emails`).
SETTING_ADDRESS = re.compile(r"(?:^|_)(?:sender|from|reply_to|cc|bcc|copies|notifications?)(?:$|_)")
# A field naming the machine a class logs in to (`hostname`, `smtp_host`, `api_url`).
SERVICE_ENDPOINT = re.compile(r"(?:^|_)(?:host|hostname|server|endpoint|api_url|base_url|smtp|imap)(?:$|_)")
SERVICE_LOGIN_CATEGORIES = ["user.account", "user.authorization"]
# Who made or last changed a row (Tendenci's creator/creator_username and owner/owner_username
# on every content model): staff bookkeeping, not what the row is about. `owner` counts as one
# only beside a creator stamp; alone it is often the person the row belongs to.
AUDIT_STAMP = re.compile(r"^(?:creator|created_by|modified_by|updated_by|last_modified_by|last_updated_by|modifier|"
                         r"updater|editor|owner)(?:_(?:username|user_?name|name|email|id|user|user_id))?$")
CREATOR_STAMP = re.compile(r"^(?:creator|created_by)(?:_|$)")
# A card or account number needs more than four characters: a column that short keeps its last
# digits (Tendenci's Payment.account_number, max_length=4). A CVV or a PIN fits in one.
FULL_NUMBER_CATEGORIES = ["user.financial.credit_card", "user.financial.bank_account"]
SHORT_SECRET = re.compile(r"(?:cvv|cvc|cvn|csc|ccv|pin|security|verification)")
DJANGO_FIELD_MODULES = ("q|django.db.models.", "q|django.contrib.gis.db.models.", "q|django.contrib.postgres.fields.")


class ModelSemantics:
    """What models are and what their fields hold. Mixed into GraphBuilder, whose state it reads."""

    def is_orm_model(self, cls: str) -> bool:
        """An ORM model (Django, SQLAlchemy, ...) with a table of its own: not abstract, not a
        proxy, not ``managed = False``."""
        fact = self.p.classes.get(cls)
        if fact is None or fact.meta_abstract or fact.meta_unstored:
            return False
        lineage = self.mro(cls)
        for c in lineage:
            other = self.p.classes.get(c)
            if other is None:
                if c in ORM_BASES or c.endswith(".Model"):
                    return True
            elif other.tablename:
                return True
        # A class built on a third-party base (a CMS's SiteRelated) that declares Django model
        # fields is a Django model: only a model's metaclass makes models.EmailField() a column.
        if any(c not in self.p.classes for c in lineage):
            for c in lineage:
                other = self.p.classes.get(c)
                for fld in (other.fields.values() if other is not None else ()):
                    # encrypted_by holds every call of the definition: models.EmailField itself too.
                    if fld.is_field_call and any(self.resolve(ref).startswith(DJANGO_FIELD_MODULES)
                                                 for ref in fld.encrypted_by):
                        return True
        return False

    def model_class(self, ref) -> str | None:
        """The project class a model reference names: a class, ``"app.Model"`` in a relation
        (matched by class name, as Django's app registry would), or ``settings.AUTH_USER_MODEL``."""
        target = self.resolve(ref)
        if target.split("#", 1)[0].endswith("AUTH_USER_MODEL") or self._returns_user_setting(target):
            return self.user_model()  # settings.AUTH_USER_MODEL, or a project constant copied from it
        if not target.startswith("q|"):
            return None
        qual = target[2:]
        if qual in self.p.classes:
            return qual
        name = qual.rsplit(".", 1)[-1]
        found = self._class_by_name(name)
        if found is None and name == "User" and ref[0] == "n":
            return self.user_model()  # ForeignKey("auth.User") in a project with no User of its own
        return found

    def _returns_user_setting(self, target: str) -> bool:
        """``OneToOneField(UserModelString(), ...)``: a project function returning the setting
        (django-registration-redux's ``return settings.AUTH_USER_MODEL``)."""
        call = self._calls_by_id.get(target[2:]) if target.startswith("c|") else None
        if call is None or call.func is None:
            return False
        callee = self.resolve(call.func)
        fn = self.p.functions.get(callee[2:]) if callee.startswith("q|") else None
        if fn is None or fn.params:
            return False
        returned = ("r", fn.scope)
        return any(dst == returned and self.resolve(src).endswith("AUTH_USER_MODEL")
                   for src, dst, *_ in self.p.function_module[fn.scope].edges)

    def _class_by_name(self, name: str) -> str | None:
        if self._classes_by_name is None:
            by_name: dict[str, list[str]] = defaultdict(list)
            for qual, fact in sorted(self.p.classes.items()):
                by_name[fact.name].append(qual)
            self._classes_by_name = by_name
        candidates = self._classes_by_name.get(name, ())
        # A concrete model first; an abstract one (ForeignKey("BaseCustomer")) stands for its subclasses.
        models = [q for q in candidates if self.is_orm_model(q)] or \
            [q for q in candidates if not self.p.classes[q].meta_abstract] or list(candidates)
        if not models:
            return None
        return sorted(models, key=lambda q: (not q.rsplit(".", 1)[0].endswith(".models"), len(q), q))[0]

    def subclasses(self, cls: str) -> list[str]:
        """Project classes that have ``cls`` among their bases (itself included)."""
        if self._subclasses is None:
            index: dict[str, list[str]] = defaultdict(list)
            for qual in sorted(self.p.classes):
                for base in self.mro(qual):
                    index[base].append(qual)
            self._subclasses = index
        return self._subclasses.get(cls, [cls])

    def reverse_relation(self, cls: str, accessor: str) -> str | None:
        """The model behind ``obj.<accessor>`` on a ``cls`` object when it is Django's reverse
        side of a relation: ``related_name="orders"``, or ``<model>_set``."""
        if self._reverse is None:
            index: dict[tuple[str, str], str] = {}
            for qual, fact in sorted(self.p.classes.items()):
                for fld in fact.fields.values():
                    if not fld.relation or fld.type_ref is None:
                        continue
                    target = self.model_class(fld.type_ref)
                    if target is None:
                        # A key to a library's model (python-social-auth's UserSocialAuth):
                        # its objects have the reverse side too.
                        resolved = self.resolve(fld.type_ref)
                        if not resolved.startswith("q|"):
                            continue
                        target = resolved[2:]
                    for owner in self.subclasses(qual):
                        # An inherited relation is named after the model that inherits it.
                        lower = self.p.classes[owner].name.lower()
                        name = (fld.related_name or f"{lower}_set").replace("%(class)s", lower)
                        for sub in self.subclasses(target):
                            index.setdefault((sub, name), owner)
            self._reverse = index
        for c in self.mro(cls):
            found = self._reverse.get((c, accessor))
            if found:
                return found
        return None

    def related_by_name(self, accessor: str) -> str | None:
        """The model behind ``x.<accessor>`` when one model alone declares that reverse name
        (``related_name="historic_passwords"``), whatever ``x`` is."""
        self.reverse_relation("", accessor)  # builds the index
        owners = {owner for (_, name), owner in self._reverse.items() if name == accessor}
        roots = {o for o in owners if not any(b in owners for b in self.mro(o)[1:])}
        return roots.pop() if len(roots) == 1 else None

    def forward_relation_by_name(self, attr: str) -> str | None:
        """The model behind ``x.<attr>`` on a value of unknown class, when every model that
        declares a to-one relation of that name points it at the same model
        (``deletion.user``, where each ``user`` key is to the user model)."""
        if self._forward_by_name is None:
            targets: dict[str, set] = defaultdict(set)
            for qual, cls in sorted(self.p.classes.items()):
                if not self.is_orm_model(qual):
                    continue
                for name, fld in cls.fields.items():
                    if fld.relation and fld.type_ref is not None and fld.kind != "ManyToManyField":
                        targets[name].add(self.model_class(fld.type_ref))
            self._forward_by_name = {name: next(iter(found)) for name, found in targets.items()
                                     if len(found) == 1 and None not in found}
        return self._forward_by_name.get(attr)

    def user_model(self) -> str | None:
        """The project's user model: a stored subclass of Django's AbstractUser or
        AbstractBaseUser (the one `AUTH_USER_MODEL` and `request.user` stand for)."""
        if self._user_model is None:
            found = sorted(
                (q for q, fact in self.p.classes.items() if not fact.meta_abstract and self.is_orm_model(q)
                 and any(c.rsplit(".", 1)[-1] in USER_BASES for c in self.mro(q) if c not in self.p.classes)),
                key=lambda q: (len(self.mro(q)), q))
            if not found:
                # A Flask or SQLAlchemy app's own: the one stored model named User.
                found = sorted(q for q, fact in self.p.classes.items() if fact.name == "User"
                               and not fact.meta_abstract and self.is_orm_model(q)
                               and not any(c not in self.p.classes and c.startswith("django.") for c in self.mro(q)))
                found = found if len(found) == 1 else []
            # Without one of its own, the project uses Django's: deleting it still cascades.
            self._user_model = found[0] if found else DJANGO_USER
        return self._user_model

    def _declare_classes(self) -> None:
        """Tagged (or personal-looking) fields become sources."""
        for qual, cls in sorted(self.p.classes.items()):
            mod = self.p.class_module[qual]
            if cls.retention is not None and not RETENTION.match(cls.retention):
                self.bad_tags.append((mod.path, cls.line, f"retention {cls.retention!r} of {cls.name} is not a "
                                                          f"period like 30d, 12w, 6m or 7y; it is ignored"))
            enum = any(c in ENUM_BASES for c in self.mro(qual))  # members are constants, not fields
            # GitCredentials(hostname, username, token), an SMTP account (host, user, password):
            # a login to a machine the class names is the service's account, not a person's.
            service = any(SERVICE_ENDPOINT.search(n) for n in cls.fields)
            for name, fld in cls.fields.items():
                node = f"f|{qual}|{name}"
                self.add_node(node)
                cats = self.config_fields.get(f"{qual}.{name}")
                inferred = False
                how = "config" if cats else fld.tag
                if not cats and fld.categories:
                    cats = tuple(self._category(c, mod, fld.line) for c in fld.categories)
                    cats = tuple(c for c in cats if c)
                if not cats and self.infer and not fld.relation and is_field(fld) and not enum \
                        and fld.kind not in ACCESSOR_KINDS and not self._plain_object(fld):
                    # The name first; else the field's type (email_field = models.EmailField()).
                    cat = self.pack.infer_name(name) or (
                        self.pack.info.field_types.get(fld.kind) if not INFRASTRUCTURE.search(name) else None)
                    if cat and (fld.choices or fld.kind in FLAG_FIELDS) and self.pack.is_under(cat, FREE_TEXT_CATEGORIES):
                        cat = None  # name = CharField(choices=BACKENDS), send_password = BooleanField(): not the data
                    if cat and service and self.pack.is_under(cat, SERVICE_LOGIN_CATEGORIES):
                        cat = None
                    if cat and fld.kind in SCALAR_FIELDS and self.pack.is_under(cat, TEXT_ONLY_CATEGORIES):
                        cat = None  # session_id = Column(Integer, ForeignKey(...)): a number holds no cookie or e-mail
                    if cat and self.too_short_for(fld, cat):
                        cat = None
                    if cat and self._evidence_against_name(cls, fld):
                        self.withdrawn_fields.add(name)
                        cat = None
                    if cat:
                        cats, inferred, how = (cat,), True, "name"
                if cats:
                    self.field_categories[(qual, name)] = (cats, inferred)
                    self.sources[node] = {
                        "categories": cats, "label": f"{cls.name}.{name}", "inferred": inferred,
                        "path": mod.path, "line": fld.line, "col": fld.col, "how": how, "class": qual,
                    }
        self._library_fields()
        self._history_classes()
        self._class_scoped_names()
        self._geocodes()
        self._things_not_people()

    def _plain_object(self, fld) -> bool:
        """``contact_emails = SettingProperty(...)``: an object of a project class built on no
        library class is a descriptor or a value, not a column (a field class extends one)."""
        if not fld.is_field_call or not fld.encrypted_by:
            return False
        target = self.resolve(fld.encrypted_by[0])
        return target.startswith("q|") and target[2:] in self.p.classes \
            and all(c in self.p.classes or c in ("object", "builtins.object") for c in self.mro(target[2:]))

    def _library_fields(self) -> None:
        """Fields a project model inherits from a library base (Django's AbstractUser brings
        email, names, username and password): the pack lists them."""
        known = self.pack.info.library_fields
        for qual in sorted(self.p.classes):
            for base in self.mro(qual):
                fields = known.get(base) if base not in self.p.classes else None
                if not fields:
                    continue
                fact, mod = self.p.classes[qual], self.p.class_module[qual]
                for name, category in sorted(fields.items()):
                    if (base, name) in self.field_categories:
                        continue
                    self.field_categories[(base, name)] = ((category,), False)
                    if name in self.pack.info.hashed_columns.get(base, ()):
                        continue  # user.password reads the stored hash, not a source of the credential
                    node = f"f|{base}|{name}"
                    self.add_node(node)
                    self.sources[node] = {
                        "categories": (category,), "label": f"{base.rsplit('.', 1)[-1]}.{name}", "inferred": False,
                        "path": mod.path, "line": fact.line, "col": fact.col, "how": "library", "class": base,
                    }

    def _history_classes(self) -> None:
        """A stored model named for what people do (``UserSearch``, ``UserProductView``) whose
        rows point to a person keeps that person's history: its link to them is the history."""
        if not self.infer:
            return
        user = self.user_model()
        persons = {cls for cls, _ in self.field_categories}  # classes with personal fields
        for qual, fact in sorted(self.p.classes.items()):
            if not self.is_orm_model(qual):
                continue
            fields = [(owner, fld) for owner in self.mro(qual) if owner in self.p.classes
                      for fld in self.p.classes[owner].fields.values()]
            category = self.pack.history_category(fact.name)
            # Or a per-person table (one-to-one with them) whose columns count what they did
            # (oscar's UserRecord.num_product_views); a ForeignKey from an Article with
            # page_views is the article's counter, not its author's history.
            per_person = category is None
            if per_person:
                category = next((c for _, fld in fields if not fld.relation
                                 and (c := self.pack.history_category(fld.name))), None)
            if category is None:
                continue
            for owner, fld in fields:
                if not fld.relation or fld.type_ref is None or (owner, fld.name) in self.field_categories:
                    continue
                if per_person and not fld.kind.endswith("OneToOneField"):
                    continue
                target = self.model_class(fld.type_ref)
                if target is None or not (target == user or any(c in persons for c in self.subclasses(target))):
                    continue
                self._infer_field(owner, fld, category)

    def _infer_field(self, owner: str, fld, category: str) -> None:
        """A column of ``owner`` holds ``category``, inferred: a source at the field."""
        self.field_categories[(owner, fld.name)] = ((category,), True)
        mod = self.p.class_module[owner]
        self.sources[f"f|{owner}|{fld.name}"] = {
            "categories": (category,), "label": f"{self.p.classes[owner].name}.{fld.name}", "inferred": True,
            "path": mod.path, "line": fld.line, "col": fld.col, "how": "name", "class": owner,
        }

    def form_meta(self, cls: str) -> tuple | None:
        """(the class whose ``Meta`` names a model, that ORM model) for a form or serializer
        class (``class Meta: model = X``), or None."""
        meta = next((self.p.classes[c] for c in self.mro(cls) if c in self.p.classes and self.p.classes[c].model_ref), None)
        model = self.model_class(meta.model_ref) if meta is not None else None
        return (meta, model) if model in self.p.classes and self.is_orm_model(model) else None

    def _form_model(self, cls: str) -> str | None:
        """The ORM model a form or serializer class fills in."""
        found = self.form_meta(cls)
        return found[1] if found else None

    def _plain_form(self, cls: str) -> bool:
        """A form of no model (django.forms.Form): what it asks for is typed in by a person."""
        return self._form_model(cls) is None and any(
            c not in self.p.classes and c.rsplit(".", 1)[-1] in ("Form", "BaseForm") for c in self.mro(cls))

    def _class_scoped_names(self) -> None:
        """``ApiKey.token``, ``User.api_token``, ``Bankcard.name``: what a column holds by the
        class it is on (the pack's ``class_scoped_names``)."""
        if not self.infer:
            return
        user = self.user_model()
        for qual, fact in sorted(self.p.classes.items()):
            model = qual if self.is_orm_model(qual) else self._form_model(qual)
            if model is None:
                continue
            # CreditCardForm(ModelForm) with Meta.model = CreditCard: its own fields (a CVV
            # "verification") are scoped by the card it fills in.
            is_user = model == user or any(c.rsplit(".", 1)[-1] in USER_BASES for c in self.mro(model))
            scope = self.p.classes[model].name
            for owner in self.mro(qual):  # AbstractBankcard's columns, through the concrete Bankcard
                other = self.p.classes.get(owner)
                for fld in (other.fields.values() if other is not None else ()):
                    if fld.relation or (owner, fld.name) in self.field_categories or fld.kind in FLAG_FIELDS:
                        continue
                    category = self.pack.scoped_category(scope, fld.name, is_user)
                    if category is None or self.too_short_for(fld, category) or any(
                            fld.name in self.p.classes[c].masked_attrs for c in self.mro(qual) if c in self.p.classes):
                        continue  # a column the class masks before it is stored holds no card number
                    self._infer_field(owner, fld, category)

    def too_short_for(self, fld, category: str | None = None) -> bool:
        """A column of at most four characters (``card_num = CharField(max_length=4)``): it
        keeps a card's or an account's last digits, not the number (``category``: the one the
        name suggests; None for any credential the column might take)."""
        if fld.max_length is None or fld.max_length > 4 or SHORT_SECRET.search(fld.name):
            return False
        return category is None or self.pack.is_under(category, FULL_NUMBER_CATEGORIES)

    def _evidence_against_name(self, cls: ClassFact, fld) -> bool:
        """What the code says about a field outweighs what its name suggests: a help text about
        the business, a value of a project class (`credit_card_info: CreditCardInfo` holds
        what that class holds), a settings class of the shop's own, or a class named for a thing
        (the pack's thing_holders)."""
        if self.pack.describes_business_data(fld.described) or self.pack.is_settings_class(cls.name):
            return True
        if self.pack.is_thing_holder(cls.name):
            return True  # Language.full_name, MailingList.display_name, Branch.phone: the thing's
        if fld.name in cls.settings_initial:
            return True  # self.initial["iban"] = banktransfer.settings.get(...): the shop's own account
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
        by_class = self._categories_by_class()
        for (qual, name), (cats, inferred) in list(self.field_categories.items()):
            if not inferred or not all(self.pack.is_under(c, [location]) for c in cats):
                continue
            if any(self.pack.is_under(c, ["user.contact.address"]) for other in self.mro(qual)
                   for c in by_class.get(other, ())):
                geocode = ("user.contact.address",)
                self.field_categories[(qual, name)] = (geocode, True)
                self.sources[f"f|{qual}|{name}"]["categories"] = geocode

    def _things_not_people(self) -> None:
        """A class whose personal-looking columns are all inferred credentials, locations,
        device details, address parts or the addresses it mails from and notifies, with no
        relation to a person, describes a thing the shop runs: a payment gateway's key, an
        event's venue and its coordinates, a check-in scanner's OS, a survey's notification
        recipients. Those columns infer nothing."""
        things = [*self.pack.info.credentials, "user.location", "user.device"]
        by_class: dict[str, list] = defaultdict(list)
        for (qual, name), (cats, inferred) in self.field_categories.items():
            by_class[qual].append((name, cats, inferred))
        user = self.user_model()
        categories = self._categories_by_class()

        def thing(name: str, cats) -> bool:
            return all(self.pack.is_under(c, things) for c in cats) or (
                SETTING_ADDRESS.search(name) is not None and all(self.pack.is_under(c, ["user.contact"]) for c in cats))

        for qual, fields in sorted(by_class.items()):
            if not all(inferred and thing(name, cats) for name, cats, inferred in fields):
                continue
            if self._plain_form(qual):
                continue  # a form asks someone for their data: its fields say whose (a payer's IBAN)
            model = self._form_model(qual) or qual  # a form is about what its model is about
            if model == user or any(c.rsplit(".", 1)[-1] in USER_BASES for c in self.mro(model)):
                continue
            if any(self._relates_to_person(fld, categories, things, {model}) for c in self.mro(model)
                   if c in self.p.classes for fld in self._to_one_relations(c)):
                continue
            for name, _, _ in fields:
                del self.field_categories[(qual, name)]
                del self.sources[f"f|{qual}|{name}"]
                self.withdrawn_fields.add(name)
        # x.os_version on a value of unknown class: if every project class with such a field
        # says it is not a person's, neither is this one (pretix's check-in Device).
        self.withdrawn_fields -= {name for _, name in self.field_categories}

    def only_audit_stamps(self, cls: str, names) -> bool:
        """Every personal field (``names``) of the model says who created or owns the row, the
        model keeps who created it, and no other key points at a person: a page, a product or a
        file, not a record about a person."""
        if not names or not all(AUDIT_STAMP.match(name) for name in names):
            return False
        declared = [fld for c in self.mro(cls) if c in self.p.classes for fld in self.p.classes[c].fields.values()]
        user = self.user_model()
        # Activity(user=...), GroupMembership(member=...): a key to a person besides the stamps.
        return any(CREATOR_STAMP.match(fld.name) for fld in declared) and not any(
            fld.relation and fld.type_ref is not None and not AUDIT_STAMP.match(fld.name)
            and self.model_class(fld.type_ref) == user for fld in declared)

    def _to_one_relations(self, cls: str) -> list:
        """The relations of ``cls`` that name one object: not a SQLAlchemy ``relationship``
        to the many rows that point back at it (a form's registrations, a category's children),
        which has no ``<name>_id`` column of its own."""
        fields = self.p.classes[cls].fields
        return [fld for fld in fields.values() if fld.kind != "relationship" or f"{fld.name}_id" in fields
                or (fld.type_ref is not None and self.model_class(fld.type_ref) == self.user_model())]

    def _relates_to_person(self, fld, categories: dict[str, set[str]], things: list[str], seen=None) -> bool:
        """A relation to the user model or to a class with personal fields other than things';
        or a chain of foreign keys to the user model (lfs's BankAccount -> Customer -> User).
        ``seen`` starts with the class asked about: a relation to itself says nothing new."""
        if not fld.relation or fld.type_ref is None:
            return False
        target = self.model_class(fld.type_ref)
        seen = set() if seen is None else seen
        if target is None or target in seen:
            return False
        first = len(seen) <= 1
        seen.add(target)
        if target == self.user_model() or (first and any(
                not self.pack.is_under(cat, things) for c in self.mro(target) for cat in categories.get(c, ()))):
            return True
        # Further on, only an owner chain to the user model counts (not a team's members, not
        # the shop's own address on its settings).
        return any(self._relates_to_person(other, categories, things, seen)
                   for c in self.mro(target) if c in self.p.classes for other in self.p.classes[c].fields.values()
                   if other.kind in ("ForeignKey", "OneToOneField", "ParentalKey"))

    def _categories_by_class(self) -> dict[str, set[str]]:
        """class -> categories of the personal fields it declares, as far as known now."""
        out: dict[str, set[str]] = defaultdict(set)
        for (owner, _), (cats, _) in self.field_categories.items():
            out[owner].update(cats)
        return out

    def _category(self, raw: str, mod: ModuleFacts, line: int) -> str | None:
        if not raw.strip():
            self.bad_tags.append((mod.path, line, "the `# pii:` tag names no category (`pii-lint categories` "
                                                  "lists them); the tag is ignored"))
            return None
        try:
            return self.pack.normalize_category(raw)
        except ConfigError as exc:  # reported as PII901 at the tag; the rest is analysed
            self.bad_tags.append((mod.path, line, f"the tag names an {exc}; the tag is ignored"))
            return None

    # -- relations and loops over them (used while the graph is built) ---------------
    def field_fact(self, cls: str, attr: str):
        """The declaration of ``cls.attr``, inherited ones too; None when unknown."""
        for c in self.mro(cls):
            fact = self.p.classes.get(c)
            if fact is not None and attr in fact.fields:
                return fact.fields[attr]
        return None

    def _field_kind(self, cls: str, attr: str) -> str:
        """The field class of ``cls.attr`` ("CharField"), inherited ones too; "" when unknown."""
        fld = self.field_fact(cls, attr)
        return fld.kind if fld is not None else ""

    def one_owners_records(self, call: CallFact) -> bool:
        """The only loop around ``call`` goes over one person's related records
        (``for line in invoice.lines.all()``): what it gathers or writes is that person's,
        not many people's records."""
        owner = self._call_module[call.id].loop_owners.get(call.id) if call.loop == 1 else None
        return self._person_owned(owner)

    def _person_owned(self, owner) -> bool:
        """``(ref of invoice, "lines")``: the object is a record of a person's and the name one of
        its relations, so its related records are that person's."""
        if owner is None:
            return False
        cls = self.type_of(self.resolve(owner[0]))
        if cls not in self.p.classes or not self._is_record_class(cls):
            return False
        relation = next((f for c in self.mro(cls) if c in self.p.classes
                         for f in [self.p.classes[c].fields.get(owner[1])] if f is not None), None)
        return self.reverse_relation(cls, owner[1]) is not None or (relation is not None and relation.relation)

    def _relation_field(self, node: str) -> bool:
        """Whether the field node ``f|cls|name`` is a relation (it keeps a key, not a copy)."""
        cls, name = node[2:].rsplit("|", 1)
        fact = self.p.classes.get(cls)
        fld = fact.fields.get(name) if fact is not None else None
        return fld is not None and fld.relation and fld.is_field_call

    def _relation_columns(self, call: CallFact) -> set[str]:
        """Keywords of an ORM write that name a relation of its model: they store a key."""
        cls = self.call_type(call.id)
        if cls not in self.p.classes:
            return set()
        return {fld.name for c in self.mro(cls) if c in self.p.classes
                for fld in self.p.classes[c].fields.values() if fld.relation}
