"""Whole records in the graph: objects of classes holding personal data, what their stored
columns receive, and credential columns."""

from __future__ import annotations

from collections import defaultdict

from .edges import SINGLE_RELATIONS, SinkInfo, TEXT_COLUMNS, statement_call
from .facts import CallFact, ModuleFacts
from .idioms import INTRA


class RecordEdges:
    """Records: whole objects of personal classes, their stored columns and credential columns."""

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
            fld = self.field_fact(cls, attr)
            if kind == "column" and fld is not None and self.too_short_for(fld):
                continue  # payment.account_number = response["x_account_number"][-4:] into 4 characters
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
            call = statement_call(f"{mod.module}|{line}:w{n}", mod.module, line, display)
            node = f"s|{call.id}|{kind}"
            self.add_edge(value, node, INTRA, f"stored in {display}", (mod.path, line))
            self.sinks.append(SinkInfo(node, call, mod, kind, display, []))

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
            # A page or a file that keeps who made it: its creator is no part of what it carries.
            if fields and not self.only_audit_stamps(cls, {name for name, _, _ in fields}):
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
