"""The data map as one self-contained HTML page (``pii-lint graph --format html``)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from .datamap import build_datamap, context_lines
from .graph_export import _Namer, build_view

PLACEHOLDER = "__PII_LINT_MAP_DATA__"


def page_data(analysis, pack, paths=None) -> dict:
    namer = _Namer(analysis) if analysis.builder is not None else None
    data = build_datamap(analysis, pack, paths=paths, namer=namer)
    # The value graph travels along, but the page only ever draws one node's neighbours.
    view = build_view(analysis)
    ids = list(view["nodes"])
    index = {n: i for i, n in enumerate(ids)}
    data["values"] = {
        "nodes": [[n, a["label"], a["kind"], a["file"], a["line"]] for n, a in view["nodes"].items()],
        "edges": [[index[u], index[v], e["label"]] for (u, v), e in view["edges"].items()],
    }
    root = Path(analysis.root) if analysis.root else None
    shown = data["flows"] + [{"steps": [{"file": f["file"], "line": f["line"]}]} for f in data["findings"]]
    data["code"] = context_lines(root, shown)
    data["filter"] = sorted(paths) if paths else []
    return data


def render_datamap_html(analysis, pack, paths=None) -> str:
    data = page_data(analysis, pack, paths)
    # "<" only occurs inside JSON strings, so \u003c keeps the data from closing the script tag.
    blob = json.dumps(data, sort_keys=True, separators=(",", ":")).replace("<", "\\u003c").replace(">", "\\u003e")
    template = resources.files("pii_lint.report").joinpath("datamap_page.html").read_text(encoding="utf-8")
    return template.replace(PLACEHOLDER, blob, 1)
