"""The robustness corpus: the interpreter's standard library and three real shops
(django-oscar, saleor, shuup, downloaded with pip) analysed with no crash, no exit 2 and
no PII900 on a file CPython compiles. Slow (about a minute); it runs in CI."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO

SCRIPT = REPO / "tests" / "support" / "corpus_check.py"
DOWNLOADS = REPO / "tests" / "artifacts" / "corpus-downloads"


def test_real_code_is_analysed_without_a_crash(tmp_path) -> None:
    out = tmp_path / "corpus.json"
    proc = subprocess.run([sys.executable, str(SCRIPT), "--downloads", str(DOWNLOADS), "--json", str(out)],
                          capture_output=True, text=True, timeout=1800)
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    results = {r["corpus"]: r for r in json.loads(out.read_text())}
    assert set(results) == {"stdlib", "oscar", "saleor", "shuup"}
    assert results["oscar"]["files"] > 400 and results["saleor"]["files"] > 800 and results["shuup"]["files"] > 1000
    assert all(not r["problems"] for r in results.values())
