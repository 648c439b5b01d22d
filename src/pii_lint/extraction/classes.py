"""How the module reader reads a class: its fields, their tags, types and descriptions."""

from __future__ import annotations

import ast

from .reader import Ctx
from .syntax import (
    ORM_RELATIONS, SQL_COLUMNS, SQL_PAYLOAD_TYPES, SQL_SCALAR_TYPES, TRANSLATIONS, VALUE_TYPED_FIELDS,
    cascade_deletes, chain_root, declared_attr_value, dotted_name, field_descriptions, literal_value,
    pii_tag_from_metadata, scalar_annotation, string_list,
)
from ..facts import ClassFact, FieldFact, MODEL_CHOICE_FIELDS, Ref


class ClassReader:
    """Class bodies: fields, tags and what a class says about its values."""

    def s_ClassDef(self, node, ctx):
        qual = f"{ctx.scope}.{node.name}"
        bases = tuple(r for r in (self.callee_ref(b, ctx) for b in node.bases) if r)
        for kw in node.keywords:
            self.expr(kw.value, ctx)
        cls = ClassFact(qual, node.name, node.lineno, self.col(node.lineno, node.col_offset), bases)
        cls.retention = self._retention_comment(node.lineno)
        cls.meta_unstored = self.type_checking  # a model declared for type checkers has no table
        self.f.classes[qual] = cls
        scope = self.add_scope(qual, "class", ctx.scope)
        self._collect_locals(node.body, scope)
        inner = Ctx(qual, qual, None, (), 0, None)
        for stmt in node.body:
            if isinstance(stmt, ast.Assign):
                refs = self.expr(stmt.value, inner)
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        if target.id == "__pii_retention__":
                            lit = literal_value(stmt.value)
                            if isinstance(lit, str):
                                cls.retention = lit
                        elif target.id == "__tablename__":
                            cls.tablename = True
                        elif target.id == "__abstract__" and literal_value(stmt.value) is True:
                            cls.meta_abstract = True  # SQLAlchemy's abstract base: no table of its own
                        else:
                            if target.id in ("model", "queryset"):
                                cls.model_ref = self.callee_ref(chain_root(stmt.value), inner)
                            self.class_field(target.id, stmt, None, stmt.value, inner, refs)
                    else:
                        self.assign(target, refs, stmt.value, inner, stmt, ())
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) \
                    and stmt.target.id == "__pii_retention__" and isinstance(literal_value(stmt.value), str):
                cls.retention = literal_value(stmt.value)
            elif isinstance(stmt, ast.ClassDef) and stmt.name == "Meta":
                for sub in stmt.body:
                    if not isinstance(sub, ast.Assign):
                        continue
                    names = {t.id for t in sub.targets if isinstance(t, ast.Name)}
                    if "abstract" in names:
                        cls.meta_abstract = literal_value(sub.value) is True
                    if ("managed" in names and literal_value(sub.value) is False) or \
                            ("proxy" in names and literal_value(sub.value) is True):
                        cls.meta_unstored = True
                    if "fields" in names and string_list(sub.value):
                        cls.meta_fields = string_list(sub.value)
                    if "exclude" in names:
                        cls.meta_exclude = string_list(sub.value)
                    if "model" in names and cls.model_ref is None:
                        # DRF serializers, graphene/saleor mutations, forms: `class Meta: model = X`.
                        cls.model_ref = self.callee_ref(chain_root(sub.value), inner)
                self.stmt(stmt, inner)
            elif isinstance(stmt, ast.FunctionDef) and (declared := declared_attr_value(stmt)) is not None:
                # SQLAlchemy mixins: `@declared_attr def person(cls): return relationship(...)`
                # declares the relation (and the cascades on its backref) a class attribute
                # would. Its columns stay methods: a mixin's `own_address` is often a venue's.
                if stmt.name == "__tablename__":
                    cls.tablename = True
                elif isinstance(declared, ast.Call) and (dotted_name(declared.func) or "").rsplit(".", 1)[-1] in ORM_RELATIONS:
                    self.class_field(stmt.name, stmt, None, declared, inner, [])
                self.stmt(stmt, inner)
            else:
                self.stmt(stmt, inner)

    def class_field(self, name: str, node, annotation, value, ctx: Ctx, refs) -> None:
        cls = self.f.classes[ctx.class_qual]
        fact = FieldFact(name, node.lineno, self.col(node.lineno, node.col_offset))
        tags = self._tag_comment(node)
        if tags:
            fact.categories, fact.tag = tags, "comment"
        if annotation is not None:
            fact.type_ref = self.type_ref(annotation, ctx)
            fact.kind = scalar_annotation(annotation)  # keep_email: bool is a flag (a field call says more)
            marker = self._marker_categories(annotation)
            if marker and not fact.categories:
                fact.categories, fact.tag = marker, "annotated"
        if isinstance(value, ast.Call) and (dotted_name(value.func) or "").rsplit(".", 1)[-1] not in TRANSLATIONS:
            fact.is_field_call = True  # not incorrect_cvc = _("Incorrect security code"): a label
            self._field_call(value, fact, ctx)
            self._accessors(value, fact, ctx)
        if isinstance(value, ast.Name) or (isinstance(value, ast.Attribute) and dotted_name(value)):
            fact.holds = self.callee_ref(value, ctx)
        dst = ("f", ctx.class_qual, name)
        self.flow_all(refs, dst, f"assigned to {cls.name}.{name}", node.lineno)
        cls.fields[name] = fact

    def _accessors(self, call: ast.Call, fact: FieldFact, ctx: Ctx) -> None:
        """``property(get, set)``, SQLAlchemy's ``synonym("_password", descriptor=property(...))``:
        the functions reading and writing the attribute."""
        if (dotted_name(call.func) or "").rsplit(".", 1)[-1] == "synonym":
            call = next((kw.value for kw in call.keywords if kw.arg == "descriptor"), None)
            if not isinstance(call, ast.Call):
                return
        if dotted_name(call.func) != "property":
            return
        given = dict(enumerate(call.args[:2]))
        given.update((("fget", "fset").index(kw.arg), kw.value) for kw in call.keywords if kw.arg in ("fget", "fset"))
        if 0 in given:
            fact.getter = self.callee_ref(given[0], ctx)
        if 1 in given:
            fact.setter = self.callee_ref(given[1], ctx)

    def _field_call(self, call: ast.Call, fact: FieldFact, ctx: Ctx) -> None:
        """Tags, relations and encryption wrappers in a field's defining call."""
        callee = dotted_name(call.func) or ""
        last = callee.split(".")[-1]
        wrappers = []
        node = call
        while isinstance(node, ast.Call):
            ref = self.callee_ref(node.func, ctx)
            if ref:
                wrappers.append(ref)
            for kw in node.keywords:
                if kw.arg in ("json_schema_extra", "metadata", "info") and not fact.categories:
                    cats = pii_tag_from_metadata(kw.value)
                    if cats:
                        fact.categories, fact.tag = cats, "metadata"
                if kw.arg == "choices":
                    fact.choices = True
                if kw.arg in ("max_length", "length") and type(literal_value(kw.value)) is int:
                    fact.max_length = literal_value(kw.value)
                if kw.arg == "related_name" and isinstance(literal_value(kw.value), str):
                    fact.related_name = literal_value(kw.value)
                if kw.arg == "on_delete":
                    fact.cascade = (dotted_name(kw.value) or "").endswith("CASCADE")
                if kw.arg == "cascade" and cascade_deletes(kw.value):
                    fact.deletes_related = True  # SQLAlchemy: the parent's delete reaches these rows
                if kw.arg == "backref" and isinstance(kw.value, ast.Call) and any(
                        k.arg == "cascade" and cascade_deletes(k.value) for k in kw.value.keywords):
                    fact.cascade = True  # backref("links", cascade="all, delete-orphan"): the other side's delete
            inner = [a for a in node.args if isinstance(a, ast.Call)]
            # encrypt(models.CharField(...)) and Column(StringEncryptedType(...)) both nest.
            node = inner[0] if inner else None
        fact.encrypted_by = tuple(wrappers)
        made_by = dotted_name(call.func) or (dotted_name(call.func.func) if isinstance(call.func, ast.Call) else None) or ""
        fact.manager = made_by.endswith("Manager") or made_by.rsplit(".", 1)[-1] in ("as_manager", "from_queryset")
        fact.kind = last
        column = call  # deferred(Column(...)), column_property(Column(...)): the column inside
        while isinstance(column, ast.Call) and (dotted_name(column.func) or "").rsplit(".", 1)[-1] not in SQL_COLUMNS:
            column = next((a for a in column.args if isinstance(a, ast.Call)), None)
        if column is not None and column.args:
            # Column(JSON), Column(db.Integer, ForeignKey(...)): the column's type says what it
            # holds (a name given first, Column("name", String), comes before it).
            args = column.args[1:] if isinstance(column.args[0], ast.Constant) else column.args
            first = args[0] if args else None
            typed = (dotted_name(first.func if isinstance(first, ast.Call) else first) or "") if first is not None else ""
            if typed.rsplit(".", 1)[-1] in SQL_PAYLOAD_TYPES or typed.rsplit(".", 1)[-1] in SQL_SCALAR_TYPES:
                fact.kind = typed.rsplit(".", 1)[-1]
            if isinstance(first, ast.Call) and first.args and type(literal_value(first.args[0])) is int:
                fact.max_length = literal_value(first.args[0])  # Column(String(4))
        fact.described = " ".join(field_descriptions(call))
        if last in VALUE_TYPED_FIELDS and call.args and isinstance(call.args[0], (ast.Name, ast.Attribute)):
            fact.value_type = self.callee_ref(call.args[0], ctx)
        if last in MODEL_CHOICE_FIELDS:
            # forms.ModelChoiceField(queryset=Account.objects.filter(...)): a record of Account.
            query = next((kw.value for kw in call.keywords if kw.arg == "queryset"), call.args[0] if call.args else None)
            if query is not None:
                fact.value_type = self.callee_ref(chain_root(query), ctx)
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
                fact.cascade = (dotted_name(call.args[1]) or "").endswith("CASCADE")
            elif last in ("ForeignKey", "OneToOneField") and not any(kw.arg == "on_delete" for kw in call.keywords):
                fact.cascade = True  # Django before 2.0 (lfs, older shops): CASCADE unless said otherwise

    def _marker_categories(self, annotation) -> tuple[str, ...]:
        """``Annotated[str, PersonalData("contact.email")]`` -> ("contact.email",)."""
        for sub in ast.walk(annotation):
            if isinstance(sub, ast.Call) and (dotted_name(sub.func) or "").split(".")[-1] in ("PersonalData", "PII"):
                return tuple(a.value for a in sub.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
        return ()

    def _annotated_marker(self, annotation, node, dst: Ref) -> None:
        cats = self._marker_categories(annotation)
        if cats:
            self.add_source(node, cats, getattr(node, "arg", "value"), False, dst)
