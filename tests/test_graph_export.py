"""``pii-lint graph --level values``: the value-level graph in every format, built by the
real engine from a small multi-module shop (the data map, the default level, is tested in
test_datamap.py).

``make_shop`` and ``analyse_shop`` are shared with test_inventory.py and test_graph_browser.py.
"""

from __future__ import annotations

import json
import re
from io import BytesIO
from pathlib import Path

import networkx as nx
import pytest

from pii_lint.config import load_config
from pii_lint.engine import analyse
from pii_lint.packs import load_pack
from pii_lint.report.graph_export import FORMATS, render_graph

SHOP = {
    "pyproject.toml": """\
[project]
name = "tiny-shop"

[tool.pii-lint]
pack = "shop"

[tool.pii-lint.retention]
"shop.models.Customer" = "2y"
""",
    "shop/__init__.py": "",
    "shop/models.py": """\
from django.db import models


class Customer(models.Model):
    email = models.EmailField()  # pii: contact.email
    created = models.DateTimeField(auto_now_add=True)
""",
    "shop/logutil.py": """\
import logging

logger = logging.getLogger(__name__)


def log_contact(value):
    message = f"contact <{value}> & more"
    logger.info(message)
""",
    "shop/views.py": """\
import requests

from shop.logutil import log_contact
from shop.models import Customer


def register(request, pk):
    customer = Customer.objects.get(pk=pk)
    log_contact(customer.email)
    requests.post("https://api.example.com", json={"email": customer.email})
    return customer
""",
}


def make_shop(root: Path) -> Path:
    for rel, text in SHOP.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def analyse_shop(root: Path):
    make_shop(root)
    config = load_config(root)
    pack = load_pack(config.settings.pack, root)
    return analyse(config, pack, use_cache=False), pack, config


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    return analyse_shop(tmp_path_factory.mktemp("shop"))[0]


@pytest.fixture(scope="module")
def data(shop) -> dict:
    return json.loads(render_graph("json", shop, level="values"))


def by_label(data, label):
    return [n for n in data["nodes"] if n["label"] == label]


# -- json -------------------------------------------------------------------------------


def test_json_nodes_carry_file_line_and_readable_labels(data):
    assert data["nodes"], "the view is empty"
    for n in data["nodes"]:
        assert n["file"].endswith(".py") and n["line"] > 0, n
        assert n["label"] and "|" not in n["label"], n
    (email,) = by_label(data, "Customer.email")
    assert (email["kind"], email["file"], email["line"]) == ("source", "shop/models.py", 5)
    assert email["categories"] == ["user.contact.email"]
    (value,) = by_label(data, "value")  # the helper's parameter, named plainly, in its function
    assert (value["group"], value["file"], value["line"]) == ("shop.logutil.log_contact", "shop/logutil.py", 6)
    assert by_label(data, "f-string")
    sinks = {n["label"]: n for n in data["nodes"] if n["kind"] == "sink"}
    assert sinks["logger.info [log]"]["file"] == "shop/logutil.py" and sinks["logger.info [log]"]["line"] == 8
    assert sinks["requests.post [http]"]["line"] == 10


def test_json_is_only_what_lies_between_sources_and_sinks(data):
    ids = {n["id"] for n in data["nodes"]}
    labels = {n["label"] for n in data["nodes"]}
    # The logger itself and the queryset lookup carry no personal data to a sink.
    assert "logger" not in labels and "Customer.objects.get()" not in labels
    assert "Customer.created" not in labels
    for e in data["edges"]:
        assert e["source"] in ids and e["target"] in ids and e["label"]


def test_json_finding_paths_exist_and_are_connected(data):
    ids = {n["id"] for n in data["nodes"]}
    edges = {(e["source"], e["target"]) for e in data["edges"]}
    logged = [f for f in data["findings"] if f["code"] == "PII201"]
    assert logged, data["findings"]
    for f in data["findings"]:
        assert set(f["path"]) <= ids
        for a, b in zip(f["path"], f["path"][1:]):
            assert (a, b) in edges, (f["code"], a, b)
    path = logged[0]["path"]
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes[path[0]]["label"] == "Customer.email" and nodes[path[-1]]["label"] == "logger.info [log]"
    assert any(nodes[p]["group"] == "shop.logutil.log_contact" for p in path)  # crosses modules


def test_output_is_deterministic(tmp_path, shop):
    again = analyse_shop(tmp_path)[0]
    for fmt in ("json", "dot", "mermaid", "graphml"):
        first, second = render_graph(fmt, shop, level="values"), render_graph(fmt, again, level="values")
        assert first == second, fmt


# -- dot, graphml, mermaid ------------------------------------------------------------------


def test_dot(shop, data):
    dot = render_graph("dot", shop, level="values")
    assert dot.startswith('digraph "pii-lint" {') and "rankdir=LR" in dot and dot.rstrip().endswith("}")
    assert 'subgraph "cluster_' in dot and 'label="shop.logutil.log_contact"' in dot
    for n in data["nodes"]:
        assert '"' + n["id"] + '"' in dot
    assert "shop/models.py:5" in dot
    # Every quoted string is closed: no stray quote can break the file.
    assert dot.count('"') % 2 == 0


def test_graphml_reads_back(shop, data):
    g = nx.read_graphml(BytesIO(render_graph("graphml", shop, level="values").encode()))
    assert set(g.nodes) == {n["id"] for n in data["nodes"]}
    assert g.number_of_edges() == len(data["edges"])
    email = next(n for n, a in g.nodes(data=True) if a["label"] == "Customer.email")
    assert g.nodes[email]["file"] == "shop/models.py" and int(g.nodes[email]["line"]) == 5


def test_mermaid(shop, data):
    text = render_graph("mermaid", shop, level="values")
    assert text.startswith("flowchart LR\n")
    lines = text.splitlines()[1:]
    # Safe ids, and labels that never hold a raw quote, bracket or markup.
    node = re.compile(r'^\s+n\d+(\["|\(\["|\[\["|\(")[^"<>\[\]]*(<br/>)?[^"<>\[\]]*("\]|"\]\)|"\]\]|"\))$')
    edge = re.compile(r'^\s+n\d+ -->\|"[^"|<>]*"\| n\d+$')
    nodes = [line for line in lines if node.match(line)]
    edges = [line for line in lines if edge.match(line)]
    assert len(nodes) == len(data["nodes"]) and len(edges) == len(data["edges"])
    other = [line for line in lines if line not in nodes and line not in edges]
    frame = re.compile(r'^\s+(subgraph g\d+\["[^"]*"\]|end|classDef \w+ .*|class [n\d,]+ \w+)$')
    assert all(frame.match(line) for line in other), other


# -- html ---------------------------------------------------------------------------------


def page_data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', page, re.S)
    assert m, "no embedded data"
    return json.loads(m.group(1))


def test_html_is_self_contained_and_embeds_the_data(shop, data):
    page = render_graph("html", shop, level="values")
    embedded = page_data(page)
    assert len(embedded["nodes"]) == len(data["nodes"]) and embedded["findings"]
    assert all("x" in n and "y" in n and "code" in n for n in embedded["nodes"])
    # Nothing to fetch: no src/href/url()/@import to the network anywhere...
    assert not re.search(r"""(src|href|action|xlink:href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import", page, re.I)
    # ...and outside the data (which quotes the analysed code) no URL at all.
    template = page.replace(re.search(r'id="graph-data">(.*?)</script>', page, re.S).group(1), "")
    assert "http://" not in template and "https://" not in template
    assert "Content-Security-Policy" in template and "default-src 'none'" in template


def test_html_data_cannot_close_its_script_tag(shop):
    page = render_graph("html", shop, level="values")
    blob = re.search(r'id="graph-data">(.*?)</script>', page, re.S).group(1)
    assert "</" not in blob and "<" not in blob
    # The analysed line `f"contact <{value}> & more"` survives the escaping intact.
    codes = [n["code"] for n in page_data(page)["nodes"]]
    assert 'message = f"contact <{value}> & more"' in codes


def test_html_layout_sources_first_sinks_last(shop):
    nodes = page_data(render_graph("html", shop, level="values"))["nodes"]
    xs = {n["kind"]: [] for n in nodes}
    for n in nodes:
        xs[n["kind"]].append(n["x"])
    assert max(xs["source"]) < min(x for n in nodes if n["kind"] not in ("source", "sink") for x in [n["x"]])
    assert min(xs["sink"]) > max(n["x"] for n in nodes if n["kind"] != "sink")
    assert len({(n["x"], n["y"]) for n in nodes}) == len(nodes)  # no two nodes on top of each other


def test_every_format_renders_an_empty_project(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.pii-lint]\n")
    (tmp_path / "app.py").write_text("x = 1\n")
    config = load_config(tmp_path)
    analysis = analyse(config, load_pack("shop", tmp_path), use_cache=False)
    for fmt in FORMATS:
        assert render_graph(fmt, analysis, level="values")
    assert json.loads(render_graph("json", analysis, level="values")) == {"nodes": [], "edges": [], "findings": []}


def test_cli_graph(tmp_path):
    from conftest import run_cli

    make_shop(tmp_path)
    out = tmp_path / "graph.json"
    result = run_cli("graph", "--format", "json", "--level", "values", "-o", str(out), "--no-cache", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text())["findings"]
    # The default level is the data map.
    result = run_cli("graph", "--format", "json", "-o", str(out), "--no-cache", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert {"sources", "destinations", "edges", "flows", "findings"} <= set(json.loads(out.read_text()))
