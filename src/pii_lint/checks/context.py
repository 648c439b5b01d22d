"""What every check sees, and the one place flow findings are built."""

from __future__ import annotations

from ..findings import Finding, Location, Step
from ..reprs import revealed


def short_category(key: str) -> str:
    return key[5:] if key.startswith("user.") else key


class CheckContext:
    def __init__(self, builder, flows, pack, settings, facts, config_file=None) -> None:
        self.config_file = config_file  # (project-relative path, text) or None
        self.builder = builder
        self.flows = flows
        self.pack = pack
        self.settings = settings
        self.facts = facts
        self.sources = builder.sources
        self.cache: dict = {}  # per-sink answers several rules share

    def rule(self, code: str):
        return self.pack.rules[code]

    def sinks(self, *kinds: str):
        return [s for s in self.builder.sinks if s.kind in kinds]

    def reaching(self, sink, code: str, every: bool = False) -> list[tuple[str, list]]:
        """Sources that reach ``sink`` for ``code``, best first, one per category set (or
        all of them with ``every``: a fix must change every read, not one per category).

        A source found by name only is dropped when a tagged source of the same
        category reaches the same sink.
        """
        paths = self.flows.reaching(sink.node, code)
        through = self.builder.wrapper_params.get(sink.node)
        if through:
            # What callers pass in is reported at their calls (the wrapper's sinks of their own).
            paths = {s: p for s, p in paths.items() if not any(node in through for node, _ in p)}
        if not paths:
            return []
        sources = self.sources
        tagged_cats = set()
        for node in paths:
            info = sources[node]
            if not info["inferred"] and info["how"] != "record":  # a record may show less than it holds
                tagged_cats.update(info["categories"])
        best: dict[tuple, tuple[str, list]] = {}
        for node, path in sorted(paths.items(), key=lambda kv: (sources[kv[0]]["inferred"], len(kv[1]), kv[0])):
            info = sources[node]
            if info["inferred"] and set(info["categories"]) <= tagged_cats:
                continue
            key = self.source_kind(node) if not every else node
            if key not in best:
                best[key] = (node, path)
        return list(best.values())

    def shown(self, source: str, path: list) -> tuple[str, ...]:
        """What a sink at the end of ``path`` gets of a source: of a record, the fields read
        from it, its repr once formatted or written as text, or all of it."""
        info = self.sources[source]
        if info["how"] != "record":
            return tuple(info["categories"])
        return revealed(self.flows, info, path)

    def source_kind(self, node: str) -> tuple:
        """Sources of one kind make one line of a report: a record class, or a category set."""
        info = self.sources[node]
        return (True, info.get("class")) if info["how"] == "record" else tuple(info["categories"])

    def what(self, node: str) -> str:
        """``contact.email (Customer.email)``, or ``Customer record (contact.email, ...)``."""
        info = self.sources[node]
        if info["how"] == "record":
            return f"{info['label']} ({categories_text(info)})"
        return f"{categories_text(info)} ({self.describe_source(node)})"

    def grouped(self, sink, code: str, keep=None, shown=None):
        """One finding's worth of sources at a sink: the best one, its path, and the others.
        ``shown(source, path)`` narrows what the sink sees of a source (a record's repr);
        a source it shows nothing of is left out."""
        items = [(s, p) for s, p in self.reaching(sink, code) if keep is None or keep(self.sources[s])]
        seen = {s: tuple(self.sources[s]["categories"]) for s, _ in items}
        if shown is not None:
            seen = {s: shown(s, p) for s, p in items}
            items = [(s, p) for s, p in items if seen[s]]
        if not items:
            return None
        # The most sensitive source leads, and its path is the one shown (a password before a
        # username); the rest keep their order (tagged before inferred, shortest path first).
        items = sorted(items, key=lambda item: min((self.rank(c) for c in seen[item[0]]), default=9))
        (best, path), others = items[0], [s for s, _ in items[1:]]
        categories = self.by_sensitivity({c for s in [best, *others] for c in seen[s]})
        suffix = f" and {len(others)} more source{'s' if len(others) > 1 else ''}" if others else ""
        return best, path, categories, suffix

    def rank(self, category: str) -> int:
        """0 forbidden, 1 credentials, 2 the pack's sensitive list, 3 the rest."""
        info = self.pack.info
        for rank, keys in enumerate((info.forbidden, info.credentials, info.sensitive)):
            if self.pack.is_under(category, keys):
                return rank
        return 3

    def by_sensitivity(self, categories) -> list[str]:
        return sorted(categories, key=lambda c: (self.rank(c), c))

    def headline(self, found) -> tuple[str, bool]:
        """``authorization.password, account.username (request.POST["password"] and 1 more
        source)``: every category the sink gets, the most sensitive first, then where the
        first comes from; and whether the subject is plural."""
        source, _, categories, suffix = found
        cats = self.by_sensitivity(categories) or list(self.sources[source]["categories"])
        text = f"{', '.join(short_category(c) for c in cats)} ({self.describe_source(source)}{suffix})"
        return text, len(cats) > 1 or bool(suffix)

    def describe_source(self, node: str) -> str:
        info = self.sources[node]
        if info["how"] == "record":
            return info["label"]
        if info["inferred"]:
            return f"inferred from the name {info['label']}"
        return info["label"]

    def flow_finding(self, code: str, sink, source: str, path: list, message: str, categories=None,
                     fix_hint=None) -> Finding:
        rule = self.rule(code)
        info = self.sources[source]
        cats = tuple(categories if categories is not None else info["categories"])
        steps = [Step(Location(info["path"], info["line"], info.get("col", 1)), self._source_step(info))]
        for node, data in path:
            if data is None or data.get("at") is None:
                continue
            path_, line = data["at"]
            steps.append(Step(Location(path_, line), data["d"]))
        call = sink.call
        if steps[-1].location.line != call.line or steps[-1].location.path != sink.module.path:
            steps.append(Step(Location(sink.module.path, call.line, call.col), f"reaches {call.display}"))
        return Finding(
            code=code, name=rule.name, message=f"{code} {message} [policy {rule.policy}]",
            location=Location(sink.module.path, call.line, call.col, call.end_line, call.end_col),
            categories=cats, source=self.describe_source(source), sink=call.display,
            inferred=bool(info["inferred"]), steps=tuple(steps), policy=rule.policy, severity=rule.severity,
            fix_hint=fix_hint,
        )

    def _source_step(self, info: dict) -> str:
        cats = ", ".join(short_category(c) for c in info["categories"])
        if info["how"] == "record":
            return f"{info['label']} holds {cats}"
        if info["how"] == "library":
            return f"{info['label']} holds {cats} (a field of the library's model)"
        if info["inferred"]:
            return f"{info['label']} looks like {cats} (inferred from the name)"
        return f"{info['label']} is tagged {cats}"

    def declaration_finding(self, code: str, path: str, line: int, col: int, message: str, categories=(),
                            source: str = "", sink: str = "", fix_hint=None) -> Finding:
        rule = self.rule(code)
        clause = f" [policy {rule.policy}]" if rule.policy not in ("", "-") else ""
        return Finding(
            code=code, name=rule.name, message=f"{code} {message}{clause}",
            location=Location(path, line, col), categories=tuple(categories), source=source, sink=sink,
            policy=rule.policy, severity=rule.severity, fix_hint=fix_hint,
        )


def categories_text(node_info: dict) -> str:
    return ", ".join(short_category(c) for c in node_info["categories"])
