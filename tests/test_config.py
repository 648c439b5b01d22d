"""[tool.pii-lint] is validated, and everything it names must exist in the pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from pii_lint.config import find_project_root, load_config, validate_against_pack
from pii_lint.errors import ConfigError
from pii_lint.packs import load_pack

PACK = load_pack("shop")


def config_of(tmp_path: Path, text: str):
    (tmp_path / "pyproject.toml").write_text(text, encoding="utf-8")
    return load_config(tmp_path)


def test_defaults_without_a_table(tmp_path: Path) -> None:
    settings = config_of(tmp_path, "[project]\nname = 'x'\n").settings
    assert settings.pack == "shop" and settings.infer is True and settings.recipients == {}


def test_full_table(tmp_path: Path) -> None:
    config = config_of(tmp_path, """
[tool.pii-lint]
infer = "suggest"
exclude = ["migrations/"]

[tool.pii-lint.recipients.newsletter]
sdk = "mailchimp"
purpose = "marketing.communications.email"
allow = ["contact.email", "name.first"]

[tool.pii-lint.fields]
"shop.models.Order.gift_message" = "content.private"
"shop.models.Order.names" = ["name.first", "name.last"]

[tool.pii-lint.retention]
"shop.models.Order" = "7y"
""")
    validate_against_pack(config, PACK)
    s = config.settings
    assert s.infer == "suggest"
    assert s.field_tags() == {"shop.models.Order.gift_message": ("content.private",),
                              "shop.models.Order.names": ("name.first", "name.last")}
    assert s.retention == {"shop.models.Order": "7y"}


@pytest.mark.parametrize("table, words", [
    ('[tool.pii-lint.retention]\n"a.B" = "forever"\n', ["retention", "forever"]),
    ('[tool.pii-lint.recipients.x]\nsdk = "faxmachine"\n', ["recipients.x.sdk", "faxmachine", "mailchimp"]),
    ('[tool.pii-lint.recipients.x]\nhosts = ["a.example"]\nallow = ["contact.emial"]\n',
     ["recipients.x.allow", "user.contact.email"]),
    ('[tool.pii-lint.recipients.x]\npurpose = "marketing"\n', ["recipients.x", "hosts, sdk or urls"]),
    ('[tool.pii-lint]\nselect = ["PII999"]\n', ["select", "PII999"]),
    ('[tool.pii-lint]\ninfer = "sometimes"\n', ["infer"]),
])
def test_errors_name_the_key(tmp_path: Path, table: str, words: list[str]) -> None:
    with pytest.raises(ConfigError) as err:
        validate_against_pack(config_of(tmp_path, table), PACK)
    message = str(err.value)
    assert "\n" not in message and "pyproject.toml" in message
    for word in words:
        assert word in message


def test_project_root_is_the_nearest_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert find_project_root([deep]) == tmp_path
    (deep / "pyproject.toml").write_text("", encoding="utf-8")
    assert find_project_root([deep / "x.py"]) == deep
