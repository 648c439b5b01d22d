"""``pii-lint inventory``: the data map, per category of personal data: where it is
collected, stored (and for how long), logged and sent (to whom, for what purpose), and
which findings touch it. The first draft of a record of processing.

JSON schema (``--format json``), version 1 (keys may be added, none removed)::

    {
      "version": 1,
      "tool": {"name": "pii-lint", "version": "0.1.0"},
      "project": "shop",                       # [project].name, else the folder's name
      "categories": [                          # sorted by category key
        {
          "category": "user.contact.email",    # Fides data category
          "description": "...",                # from the pack's taxonomy ("" if unknown)
          "collected": [                       # tagged or inferred fields, collection points
            {"source": "Customer.email", "kind": "field",   # field | collection point
             "how": "comment",                 # comment, annotated, metadata, config, name
             "inferred": false, "file": "shop/models.py", "line": 5}
          ],
          "stored": [
            {"kind": "model", "name": "Customer", "class": "shop.models.Customer",
             "fields": ["email"], "orm": true, "retention": "2y",   # or null
             "retention_from": "class",        # class | config | null
             "erasure": [{"file": "shop/views.py", "line": 30, "how": "..."}],  # deletes/anonymisers
             "erasable": true,                 # false: PII401, no code erases these records
             "file": "shop/models.py", "line": 4},
            {"kind": "cache", "call": "cache.set",  # storage | cache | file | cookie
             "file": "shop/views.py", "line": 20, "sources": ["Customer.email"],
             "sanitized": {"raw_password": "hash"}}   # sources reaching it only through a sanitizer
          ],
          "logged": [{"call": "logger.info", "file": "shop/logutil.py", "line": 8,
                      "sources": ["Customer.email"]}],
          "sent": [{"call": "requests.post", "kind": "http",     # http | sdk
                    "recipient": "shipfast",   # declared recipient name, or null
                    "destination": "api.example.com",  # recipient, host, SDK, or "unresolved host (...)"
                    "sdk": null, "purpose": "essential.service.operations",  # or null
                    "allow": [...], "by_name": false,  # true: recipient named by the call, URL unresolved
                    "file": "shop/views.py", "line": 10, "sources": ["Customer.email"]}],
          "findings": [{"id": 3,  # its position in the data map's findings (#finding=3)
                        "code": "PII201", "message": "...", "file": "shop/logutil.py", "line": 8,
                        "suppressed": false}]
        }
      ],
      "reclassified": [{"source": "SENDGRID_PASSWORD", "kind": "service credential",  # or configuration,
                        "why": "...", "categories": [...], "file": ..., "line": ...}]  # sanitizer parameter
    }

Stored models are ORM models holding the category plus any class whose whole records
reach a storage, cache or file sink. Which sources reach a sink comes from the engine's
own flow search (``FlowIndex.reaching``) with PII201 for logs and PII203 otherwise, so
the sanitizers that clear those rules cut the same paths here.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

from .. import __version__
from ..checks.context import CheckContext
from ..checks.pii401 import erasable
from ..flows import FlowIndex
from .classify import Reclassifier
from .datamap import CLEAN, _destination, _register, _sanitizer, _store_name
from .project import project_name

HASHED_NAME = re.compile(r"hash|digest|bcrypt|argon|pbkdf|scrypt", re.I)

STORE_KINDS = ("storage", "cache", "file", "cookie")
SEND_KINDS = ("http", "sdk")
SECTIONS = ("collected", "stored", "logged", "sent", "findings")


def render_inventory(fmt: str, analysis, pack, settings=None) -> str:
    data = build_inventory(analysis, pack, settings)
    if fmt == "json":
        return json.dumps(data, indent=2, sort_keys=True) + "\n"
    if fmt == "html":
        from .inventory_html import render_html

        return render_html(data).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    if fmt == "markdown":
        # File names that are not UTF-8 arrive as lone surrogates; show them as U+FFFD.
        return _markdown(data).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    raise ValueError(f"unknown inventory format {fmt!r}; expected markdown, json or html")


def build_inventory(analysis, pack, settings=None) -> dict:
    b = analysis.builder
    settings = settings if settings is not None else getattr(b, "settings", None)
    cats: dict[str, dict[str, list]] = defaultdict(lambda: {k: [] for k in SECTIONS})
    reclassified = []
    if b is not None:
        reclass = Reclassifier(b, pack, analysis.root)
        _collected(b, cats, reclass, reclassified)
        _flows(b, pack, settings, analysis, cats, reclass)
    # A declaration finding (PII301 at a class, PII401...) may name no category: it touches
    # those of the field or record declared where it is reported.
    declared = defaultdict(set)
    for info in (b.sources.values() if b is not None else ()):
        declared[(info["path"], info["line"])].update(info["categories"])
    for i, f in enumerate(analysis.findings):
        for c in sorted(f.categories or declared.get((f.location.path, f.location.line), ())):
            cats[c]["findings"].append({"id": i, "code": f.code, "message": f.message, "file": f.location.path,
                                        "line": f.location.line, "suppressed": f.suppression is not None})
    categories = []
    for c in sorted(cats):
        entry = {"category": c, "description": getattr(pack, "categories", {}).get(c, "")}
        for section in SECTIONS:
            entry[section] = sorted(cats[c][section], key=_order)
        categories.append(entry)
    return {"version": 1, "tool": {"name": "pii-lint", "version": __version__},
            "project": project_name(analysis), "categories": categories,
            "reclassified": sorted(reclassified, key=_order)}


def _order(entry: dict) -> tuple:
    return (entry.get("file", ""), entry.get("line", 0), entry.get("code", ""), entry.get("call", ""),
            entry.get("source", ""), entry.get("name", ""), entry.get("message", ""))


def _label(info: dict) -> str:
    return info["label"] + (" (inferred)" if info["inferred"] else "")


def _collected(b, cats, reclass, reclassified) -> None:
    for node, info in b.sources.items():
        if info["how"] == "record":  # a record is its fields, listed one by one
            continue
        why = reclass(node)
        if why:
            reclassified.append({"source": info["label"], "kind": why[0], "why": why[1],
                                 "categories": list(info["categories"]), "file": info["path"], "line": info["line"]})
            continue
        entry = {"source": info["label"], "kind": "field" if node.startswith("f|") else "collection point",
                 "how": info["how"], "inferred": bool(info["inferred"]), "file": info["path"], "line": info["line"]}
        for c in info["categories"]:
            cats[c]["collected"].append(entry)


def _flows(b, pack, settings, analysis, cats, reclass) -> None:
    flows = analysis.flows or FlowIndex(b)
    _register(flows, pack.sanitizers)
    ctx = CheckContext(b, flows, pack, settings, analysis.facts)
    stored_whole = set()  # classes whose records reach a store whole
    hashed, plain = defaultdict(set), set()  # (model name, category): how its writes were sanitized
    for sink in sorted(b.sinks, key=lambda s: (s.module.path, s.call.line, s.call.col, s.node)):
        if sink.kind not in STORE_KINDS + SEND_KINDS + ("log",):
            continue
        reached = flows.reaching(sink.node, "PII201" if sink.kind == "log" else "PII203")
        clean = flows.reaching(sink.node, CLEAN) if sink.kind in STORE_KINDS else reached
        model = _store_name(b, sink) if sink.kind == "storage" else None
        by_cat: dict[str, set] = defaultdict(set)
        cleaned: dict[str, dict] = defaultdict(dict)
        for node in reached:
            info = b.sources[node]
            if reclass(node):
                continue
            if info["how"] == "record" and sink.kind in STORE_KINDS:
                stored_whole.add(info["class"])
            how = _sanitizer(reached[node], pack.sanitizers) if node not in clean else None
            for c in info["categories"]:
                by_cat[c].add(_label(info))
                if how:
                    cleaned[c][_label(info)] = how
                if model is not None:
                    (hashed[(model, c)].add(how) if how else plain.add((model, c)))
        if not by_cat:
            continue
        base = {"call": sink.call.display, "file": sink.module.path, "line": sink.call.line}
        if sink.kind in SEND_KINDS:
            dest = _destination(ctx, b, sink, analysis.root)
            sdk = next((s.sdk for s in sink.sinks if s.sdk), None)
            base.update(kind=sink.kind, recipient=dest["label"] if dest["declared"] else None,
                        destination=dest["label"], sdk=sdk, purpose=dest["purpose"], allow=dest["allow"],
                        by_name=dest["by_name"])
        elif sink.kind in STORE_KINDS:
            base["kind"] = sink.kind
        section = "logged" if sink.kind == "log" else "sent" if sink.kind in SEND_KINDS else "stored"
        for c, labels in by_cat.items():
            entry = dict(base, sources=sorted(labels))
            if section == "stored":
                entry["sanitized"] = dict(sorted(cleaned[c].items()))
            cats[c][section].append(entry)
    retention = getattr(settings, "retention", {}) or {}
    for cls, fields in sorted(b.record_classes.items()):
        if cls not in b.p.classes:
            continue  # a library's user model: its table is the library's
        orm = b.is_orm_model(cls)
        if not orm and cls not in stored_whole:
            continue
        fact = b.p.classes[cls]
        if fact.retention:
            period, origin = fact.retention, "class"
        elif cls in retention:
            period, origin = retention[cls], "config"
        else:
            period, origin = None, None
        # Where the code deletes or anonymises these records (its own or a base's), as PII401 sees it.
        erasure = sorted({(path, line, how) for k in [cls, *b.mro(cls)] for path, line, how in b.erasures.get(k, ())})
        erasure = [{"file": path, "line": line, "how": how} for path, line, how in erasure]
        erasable_now = bool(erasure) or cls in erasable(b, [cls])
        by_cat = defaultdict(list)
        for name, categories, _ in fields:
            for c in categories:
                by_cat[c].append(name)
        for c, names in by_cat.items():
            protected = {n: "hash" for n in names if HASHED_NAME.search(n)}
            if (fact.name, c) in hashed and (fact.name, c) not in plain:
                protected.update({n: "/".join(sorted(hashed[(fact.name, c)])) for n in names})
            cats[c]["stored"].append({
                "kind": "model", "name": fact.name, "class": cls, "fields": sorted(set(names)), "orm": orm,
                "erasure": erasure, "erasable": erasable_now,
                "protected": dict(sorted(protected.items())),
                "retention": period, "retention_from": origin, "file": b.p.class_module[cls].path, "line": fact.line,
            })


# -- markdown ------------------------------------------------------------------------


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return "`" + str(text).replace("`", "'") + "`"


def _where(e: dict) -> str:
    return _code(f"{e['file']}:{e['line']}")


def _from(e: dict) -> str:
    return f", from {', '.join(e['sources'])}" if e.get("sources") else ""


def _bare(e: dict) -> str:
    return e["message"][len(e["code"]) + 1:] if e["message"].startswith(e["code"] + " ") else e["message"]


def _past(kind: str) -> str:
    """hash -> hashed, mask/hash -> masked/hashed."""
    return "/".join(k if k.endswith("ed") else k[:-1] + "ed" if k.endswith("e") else k + "ed" for k in kind.split("/"))


def _stored_text(e: dict) -> str:
    if e["kind"] != "model":
        clean = e.get("sanitized") or {}
        sources = [f"{x} ({_past(clean[x])})" if x in clean else x for x in e["sources"]]
        return f"{_code(e['call'])} ({e['kind']}) at {_where(e)}, from {', '.join(sources)}"
    origin = "on the class" if e["retention_from"] == "class" else "in [tool.pii-lint.retention]"
    kept = f"retention {e['retention']} (declared {origin})" if e["retention"] \
        else "**no retention declared**"
    what = "model" if e["orm"] else "records stored whole"
    prot = e.get("protected") or {}
    fields = ", ".join(f"{f} (stored {_past(prot[f])})" if f in prot else f for f in e["fields"])
    return f"{what} {_code(e['name'])} ({_code(e['class'])}, fields {fields}) at {_where(e)}; {kept}"


def _sent_text(e: dict) -> str:
    to = f"recipient {_code(e['recipient'])}" if e["recipient"] else \
        f"{_code(e['destination'])} (undeclared)" if e["destination"] else "an unresolved destination"
    purpose = f", purpose {_code(e['purpose'])}" if e["purpose"] else ""
    named = " (named by the call; its URL is not resolved)" if e.get("by_name") else ""
    return f"{_code(e['call'])} to {to}{named}{purpose} at {_where(e)}{_from(e)}"


def _few(items, n: int = 4) -> str:
    items = sorted(items)
    more = f" and {len(items) - n} more" if len(items) > n else ""
    return ", ".join(items[:n]) + more if items else "-"


def _summary(c: dict) -> list[str]:
    models = sorted({f"{e['name']} ({e['retention'] or 'no retention'})" for e in c["stored"] if e["kind"] == "model"})
    others = len([e for e in c["stored"] if e["kind"] != "model"])
    stored = _few(models) + (f" (+{others} other store(s))" if others else "") if models else \
        (f"{others} store(s)" if others else "-")
    sent = _few({e["recipient"] or e["destination"] or e["call"] for e in c["sent"]})
    codes = defaultdict(int)
    for f in c["findings"]:
        codes[f["code"]] += 1
    findings = ", ".join(f"{k} x{n}" if n > 1 else k for k, n in sorted(codes.items())) or "-"
    return [len(c["collected"]) or "-", stored, len(c["logged"]) or "-", sent, findings]


def _markdown(data: dict) -> str:
    cats = data["categories"]
    out = ["# Personal data inventory", "",
           f"Project `{data['project']}`: {len(cats)} {'category' if len(cats) == 1 else 'categories'} "
           f"of personal data, as pii-lint "
           f"{data['tool']['version']} finds them in the code. A first draft of a record of processing: "
           "review it before relying on it.", ""]
    if not cats:
        out += ["No personal data found.", ""]
        return "\n".join(out)
    out += ["| category | collected | stored | logged | sent | findings |", "| --- | --- | --- | --- | --- | --- |"]
    for c in cats:
        out.append("| " + " | ".join(_cell(x) for x in [_code(c["category"]), *_summary(c)]) + " |")
    out.append("")
    for c in cats:
        out += [f"## {c['category']}", ""]
        if c["description"]:
            out += [" ".join(c["description"].split()), ""]
        sections = (
            ("Collected", c["collected"], lambda e: f"{_code(e['source'])} ({e['kind']}, "
             f"{'inferred from the name' if e['inferred'] else 'tagged by ' + e['how']}) at {_where(e)}"),
            ("Stored", c["stored"], _stored_text),
            ("Logged", c["logged"], lambda e: f"{_code(e['call'])} at {_where(e)}{_from(e)}"),
            ("Sent", c["sent"], _sent_text),
            ("Findings", c["findings"], lambda e: f"{e['code']} at {_where(e)}: {_bare(e)}"
             + (" (suppressed)" if e["suppressed"] else "")),
        )
        for title, entries, text in sections:
            out += [f"### {title}", ""]
            out += [f"- {text(e)}" for e in entries] or ["- none found"]
            out.append("")
    if data.get("reclassified"):
        out += ["## Not personal data", "",
                "Names that look personal but are not, left out of the categories above:", ""]
        out += [f"- {_code(e['source'])} at {_where(e)}: {e['kind']}: {e['why']}" for e in data["reclassified"]]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
