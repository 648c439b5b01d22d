"""``pii-lint graph``: the data-flow graph a reviewer reads, in html|dot|graphml|json|mermaid.

The reviewer's view is not the engine's whole graph: only the nodes that lie on some path
from a source to a sink (forward-reachable from a source and backward-reachable from a
sink), plus the path of every finding. Every node carries a readable label, a kind, the
function (or class) it belongs to and a file:line; every edge carries what happened.

JSON schema (``--format json``; the other formats carry the same data)::

    {
      "nodes": [{"id": "v|shop.views.view|email", "label": "email", "kind": "value",
                 "group": "shop.views.view", "file": "shop/views.py", "line": 12,
                 "categories": ["user.contact.email"]}],
                 # kind: source | sink | value | field | attribute | call | temp | return
                 # sources add "how" (comment, annotated, metadata, config, name, record);
                 # sinks add "sink_kind" (log, http, sdk, storage, cache, file, cookie)
      "edges": [{"source": "...", "target": "...", "label": "assigned to email",
                 "kind": "intra", "file": "shop/views.py", "line": 12}],  # file/line may be null
      "findings": [{"code": "PII201", "message": "...", "file": "shop/views.py", "line": 14,
                    "path": ["f|shop.models.Customer|email", "...", "s|...|log"]}]
    }

The engine keeps no link from a finding back to graph nodes, so a finding's path is found
again here: the sink is matched by the finding's location, the source by its first step,
and ``FlowIndex.reaching`` gives the same path the check saw.
"""

from __future__ import annotations

import json
from collections import defaultdict
from importlib import resources
from pathlib import Path

import networkx as nx

from ..flows import FlowIndex, closure, owner

FORMATS = ("html", "dot", "graphml", "json", "mermaid")
LEVELS = ("map", "values")
PLACEHOLDER = "__PII_LINT_GRAPH_DATA__"
# Short names for built values (t| temps), from the description of the edge into them.
TEMP_KINDS = (
    ("formatted into an f-string", "f-string"), ("formatted into a string", "formatted string"),
    ("concatenated", "concatenation"), ("put in a dict", "dict"),
    ("put in a list", "list"), ("put in a tuple", "tuple"), ("put in a set", "set"),
    ("read key", "item"), ("combined", "expression"),
)


def render_graph(fmt: str, analysis, level: str = "map", paths: list[str] | None = None, pack=None) -> str:
    """``level="map"`` (the default): the data map (report/datamap.py); ``"values"``: the
    value-level graph below. ``paths`` restricts the map to flows touching them."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown graph format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if level not in LEVELS:
        raise ValueError(f"unknown graph level {level!r}; expected one of {', '.join(LEVELS)}")
    if level == "map":
        return _printable(_render_map(fmt, analysis, paths, pack))
    view = build_view(analysis)
    text = {"json": _json, "dot": _dot, "graphml": _graphml, "mermaid": _mermaid, "html": _html}[fmt](view, analysis)
    return _printable(text)


def _render_map(fmt: str, analysis, paths, pack) -> str:
    from . import datamap_text
    from .datamap import build_datamap
    from .datamap_html import render_datamap_html

    b = analysis.builder
    pack = pack if pack is not None else getattr(b, "pack", None)
    if fmt == "html":
        return render_datamap_html(analysis, pack, paths)
    data = build_datamap(analysis, pack, paths=paths)
    return {"json": datamap_text.map_json, "dot": datamap_text.map_dot, "graphml": datamap_text.map_graphml,
            "mermaid": datamap_text.map_mermaid}[fmt](data)


def _printable(text: str) -> str:
    """File names that are not UTF-8 arrive as lone surrogates; show them as U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


# -- the view -------------------------------------------------------------------------


def build_view(analysis) -> dict:
    """{"nodes": {id: attrs}, "edges": {(src, dst): attrs}, "findings": [...]}, all plain data."""
    b = analysis.builder
    if b is None:
        return {"nodes": {}, "edges": {}, "findings": []}
    g = b.g
    sink_nodes = [s.node for s in b.sinks if s.node in g]
    keep = closure([n for n in b.sources if n in g], g.succ) & closure(sink_nodes, g.pred)
    edges = {(u, v): d for u in keep for v, d in g.succ[u].items() if v in keep}
    findings = []
    paths = _FindingPaths(analysis)
    for f in analysis.findings:
        path, hops = paths.find(f)
        keep.update(path)
        for u, v, d in hops:
            edges.setdefault((u, v), d)
        findings.append({"code": f.code, "message": f.message, "file": f.location.path, "line": f.location.line,
                         "path": path, "steps": [[s.location.path, s.location.line, s.description] for s in f.steps]})
    namer = _Namer(analysis)
    nodes = {n: namer.describe(n) for n in sorted(keep)}
    for n, cats in _categories(nodes, edges, b.sources).items():
        nodes[n]["categories"] = cats
    out_edges = {}
    for (u, v), d in sorted(edges.items()):
        at = d.get("at")
        out_edges[(u, v)] = {"source": u, "target": v, "label": d.get("d", ""), "kind": d.get("k", ""),
                             "file": at[0] if at else None, "line": at[1] if at else None}
    return {"nodes": nodes, "edges": out_edges, "findings": findings}


def _categories(nodes, edges, sources) -> dict[str, list[str]]:
    """The categories that may flow through each node: those of the sources upstream of it."""
    g = nx.DiGraph()
    g.add_nodes_from(nodes)
    g.add_edges_from((u, v) for u, v in edges if v not in sources)
    dag = nx.condensation(g)  # loops: a strongly connected part shares its categories
    cats = {}
    for c in nx.topological_sort(dag):
        mine = set()
        for n in dag.nodes[c]["members"]:
            mine.update(sources.get(n, {}).get("categories", ()))
        for p in dag.predecessors(c):
            mine |= cats[p]
        cats[c] = mine
    return {n: sorted(cats[dag.graph["mapping"][n]]) for n in nodes}


class _FindingPaths:
    """A finding -> the node ids of its path, recomputed with the engine's own flow search."""

    def __init__(self, analysis) -> None:
        self.b = analysis.builder
        self.flows = analysis.flows or FlowIndex(self.b)  # the engine's, with its searches done
        self.sinks_at = defaultdict(list)
        for s in self.b.sinks:
            self.sinks_at[(s.module.path, s.call.line)].append(s)
        self.sources_at = defaultdict(list)
        for n, info in self.b.sources.items():
            self.sources_at[(info["path"], info["line"])].append(n)
        self._cache: dict = {}

    def find(self, f) -> tuple[list[str], list[tuple]]:
        loc = f.location
        if not f.steps:  # a declaration: the field or record declared there
            return sorted(self.sources_at.get((loc.path, loc.line), ())), []
        first = f.steps[0].location
        candidates = sorted(self.sinks_at.get((loc.path, loc.line), ()),
                            key=lambda s: (s.call.col != loc.col, s.call.display != f.sink, s.node))
        for sink in candidates:
            paths = self._reaching(sink.node, f.code)
            src = self.b.sources
            match = [n for n in paths if (src[n]["path"], src[n]["line"]) == (first.path, first.line)]
            match.sort(key=lambda n: (tuple(src[n]["categories"]) != tuple(f.categories), len(paths[n]), n))
            if match:
                path = paths[match[0]]
                nodes = [n for n, _ in path]
                hops = [(n, path[i + 1][0], d) for i, (n, d) in enumerate(path[:-1])]
                return nodes, hops
        return [], []

    def _reaching(self, node, code):
        key = (node, code)
        if key not in self._cache:
            self._cache[key] = self.flows.reaching(node, code)
        return self._cache[key]


class _Namer:
    """Readable label, kind, group and file:line of a node id (prefixes: see graph.py)."""

    def __init__(self, analysis) -> None:
        b = analysis.builder
        self.b = b
        self.g = b.g
        self.calls = {c.id: (c, m) for m in analysis.facts for c in m.calls}
        self.sinks = {s.node: s for s in b.sinks}
        self.modules = {m.path: m.module for m in analysis.facts}
        self.lines = _SourceLines(Path(analysis.root) if analysis.root else None)

    def describe(self, node: str) -> dict:
        label, kind, group, file, line = self._describe(node)
        out = {"id": node, "label": label, "kind": kind, "group": group or "", "file": file or "", "line": line or 0}
        info = self.b.sources.get(node)
        if info is not None:
            out["how"] = info["how"]
        if node in self.sinks:
            out["sink_kind"] = self.sinks[node].kind
        return out

    def _describe(self, node: str):
        info = self.b.sources.get(node)
        if info is not None:
            label = info["label"] + (" (inferred)" if info["inferred"] else "")
            return label, "source", self._source_group(node, info), info["path"], info["line"]
        prefix, _, rest = node.partition("|")
        if prefix == "s":
            s = self.sinks.get(node)
            if s is not None:
                return f"{s.call.display} [{s.kind}]", "sink", s.call.scope, s.module.path, s.call.line
            return rest, "sink", None, *self._at(node)
        if prefix == "c":
            call = self.calls.get(rest)
            if call is not None:
                return f"{call[0].display}()", "call", call[0].scope, call[1].path, call[0].line
            return "call", "call", owner(node), *self._at(node)
        if prefix == "t":
            return self._temp_label(node), "temp", owner(node), *self._at(node)
        if prefix == "r":
            return f"{rest.rsplit('.', 1)[-1]}() returns", "return", rest, *self._at(node)
        if prefix == "v":
            scope, _, name = rest.rpartition("|")
            plain = name.split("#", 1)[0]  # x#2 is the second value of x
            where = self._at(node) if plain != name else self._param_at(scope, name, node)
            return plain, "value", scope, *where
        if prefix == "a":
            base, _, attr = rest.rpartition("|")
            return f"{self._short(base)}.{attr}", "attribute", owner(node), *self._at(node)
        if prefix == "f":
            cls, _, attr = rest.rpartition("|")
            fact = self.b.p.classes.get(cls)
            if fact is not None and attr in fact.fields:
                return f"{fact.name}.{attr}", "field", cls, self.b.p.class_module[cls].path, fact.fields[attr].line
            return f"{cls.rsplit('.', 1)[-1]}.{attr}", "field", cls, *self._at(node)
        return rest or node, "value", owner(node), *self._at(node)

    def _short(self, node: str) -> str:
        """A short name for an attribute's base: ``request`` in ``request.POST``."""
        prefix, _, rest = node.partition("|")
        if prefix in ("v", "f"):
            return rest.rsplit("|", 1)[-1].split("#", 1)[0]
        if prefix == "a":
            base, _, attr = rest.rpartition("|")
            return f"{self._short(base)}.{attr}"
        if prefix == "c" and rest in self.calls:
            return f"{self.calls[rest][0].display}()"
        return prefix

    def _source_group(self, node: str, info: dict) -> str:
        if info.get("class"):
            return info["class"]
        # A collection point belongs to the function its value is collected into.
        for nxt in sorted(self.g.succ.get(node, ())):
            scope = owner(nxt)
            if scope:
                return scope
        return self.modules.get(info["path"], info["path"])

    def _temp_label(self, node: str) -> str:
        descs = sorted(d.get("d", "") for d in self.g.pred[node].values())
        for desc in descs:
            for prefix, short in TEMP_KINDS:
                if desc.startswith(prefix):
                    return short
        return descs[0] if descs else "value"

    def _param_at(self, scope: str, name: str, node: str):
        fn = self.b.p.functions.get(scope)
        if fn is not None and name in {p.lstrip("*") for p in fn.params}:
            return self.b.p.function_module[scope].path, fn.line
        return self._at(node)

    def _at(self, node: str):
        """The earliest place a value is set: its in-edges, in its own file when possible."""
        ats = [d["at"] for d in self.g.pred.get(node, {}).values() if d.get("at")]
        ats = ats or [d["at"] for d in self.g.succ.get(node, {}).values() if d.get("at")]
        scope = owner(node)
        mod = self.b.p.function_module.get(scope) if scope else None
        path = mod.path if mod is not None else (self.b.p.modules[scope].path if scope in self.b.p.modules else None)
        own = [a for a in ats if a[0] == path]
        best = min(own or ats, key=lambda a: (a[1], a[0]), default=None)
        return (best[0], best[1]) if best else (path, 0)


class _SourceLines:
    """Lines of the analysed files, read once per render (never cached across runs)."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.files: dict[str, list[str]] = {}

    def get(self, path: str, line: int) -> str:
        if self.root is None or not path or line <= 0:
            return ""
        if path not in self.files:
            try:
                self.files[path] = (self.root / path).read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                self.files[path] = []
        lines = self.files[path]
        return lines[line - 1] if line <= len(lines) else ""


# -- formats ----------------------------------------------------------------------------


def _json_data(view) -> dict:
    return {
        "nodes": list(view["nodes"].values()),
        "edges": list(view["edges"].values()),
        "findings": [{k: f[k] for k in ("code", "message", "file", "line", "path")} for f in view["findings"]],
    }


def _json(view, analysis) -> str:
    return json.dumps(_json_data(view), indent=2, sort_keys=True) + "\n"


def _where(n: dict) -> str:
    return f"{n['file']}:{n['line']}" if n["file"] else ""


def _dot_str(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "") + '"'


DOT_STYLE = {
    "source": 'shape=ellipse, fillcolor="#dbeafe"',
    "sink": 'shape=box, fillcolor="#fee2e2", peripheries=2',
}


def _dot(view, analysis) -> str:
    on_path = set()
    for f in view["findings"]:
        on_path.update(zip(f["path"], f["path"][1:]))
    groups = defaultdict(list)
    for n in view["nodes"].values():
        groups[n["group"]].append(n)
    out = ['digraph "pii-lint" {', '  graph [rankdir=LR, fontname="Helvetica", fontsize=10, nodesep=0.2];',
           '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=10];',
           '  edge [fontname="Helvetica", fontsize=8, color="#888888"];']
    for i, group in enumerate(sorted(groups)):
        indent = "  "
        if group:
            out.append(f"  subgraph {_dot_str(f'cluster_{i}')} {{")
            out.append(f'    label={_dot_str(group)}; style="rounded"; color="#bbbbbb";')
            indent = "    "
        for n in groups[group]:
            style = DOT_STYLE.get(n["kind"], "")
            label, tip = n["label"] + "\n" + _where(n), ", ".join(n["categories"])
            attrs = f"label={_dot_str(label)}, tooltip={_dot_str(tip)}"
            out.append(f"{indent}{_dot_str(n['id'])} [{attrs}{', ' + style if style else ''}];")
        if group:
            out.append("  }")
    for (u, v), e in view["edges"].items():
        extra = ', color="#dc2626", penwidth=2' if (u, v) in on_path else ""
        tip = f"{e['file']}:{e['line']}" if e["file"] else ""
        out.append(f"  {_dot_str(u)} -> {_dot_str(v)} [label={_dot_str(e['label'])}, tooltip={_dot_str(tip)}{extra}];")
    out.append("}")
    return "\n".join(out) + "\n"


def _graphml(view, analysis) -> str:
    # GraphML keys need one type each: strings and ints only, never None.
    g = nx.DiGraph()
    for n in view["nodes"].values():
        attrs = {k: v for k, v in n.items() if k not in ("id", "categories")}
        g.add_node(n["id"], **attrs, categories=",".join(n["categories"]))
    for e in view["edges"].values():
        g.add_edge(e["source"], e["target"], label=e["label"], kind=e["kind"], file=e["file"] or "",
                   line=e["line"] or 0)
    return "\n".join(nx.generate_graphml(g)) + "\n"


def _mermaid_text(text: str) -> str:
    # Mermaid entity codes: "#" first so the codes written after it stay intact.
    text = str(text).replace("#", "#35;")
    for ch, code in (('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("|", "#124;"), ("`", "#96;"),
                     ("[", "#91;"), ("]", "#93;"), ("{", "#123;"), ("}", "#125;")):
        text = text.replace(ch, code)
    return text.replace("\n", " ")


MERMAID_SHAPE = {"source": ('(["', '"])'), "sink": ('[["', '"]]'), "temp": ('("', '")')}


def _mermaid(view, analysis) -> str:
    ids = {n: f"n{i}" for i, n in enumerate(view["nodes"])}
    groups = defaultdict(list)
    for n in view["nodes"].values():
        groups[n["group"]].append(n)
    out = ["flowchart LR"]
    for i, group in enumerate(sorted(groups)):
        indent = "  "
        if group:
            out.append(f'  subgraph g{i}["{_mermaid_text(group)}"]')
            indent = "    "
        for n in groups[group]:
            left, right = MERMAID_SHAPE.get(n["kind"], ('["', '"]'))
            out.append(f"{indent}{ids[n['id']]}{left}{_mermaid_text(n['label'])}<br/>{_mermaid_text(_where(n))}{right}")
        if group:
            out.append("  end")
    for (u, v), e in view["edges"].items():
        out.append(f'  {ids[u]} -->|"{_mermaid_text(e["label"])}"| {ids[v]}')
    out.append("  classDef source fill:#dbeafe,stroke:#2563eb")
    out.append("  classDef sink fill:#fee2e2,stroke:#dc2626")
    for kind in ("source", "sink"):
        members = [ids[n["id"]] for n in view["nodes"].values() if n["kind"] == kind]
        if members:
            out.append(f"  class {','.join(members)} {kind}")
    return "\n".join(out) + "\n"


# -- html --------------------------------------------------------------------------------

NODE_W, NODE_H, COL_GAP, LANE_GAP, ROW_H = 190, 32, 60, 12, 42
ASPECT = 1.6  # width / height the layout aims for


def layout(view) -> dict[str, tuple[int, int]]:
    """Layered, left to right: sources in column 0, sinks in the last column, the rest by
    longest-path depth. Tall columns wrap into lanes so 500 nodes stay readable."""
    nodes = view["nodes"]
    if not nodes:
        return {}
    kind = {n: a["kind"] for n, a in nodes.items()}
    g = nx.DiGraph()
    g.add_nodes_from(nodes)
    g.add_edges_from((u, v) for u, v in view["edges"] if kind[v] != "source")
    dag = nx.condensation(g)  # loops share one depth
    depth = {}
    for c in nx.topological_sort(dag):
        members = dag.nodes[c]["members"]
        if any(kind[m] == "source" for m in members):
            depth[c] = 0
        else:
            depth[c] = max((depth[p] + 1 for p in dag.predecessors(c)), default=1)
    col = {n: depth[dag.graph["mapping"][n]] for n in nodes}
    last = max([c for n, c in col.items() if kind[n] != "sink"], default=0) + 1
    for n in nodes:
        if kind[n] == "sink":
            col[n] = last
        elif kind[n] == "source":
            col[n] = 0
    columns = defaultdict(list)
    for n in sorted(nodes, key=lambda n: (nodes[n]["group"], nodes[n]["label"], n)):
        columns[col[n]].append(n)
    _order(columns, g, last)
    # Tall columns wrap into lanes; the row limit is the smallest that keeps the picture
    # no wider than a screen's shape, so the overview fills the window.
    lo, hi = 12, max(12, len(nodes))  # width shrinks as rows grow: bisect
    while lo < hi:
        mid = (lo + hi) // 2
        if _place(columns, last, mid)[1] > ASPECT * mid * ROW_H:
            lo = mid + 1
        else:
            hi = mid
    return _place(columns, last, lo)[0]


def _place(columns, last, max_rows) -> tuple[dict, int]:
    pos, x = {}, 0
    for c in range(last + 1):
        members = columns.get(c, [])
        lanes = max(1, -(-len(members) // max_rows))
        rows = -(-len(members) // lanes) if members else 0
        top = -rows * ROW_H // 2
        for i, n in enumerate(members):  # i % lanes keeps the vertical order within a column
            pos[n] = (x + (i % lanes) * (NODE_W + LANE_GAP), top + (i // lanes) * ROW_H)
        x += lanes * (NODE_W + LANE_GAP) - LANE_GAP + COL_GAP
    return pos, x - COL_GAP


def _order(columns, g, last) -> None:
    """A few barycenter sweeps, so edges cross less."""
    for sweep in range(4):
        forward = sweep % 2 == 0
        cols = range(1, last + 1) if forward else range(last - 1, -1, -1)
        index = {n: i - len(m) / 2 for m in columns.values() for i, n in enumerate(m)}
        def bary(n):
            ys = [index[m] for m in (g.predecessors(n) if forward else g.successors(n))]
            return sum(ys) / len(ys) if ys else index[n]

        for c in cols:
            columns[c].sort(key=bary)
            index.update({n: i - len(columns[c]) / 2 for i, n in enumerate(columns[c])})


def _html(view, analysis) -> str:
    pos = layout(view)
    root = Path(analysis.root) if analysis.root else None
    lines = _SourceLines(root)
    ids = list(view["nodes"])
    index = {n: i for i, n in enumerate(ids)}
    nodes = []
    for n in ids:
        a = dict(view["nodes"][n])
        a["x"], a["y"] = pos[n]
        a["code"] = lines.get(a["file"], a["line"]).strip()[:300]
        nodes.append(a)
    data = {
        "size": [NODE_W, NODE_H],
        "nodes": nodes,
        "edges": [[index[e["source"]], index[e["target"]], e["label"], e["file"] or "", e["line"] or 0]
                  for e in view["edges"].values()],
        "findings": [dict(f, path=[index[n] for n in f["path"] if n in index]) for f in view["findings"]],
        "root": root.resolve().name if root else "",
    }
    # "<" only occurs inside JSON strings, so \u003c keeps the data from closing the script tag.
    blob = json.dumps(data, sort_keys=True, separators=(",", ":")).replace("<", "\\u003c").replace(">", "\\u003e")
    template = resources.files("pii_lint.report").joinpath("graph_page.html").read_text(encoding="utf-8")
    return template.replace(PLACEHOLDER, blob, 1)

