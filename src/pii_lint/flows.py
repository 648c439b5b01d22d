"""Which sources reach a sink, and by which path.

Paths must be realizable: a value may leave a function through ``return`` to any caller
only before it has entered a call; after that, it comes back out of a callee only
through that call site's summary edge (arg -> result). Searching backwards from the
sink, that is two phases: "descending" (call edges allowed) and, once a return edge is
crossed, "ascending" (call edges no longer allowed).

Sanitizers cut a path only for the rules they clear, so summaries and searches are
computed per group of rules that the same sanitizers clear.
"""

from __future__ import annotations

from collections import defaultdict, deque

from .graph import GraphBuilder
from .idioms import CALL, INTRA, KEY_SEP, NOT_TEXT, RETURN, SCALAR_FIELDS, SETTINGS_HOLDERS, SUMMARY, TEXT_CATEGORIES

DESCENDING, ASCENDING = 0, 1


def closure(starts, neighbours) -> set[str]:
    """Every node reachable from ``starts`` through ``neighbours`` (succ or pred)."""
    seen = set(starts)
    queue = deque(seen)
    while queue:
        for nxt in neighbours[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


ANY_KEY = None  # a container of unknown layout
WRAPPING = frozenset({"passed through zip()", "passed through itertools.zip_longest()"})


class Entries:
    """The keys a value was put under on its way, innermost last: reading a key gives the
    value back only if it is the key it was put under (``{"email": e, "id": 1}["id"]``
    carries no email; ``(email, name)[1]`` no email either)."""

    __slots__ = ("stack",)

    def __init__(self) -> None:
        self.stack: list[frozenset | None] = []

    def step(self, data: dict) -> bool | None:
        """Take one edge: True/False when it reads an entry (the right one or not), None else."""
        op = data.get("op") or ""
        if op.startswith("put:"):
            self.stack.append(put_keys(op))  # keys as their repr: 'email', 0
        elif op in ("list", "gather"):
            self.stack.append(ANY_KEY)  # rows.append(row), d[key] = v: in the container, under some key
        elif op in ("each", "each:owned"):
            if self.stack:
                self.stack.pop()  # for row in rows: each element comes out
            return None
        elif op.startswith("read:"):
            if not self.stack:
                return None
            keys = self.stack.pop()
            if op == "read:param":
                return False  # the entry a caller names (context.get(name)): not known to be this one
            return keys is ANY_KEY or op == "read:?" or op[5:] in keys
        elif not op and data.get("d", "") in WRAPPING:
            self.stack.append(ANY_KEY)  # enumerate(rows), zip(a, b): each item now sits in a pair
        return None

    def put(self, keys: frozenset) -> None:
        self.stack.append(keys)

    def take(self) -> frozenset | None:
        return self.stack.pop() if self.stack else ANY_KEY


def put_keys(op: str) -> frozenset:
    """The keys a ``put:`` edge puts its value under: one, or several for a dict built over a
    constant list of names (``{k: payer[k] for k in ("iban", "bic")}``)."""
    return frozenset(op[4:].split(KEY_SEP))


def _holder(node: str) -> str:
    """The name of the object an attribute node ``a|<object>|<attr>`` is read from."""
    return node.rsplit("|", 1)[0].rsplit("|", 1)[-1].split("#", 1)[0]


CALLER_KEY = "<caller's key>"  # read by a name the function was given
MAX_KEYS = 3  # keys a search remembers; deeper nesting is followed without the check
# Key stacks a search keeps apart at one node; past that, only the innermost key is checked
# (indexing code such as ``parts[0][1]`` would otherwise multiply states per node).
NEED_VARIANTS = 4


def _matched(need: tuple, keys) -> tuple | None:
    """The pending keys once the value is found put under ``keys`` (None: the wrong entry)."""
    if not need:
        return need
    top = need[-1]
    if top is CALLER_KEY:
        return None  # put in a container, then read back by a name its caller chooses
    if top is ANY_KEY or keys is ANY_KEY or top in keys:
        return need[:-1]
    return None


def owner(node: str) -> str | None:
    """The function scope a node belongs to, or None for project-wide nodes."""
    kind, _, rest = node.partition("|")
    if kind in ("v", "c", "t"):
        return rest.split("|", 1)[0] if kind != "v" else rest.rsplit("|", 1)[0]
    if kind == "r":
        return rest
    if kind == "a":
        return owner(rest.rsplit("|", 1)[0])
    return None


def route_to_return(g, fn: str, param: str) -> list | None:
    """The shortest way inside ``fn`` from what its parameter ``param`` holds (any version of
    it) to what it returns, as [(node, edge data into the next node)], or None."""
    own = f"v|{fn}|{param}"
    start = f"r|{fn}"
    parent: dict[str, tuple | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == own or node.startswith(own + "#"):
            route = []
            while node is not None:
                step = parent[node]
                route.append((node, step[1] if step else None))
                node = step[0] if step else None
            return route
        for src, data in g._pred.get(node, {}).items():
            if src not in parent and data.k not in (CALL, RETURN) and owner(src) == fn:
                parent[src] = (node, data)
                queue.append(src)
    return None


class FlowIndex:
    def __init__(self, builder: GraphBuilder) -> None:
        self.b = builder
        self.g = builder.g
        self.pack = builder.pack
        self._signatures: dict[str, frozenset[int]] = {}
        self._summaries: dict[frozenset[int], dict[str, list]] = {}
        # Only what sources reach can be on a path: searches stay inside it.
        self.relevant = closure((s for s in builder.sources if s in self.g), self.g._succ)
        self._owner_cache: dict[str, str | None] = {}
        self._reaching: dict[tuple, dict] = {}  # (sink, signature) -> paths: rules share them
        self._effects: dict[tuple, tuple] = {}  # (function, parameter) -> summary_effect()
        self.payload_fields: dict | None = None  # checks.models.payload_fields(), computed once

    def signature(self, rule: str) -> frozenset[int]:
        sig = self._signatures.get(rule)
        if sig is None:
            sig = frozenset(
                i for i, s in enumerate(self.pack.sanitizers) if rule in s.clears or "*" in s.clears
            )
            self._signatures[rule] = sig
        return sig

    def _owner(self, node: str) -> str | None:
        if node not in self._owner_cache:
            self._owner_cache[node] = owner(node)
        return self._owner_cache[node]

    # -- summaries --------------------------------------------------------------
    def summaries(self, sig: frozenset[int]) -> dict[str, list]:
        """result node -> [(arg node, call site id, callee, parameter)] for calls whose callee
        returns that parameter's argument."""
        cached = self._summaries.get(sig)
        if cached is not None:
            return cached
        pred: dict[str, list] = defaultdict(list)
        self._summaries[sig] = pred
        b = self.b
        # param -> does it reach the return? computed per function, to a fixpoint.
        reaches: dict[str, set[str]] = {}
        callers_of: dict[str, set[str]] = defaultdict(set)
        for callee, sites in b.call_sites.items():
            for site in sites:
                callers_of[callee].add(site.call.scope)
        work = deque(sorted(b.call_sites))
        queued = set(work)
        rounds = 0
        limit = 20 * max(1, len(work))
        while work and rounds < limit:
            rounds += 1
            fn = work.popleft()
            queued.discard(fn)
            found = self._params_reaching_return(fn, sig, pred)
            if found != reaches.get(fn, set()):
                new = found - reaches.get(fn, set())
                reaches[fn] = found
                for site in b.call_sites.get(fn, ()):
                    result = f"c|{site.call.id}"
                    for param in sorted(new):  # path choice, and so the output, must not follow the hash seed
                        for ref in site.bound.get(param, ()):
                            src = b.resolve(ref)
                            if not src.startswith("q|"):
                                pred[result].append((src, site.call.id, fn, param))
                for caller in sorted(callers_of.get(fn, ())):
                    if caller not in queued and caller in b.call_sites:
                        queued.add(caller)
                        work.append(caller)
        return pred

    def _params_reaching_return(self, fn: str, sig, pred) -> set[str]:
        """Parameters of ``fn`` from which its return value is reachable inside ``fn``."""
        ret = f"r|{fn}"
        if ret not in self.g:
            return set()
        # Walk backwards from the return, staying inside the function.
        seen = {ret}
        queue = deque([ret])
        g_pred = self.g._pred
        found = set()
        prefix = f"v|{fn}|"
        while queue:
            node = queue.popleft()
            if node.startswith(prefix):
                found.add(node[len(prefix):])
            for src, data in g_pred[node].items():
                if src in seen or data["k"] in (CALL, RETURN) or data["san"] in sig:
                    continue
                if self._owner(src) != fn:
                    continue
                seen.add(src)
                queue.append(src)
            for src, _, _, _ in pred.get(node, ()):
                if src not in seen and self._owner(src) == fn:
                    seen.add(src)
                    queue.append(src)
        return found

    # -- search -----------------------------------------------------------------
    def reaching(self, sink: str, rule: str) -> dict[str, list[tuple[str, dict]]]:
        """source node -> path as [(node, edge data into the next node)], source first."""
        if sink not in self.relevant:
            return {}
        sig = self.signature(rule)
        key = (sink, sig)
        if key not in self._reaching:
            self._reaching[key] = self._search(sink, sig)
        return self._reaching[key]

    def _search(self, sink: str, sig: frozenset[int]) -> dict[str, list[tuple[str, dict]]]:
        """Backwards from the sink. A state also holds the dict keys the value must have been
        put under (read on the way to the sink, innermost last), so that a path through the
        wrong entry is never the one kept when a right one exists."""
        summaries = self.summaries(sig)
        sources = self.b.sources
        relevant = self.relevant
        g_pred = self.g._pred
        start = (sink, DESCENDING, ())
        parent: dict[tuple, tuple] = {start: None}
        queue = deque([start])
        found: dict[str, tuple] = {}
        queued: dict[str, list] = {sink: [(DESCENDING, ())]}  # node -> (phase, need) of its queued states
        # Nodes reached in the freest state, (DESCENDING, ()): it covers every later one.
        free = {sink}
        owners = self._owner_cache
        # The hottest loop of a run: attribute and method look-ups are hoisted out of it.
        while queue:
            state = queue.popleft()
            node, phase, need = state
            if node in sources and node not in found:
                found[node] = state
            for src, data in g_pred[node].items():
                if src in free or data.san in sig or src not in relevant:
                    continue
                kind = data.k
                if kind == CALL:
                    if phase == ASCENDING:
                        continue
                    nxt_phase = DESCENDING
                elif kind == RETURN:
                    nxt_phase = ASCENDING
                else:
                    nxt_phase = phase
                if nxt_phase == ASCENDING:
                    held_by = owners[src] if src in owners else self._owner(src)
                    if held_by is None:
                        # Fields and module values are shared by every caller: the calling context is gone.
                        nxt_phase = DESCENDING
                if data.op or data.d in WRAPPING:
                    keys = self._unwind(need, data)
                    if keys is None:
                        continue
                else:
                    keys = need  # most steps move the value as it is
                at_src = queued.get(src)
                if at_src is None:
                    at_src = queued[src] = []
                elif len(keys) > 1 and len(at_src) >= NEED_VARIANTS:
                    keys = keys[-1:]
                if not at_src or not _covered(at_src, nxt_phase, keys):
                    nxt = (src, nxt_phase, keys)
                    parent[nxt] = (state, data)
                    at_src.append((nxt_phase, keys))
                    queue.append(nxt)
                    if nxt_phase == DESCENDING and not keys:
                        free.add(src)
            for src, site, callee, param in summaries.get(node, ()):
                if src in free or src not in relevant:
                    continue
                name = callee.rsplit(".", 1)[-1]
                call = self.b._calls_by_id[site]
                at = (self.b._call_module[site].path, call.line)
                data = {"k": SUMMARY, "d": f"passed through {name}() and returned", "at": at, "san": -1,
                        "site": site, "op": None, "callee": callee, "param": param}
                keys = self._unwind(need, data)
                if keys is None:
                    continue
                at_src = queued.setdefault(src, [])
                if len(keys) > 1 and len(at_src) >= NEED_VARIANTS:
                    keys = keys[-1:]
                if not _covered(at_src, phase, keys):
                    nxt = (src, phase, keys)
                    parent[nxt] = (state, data)
                    at_src.append((phase, keys))
                    queue.append(nxt)
                    if phase == DESCENDING and not keys:
                        free.add(src)
        paths = {}
        sources = self.b.sources
        for source, state in found.items():
            path = []
            cur = state
            while cur is not None:
                entry = parent[cur]
                if entry is None:
                    path.append((cur[0], None))
                    break
                prev_state, data = entry
                path.append((cur[0], data))
                cur = prev_state
            if sources[source]["how"] == "record" and not self._record_survives(sources[source]["class"], path):
                continue
            if not self._fits_value_kind(source, path):
                continue
            info = sources[source]
            if not self._consistent(path, whole_payload=info["categories"] == ("user",),
                                    named=info["how"] == "name"):
                continue
            paths[source] = path
        return paths

    def _unwind(self, need: tuple, data: dict) -> tuple | None:
        """One edge backwards: a key read pushes the key the value must have been put under;
        putting it in a container pops it, or ends the path when it is another key (None)."""
        if data.get("k") == SUMMARY:
            how, names = self.summary_effect(data["callee"], data["param"])
            return _matched(need, names) if how == "put" else need
        op = data.get("op") or ""
        if op.startswith("put:"):
            return _matched(need, put_keys(op))
        if op in ("list", "gather"):
            return _matched(need, ANY_KEY)
        if op in ("each", "each:owned"):
            return (need + (ANY_KEY,))[-MAX_KEYS:]
        if op.startswith("read:"):
            key = ANY_KEY if op == "read:?" else CALLER_KEY if op == "read:param" else op[5:]
            return (need + (key,))[-MAX_KEYS:]
        if not op and data.get("d", "") in WRAPPING:
            return _matched(need, ANY_KEY)
        return need

    def summary_effect(self, fn: str, param: str) -> tuple[str, frozenset]:
        """How ``fn`` returns what parameter ``param`` holds: ("same", {}) as it is (assigned,
        returned), ("put", keys) in a dict it returns under those keys, ("attrs", names) only
        attributes read from it, ("read", names) something made from those attributes only,
        ("stored", names) in those attributes of an object it returns (``obj.owner = param``),
        ("unknown", {}) through calls or objects built from it."""
        key = (fn, param)
        cached = self._effects.get(key)
        if cached is not None:
            return cached
        own = f"v|{fn}|{param}"
        puts, attrs, same, opaque = set(), set(), False, False
        read, other = set(), False  # attributes read from the parameter on any way to the return
        stored: set[str] = set()  # attributes of a returned object the parameter was stored in
        start = f"r|{fn}"
        seen = {(start, True, "", True)}
        # (node, whether every step from it to the return is plain, the attribute of the
        # returned object it was stored in on the way or "", whether every step is plain or
        # moves the object in or out of a container, which keeps its attributes)
        queue = deque([(start, True, "", True)])
        g_pred = self.g._pred
        while queue:
            node, plain, into, carried = queue.popleft()
            preds = g_pred.get(node, {})
            if node.startswith("c|") and any(d["k"] == RETURN for d in preds.values()):
                # self._decimal_to_int(payment.amount): a project call's result is made from the
                # arguments its callee returns something of (not the remote name given to
                # `git remote get-url`, whose answer is the program's output), as the summaries
                # the searches so far computed say (a search computes its own first).
                made_from = {src for sums in self._summaries.values() for src, _, _, _ in sums.get(node, ())}
                for arg in sorted(made_from):
                    if self._owner(arg) == fn and (arg, False, into, False) not in seen:
                        seen.add((arg, False, into, False))
                        queue.append((arg, False, into, False))
                    if arg == own or arg.startswith(own + "#"):
                        other = opaque = True  # the parameter itself is handed on
            for src, data in preds.items():
                if data["k"] in (CALL, RETURN):
                    continue
                op = data.get("op") or ""
                step_plain = plain and data["k"] == INTRA and not node.startswith("c|") and \
                    (not op or op == NOT_TEXT or op.startswith(("put:", "read:")))
                step_into = into
                step_carried = carried and data["k"] == INTRA and not node.startswith("c|") and \
                    (not op or op == NOT_TEXT or op.startswith(("put:", "read:")) or op in ("gather", "each", "list"))
                if op.startswith("store:") and carried and not into:
                    step_plain, step_into = True, op[6:]  # current.acting_user = user; return current
                if src == own or src.startswith(own + "#"):
                    if step_into:
                        stored.add(step_into)  # whatever was made of it, it sits in that attribute
                        continue
                    if op.startswith("attr:"):
                        read.add(op[5:])
                    elif op.startswith("read:'"):
                        read.add(op[6:-1])  # credentials["hostname"]: that entry only
                    else:
                        other = True
                    if not plain:
                        opaque = True
                    elif op.startswith("put:"):
                        puts.update(put_keys(op))
                    elif op.startswith("attr:"):
                        attrs.add(op[5:])
                    elif op.startswith("read:'"):
                        attrs.add(op[6:-1])  # address.get("street"): a field of a dict made from a record
                    elif step_plain and not op.startswith("read:"):
                        same = True
                    else:
                        opaque = True
                    continue
                state = (src, step_plain, step_into, step_carried)
                if self._owner(src) != fn or state in seen:
                    continue
                seen.add(state)
                queue.append(state)
        if stored and not (same or puts or attrs or read or opaque or other):
            effect = ("stored", frozenset(stored))  # on an object it returns, in those attributes
        elif same or (puts and attrs):
            effect = ("same", frozenset())
        elif opaque and read and not other:
            effect = ("read", frozenset(read))  # to_cents(payment.amount): only those attributes, reshaped
        elif opaque or not (puts or attrs):
            effect = ("unknown", frozenset())  # through calls, or built into an object
        elif puts:
            effect = ("put", frozenset(puts))
        else:
            effect = ("attrs", frozenset(attrs))
        self._effects[key] = effect
        return effect

    def _hash_prefix(self, path) -> bool:
        """A few leading characters of a hash (``sha1(password).hexdigest()[:5]``, a k-anonymity
        range query): shared by too many values to name anyone, whatever rule."""
        hashed = False
        sanitizers = self.pack.sanitizers
        for _, data in path:
            if not data:
                continue
            if not hashed and data.get("san", -1) >= 0 and sanitizers[data["san"]].kind == "hash":
                hashed = True
            elif hashed and (data.get("op") or "").startswith("prefix:"):
                return True
        return False

    def _consistent(self, path, whole_payload: bool = False, named: bool = False) -> bool:
        """What the path shows the value carries, step by step: a value put in a dict under
        one key is not what reading another key gives back (``{"email": e, "id": 1}["id"]``),
        also when a helper did the putting; and an attribute read from a value that got the
        data through an opaque helper (``order = place_order(address, ...)``; ``order.number``)
        is that attribute, not the data. A whole request payload read by key is that entry, and
        so is a value personal by its own name read by a named key or attribute
        (``address["country"]``, ``fname.name``): the entry is personal only if its name says so,
        and then it is a source of its own."""
        if self._hash_prefix(path):
            return False
        entries = Entries()
        opaque = reshaped = False
        unknown_calls = self.b.opaque_calls
        attributes = None  # names of the entries a dict gave an object it built (Order(**data))
        stored = None  # the attribute of an object the value was stored in (refund.info_data = err)
        stored_in_library = False
        reshaped_by_call = False
        for i, (node, data) in enumerate(path):
            if not data:
                continue
            if data.get("k") == SUMMARY:
                how, names = self.summary_effect(data["callee"], data["param"])
                if how in ("attrs", "read") and stored is not None and stored not in names:
                    return False  # the helper reads refund.amount, not the info_data it was given in
                if how in ("attrs", "read") and entries.stack and entries.stack[-1] is not ANY_KEY \
                        and not any(repr(n) in entries.stack[-1] for n in names):
                    return False  # get_fork_failed_message(creds) reads creds["hostname"], not the token
                if how == "stored" and len(names) == 1:
                    (stored,) = names  # parse_path(request): its result holds the user in acting_user
                    stored_in_library = False
                    continue
                reshaped_by_call = reshaped_by_call or how != "same"
                if how == "put":
                    entries.put(names)
                elif how != "same":
                    opaque = True
                    # A container given to a helper that builds something else from it: which
                    # entry of the result holds the value is no longer known.
                    reshaped = reshaped or bool(entries.stack)
                continue
            op = data.get("op") or ""
            if whole_payload and not entries.stack and op.startswith(("read:", "attr:")):
                if _entry_name(op) in self.pack.info.payload_envelopes:
                    continue  # response.result, event["data"]["object"]: the record itself, wrapped
                return False  # request.POST["new_status"]: one entry, personal only if its name says so
            if named and node.startswith("a|") and _holder(node) in SETTINGS_HOLDERS:
                return False  # event.settings.contact_mail = ...: the shop's configuration now
            if named and not entries.stack and (op.startswith(("attr:", "read:'")) or (
                    not reshaped_by_call and op.startswith("read:") and op not in ("read:?", "read:param"))):
                # address["country"], email.find_all("img")[i]["src"], host, port = address: parts
                # with names of their own (but ip.split(",")[0] is a piece of the address).
                return False
            if data.get("d", "").startswith("passed through"):
                reshaped_by_call = True  # ip.split(",")[0]: a piece of the value, not a named part
                if stored is not None and not stored_in_library:
                    return False  # project.acting_user = user; project.get_url_path(): not the user
            if op == "str" and stored is not None and not stored_in_library:
                return False  # f"{project}": its text, not what was put on project.acting_user
            if reshaped and op.startswith("read:") and op not in ("read:?", "read:param"):
                return False
            if entries.step(data) is False:
                return False
            if entries.stack and not op and i + 1 < len(path) and path[i + 1][0] in unknown_calls:
                # A dict holding the data given to a call nothing is known of: its result
                # (get_supplier(**kwargs)) is something else, not that dict.
                return False
            if op == "str" and entries.stack:
                # urlencode(d), str(d): every entry is in the text now (json.dumps keeps its keys
                # for the json.loads that reads them back).
                entries.stack.clear()
            if op.startswith("store:"):
                stored = op[6:]
                # An XML element's .text, a message's .body: a library object's attributes are
                # its content; a project object's (or one of unknown class) are its own state.
                held_by = self.b.type_of(path[i + 1][0]) if i + 1 < len(path) else None  # the object, not the attribute
                stored_in_library = held_by is not None and held_by not in self.b.p.classes
                continue
            if op.startswith("attr:") and stored is not None:
                if op[5:] != stored:
                    return False  # another attribute of the object the value was stored in
                stored = None
            if op == "unpack":
                attributes = entries.take()
            elif op.startswith("attr:"):
                if opaque or (attributes is not None and repr(op[5:]) not in attributes):
                    return False
                attributes = None
        if stored is not None and not stored_in_library and path and path[-1][0].endswith("|log"):
            return False  # log.debug("%s", document): its str(), not the user put on document._event_actor
        return True

    def _fits_value_kind(self, source: str, path) -> bool:
        """A path through a column of numbers, dates or flags carries no record and no text
        data: what is stored in ``CartPosition.price`` is a price, whatever went into it. Only
        a record passes a test that proved the value is not a string: a value personal by its
        name or field is text, and what a helper made of a request's payload (``uid =
        provider.extract_uid(request.POST)``) is taken to be what the code expects of it."""
        info = self.b.sources[source]
        record = info["how"] == "record"
        if not record and any(data is not None and data.get("op") == NOT_TEXT for _, data in path):
            return False
        text = record or all(self.b.pack.is_under(c, TEXT_CATEGORIES) for c in info["categories"])
        if not text:
            return True
        for node, _ in path[1:]:
            if node.startswith("f|") and node != source:
                cls, name = node[2:].rsplit("|", 1)
                fld = next((self.b.p.classes[c].fields[name] for c in self.b.mro(cls)
                            if c in self.b.p.classes and name in self.b.p.classes[c].fields), None)
                if fld is not None and fld.kind in SCALAR_FIELDS:
                    return False
        return True

    def _attr_keeps_record(self, cls: str, attr: str) -> bool:
        """Whether ``obj.attr`` of a ``cls`` record may still carry personal data of it."""
        if attr in ("pk", "id"):
            return False
        b = self.b
        for c in b.mro(cls):
            fact = b.p.classes.get(c)
            if fact is not None and attr in fact.fields:
                return (c, attr) in b.field_categories or fact.fields[attr].relation
            if f"{c}.{attr}" in b.p.classes:
                return False  # profile.urls: a class nested in the record's class (its URL patterns)
        return True  # a method or property: as far as we can tell

    def _record_survives(self, cls: str, path: list) -> bool:
        """A whole record read through ``x.attr`` on a value of unknown class: the result is
        that attribute, not the record. Reading a non-personal field (``order.quantity``,
        ``pk``) ends the record's path; a personal field, a relation or anything unknown
        (a method, a property) keeps it, as far as we can tell."""
        b = self.b
        entries = Entries()  # the dict entries the record was put in
        for _, data in path:
            op = data.get("op") if data else None
            if data and data.get("k") == SUMMARY:
                how, names = self.summary_effect(data["callee"], data["param"])
                if how == "put":
                    entries.put(names)
                elif how in ("attrs", "read") and not any(self._attr_keeps_record(cls, a) for a in names):
                    return False
                continue
            if not data:
                continue
            got = entries.step(data)
            if got is False:
                return False  # another entry of the dict the record was put in
            if got is True or not op:
                continue
            if op.startswith("read:"):
                # cleaned_input["variants"] on a value that holds a record: only a field of the
                # record comes back from its own keys (model_to_dict(customer)["email"]).
                if not op.startswith("read:'"):
                    continue
                key = op[len("read:'"):-1]
                if not any(key in b.p.classes[c].fields for c in b.mro(cls) if c in b.p.classes):
                    return False
                op = f"attr:{key}"
            if not op.startswith("attr:"):
                continue
            attr = op[len("attr:"):]
            if attr in ("pk", "id"):
                return False
            field = None
            for c in b.mro(cls):
                fact = b.p.classes.get(c)
                if fact is not None and attr in fact.fields:
                    field = (c, fact.fields[attr])
                    break
            if field is None or (field[0], attr) in b.field_categories:
                return True
            if field[1].relation and field[1].type_ref is not None:
                target = b.model_class(field[1].type_ref)
                if target is None:
                    return True
                cls = target
                continue
            return False
        return True


def _covered(queued: list, phase: int, need: tuple) -> bool:
    """Whether a state at least as free as ``(phase, need)`` was already queued at the node:
    the descending phase allows every step the ascending one does, and fewer pending keys
    (a suffix of ``need``, innermost last) refuse fewer puts. From ``(n, DESCENDING, ())``
    the search takes every path it takes from ``(n, ASCENDING, ("0", "email"))``, at no
    greater length. Without this, keys read on the way (``row[0]``, ``pair[1]``) multiply
    the states at each node."""
    size = len(need)
    for other_phase, other_need in queued:
        if other_phase <= phase and len(other_need) <= size and need[size - len(other_need):] == other_need:
            return True
    return False


def _entry_name(op: str) -> str | None:
    """The name an ``attr:`` or ``read:'...'`` step reads, or None for other steps."""
    if op.startswith("attr:"):
        return op[len("attr:"):]
    if op.startswith("read:'") and op.endswith("'"):
        return op[len("read:'"):-1]
    return None
