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
     ["recipients.x.allow", "closest known: contact.email"]),
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


def _tree(root: Path, files: list[str]) -> None:
    for rel in files:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("x = 1\n", encoding="utf-8")


TREE = ["shop/models.py", "shop/tests/test_models.py", "shop/migrations/0001_initial.py", "shop/testing/factories.py",
        "conftest.py", "shop/views_test.py", "test_top.py", "shop/testimonials.py", "shop/tests.py",
        "shop/testapp/models.py", "test_project/settings.py"]


def test_test_code_and_migrations_are_excluded_by_default(tmp_path: Path) -> None:
    from pii_lint.engine import discover

    _tree(tmp_path, TREE)
    settings = config_of(tmp_path, "[tool.pii-lint]\n").settings
    assert discover(tmp_path, settings.excludes) == ["shop/models.py", "shop/testimonials.py"]


def test_exclude_replaces_the_defaults_and_extend_exclude_adds_to_them(tmp_path: Path) -> None:
    from pii_lint.engine import discover

    _tree(tmp_path, TREE)
    replaced = config_of(tmp_path, '[tool.pii-lint]\nexclude = ["migrations/"]\n').settings
    assert "shop/tests/test_models.py" in discover(tmp_path, replaced.excludes)
    assert "shop/migrations/0001_initial.py" not in discover(tmp_path, replaced.excludes)
    extended = config_of(tmp_path, '[tool.pii-lint]\nextend-exclude = ["shop/testimonials.py"]\n').settings
    assert discover(tmp_path, extended.excludes) == ["shop/models.py"]


def test_project_root_without_markers_is_the_folder_run_from(tmp_path: Path, monkeypatch) -> None:
    # An unpacked sdist or wheel has neither pyproject.toml nor .git: a file named inside
    # the folder it is run from is analysed with the whole project, not its own folder.
    if any((folder / m).exists() for folder in (tmp_path, *tmp_path.parents) for m in ("pyproject.toml", ".git")):
        pytest.skip("a marker above the temporary folder")
    deep = tmp_path / "pkg" / "sub"
    deep.mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    assert find_project_root([deep / "views.py"]) == tmp_path
    (tmp_path / "pkg" / "x.py").write_text("", encoding="utf-8")
    monkeypatch.chdir(deep)
    assert find_project_root([tmp_path / "pkg" / "x.py"]) == tmp_path / "pkg"  # not under the folder run from
