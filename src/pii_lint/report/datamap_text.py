"""The data map as text: json, dot, graphml and mermaid (GitHub renders the mermaid)."""

from __future__ import annotations

import json
from collections import defaultdict

import networkx as nx

# GitHub's mermaid refuses diagrams over 50,000 characters or 500 edges: stay well under.
MERMAID_MAX_CHARS, MERMAID_MAX_EDGES = 40_000, 400


def map_json(data: dict) -> str:
    out = {k: data[k] for k in ("project", "sources", "destinations", "edges", "flows")}
    out["findings"] = [{k: f[k] for k in ("code", "message", "file", "line", "flows")} for f in data["findings"]]
    return json.dumps(out, indent=2, sort_keys=True) + "\n"


def _edge_style(e: dict) -> str:
    return "broken" if e["broken"] else "sanitized" if e["sanitized"] else "allowed"


def _dest_text(d: dict) -> str:
    return d["label"] + (f"\npurpose: {d['purpose']}" if d["purpose"] else "")


def _dot_str(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "") + '"'


DOT_EDGE = {"broken": 'color="#dc2626", penwidth=2', "sanitized": 'color="#16a34a", style=dashed',
            "allowed": 'color="#64748b"'}


def map_dot(data: dict) -> str:
    out = ['digraph "pii-lint data map" {', '  graph [rankdir=LR, fontname="Helvetica", fontsize=11, nodesep=0.15, ranksep=2];',
           '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
           '  edge [fontname="Helvetica", fontsize=10];']
    holders = defaultdict(list)
    for s in data["sources"]:
        holders[(s["holder"], s["holder_kind"])].append(s)
    for i, ((holder, kind), rows) in enumerate(holders.items()):
        out.append(f"  subgraph {_dot_str(f'cluster_s{i}')} {{")
        out.append(f'    label={_dot_str(f"{holder} ({kind})")}; style="rounded"; color="#93c5fd";')
        for s in rows:
            out.append(f'    s{s["id"]} [label={_dot_str(s["category"] + " (" + s["established"] + ")")}, fillcolor="#eff6ff"];')
        out.append("  }")
    kinds = defaultdict(list)
    for d in data["destinations"]:
        kinds[d["kind"]].append(d)
    for kind, rows in kinds.items():
        out.append(f"  subgraph {_dot_str('cluster_d_' + kind)} {{")
        out.append(f'    label={_dot_str(kind)}; style="rounded"; color="#fca5a5";')
        for d in rows:
            out.append(f'    d{d["id"]} [label={_dot_str(_dest_text(d))}, fillcolor="#fef2f2"];')
        out.append("  }")
    for e in data["edges"]:
        n = len(e["flows"])
        tip = f"{n} flow(s)" + (": breaks " + ", ".join(e["codes"]) if e["codes"] else "")
        out.append(f'  s{e["source"]} -> d{e["target"]} [label="{n}", tooltip={_dot_str(tip)}, {DOT_EDGE[_edge_style(e)]}];')
    out.append("}")
    return "\n".join(out) + "\n"


def map_graphml(data: dict) -> str:
    g = nx.DiGraph()
    for s in data["sources"]:
        g.add_node(f"s{s['id']}", side="data", label=s["category"], holder=s["holder"], holder_kind=s["holder_kind"],
                   established=s["established"], fields=",".join(f["label"] for f in s["fields"]))
    for d in data["destinations"]:
        g.add_node(f"d{d['id']}", side="destination", label=d["label"], kind=d["kind"], store=d["store"] or "",
                   purpose=d["purpose"] or "", declared=d["declared"], allow=",".join(d["allow"]))
    for e in data["edges"]:
        g.add_edge(f"s{e['source']}", f"d{e['target']}", flows=len(e["flows"]), style=_edge_style(e),
                   codes=",".join(e["codes"]))
    return "\n".join(nx.generate_graphml(g)) + "\n"


def _mm(text: str) -> str:
    # Mermaid entity codes: "#" first so the codes written after it stay intact.
    text = str(text).replace("#", "#35;")
    for ch, code in (('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("|", "#124;"), ("`", "#96;"),
                     ("[", "#91;"), ("]", "#93;"), ("{", "#123;"), ("}", "#125;")):
        text = text.replace(ch, code)
    return text.replace("\n", " ")


def _mermaid_at(data: dict, level: int) -> tuple[str, int]:  # (text, edges left out)
    """level 0: one node per (holder, category); 1: per holder; 2: per holder kind."""
    def key(s):
        return (s["holder"], s["category"]) if level == 0 else (s["holder"],) if level == 1 else (s["holder_kind"],)

    left, edges = {}, {}
    for s in data["sources"]:
        left.setdefault(key(s), []).append(s)
    lid = {k: f"s{i}" for i, k in enumerate(left)}
    row_key = {s["id"]: key(s) for s in data["sources"]}
    for e in data["edges"]:
        k = (lid[row_key[e["source"]]], e["target"])
        agg = edges.setdefault(k, {"flows": set(), "broken": False, "sanitized": True})
        agg["flows"].update(e["flows"])
        agg["broken"] |= e["broken"]
        agg["sanitized"] &= e["sanitized"]
    ranked = sorted(edges.items(), key=lambda kv: (not kv[1]["broken"], -len(kv[1]["flows"]), kv[0]))
    dropped = max(0, len(ranked) - MERMAID_MAX_EDGES)
    ranked = ranked[:MERMAID_MAX_EDGES]
    out = ["flowchart LR"]
    if level == 2:
        out.append('  subgraph data["personal data"]')
        for k, rows in left.items():
            out.append(f'    {lid[k]}(["{_mm(k[0])}: {len(rows)} categories"])')
        out.append("  end")
    else:
        holders = defaultdict(list)
        for k, rows in left.items():
            holders[(rows[0]["holder"], rows[0]["holder_kind"])].append(k)
        for i, ((holder, kind), keys) in enumerate(holders.items()):
            out.append(f'  subgraph h{i}["{_mm(holder)} · {kind}"]')
            for k in keys:
                text = k[1] if level == 0 else ", ".join(sorted({s["category"] for s in left[k]}))
                out.append(f'    {lid[k]}(["{_mm(text)}"])')
            out.append("  end")
    used = {t for (_, t), _ in ranked}
    out.append('  subgraph dest["destinations"]')
    for d in data["destinations"]:
        if d["id"] in used:
            purpose = f"<br/>{_mm(d['purpose'])}" if d["purpose"] else ""
            out.append(f'    d{d["id"]}[["{_mm(d["kind"])}: {_mm(d["label"])}{purpose}"]]')
    out.append("  end")
    styles = []
    for i, ((s, t), agg) in enumerate(ranked):
        out.append(f'  {s} -->|"{len(agg["flows"])}"| d{t}')
        if agg["broken"]:
            styles.append(f"  linkStyle {i} stroke:#dc2626,stroke-width:2px")
        elif agg["sanitized"]:
            styles.append(f"  linkStyle {i} stroke:#16a34a,stroke-dasharray:5 5")
    out += styles
    if dropped:
        out.append(f"  %% {dropped} smaller edges left out to stay under GitHub's limits; see the HTML map")
    return "\n".join(out) + "\n", dropped


def map_mermaid(data: dict) -> str:
    """Aggregated further (per holder, then per kind of holder) until GitHub renders it."""
    for level in (0, 1, 2):
        text, dropped = _mermaid_at(data, level)
        if len(text) <= MERMAID_MAX_CHARS and not dropped:
            return text
    return text
