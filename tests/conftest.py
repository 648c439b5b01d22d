import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


def run_cli(*args: str, cwd: Path | None = None, env=None):
    """Run ``python -m pii_lint`` in a subprocess, as a user would."""
    import subprocess

    return subprocess.run([sys.executable, "-m", "pii_lint", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=600)
