"""The data map: which data categories (grouped by the model or class holding them) reach
which destinations (logs, recipients, hosts, SDKs, stores, exports), and the flows behind
each edge.

A flow is one (source, sink) pair found by the engine's own path search. Two searches per
sink tell the styles apart:

- ``raw``: every path (only casts such as ``len()`` cut it): is the data there at all?
- ``clean``: paths that avoid every sanitizer. A raw flow with no clean path has been
  hashed, masked, encrypted...: its edge is drawn as sanitized when all its flows are.

A flow "breaks a rule" when a finding's path (recomputed as graph_export does) starts at
its source and ends at its sink.

Data (``build_datamap``), all plain and sorted so the output is the same under any hash seed::

    {"project": "shop",
     "sources": [{"id": 0, "holder": "Customer", "holder_kind": "model", "category": "user.contact.email",
                  "fields": [{"label": "Customer.email", "how": "comment", "inferred": false,
                              "file": "shop/models.py", "line": 5}], "established": "tag"}],
     "destinations": [{"id": 0, "kind": "log|recipient|host|sdk|unresolved|store|export|email",
                       "store": "model|cache|file|cookie" (stores), "label": "...", "purpose": ..,
                       "allow": [...], "declared": bool, "sinks": [[file, line, call]]}],
     "edges": [{"source": 0, "target": 0, "flows": [flow ids], "broken": bool, "codes": [...],
                "sanitized": bool}],
     "flows": [{"id": 0, "source": node, "sink": node, "label": "Customer.email -> logger.info",
                "categories": [...], "codes": [...], "findings": [finding ids], "sanitizer": "hash"|null,
                "steps": [{"label": ..., "file": ..., "line": .., "desc": .., "node": node}]}],
     "findings": [{"code", "message", "file", "line", "flows": [flow ids]}]}
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from ..checks.context import CheckContext
from ..checks.recipients import destination
from ..flows import FlowIndex
from .classify import Reclassifier
from .graph_export import _FindingPaths, _Namer  # finding paths found again as the value graph does
from .project import project_name

SINK_KINDS = ("log", "http", "sdk", "storage", "cache", "file", "cookie", "email")
RAW, CLEAN = "datamap:raw", "datamap:clean"  # private signatures registered on the FlowIndex
DEST_ORDER = ("recipient", "sdk", "host", "unresolved", "log", "email", "store", "export")


def _register(flows: FlowIndex, sanitizers) -> None:
    """Two searches no rule names: raw (only casts cut it) and clean (every sanitizer cuts)."""
    flows._signatures.setdefault(RAW, frozenset(i for i, s in enumerate(sanitizers) if s.kind == "cast"))
    flows._signatures.setdefault(CLEAN, frozenset(range(len(sanitizers))))


def rule_for(sink) -> str:
    """The rule whose sanitizers the inventory applies to a sink: logs PII201, else PII203."""
    return "PII201" if sink.kind == "log" else "PII203"


def build_datamap(analysis, pack, settings=None, paths: list[str] | None = None, namer=None) -> dict:
    b = analysis.builder
    out = {"project": project_name(analysis), "sources": [], "destinations": [], "edges": [], "flows": [],
           "findings": []}
    if b is None:
        out["findings"] = [_finding(f) for f in analysis.findings]
        return out
    settings = settings if settings is not None else getattr(b, "settings", None)
    flows = analysis.flows or FlowIndex(b)
    _register(flows, pack.sanitizers)
    ctx = CheckContext(b, flows, pack, settings, analysis.facts)
    namer = namer or _Namer(analysis)
    reclassified = Reclassifier(b, pack, analysis.root)

    # Findings -> (source, sink) pairs of their paths.
    finding_paths = _FindingPaths(analysis)
    broken: dict[tuple, list[int]] = defaultdict(list)
    findings = []
    for i, f in enumerate(analysis.findings):
        path, _ = finding_paths.find(f)
        entry = _finding(f)
        entry["path"] = path
        findings.append(entry)
        if len(path) >= 2:
            broken[(path[0], path[-1])].append(i)

    wanted = _matcher(paths)
    sources: dict[tuple, dict] = {}  # (holder, category) -> row
    dests: dict[str, dict] = {}
    edge_flows: dict[tuple, list[int]] = defaultdict(list)
    flow_list: list[dict] = []
    for sink in sorted(b.sinks, key=lambda s: (s.module.path, s.call.line, s.call.col, s.node)):
        if sink.kind not in SINK_KINDS or sink.node not in b.g:
            continue
        raw = flows.reaching(sink.node, RAW)
        if not raw:
            continue
        checked = flows.reaching(sink.node, rule_for(sink))
        clean = flows.reaching(sink.node, CLEAN)
        dest = _destination(ctx, b, sink, analysis.root)
        for src in sorted(raw):
            info = b.sources[src]  # a whole record counts for each category of its fields
            if reclassified(src):
                continue
            hit = broken.get((src, sink.node), [])
            path = checked.get(src) or clean.get(src) or raw[src]
            steps = _steps(path, namer, sink)
            if wanted and not any(wanted(s["file"]) for s in steps):
                continue
            sanitizer = None
            if src not in clean and not hit:
                sanitizer = _sanitizer(raw[src], pack.sanitizers)
                steps = _steps(raw[src], namer, sink)
            fid = len(flow_list)
            codes = sorted({analysis.findings[i].code for i in hit})
            flow_list.append({"id": fid, "source": src, "sink": sink.node,
                              "label": f"{info['label']} \u2192 {sink.call.display}",
                              "categories": list(info["categories"]), "codes": codes, "findings": list(hit),
                              "sanitizer": sanitizer, "file": sink.module.path, "line": sink.call.line,
                              "steps": steps})
            for i in hit:
                findings[i].setdefault("flows", []).append(fid)
            d = dests.setdefault(dest["key"], dict(dest, sinks=[]))
            site = [sink.module.path, sink.call.line, sink.call.display]
            if site not in d["sinks"]:
                d["sinks"].append(site)
            holder, holder_kind = _holder(b, namer, src, info)
            for c in info["categories"]:
                row = sources.setdefault((holder, c), {"holder": holder, "holder_kind": holder_kind, "category": c,
                                                       "fields": []})
                field = {"label": info["label"], "how": info["how"], "inferred": bool(info["inferred"]),
                         "file": info["path"], "line": info["line"]}
                if field not in row["fields"]:
                    row["fields"].append(field)
                edge_flows[((holder, c), dest["key"])].append(fid)

    # "... and N more sources": the other unsanitized flows into a finding's sink that carry
    # its categories break the same rule; they are linked after the one its path shows.
    by_sink = defaultdict(list)
    for fl in flow_list:
        by_sink[fl["sink"]].append(fl)
    for i, f in enumerate(analysis.findings):
        path = findings[i]["path"]
        if len(path) < 2 or not f.categories:
            continue
        for fl in by_sink.get(path[-1], ()):
            if i in fl["findings"] or fl["sanitizer"] or not set(fl["categories"]) & set(f.categories):
                continue
            fl["findings"].append(i)
            fl["codes"] = sorted(set(fl["codes"]) | {f.code})
            findings[i].setdefault("flows", []).append(fl["id"])

    # Stable ids: sources by holder then category, destinations by kind then label.
    src_keys = sorted(sources, key=lambda k: (sources[k]["holder_kind"] != "model", k[0].lower(), k[0], k[1]))
    src_id = {k: i for i, k in enumerate(src_keys)}
    for k in src_keys:
        row = sources[k]
        row["fields"].sort(key=lambda f: (f["file"], f["line"], f["label"]))
        inferred = {f["inferred"] for f in row["fields"]}
        row["established"] = "inferred" if inferred == {True} else "tag" if inferred == {False} else "tag+inferred"
        out["sources"].append(dict(row, id=src_id[k]))
    dest_keys = sorted(dests, key=lambda k: (DEST_ORDER.index(dests[k]["kind"]), dests[k]["label"].lower(), k))
    dest_id = {k: i for i, k in enumerate(dest_keys)}
    for k in dest_keys:
        d = dict(dests[k], id=dest_id[k])
        d["sinks"].sort()
        del d["key"]
        out["destinations"].append(d)
    for (s, t), fids in sorted(edge_flows.items(), key=lambda kv: (src_id[kv[0][0]], dest_id[kv[0][1]])):
        fids = sorted(set(fids))
        codes = sorted({c for f in fids for c in flow_list[f]["codes"]})
        out["edges"].append({"source": src_id[s], "target": dest_id[t], "flows": fids, "broken": bool(codes),
                             "codes": codes, "sanitized": all(flow_list[f]["sanitizer"] for f in fids)})
    out["flows"] = flow_list
    for f in findings:
        f.setdefault("flows", [])
    out["findings"] = findings
    return out


def _finding(f) -> dict:
    return {"code": f.code, "message": f.message, "file": f.location.path, "line": f.location.line,
            "suppressed": f.suppression is not None,
            "steps": [[s.location.path, s.location.line, s.description] for s in f.steps]}


def _matcher(paths):
    if not paths:
        return None
    wanted = [p.rstrip("/") for p in paths]
    return lambda file: bool(file) and any(file == p or file.startswith(p + "/") for p in wanted)


def _holder(b, namer, node: str, info: dict) -> tuple[str, str]:
    """The model or class holding a field; for a collection point, the function collecting it."""
    cls = info.get("class")
    if cls:
        fact = b.p.classes.get(cls)
        name = fact.name if fact is not None else cls.rsplit(".", 1)[-1]
        return name, "model" if b.is_orm_model(cls) else "class"
    group = namer._source_group(node, info)
    return (group.rsplit(".", 1)[-1] + "()" if group else info["path"]), "function"


def _steps(path, namer, sink) -> list[dict]:
    """A path as CodeQL shows one: each value in turn, where it was made and what happened."""
    steps = []
    for i, (node, _) in enumerate(path):
        d = namer.describe(node)
        into = path[i - 1][1] if i else None  # the edge from the previous node into this one
        at = into.get("at") if into else None
        file, line = (at[0], at[1]) if at else (d["file"], d["line"])
        steps.append({"node": node, "label": d["label"], "kind": d["kind"], "file": file or "", "line": line or 0,
                      "desc": (into.get("d") or "") if into else "source"})
    last = steps[-1] if steps else None
    if last is not None and last["node"] == sink.node:
        last.update(file=sink.module.path, line=sink.call.line, label=f"{sink.call.display}() [{sink.kind}]")
    return steps


def _sanitizer(path, sanitizers) -> str | None:
    for _, data in path:
        if data and data.get("san", -1) not in (-1, None) and 0 <= data["san"] < len(sanitizers):
            return sanitizers[data["san"]].kind
    return "sanitizer"


def _store_name(b, sink) -> str:
    """The model a storage call writes: from the callee (Customer.objects.create) or, for
    ``x.save()``, the ORM model whose name the receiver's name ends with."""
    parts = sink.qual.split(".")
    for n in range(len(parts), 0, -1):
        cls = ".".join(parts[:n])
        if cls in b.p.classes:
            return b.p.classes[cls].name
    receiver = sink.call.display.rsplit(".", 1)[0].rsplit(".", 1)[-1].lower().lstrip("_")
    if receiver and receiver != sink.call.display.lower():
        models = sorted({b.p.classes[c].name for c in b.record_classes if b.is_orm_model(c)})
        for name in models:
            if name.lower() == receiver:
                return name
        for name in models:
            if name.lower().endswith(receiver):
                return name
    return sink.call.display


def _destination(ctx, b, sink, root=None) -> dict:
    labels = sorted({s.label for s in sink.sinks if s.label})
    base = {"purpose": None, "allow": [], "declared": False, "store": None, "by_name": False}
    if sink.kind == "log":
        what = "error tracker" if any(x in labels for x in ("Sentry", "Rollbar", "Bugsnag")) else "logs"
        label = f"{', '.join(labels)} ({what})" if labels and what != "logs" else "Logs"
        return dict(base, key=f"log|{label}", kind="log", label=label)
    if sink.kind == "email":
        return dict(base, key="email", kind="email", label="E-mail (sent in clear)")
    if sink.kind in ("http", "sdk"):
        dest = destination(ctx, sink)
        if dest.declared:
            return dict(base, key=f"recipient|{dest.name}", kind="recipient", label=dest.name, purpose=dest.purpose,
                        allow=list(dest.allow), declared=True)
        if sink.kind == "sdk":
            return dict(base, key=f"sdk|{dest.name}", kind="sdk", label=dest.name, purpose=dest.purpose)
        if dest.name:
            return dict(base, key=f"host|{dest.name}", kind="host", label=dest.name)
        named = _recipient_by_name(ctx, sink, root)
        if named is not None:
            name, r = named
            return dict(base, key=f"recipient|{name}", kind="recipient", label=name, purpose=r.purpose,
                        allow=[ctx.pack.normalize_category(a) for a in r.allow], declared=True, by_name=True)
        # No URL could be resolved: name the module calling out, so the reviewer knows where to look.
        where = sink.module.module
        return dict(base, key=f"unresolved|{where}", kind="unresolved",
                    label=f"unresolved host ({sink.call.display} in {where})")
    if sink.kind == "file" and any("export" in x.lower() or "download" in x.lower() or "dump" in x.lower()
                                   for x in labels):
        return dict(base, key="export", kind="export", label="Exports (downloads, CSV/JSON)")
    if sink.kind == "storage":
        name = _store_name(b, sink)
        return dict(base, key=f"store|model|{name}", kind="store", store="model", label=f"{name} (database)")
    label = {"cache": "Cache", "file": "Files", "cookie": "Cookies"}[sink.kind]
    if labels and sink.kind == "cache":
        label = f"Cache ({', '.join(labels)})"
    return dict(base, key=f"store|{sink.kind}|{label}", kind="store", store=sink.kind, label=label)


def _recipient_by_name(ctx, sink, root):
    """A declared recipient named by the call when its URL is not resolved: by the words of
    the call's own source text (``auth=("apikey", settings.SENDGRID_PASSWORD)``), of its
    function or of its module (``integrations/sendgrid.py``). The text is read, never run."""
    texts = [sink.call.scope or "", sink.module.module, *(d for _, d in sink.call.names)]
    if root is not None:
        files = ctx.cache.setdefault("datamap:lines", {})
        if sink.module.path not in files:
            try:
                files[sink.module.path] = (Path(root) / sink.module.path).read_text(
                    encoding="utf-8", errors="replace").splitlines()
            except OSError:
                files[sink.module.path] = []
        texts += files[sink.module.path][sink.call.line - 1:sink.call.end_line]
    words = {w for text in texts for w in re.split(r"[^a-z0-9]+", text.lower()) if w}
    for name, r in sorted(ctx.settings.recipients.items()):
        if name.lower() in words:
            return name, r
    return None


def context_lines(root: Path | None, flows: list[dict], radius: int = 2) -> dict[str, dict[str, str]]:
    """{file: {line: text}} for every step's line and ``radius`` lines around it."""
    want: dict[str, set[int]] = defaultdict(set)
    for f in flows:
        for s in f["steps"]:
            if s["file"] and s["line"] > 0:
                want[s["file"]].update(range(max(1, s["line"] - radius), s["line"] + radius + 1))
    out = {}
    for file in sorted(want):
        try:
            lines = (root / file).read_text(encoding="utf-8", errors="replace").splitlines() if root else []
        except OSError:
            lines = []
        out[file] = {str(n): lines[n - 1][:240] for n in sorted(want[file]) if n <= len(lines)}
    return out
