"""Names as Python resolves them: local, enclosing, module scope, imports (absolute,
relative, aliased, re-exported, star), classes loaded by name (``get_model``), and a
class's members through its bases."""

from __future__ import annotations

from collections import defaultdict

from .idioms import CLASS_LOADERS, SWAPPABLE_GETTER


class NameResolution:
    """Where a name, a dotted name or ``base.attr`` points: a project definition, a value
    node or an external name. Mixed into GraphBuilder, whose state it reads."""

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

    def nested_function(self, node: str) -> str | None:
        """``v|job|helper`` when ``def helper`` sits in ``job``: the function it names, which a
        call of the name runs (the value keeps its own node, for what is stored or returned)."""
        if not node.startswith("v|") or "#" in node:
            return None
        qual = node[2:].replace("|", ".", 1)
        return qual if qual in self.p.functions else None

    def _star_lookup(self, scope, name: str, seen: set | None = None) -> str | None:
        """``name`` as ``from m import *`` brings it into a module: m's own definition, import or
        further star import (django-oscar's ``from .abstract_models import *``)."""
        seen = set() if seen is None else seen
        for module in scope.stars:
            other = self.p.scopes.get(module)
            if other is None or module in seen:
                continue
            seen.add(module)  # star imports may go round in a circle
            if name in other.locals or name in other.imports:
                return self.resolve_qual(f"{module}.{name}")
            found = self._star_lookup(other, name, seen)
            if found is not None:
                return found
        return None

    def _find_class_aliases(self) -> dict[tuple[str, str], str]:
        """``Order = get_model("order", "Order")`` (Django's apps registry, django-oscar's
        loaders): the name is the class, as if it were imported. ``User = get_user_model()``
        is the user model, known only once the classes are (see ``alias_user_model``)."""
        by_name: dict[str, list[str]] = defaultdict(list)
        self._user_model_names: list[tuple[str, str]] = []  # aliased once the user model is known
        by_lower: dict[str, list[str]] = defaultdict(list)
        for qual, cls in self.p.classes.items():
            by_name[cls.name].append(qual)
            by_lower[cls.name.lower()].append(qual)
        aliases = {}
        for mod in self.p.modules.values():
            calls = {c.id: c for c in mod.calls}
            for ref, texpr in mod.types:
                if ref[0] != "n" or texpr[0] != "ref" or texpr[1][0] != "c" or texpr[1][1] not in calls:
                    continue
                call = calls[texpr[1][1]]
                if call.display.rsplit(".", 1)[-1] == "get_user_model" and not call.args:
                    self._user_model_names.append((ref[1], ref[2]))  # User = get_user_model()
                    continue
                swappable = SWAPPABLE_GETTER.fullmatch(call.display.rsplit(".", 1)[-1])
                if swappable and not call.args:
                    # LogEntry = get_logentry_model(): Django's idiom for a model a setting may swap.
                    where, name = "", swappable.group(1).replace("_", "")
                    candidates = [q for q in by_lower.get(name, ()) if not self.p.classes[q].meta_abstract]
                elif call.display.rsplit(".", 1)[-1] in CLASS_LOADERS:
                    words = [w for w in call.pos_consts[:2] if isinstance(w, str)]
                    if not words:
                        continue
                    where, _, name = (".".join(words)).rpartition(".")
                    candidates = [q for q in by_name.get(name, ()) if not self.p.classes[q].meta_abstract]
                else:
                    continue
                # The class whose module path names the app: order.models.Order for ("order", "Order").
                fitting = [q for q in candidates if f".{where}." in f".{q}"] or candidates
                if fitting:
                    best = sorted(fitting, key=lambda q: (not q.rsplit(".", 1)[0].endswith(".models"), len(q), q))[0]
                    aliases[(ref[1], ref[2])] = f"q|{best}"
        return aliases

    def alias_user_model(self) -> None:
        """``User = get_user_model()``: the name is the project's user model (or Django's)."""
        user = self.user_model()
        for key in self._user_model_names:
            self._class_aliases[key] = f"q|{user}"

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

    def resolve(self, ref) -> str:
        cached = self._resolved.get(ref)
        if cached is not None:
            return cached
        kind = ref[0]
        if kind == "n":
            out = self.resolve_name(ref[1], ref[2]) if ref[1] else f"q|{ref[2]}"
            out = self._imported_value(self._request_global(out, ref[1]), ref[1], ref[2])
        elif kind == "a":
            out = self.attr_of(self.resolve(ref[1]), ref[2])
            if out.startswith("q|"):
                root = ref
                while root[0] == "a":
                    root = root[1]
                out = self._request_global(out, root[1] if root[0] == "n" else "")
        elif kind == "f":
            out = self.class_member(ref[1], ref[2]) if ref[2] else None
            if out is None:
                out = f"f|{ref[1]}|{ref[2]}"
        elif kind == "k":
            out = f"q|{ref[1]}"
        elif kind == "c":
            out = f"c|{ref[1]}"
            call = self._calls_by_id.get(ref[1]) if hasattr(self, "_calls_by_id") else None
            if call is not None and not call.args and call.display.rsplit(".", 1)[-1] == "get_user_model" \
                    and self._user_model is not None:
                # get_user_model().objects.get(...): the class, as User is (once the user model is
                # known: finding it resolves class bases, which may call get_user_model() too).
                out = f"q|{self._user_model}"
        elif kind == "t":
            out = f"t|{ref[1]}"
        elif kind == "r":
            out = f"r|{ref[1]}"
        else:
            out = f"{kind}|{ref[1]}"
        self._resolved[ref] = out
        return out

    def _request_global(self, out: str, scope: str) -> str:
        """Flask's ``request``, ``g`` and ``current_user``: in each function, a value of its own
        named for what it stands for (``v|<function>|request``), as Django's request parameter is."""
        if out.startswith("q|") and scope:
            holder = self.pack.info.request_globals.get(out[2:])
            if holder is not None:
                node = f"v|{scope}|{holder}"
                self._request_nodes[node] = out[2:]
                return node
        return out

    def _imported_value(self, out: str, scope: str, name: str) -> str:
        """``from settings import password`` (or ``... as pw``): a value of another package,
        personal by the name it was imported as, read in ``scope`` as a local of that name."""
        if not (self.infer and scope and out.startswith("q|")):
            return out
        qual = out[2:]
        imported = qual.rsplit(".", 1)[-1]
        if "." not in qual or not imported[:1].islower() or qual in self.p.functions or qual in self.p.classes \
                or qual in self.p.modules:
            return out  # a builtin, a class, or a definition of the project's own
        category = self.pack.infer_name(imported)
        if not category:
            return out
        node = f"v|{scope}|{name}"
        self._imported.setdefault(node, (qual, category))
        return node

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
                if b[0] == "a" and not target.startswith("q|"):
                    # db.Model where db = SQLAlchemy(): the attribute of the library object's class.
                    owner = self.resolve(b[1])
                    t = self.type_of(owner) if not owner.startswith("q|") else None
                    if t and t not in self.p.classes:
                        target = f"q|{t}.{b[2]}"
                if target.startswith("q|"):
                    for c in self.mro(target[2:]):
                        if c not in out:
                            out.append(c)
        self._mro[cls] = out
        return out

    def class_member(self, cls: str, attr: str) -> str | None:
        for c in self.mro(cls):
            fact = self.p.classes.get(c)
            if fact is None:
                if (c, attr) in self.field_categories:
                    return f"f|{c}|{attr}"  # user.email of a model built on Django's AbstractUser
                continue
            if attr in fact.fields or attr in fact.instance_attrs:
                return f"f|{c}|{attr}"
            if attr in fact.methods:
                return f"q|{fact.methods[attr]}"
        # Attributes only assigned in methods (self.x = ...) live on the class itself.
        if f"f|{cls}|{attr}" in self.g:
            return f"f|{cls}|{attr}"
        return None
