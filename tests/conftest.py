import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
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


SCHEMA = REPO / "tests" / "artifacts" / "sarif-2.1.0-rtm.5.json"
FETCH = REPO / "tests" / "support" / "fetch_sarif_schema.sh"


@pytest.fixture(scope="session")
def sarif_schema() -> dict:
    """The official SARIF 2.1.0 schema, fetched once with npm when missing.

    Missing schema is a failure, not a skip: a SARIF test that silently does not run
    would let invalid logs reach code scanning. PII_LINT_OFFLINE=1 allows skipping.
    """
    if not SCHEMA.is_file():
        proc = subprocess.run(["sh", str(FETCH)], capture_output=True, text=True, timeout=300)
        if proc.returncode != 0 or not SCHEMA.is_file():
            why = (f"cannot fetch the SARIF schema with {FETCH} (exit {proc.returncode}): "
                   f"{proc.stderr.strip()[-500:]}")
            if os.environ.get("PII_LINT_OFFLINE") == "1":
                pytest.skip(why)
            pytest.fail(why)
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def validate_sarif(log: dict, schema: dict) -> None:
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    errors = sorted(cls(schema).iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
