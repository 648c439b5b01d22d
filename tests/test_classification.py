"""Names that look personal but are not (fixtures/classification, issue 12): the inventory
and the data map set them aside, file hashed passwords as hashed, and name a recipient
whose URL cannot be resolved after the call that sends to it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pii_lint.config import load_config
from pii_lint.engine import analyse
from pii_lint.packs import load_pack
from pii_lint.report.datamap import build_datamap
from pii_lint.report.inventory import render_inventory

ROOT = Path(__file__).resolve().parent.parent / "fixtures" / "classification"


@pytest.fixture(scope="module")
def project():
    config = load_config(ROOT)
    pack = load_pack(config.settings.pack, ROOT)
    return analyse(config, pack, use_cache=False, need_graph=True), pack


@pytest.fixture(scope="module")
def inventory(project):
    return json.loads(render_inventory("json", *project))


def collected(inventory) -> dict[str, set[str]]:
    return {c["category"]: {e["source"] for e in c["collected"]} for c in inventory["categories"]}


def test_project_name_from_pyproject(inventory):
    assert inventory["project"] == "classification-cases"


def _sources(project) -> set[str]:
    analysis = project[0]
    return {info["label"] for info in analysis.builder.sources.values()}


def test_constant_naming_headers_is_not_a_fingerprint(inventory, project):
    assert "user.biometric.fingerprint" not in collected(inventory)
    assert "FINGERPRINT_PARTS" not in _sources(project)  # the engine infers nothing from a setting


def test_service_credentials_are_not_user_credentials(inventory, project):
    passwords = collected(inventory).get("user.authorization.password", set())
    assert "SENDGRID_PASSWORD" not in passwords and 'os.environ.get("SENDGRID_PASSWORD")' not in passwords
    assert "raw_password" in passwords  # a user's password stays
    assert not {"SENDGRID_PASSWORD", 'os.environ.get("SENDGRID_PASSWORD")'} & _sources(project)


def test_masking_helper_parameter_is_not_collected(inventory):
    emails = {(e["source"], e["file"]) for c in inventory["categories"] if c["category"] == "user.contact.email"
              for e in c["collected"]}
    assert ("email", "app/mail.py") not in emails
    assert ("email", "app/models.py") in emails  # register(email, ...) collects it


def test_hashed_password_is_stored_hashed(inventory, project):
    pw = next(c for c in inventory["categories"] if c["category"] == "user.authorization.password")
    (model,) = [s for s in pw["stored"] if s["kind"] == "model"]
    assert model["protected"] == {"password": "hash"}
    (create,) = [s for s in pw["stored"] if s["kind"] == "storage"]
    assert create["sanitized"] == {"raw_password (inferred)": "hash"}
    text = render_inventory("markdown", *project)
    assert "fields password (stored hashed)" in text and "raw_password (inferred) (hashed)" in text


def test_unresolved_url_names_the_recipient_of_the_call(inventory):
    email = next(c for c in inventory["categories"] if c["category"] == "user.contact.email")
    (sent,) = email["sent"]
    assert (sent["recipient"], sent["by_name"], sent["purpose"]) == ("sendgrid", True, "essential.service.operations")


def test_data_map_leaves_them_out(project):
    data = build_datamap(*project)
    labels = {f["label"] for s in data["sources"] for f in s["fields"]}
    assert not labels & {"FINGERPRINT_PARTS", "SENDGRID_PASSWORD", 'os.environ.get("SENDGRID_PASSWORD")'}
    logs = [e for e in data["edges"] if data["destinations"][e["target"]]["label"] == "Logs"]
    assert logs and all(e["sanitized"] for e in logs)  # the masked e-mail: dashed, not red
