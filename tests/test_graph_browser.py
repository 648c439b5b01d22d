"""The value-level HTML graph page (``--level values``) in a real browser: headless Chromium, standard library only.

Chromium (Debian package ``chromium``) must be installed; set PII_LINT_NO_BROWSER=1 to
skip these tests where it cannot be. Every run sends Chromium's traffic to a local
recording proxy that answers 502, so nothing reaches the internet, not even the
browser's own background requests.
"""

from __future__ import annotations

import os
import shutil
import socketserver
import subprocess
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pii_lint.report.graph_export import render_graph
from test_graph_export import analyse_shop, page_data

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def chromium_path() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
    if found:
        return found
    if os.environ.get("PII_LINT_NO_BROWSER") == "1":
        pytest.skip("PII_LINT_NO_BROWSER=1: browser tests skipped")
    pytest.fail("chromium is not installed: run `apt-get update && apt-get install -y chromium`, "
                "or set PII_LINT_NO_BROWSER=1 to skip the browser tests", pytrace=False)


class _Recorder(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        line = self.request.recv(65536).split(b"\r\n", 1)[0].decode("latin-1")
        self.server.seen.append(line)
        self.request.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


@pytest.fixture(scope="module")
def proxy():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Recorder)
    server.daemon_threads = True
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(proxy, tmp_path_factory):
    exe = chromium_path()
    profile = tmp_path_factory.mktemp("chromium-profile")

    def run(url: str, *action: str) -> str:
        args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                f"--user-data-dir={profile}", f"--proxy-server=http://127.0.0.1:{proxy.server_address[1]}",
                "--window-size=1600,1000", "--virtual-time-budget=5000", *action, url]
        result = subprocess.run(args, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout

    return run


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    analysis = analyse_shop(tmp_path_factory.mktemp("shop"))[0]
    path = tmp_path_factory.mktemp("page") / "graph.html"
    path.write_text(render_graph("html", analysis, level="values"), encoding="utf-8")
    return path


class DomScan(HTMLParser):
    """Classes of the drawn nodes and edges, and the page's own resource count."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.nodes: dict[int, set[str]] = {}
        self.edges: list[set[str]] = []
        self.resources = None
        self.feed(text)

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        classes = set((a.get("class") or "").split())
        if tag == "g" and "node" in classes:
            self.nodes[int(a["data-i"])] = classes
        elif tag == "path" and "edge" in classes:
            self.edges.append(classes)
        elif tag == "body":
            self.resources = a.get("data-resources")


def test_page_renders_and_highlights_a_finding(browser, page, proxy):
    data = page_data(page.read_text(encoding="utf-8"))
    before = len(proxy.seen)
    dom = DomScan(browser(page.as_uri() + "#finding=0", "--dump-dom"))
    # (a) the script ran and drew every node and edge
    assert len(dom.nodes) == len(data["nodes"]) > 0
    assert len(dom.edges) == len(data["edges"])
    # (b) no resource was loaded
    assert dom.resources == "0"
    # (c) #finding=0 ran the click handler: its path is highlighted, the rest dimmed
    path = set(data["findings"][0]["path"])
    assert len(path) >= 3
    for i, classes in dom.nodes.items():
        if i in path:
            assert "hl" in classes and "dim" not in classes, (i, classes)
        else:
            assert "dim" in classes and "hl" not in classes, (i, classes)
    assert sum("hl" in e for e in dom.edges) == len(path) - 1
    # The analysed code posts to api.example.com: the page shows that URL but never fetches it.
    assert not [line for line in proxy.seen[before:] if "example.com" in line]


def test_resource_probe_sees_a_leak(browser, page, proxy, tmp_path):
    """Control: the same page without its CSP and with one remote image reports the load,
    so the zero above is a real measurement."""
    text = page.read_text(encoding="utf-8")
    start = text.index('<meta http-equiv="Content-Security-Policy"')
    text = text[:start] + text[text.index(">", start) + 1:]
    text = text.replace("<main>", '<main><img src="https://leak.example.com/pixel.png" alt="">', 1)
    leaky = tmp_path / "leaky.html"
    leaky.write_text(text, encoding="utf-8")
    dom = DomScan(browser(leaky.as_uri(), "--dump-dom"))
    assert dom.resources not in (None, "0")
    assert any("leak.example.com" in line for line in proxy.seen)


def test_screenshot(browser, page):
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "graph-values.png"
    if shot.exists():
        shot.unlink()
    browser(page.as_uri() + "#finding=0", f"--screenshot={shot}")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000


def test_search_and_node_panel(browser, page, tmp_path):
    """Drive the page as a user would (type a query, click a node) with a script run after
    the page's own, then read the result from the DOM."""
    text = page.read_text(encoding="utf-8")
    data = page_data(text)
    message = next(i for i, n in enumerate(data["nodes"]) if n["label"] == "message")
    driver = f"""<script>
      const box = document.getElementById("search");
      box.value = "models.py";
      box.dispatchEvent(new Event("input"));
      const found = [...document.querySelectorAll("#nodes g.match")];
      document.body.dataset.matches = found.map((g) => g.dataset.i).join(",");
      document.querySelector('#nodes g[data-i="{message}"]').dispatchEvent(new MouseEvent("click", {{bubbles: true}}));
    </script></body>"""
    driven = tmp_path / "driven.html"
    driven.write_text(text.replace("</body>", driver, 1), encoding="utf-8")
    dom = browser(driven.as_uri(), "--dump-dom")
    expected = [str(i) for i, n in enumerate(data["nodes"]) if n["file"] == "shop/models.py"]
    assert f'data-matches="{",".join(expected)}"' in dom
    panel = dom[dom.index('<aside id="panel"'):]
    panel = panel[:panel.index("</aside>")]
    assert "hidden" not in panel.split(">", 1)[0]
    assert "shop/logutil.py:7" in panel and "user.contact.email" in panel
    # The source line is shown as text: its markup characters arrive escaped.
    assert "message = f\"contact &lt;{value}&gt; &amp; more\"" in panel
