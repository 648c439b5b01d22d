"""The pre-commit manifest is valid and its hooks run against a real repository."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@example.invalid", "PATH": "/usr/bin:/bin", "HOME": str(cwd)})


def test_manifest_validates() -> None:
    result = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_try_repo_blocks_a_commit_that_logs_an_email(tmp_path: Path) -> None:
    # try-repo installs from a git repository: copy this checkout's files into one.
    hook_repo = tmp_path / "hook"
    shutil.copytree(REPO, hook_repo, ignore=shutil.ignore_patterns(".git", ".pii-lint-cache", "*.egg-info",
                                                                   "__pycache__", "tests", "benchmarks", "fixtures"))
    _git(hook_repo, "init", "-q")
    _git(hook_repo, "add", "-A")
    _git(hook_repo, "commit", "-qm", "hook")
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.pii-lint]\n", encoding="utf-8")
    (project / "app.py").write_text("import logging\n\n\ndef signup(email):\n    logging.info(email)\n", encoding="utf-8")
    (project / "clean.py").write_text("def add(a, b):\n    return a + b\n", encoding="utf-8")
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(tmp_path),
           "PRE_COMMIT_HOME": str(tmp_path / "pc-cache")}
    result = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "pii-lint", "--all-files"],
                            cwd=project, capture_output=True, text=True, env=env, timeout=900)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "app.py:5:5: PII201" in result.stdout
    clean = subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "pii-lint", "--files", "clean.py"],
                           cwd=project, capture_output=True, text=True, env=env, timeout=900)
    assert clean.returncode == 0, clean.stdout + clean.stderr
