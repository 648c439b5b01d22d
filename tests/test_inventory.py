"""``pii-lint inventory``: the data map of a small shop, built by the real engine."""

from __future__ import annotations

import json

import pytest

from pii_lint.config import Settings
from pii_lint.report.inventory import render_inventory
from test_graph_export import analyse_shop


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    return analyse_shop(tmp_path_factory.mktemp("shop"))


@pytest.fixture(scope="module")
def email(shop) -> dict:
    analysis, pack, _ = shop
    data = json.loads(render_inventory("json", analysis, pack))
    assert data["version"] == 1
    return next(c for c in data["categories"] if c["category"] == "user.contact.email")


def test_json_collected(email):
    assert {"source": "Customer.email", "kind": "field", "how": "comment", "inferred": False,
            "file": "shop/models.py", "line": 5} in email["collected"]


def test_project_named_from_pyproject(shop):
    analysis, pack, _ = shop
    assert json.loads(render_inventory("json", analysis, pack))["project"] == "tiny-shop"  # [project].name


def test_json_stored_with_retention(email):
    (model,) = [s for s in email["stored"] if s["kind"] == "model"]
    assert model["class"] == "shop.models.Customer" and model["fields"] == ["email"] and model["orm"]
    assert (model["retention"], model["retention_from"]) == ("2y", "config")
    assert (model["file"], model["line"]) == ("shop/models.py", 4)


def test_json_logged_and_sent(email):
    assert email["logged"] == [{"call": "logger.info", "file": "shop/logutil.py", "line": 8,
                                "sources": ["Customer.email"]}]
    (sent,) = email["sent"]
    assert (sent["call"], sent["kind"], sent["file"], sent["line"]) == ("requests.post", "http", "shop/views.py", 10)
    assert sent["destination"] == "api.example.com" and sent["recipient"] is None


def test_json_findings(email):
    codes = {(f["code"], f["file"], f["line"]) for f in email["findings"]}
    assert ("PII201", "shop/logutil.py", 8) in codes
    assert ("PII203", "shop/views.py", 10) in codes


def test_settings_retention_and_declared_recipient(shop):
    analysis, pack, config = shop
    settings = Settings.model_validate({
        "retention": {"shop.models.Customer": "30d"},
        "recipients": {"mailer": {"hosts": ["api.example.com"], "purpose": "essential.service.operations"}},
    })
    data = json.loads(render_inventory("json", analysis, pack, settings=settings))
    email = next(c for c in data["categories"] if c["category"] == "user.contact.email")
    assert email["stored"][0]["retention"] == "30d"
    assert email["sent"][0]["recipient"] == "mailer"
    assert email["sent"][0]["purpose"] == "essential.service.operations"


def test_markdown(shop):
    analysis, pack, _ = shop
    text = render_inventory("markdown", analysis, pack)
    assert text.startswith("# Personal data inventory\n")
    assert "| category | collected | stored | logged | sent | findings |" in text
    row = next(line for line in text.splitlines() if line.startswith("| `user.contact.email`"))
    assert "Customer (2y)" in row and "api.example.com" in row and "PII201" in row
    section = text.split("## user.contact.email", 1)[1].split("\n## ", 1)[0]
    assert "`Customer.email` (field, tagged by comment) at `shop/models.py:5`" in section
    assert "`logger.info` at `shop/logutil.py:8`" in section
    assert "`requests.post` to `api.example.com` (undeclared) at `shop/views.py:10`" in section
    assert "retention 2y" in section
    assert "PII201 at `shop/logutil.py:8`" in section


def test_deterministic(shop, tmp_path):
    analysis, pack, _ = shop
    twin = tmp_path / analysis.root.name  # the project's name is in the report
    twin.mkdir()
    again, pack2, _ = analyse_shop(twin)
    for fmt in ("markdown", "json", "html"):
        assert render_inventory(fmt, analysis, pack) == render_inventory(fmt, again, pack2)


def test_cli_inventory(tmp_path):
    from conftest import run_cli
    from test_graph_export import make_shop

    make_shop(tmp_path)
    result = run_cli("inventory", "--format", "markdown", "--no-cache", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "user.contact.email" in result.stdout


def test_html_page(shop):
    """The record of processing as a page: categories x recipients, stores with retention
    and erasure path, logs, findings per category, every cell linked to the data map."""
    analysis, pack, _ = shop
    page = render_inventory("html", analysis, pack)
    assert page.startswith("<!doctype html>") and "default-src 'none'" in page
    assert "Personal data inventory: tiny-shop" in page
    for anchor in ('id="sent"', 'id="stores"', 'id="logs"', 'id="findings"'):
        assert anchor in page
    # A cell of the matrix: email sent to an undeclared host, linked to its flows on the map.
    assert 'href="data-map.html#category=user.contact.email&amp;dest=api.example.com"' in page
    assert 'class="cell bad"' in page
    # The store: retention from the configuration, and no erasure path (PII401).
    store = page.split('id="stores"', 1)[1].split('id="logs"', 1)[0]
    assert "Customer" in store and "2y" in store and "none (PII401)" in store
    # Findings link to their path on the map.
    data = json.loads(render_inventory("json", analysis, pack))
    email = next(c for c in data["categories"] if c["category"] == "user.contact.email")
    f = next(f for f in email["findings"] if f["code"] == "PII201")
    assert f'href="data-map.html#finding={f["id"]}"' in page
    assert analysis.findings[f["id"]].code == "PII201"
    # Nothing to fetch and no script.
    assert "<script" not in page and "http://" not in page.replace("https://", "")
