"""``pii-lint inventory --format html``: the record of processing as one offline page.

Four tables, each cell linking to the flows behind it in the data map
(``pii-lint graph -o data-map.html``, expected next to this page): categories x
destinations (with purpose and allow list), stores (retention, erasure path), logs, and
findings per category. Built from ``build_inventory``'s data only.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape
from urllib.parse import quote

MAP = "data-map.html"

STYLE = """
* { box-sizing: border-box; }
body { margin: 0; padding: 16px 24px 40px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2937; max-width: 100%; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 26px 0 8px; }
p.lead { color: #4b5563; margin: 0 0 12px; }
nav a { margin-right: 14px; }
.wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid #e5e7eb; padding: 4px 8px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f9fafb; font-weight: 600; }
thead th { position: sticky; top: 0; }
th.dest { min-width: 110px; max-width: 180px; font-weight: 600; }
th.dest small { display: block; font-weight: normal; color: #6b7280; }
td.cats { white-space: nowrap; overflow-wrap: normal; }
td.cell { text-align: center; white-space: nowrap; }
td.ok { background: #f0fdf4; } td.bad { background: #fef2f2; } td.none { color: #d1d5db; }
a { color: #1d4ed8; }
td.bad a { color: #b91c1c; font-weight: 600; }
code, .loc { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
.muted { color: #6b7280; }
.tag { display: inline-block; font-size: 11px; padding: 0 6px; border-radius: 8px; background: #e5e7eb; margin: 1px 2px; }
.tag.bad { background: #fee2e2; color: #991b1b; } .tag.good { background: #dcfce7; color: #166534; }
"""


def _a(href: str, text: str, cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    return f'<a href="{escape(href)}"{c}>{text}</a>'


class _Links:
    """Links into the data map page, written next to this one."""

    def __init__(self, href: str) -> None:
        self.href = href

    def __call__(self, **frag) -> str:
        return self.href + "#" + "&".join(f"{k}={quote(str(v), safe='')}" for k, v in frag.items())


def _loc(e: dict) -> str:
    return f'<span class="loc">{escape(e["file"])}:{e["line"]}</span>'


def render_html(data: dict, map_href: str = MAP) -> str:
    _map = _Links(map_href)
    cats = data["categories"]
    out = ['<!doctype html><html lang="en"><head><meta charset="utf-8">',
           # One offline file: the policy forbids every fetch.
           '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>Personal data inventory: {escape(data['project'])}</title><style>{STYLE}</style></head><body>",
           f"<h1>Personal data inventory: {escape(data['project'])}</h1>",
           f'<p class="lead">{len(cats)} categories of personal data, as pii-lint {escape(data["tool"]["version"])} '
           "finds them in the code: a first draft of a record of processing, to review before relying on it. "
           f"Cells link to their flows in the data map ({_a(map_href, escape(map_href))}, written by "
           "<code>pii-lint graph -o data-map.html</code>).</p>",
           '<nav><a href="#sent">Sent</a><a href="#stores">Stores</a><a href="#logs">Logs</a>'
           '<a href="#findings">Findings</a><a href="#set-aside">Set aside</a></nav>']
    out += _sent(cats, _map) + _stores(cats, _map) + _logs(cats, _map) + _findings(cats, _map) + _set_aside(data)
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _allowed(category: str, allow: list[str]) -> bool:
    return any(category == a or category.startswith(a + ".") for a in allow)


def _sent(cats, _map) -> list[str]:
    dests: dict[str, dict] = {}
    cells = defaultdict(list)
    for c in cats:
        for e in c["sent"]:
            d = dests.setdefault(e["destination"], {"purpose": e["purpose"], "allow": e.get("allow") or [],
                                                    "declared": e["recipient"] is not None})
            cells[(c["category"], e["destination"])].append(e)
    out = ['<h2 id="sent">Categories x destinations</h2>',
           '<p class="muted">Green: a declared recipient whose allow list covers the category. Red: not declared, '
           "or not on its allow list. The number is how many calls send it; click it for the flows.</p>"]
    if not dests:
        return out + ["<p>Nothing is sent out.</p>"]
    order = sorted(dests, key=lambda d: (not dests[d]["declared"], d.lower()))
    out.append('<div class="wrap"><table><thead><tr><th>category</th>')
    for d in order:
        info = dests[d]
        sub = (f"purpose {escape(info['purpose'])}" if info["purpose"] else "") + \
            ("" if info["declared"] else " undeclared")
        allow = f'allow: {escape(", ".join(info["allow"]))}' if info["allow"] else ""
        out.append(f'<th class="dest">{escape(d)}<small>{sub}</small><small>{allow}</small></th>')
    out.append("</tr></thead><tbody>")
    for c in cats:
        if not any((c["category"], d) in cells for d in order):
            continue
        row = [f'<tr><th>{_a(_map(category=c["category"]), escape(c["category"]))}</th>']
        for d in order:
            es = cells.get((c["category"], d))
            if not es:
                row.append('<td class="cell none">&middot;</td>')
                continue
            ok = dests[d]["declared"] and _allowed(c["category"], dests[d]["allow"])
            title = escape("; ".join(f"{e['call']} at {e['file']}:{e['line']} from {', '.join(e['sources'])}"
                                     for e in es))
            link = _a(_map(category=c["category"], dest=d), str(len(es)))
            row.append(f'<td class="cell {"ok" if ok else "bad"}" title="{title}">{link}</td>')
        out.append("".join(row) + "</tr>")
    out.append("</tbody></table></div>")
    return out


def _past(kind: str) -> str:
    return "/".join(k if k.endswith("ed") else k[:-1] + "ed" if k.endswith("e") else k + "ed" for k in kind.split("/"))


def _stores(cats, _map) -> list[str]:
    models: dict[str, dict] = {}
    others: dict[tuple, dict] = {}
    for c in cats:
        for e in c["stored"]:
            if e["kind"] == "model":
                m = models.setdefault(e["class"], dict(e, categories=[], fields=set()))
                m["categories"].append(c["category"])
                prot = e.get("protected") or {}
                m["fields"].update(f"{f} ({_past(prot[f])})" if f in prot else f for f in e["fields"])
            else:
                o = others.setdefault((e["kind"], e["call"], e["file"], e["line"]),
                                      dict(e, categories=[], sources=[], sanitized={}))
                o["categories"].append(c["category"])
                o["sources"] = sorted(set(o["sources"]) | set(e["sources"]))
                o["sanitized"].update(e.get("sanitized") or {})
    out = ['<h2 id="stores">Stores</h2>', '<div class="wrap"><table><thead><tr><th>store</th><th>categories</th>'
           "<th>fields</th><th>retention</th><th>erasure path</th></tr></thead><tbody>"]
    for cls, m in sorted(models.items()):
        kept = f"{escape(m['retention'])} <span class=muted>({'on the class' if m['retention_from'] == 'class' else 'config'})</span>" \
            if m["retention"] else '<span class="tag bad">none declared</span>'
        erasure = "<br>".join(f"{escape(x['how'])} {_loc(x)}" for x in m.get("erasure") or [])
        if not erasure:
            erasure = "via a related model" if m.get("erasable") else '<span class="tag bad">none (PII401)</span>'
        what = "model" if m["orm"] else "records stored whole"
        out.append(f"<tr><td>{_a(_map(dest=m['name'] + ' (database)'), escape(m['name']))} <span class=muted>{what}</span><br>{_loc(m)}</td>"
                   f"<td class=cats>{'<br>'.join(_a(_map(category=c), escape(c)) for c in m['categories'])}</td>"
                   f"<td>{escape(', '.join(sorted(m['fields'])))}</td><td>{kept}</td><td>{erasure}</td></tr>")
    for (kind, call, file, line), o in sorted(others.items()):
        clean = o.get("sanitized") or {}
        src = ", ".join(f"{s} ({_past(clean[s])})" if s in clean else s for s in o["sources"])
        expiry = "see PII301" if kind == "cache" else "&mdash;"
        out.append(f"<tr><td>{escape(kind)}: <code>{escape(call)}</code><br>{_loc(o)}</td>"
                   f"<td class=cats>{'<br>'.join(_a(_map(category=c), escape(c)) for c in o['categories'])}</td>"
                   f"<td>{escape(src)}</td><td>{expiry}</td><td>&mdash;</td></tr>")
    if not models and not others:
        out.append('<tr><td colspan="5">Nothing is stored.</td></tr>')
    out.append("</tbody></table></div>")
    return out


def _logs(cats, _map) -> list[str]:
    calls: dict[tuple, dict] = {}
    for c in cats:
        for e in c["logged"]:
            x = calls.setdefault((e["file"], e["line"], e["call"]), dict(e, categories=[], sources=set()))
            x["categories"].append(c["category"])
            x["sources"].update(e["sources"])
    bad = {(f["file"], f["line"]): f["code"] for c in cats for f in c["findings"] if f["code"] == "PII201"}
    out = ['<h2 id="logs">Logs</h2>', '<div class="wrap"><table><thead><tr><th>call</th><th>categories</th>'
           "<th>from</th><th>finding</th></tr></thead><tbody>"]
    for (file, line, call), x in sorted(calls.items()):
        code = bad.get((file, line))
        verdict = f'<span class="tag bad">{code}</span>' if code else '<span class="tag good">no finding</span>'
        out.append(f"<tr><td><code>{escape(call)}</code> {_loc(x)}</td>"
                   f"<td>{'<br>'.join(_a(_map(category=c, dest='Logs'), escape(c)) for c in x['categories'])}</td>"
                   f"<td>{escape(', '.join(sorted(x['sources'])))}</td>"
                   f"<td>{verdict}</td></tr>")
    if not calls:
        out.append('<tr><td colspan="4">Nothing personal is logged.</td></tr>')
    out.append("</tbody></table></div>")
    return out


def _findings(cats, _map) -> list[str]:
    out = ['<h2 id="findings">Findings per category</h2>', '<div class="wrap"><table><thead><tr><th>category</th>'
           "<th>findings (click: the path in the data map)</th></tr></thead><tbody>"]
    any_ = False
    for c in cats:
        if not c["findings"]:
            continue
        any_ = True
        items = []
        for f in c["findings"]:
            label = f'<span class="tag bad">{escape(f["code"])}</span> {escape(f["file"])}:{f["line"]}'
            href = _map(finding=f["id"]) if f.get("id") is not None else _map.href
            items.append(_a(href, label) + (" <span class=muted>(suppressed)</span>" if f["suppressed"] else ""))
        out.append(f"<tr><th>{_a(_map(category=c['category']), escape(c['category']))}</th><td>{'<br>'.join(items)}</td></tr>")
    if not any_:
        out.append('<tr><td colspan="2">No findings.</td></tr>')
    out.append("</tbody></table></div>")
    return out


def _set_aside(data) -> list[str]:
    out = ['<h2 id="set-aside">Set aside: names that look personal but are not</h2>']
    rows = data.get("reclassified") or []
    if not rows:
        return out + ["<p>None.</p>"]
    out.append('<div class="wrap"><table><thead><tr><th>name</th><th>kind</th><th>why</th></tr></thead><tbody>')
    for r in rows:
        out.append(f"<tr><td><code>{escape(r['source'])}</code> {_loc(r)}</td><td>{escape(r['kind'])}</td>"
                   f"<td>{escape(r['why'])}</td></tr>")
    out.append("</tbody></table></div>")
    return out
