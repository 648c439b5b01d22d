"""flake8 reports, file by file, exactly what `pii-lint check` reports, cross-module flows included."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, run_cli


def _flake8(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flake8", "--select", "PII", *args, "."], cwd=project,
                          capture_output=True, text=True, timeout=600)


FIX_HINTS = (" (fix: pii-lint check --fix)", " (fix: pii-lint check --fix --unsafe-fixes)")


def _normalise(lines: str) -> list[str]:
    """flake8's lines as `check --format concise` prints them: flake8 alone says how to fix."""
    out = []
    for line in lines.strip().splitlines():
        if line.strip():
            for hint in FIX_HINTS:
                line = line.removesuffix(hint)
            out.append(line.removeprefix("./"))
    return sorted(out)


def test_flake8_j2_matches_check_on_the_sample_shop(tmp_path: Path) -> None:
    project = tmp_path / "shop"
    shutil.copytree(FIXTURES / "shop", project)
    check = run_cli("check", str(project), "--format", "concise", "--no-cache")
    assert check.returncode == 1, check.stderr
    flake = _flake8(project, "-j2")
    assert "Traceback" not in flake.stderr, flake.stderr
    expected = _normalise(check.stdout)
    assert _normalise(flake.stdout) == expected
    assert sum(line.endswith(FIX_HINTS[1]) for line in flake.stdout.splitlines()) == 4
    # The sample shop has flows that cross modules: the source is in another file than the sink.
    assert len(expected) >= 3


def test_flake8_honours_exclude(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "migrations").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.pii-lint]\nexclude = ["migrations/"]\n', encoding="utf-8")
    body = "import logging\n\ndef f(email):\n    logging.info(email)\n"
    (project / "migrations" / "m.py").write_text(body, encoding="utf-8")
    (project / "app.py").write_text(body, encoding="utf-8")
    out = _normalise(_flake8(project).stdout)
    assert [line.split(":")[0] for line in out] == ["app.py"]


def test_a_tag_typo_is_one_finding_at_the_tag_not_a_failure_everywhere(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.pii-lint]\n", encoding="utf-8")
    (project / "models.py").write_text(
        "from django.db import models\n\n\nclass Customer(models.Model):  # pii-retention: 1y\n"
        "    email = models.EmailField()  # pii: contact.emial\n\n    def forget(self):\n        self.delete()\n",
        encoding="utf-8")
    (project / "views.py").write_text("import logging\n\n\ndef f(phone):\n    logging.info(phone)\n", encoding="utf-8")
    out = _normalise(_flake8(project).stdout)
    # file:line:col: CODE message -> (file, CODE)
    assert [(line.split(":")[0], line.split(" ")[1]) for line in out] == [("models.py", "PII901"), ("views.py", "PII201")], out
    assert "closest known: contact.email" in out[0], out
