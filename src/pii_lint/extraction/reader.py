"""The module reader's state: scopes, versioned locals, refs, edges, comments and blocks."""

from __future__ import annotations

import ast
import re

from .syntax import (
    COMMENT_HINT, NOQA_CODE, PII_COMMENT, RELAY_SETTING, RETENTION_COMMENT, class_names, configures_eternal_cache,
    ends_block, error_handler, literal_value, off_switches, own_scope_nodes, short, stored_names, string_keys,
    string_list, test_polarity,
)
from ..facts import ModuleFacts, NOQA_COMMENT, Ref, Scope, SourceFact
from ..idioms import NOT_TEXT


class Ctx:
    __slots__ = ("scope", "class_qual", "self_name", "guards", "loop", "func")

    def __init__(self, scope, class_qual=None, self_name=None, guards=(), loop=0, func=None):
        self.scope = scope
        self.class_qual = class_qual
        self.self_name = self_name
        self.guards = guards
        self.loop = loop
        self.func = func

    def inner(self, guards=None, loop=None) -> "Ctx":
        """The same scope under more guards or one loop deeper."""
        return Ctx(self.scope, self.class_qual, self.self_name, self.guards if guards is None else guards,
                    self.loop if loop is None else loop, self.func)


class ReaderBase:
    """What every part of the reader shares."""

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
        self.off_switches: frozenset[str] = frozenset()  # DEBUG_THIS_COMMAND = False: `if` bodies never run
        self.loop_keys: dict[str, tuple[str, ...]] = {}
        self.aged_names: frozenset[str] = frozenset()  # names (loop variables, queries) of records past an age
        self.type_checking = False  # inside `if TYPE_CHECKING:`: declarations for type checkers only
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
            text = short(node)
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
    def _is_versioned(self, ctx: Ctx, name: str) -> bool:
        return ctx.scope == self.vscope and name in self.versioned and name not in self.f.scopes[ctx.scope].imports

    def read_ref(self, ctx: Ctx, name: str) -> Ref:
        if self._is_versioned(ctx, name):
            k = self.vers.get(name, 0)
            return ("n", ctx.scope, f"{name}#{k}" if k else name)
        return ("n", ctx.scope, name)

    def store_ref(self, ctx: Ctx, name: str) -> Ref:
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

    def narrow(self, name: str | None, node, ctx: Ctx) -> None:
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
        assigned = (stored_names(body) | set(targets)) & self.versioned
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
                names = string_list(stmt.value) or string_keys(stmt.value)  # a dict iterates its keys
                if names:
                    self.name_lists[stmt.targets[0].id] = names
        self.off_switches = off_switches(tree)
        ctx = Ctx(self.mod)
        self.block(tree.body, ctx)
        self.f.eternal_caches = any(configures_eternal_cache(stmt) for stmt in tree.body)
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
                for t in stmt.targets:
                    if isinstance(t, ast.Name):
                        self.f.constants[t.id] = stmt.value.value
                    # EMAIL_HOST = "smtp.sendgrid.net", app.config["MAIL_SERVER"] = ...: the SMTP
                    # relay mail leaves through (smtplib.SMTP(host) is seen in e_Call).
                    name = t.id if isinstance(t, ast.Name) else literal_value(t.slice) if isinstance(t, ast.Subscript) else None
                    if isinstance(name, str) and RELAY_SETTING.match(name):
                        self.f.relay_hosts.append((stmt.lineno, stmt.value.col_offset + 1, stmt.value.value))

    def _error_handler_registered(self, call) -> None:
        """``app.register_error_handler(UserError, show_user_error)``, the handler defined in this module."""
        handler = call.args[1] if len(call.args) == 2 else None
        fn = self.top_functions.get(handler.id) if isinstance(handler, ast.Name) else None
        if fn is not None:
            error_handler(self.f, fn, class_names(call.args[0]))

    def own_nodes(self, body):
        """``own_scope_nodes`` of a function's body, walked once for the locals and the versioning."""
        key = id(body)
        found = self._own_cache.get(key)
        if found is None or found[0] is not body:
            found = (body, *own_scope_nodes(body))
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
    def block(self, body, ctx: Ctx) -> None:
        guards = ctx.guards
        first_call = len(self.f.calls)
        loop = ctx.loop
        for stmt in body:
            if guards is not ctx.guards:
                ctx = ctx.inner(guards=guards)
            self.stmt(stmt, ctx)
            # `if not consent: return` guards everything after it in the block.
            if isinstance(stmt, ast.If) and ends_block(stmt.body) and not stmt.orelse:
                guards = guards + test_polarity(stmt.test)[1]
        if loop and body and isinstance(body[-1], (ast.Return, ast.Break)):
            # for provider in providers: if provider.id == wanted: ...; save(data); return: the
            # calls on the way out of the loop run once, not once per element.
            once = 0 if isinstance(body[-1], ast.Return) else loop - 1
            for call in self.f.calls[first_call:]:
                if call.loop == loop:
                    call.loop = once

    def stmt(self, node, ctx: Ctx) -> None:
        method = getattr(self, "s_" + type(node).__name__, None)
        if method is not None:
            method(node, ctx)
        else:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.expr(child, ctx)
