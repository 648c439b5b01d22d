"""The wheel carries the rule packs and the page template, and runs from anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import FIXTURES, REPO


def test_wheel_ships_packs_and_runs_from_another_folder(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(REPO)],
                           capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr
    wheel = next(dist.glob("pii_policy_lint-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("pii_lint/bundled_rules/shop/pack.yaml", "pii_lint/bundled_rules/shop/rules/PII201.yaml",
                   "pii_lint/bundled_rules/shop/sinks/log.yaml", "pii_lint/report/graph_page.html",
                   "pii_lint/markers.py"):
        assert needed in names, needed
    assert not any(n.startswith(("fixtures/", "tests/", "rules/")) for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "pii-lint = pii_lint.cli:main" in text and "PII = pii_lint.flake8_plugin:PiiLintChecker" in text

    # A fresh virtual environment, a plain (non-editable) install of the wheel, run from an
    # unrelated folder: what a user gets from `pip install pii-policy-lint`.
    venv_dir = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv_dir)], check=True, timeout=300)
    bindir = venv_dir / ("Scripts" if os.name == "nt" else "bin")
    # Without the caller's PYTHONPATH: a source tree on it (with the egg-info the wheel build
    # leaves in src/) would make pip think the package is installed already.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    install = subprocess.run([str(bindir / "python"), "-m", "pip", "install", "-q", str(wheel)],
                             capture_output=True, text=True, timeout=900, env=env)
    assert install.returncode == 0, install.stderr[-2000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = subprocess.run([str(bindir / "pii-lint"), "check", str(FIXTURES / "shop"), "--no-cache", "--format", "concise"],
                         cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 1, run.stderr
    assert "PII201" in run.stdout
    probe = subprocess.run([str(bindir / "python"), "-c", "import pii_lint; print(pii_lint.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True)
    assert probe.stdout.startswith(str(venv_dir)), probe.stdout
