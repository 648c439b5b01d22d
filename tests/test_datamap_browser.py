"""The data map page in headless Chromium, for the bundled shop (fixtures/shop) and for a
generated project the size of saleor: no console errors, no network, labels of at least
11 px, no panel scrolling sideways, a selected finding's whole path on screen, laid out in
under 2 s. Screenshots go to tests/artifacts/ (gitignored)."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path


from pii_lint.config import load_config
from pii_lint.engine import analyse
from pii_lint.packs import load_pack
from pii_lint.report.graph_export import render_graph
from test_graph_browser import ARTIFACTS, browser, proxy  # noqa: F401  (fixtures)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Runs first: records every error and console.error of the page's own script.
PROBE = """<head><script>
window.__errors = [];
addEventListener("error", (e) => window.__errors.push(String(e.message)));
const __ce = console.error;
console.error = (...a) => { window.__errors.push(a.join(" ")); __ce.apply(console, a); };
</script>"""

# Runs last: measures the page and writes the results into the DOM, which --dump-dom returns.
MEASURE = """<script>
(function () {
  const out = {errors: window.__errors, resources: performance.getEntriesByType("resource").length,
               layoutMs: Number(document.body.dataset.layoutMs), minFont: 99, overflow: [], outside: [],
               steps: 0, edgesSelected: 0, rows: document.querySelectorAll("#rows .row").length};
  const svg = document.getElementById("map"), scale = svg.getScreenCTM().a;
  for (const t of svg.querySelectorAll("text")) {
    if (!t.textContent) continue;
    out.minFont = Math.min(out.minFont, parseFloat(getComputedStyle(t).fontSize) * scale);
  }
  for (const e of document.querySelectorAll("#finding-list button, #panel, header")) {
    out.minFont = Math.min(out.minFont, parseFloat(getComputedStyle(e).fontSize));
  }
  for (const id of ["findings", "map-wrap", "panel"]) {
    const e = document.getElementById(id);
    if (e.scrollWidth > e.clientWidth + 1) out.overflow.push(id + " " + e.scrollWidth + ">" + e.clientWidth);
  }
  if (document.documentElement.scrollWidth > innerWidth + 1) out.overflow.push("page");
  for (const s of document.querySelectorAll("#path li.step")) {
    out.steps++;
    const r = s.getBoundingClientRect();
    if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) out.outside.push(s.dataset.node);
  }
  // The edge of the flow shown has its two ends scrolled into the map's visible part.
  const wrap = document.getElementById("map-wrap").getBoundingClientRect();
  for (const p of document.querySelectorAll("#edges path.sel.primary")) {
    out.edgesSelected++;
    const len = p.getTotalLength();
    for (const at of [0, len]) {
      const pt = p.getPointAtLength(at).matrixTransform(svg.getScreenCTM());
      if (pt.y < wrap.top || pt.y > wrap.bottom) out.outside.push("edge end");
    }
  }
  document.body.dataset.measure = JSON.stringify(out);
})();
</script></body>"""


def instrument(page: str) -> str:
    return page.replace("<head>", PROBE, 1).replace("</body>", MEASURE, 1)


def measure(browser, path: Path, fragment: str = "") -> dict:  # noqa: F811
    dom = browser(path.as_uri() + fragment, "--dump-dom")
    m = re.search(r'data-measure="([^"]*)"', dom)
    assert m, dom[-2000:]
    return json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"))


def screenshot(browser, path: Path, name: str, fragment: str = "") -> Path:  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / name
    if shot.exists():
        shot.unlink()
    browser(path.as_uri() + fragment, f"--screenshot={shot}")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    return shot


def render(root: Path, out: Path) -> tuple[Path, dict]:
    config = load_config(root)
    pack = load_pack(config.settings.pack, root)
    analysis = analyse(config, pack, use_cache=False, need_graph=True)
    page = render_graph("html", analysis)
    out.write_text(page, encoding="utf-8")
    data = json.loads(re.search(r'id="map-data">(.*?)</script>', page, re.S).group(1))
    return out, data


def longest_finding(data) -> int:
    """The finding whose first flow has the most steps: the hardest one to fit."""
    ranked = [(len(data["flows"][f["flows"][0]]["steps"]), -i) for i, f in enumerate(data["findings"]) if f["flows"]]
    return -max(ranked)[1]


def check(browser, proxy, page: Path, data: dict, name: str) -> None:  # noqa: F811
    before = len(proxy.seen)
    instrumented = page.with_name(page.stem + "-measured.html")
    instrumented.write_text(instrument(page.read_text(encoding="utf-8")), encoding="utf-8")
    m = measure(browser, instrumented)
    assert m["errors"] == [] and m["resources"] == 0
    assert m["rows"] == len(data["sources"]) + len(data["destinations"])
    assert m["minFont"] >= 11, m["minFont"]
    assert m["overflow"] == [], m["overflow"]
    assert m["layoutMs"] < 2000, m["layoutMs"]
    n = longest_finding(data)
    m = measure(browser, instrumented, f"#finding={n}")
    assert m["errors"] == [] and m["overflow"] == [], m
    assert m["steps"] == len(data["flows"][data["findings"][n]["flows"][0]]["steps"]) >= 2
    assert m["edgesSelected"] >= 1 and m["outside"] == [], m["outside"]
    # The page names api.*.example hosts but never fetches them (the rest is Chromium's own traffic).
    assert not [line for line in proxy.seen[before:] if ".example" in line]
    screenshot(browser, page, f"datamap-{name}.png")
    screenshot(browser, page, f"datamap-{name}-finding.png", f"#finding={n}")


def test_bundled_shop(browser, proxy, tmp_path):  # noqa: F811
    page, data = render(FIXTURES / "shop", tmp_path / "shop.html")
    assert data["edges"] and any(e["broken"] for e in data["edges"])
    check(browser, proxy, page, data, "shop")


def saleor_sized(root: Path, apps: int = 60) -> Path:
    """A generated shop of saleor's size: apps with models, helpers across modules and every
    kind of destination."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "generated-saleor"\n\n[tool.pii-lint]\npack = "shop"\n\n'
        '[tool.pii-lint.recipients.mailer]\nhosts = ["api.mailer0.example"]\npurpose = "essential.service.operations"\n'
        'allow = ["contact.email"]\n', encoding="utf-8")
    for i in range(apps):
        pkg = root / "saleor" / f"app{i}"
        pkg.mkdir(parents=True)
        (root / "saleor" / "__init__.py").write_text("")
        (pkg / "__init__.py").write_text("")
        models = ["from django.db import models\n"]
        for k in range(3):
            models.append(f"""
class Thing{i}x{k}(models.Model):
    email = models.EmailField()  # pii: contact.email
    phone = models.CharField(max_length=20)  # pii: contact.phone_number
    first_name = models.CharField(max_length=20)  # pii: name.first
    last_name = models.CharField(max_length=20)  # pii: name.last
    street = models.CharField(max_length=20)  # pii: contact.address.street
    sku = models.CharField(max_length=20)
""")
        (pkg / "models.py").write_text("".join(models))
        (pkg / "utils.py").write_text("""
def describe(obj):
    label = f"{obj.first_name} {obj.last_name}"
    return label.strip()


def contact_of(obj):
    return {"email": obj.email, "phone": obj.phone}
""")
        views = [f"""import logging

import requests
from django.core.cache import cache

from saleor.app{i}.models import Thing{i}x0, Thing{i}x1, Thing{i}x2
from saleor.app{i}.utils import contact_of, describe

logger = logging.getLogger(__name__)
API = "https://api.mailer{i % 12}.example/v1"
"""]
        for k in range(3):
            views.append(f"""

def handle{k}(pk):
    thing = Thing{i}x{k}.objects.get(pk=pk)
    logger.info("handled %s", describe(thing))
    requests.post(API, json=contact_of(thing))
    cache.set("thing-%s" % pk, thing.email)
    Thing{i}x{(k + 1) % 3}.objects.create(email=thing.email, street=thing.street)
""")
        (pkg / "views.py").write_text("".join(views))
    return root


def test_saleor_sized_project(browser, proxy, tmp_path):  # noqa: F811
    root = saleor_sized(tmp_path / "saleor")
    start = time.perf_counter()
    page, data = render(root, tmp_path / "saleor.html")
    assert time.perf_counter() - start < 120
    # saleor: about 2,000 value nodes between sources and sinks
    assert len(data["values"]["nodes"]) >= 2000 and len(data["flows"]) >= 1000, (
        len(data["values"]["nodes"]), len(data["sources"]), len(data["flows"]))
    check(browser, proxy, page, data, "saleor-size")


def test_inventory_page(browser, proxy, tmp_path):  # noqa: F811
    from pii_lint.report.inventory import render_inventory

    config = load_config(FIXTURES / "shop")
    pack = load_pack(config.settings.pack, FIXTURES / "shop")
    analysis = analyse(config, pack, use_cache=False, need_graph=True)
    page = tmp_path / "inventory.html"
    page.write_text(render_inventory("html", analysis, pack), encoding="utf-8")
    probe = """<script>document.body.dataset.measure = JSON.stringify({
      wide: document.documentElement.scrollWidth > innerWidth + 1,
      cells: document.querySelectorAll("td.cell a").length,
      resources: performance.getEntriesByType("resource").length});</script></body>"""
    # The page itself has no script (its policy forbids one): measure a copy without the policy.
    measured = tmp_path / "inventory-measured.html"
    text = page.read_text(encoding="utf-8")
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
    measured.write_text(text.replace("</body>", probe, 1), encoding="utf-8")
    dom = browser(measured.as_uri(), "--dump-dom")
    m = json.loads(re.search(r'data-measure="([^"]*)"', dom).group(1).replace("&quot;", '"'))
    assert m == {"wide": False, "cells": m["cells"], "resources": 0} and m["cells"] > 5
    screenshot(browser, page, "inventory-shop.png")
