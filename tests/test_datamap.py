"""The data map (``pii-lint graph``, default level): aggregation of flows into edges, the
colour of an edge by rule breaches, the style of an edge whose flows are all sanitized,
the text formats and ``graph PATH``."""

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
from pii_lint.report.datamap import build_datamap
from pii_lint.report.datamap_text import MERMAID_MAX_CHARS, MERMAID_MAX_EDGES, map_mermaid
from pii_lint.report.graph_export import render_graph

PROJECT = {
    "pyproject.toml": """\
[project]
name = "map-shop"

[tool.pii-lint]
pack = "shop"

[tool.pii-lint.recipients.mailer]
hosts = ["api.mailer.example"]
purpose = "essential.service.operations"
allow = ["contact.email"]
""",
    "shop/__init__.py": "",
    "shop/models.py": """\
from django.db import models


class Customer(models.Model):
    email = models.EmailField()  # pii: contact.email
    phone = models.CharField(max_length=20)  # pii: contact.phone_number
""",
    "shop/views.py": """\
import hashlib
import logging

import requests

from shop.models import Customer
from shop.utils import mask_email

logger = logging.getLogger(__name__)


def raw(c: Customer):
    logger.info("raw %s", c.email)


def masked(c: Customer):
    logger.info("masked %s", mask_email(c.email))


def hashed(c: Customer):
    logger.info("hashed %s", hashlib.sha256(c.phone.encode()).hexdigest())


def send(c: Customer):
    requests.post("https://api.mailer.example/v1", json={"email": c.email})
""",
    "shop/tasks.py": """\
from django.core.cache import cache

from shop.models import Customer


def remember(c: Customer):
    cache.set("last-email", c.email)
""",
    "shop/utils.py": """\
def mask_email(value):
    return value[:2] + "***"
""",
}


def make(root: Path, files=PROJECT) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def run(root: Path):
    config = load_config(root)
    pack = load_pack(config.settings.pack, root)
    return analyse(config, pack, use_cache=False, need_graph=True), pack


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    return run(make(tmp_path_factory.mktemp("mapshop")))


@pytest.fixture(scope="module")
def data(shop):
    return build_datamap(*shop)


def edge(data, category, dest):
    src = {s["id"] for s in data["sources"] if s["category"] == category and s["holder"] == "Customer"}
    dst = {d["id"] for d in data["destinations"] if d["label"] == dest}
    (e,) = [e for e in data["edges"] if e["source"] in src and e["target"] in dst]
    return e


def test_sources_grouped_by_model_with_how_established(data):
    rows = {(s["holder"], s["holder_kind"], s["category"], s["established"]) for s in data["sources"]}
    assert ("Customer", "model", "user.contact.email", "tag") in rows
    assert ("Customer", "model", "user.contact.phone_number", "tag") in rows
    assert data["project"] == "map-shop"  # [project].name, not the folder


def test_flows_per_edge_and_colour_by_rule(data):
    logs = edge(data, "user.contact.email", "Logs")
    # Two flows behind one edge: the raw log breaks PII201, the masked one does not.
    assert len(logs["flows"]) == 2
    assert logs["broken"] and logs["codes"] == ["PII201"] and not logs["sanitized"]
    flows = {data["flows"][f]["steps"][-1]["line"]: data["flows"][f] for f in logs["flows"]}
    assert flows[13]["codes"] == ["PII201"] and flows[13]["sanitizer"] is None
    assert flows[17]["codes"] == [] and flows[17]["sanitizer"] == "mask"
    # The finding links back to its flow.
    (finding,) = [f for f in data["findings"] if f["code"] == "PII201"]
    assert finding["flows"] == [flows[13]["id"]]


def test_sanitizer_styling_when_every_flow_is_clean(data):
    phone = edge(data, "user.contact.phone_number", "Logs")
    assert phone["sanitized"] and not phone["broken"]
    (f,) = phone["flows"]
    assert data["flows"][f]["sanitizer"] == "hash"
    assert any("hashlib.sha256" in s["label"] or "cleaned" in s["desc"] for s in data["flows"][f]["steps"])


def test_declared_recipient_with_purpose_and_allowed_flow(data):
    mailer = next(d for d in data["destinations"] if d["kind"] == "recipient")
    assert (mailer["label"], mailer["purpose"], mailer["allow"]) == (
        "mailer", "essential.service.operations", ["user.contact.email"])
    sent = edge(data, "user.contact.email", "mailer")
    assert len(sent["flows"]) == 1 and not sent["broken"] and not sent["sanitized"]


def test_flow_steps_carry_file_line_for_the_path(data):
    logs = edge(data, "user.contact.email", "Logs")
    flow = data["flows"][logs["flows"][0]]
    steps = flow["steps"]
    assert steps[0]["label"] == "Customer.email" and (steps[0]["file"], steps[0]["line"]) == ("shop/models.py", 5)
    assert steps[-1]["file"] == "shop/views.py" and steps[-1]["label"].startswith("logger.info")


def test_paths_restrict_the_map(shop):
    only = build_datamap(*shop, paths=["shop/tasks.py"])
    assert only["flows"] and all(any(s["file"] == "shop/tasks.py" for s in f["steps"]) for f in only["flows"])
    assert {d["label"] for d in only["destinations"]} == {"Cache (Django cache)"}
    assert build_datamap(*shop, paths=["shop/nothing.py"])["edges"] == []


def test_formats_at_map_level(shop):
    analysis, pack = shop
    dot = render_graph("dot", analysis)
    assert dot.startswith('digraph "pii-lint data map" {') and 'color="#dc2626"' in dot and "style=dashed" in dot
    assert dot.count('"') % 2 == 0
    g = nx.read_graphml(BytesIO(render_graph("graphml", analysis).encode()))
    styles = {a["style"] for _, _, a in g.edges(data=True)}
    assert {"broken", "sanitized", "allowed"} <= styles
    mermaid = render_graph("mermaid", analysis)
    assert mermaid.startswith("flowchart LR\n") and "linkStyle" in mermaid
    data = json.loads(render_graph("json", analysis))
    assert data["edges"] and data["flows"] and data["findings"]


def test_output_is_deterministic(tmp_path, shop):
    again = run(make(tmp_path))[0]
    for fmt in ("json", "dot", "mermaid", "graphml", "html"):
        assert render_graph(fmt, shop[0]) == render_graph(fmt, again), fmt


def test_mermaid_stays_under_githubs_limits():
    sources = [{"id": i, "holder": f"Model{i // 5}", "holder_kind": "model", "category": f"user.cat{i % 5}",
                "established": "tag", "fields": []} for i in range(600)]
    dests = [{"id": j, "kind": "store", "label": f"Store{j}", "purpose": None, "allow": [], "store": "model",
              "declared": False, "sinks": []} for j in range(60)]
    edges = [{"source": i, "target": (i * 7 + k) % 60, "flows": [i * 3 + k], "broken": k == 0, "codes": [],
              "sanitized": False} for i in range(600) for k in range(3)]
    text = map_mermaid({"sources": sources, "destinations": dests, "edges": edges})
    assert len(text) <= MERMAID_MAX_CHARS
    assert len(re.findall(r" -->\|", text)) <= MERMAID_MAX_EDGES


def test_empty_project(tmp_path):
    make(tmp_path, {"pyproject.toml": "[tool.pii-lint]\n", "app.py": "x = 1\n"})
    analysis, _ = run(tmp_path)
    for fmt in ("json", "dot", "mermaid", "graphml", "html"):
        assert render_graph(fmt, analysis)
    assert json.loads(render_graph("json", analysis))["edges"] == []
