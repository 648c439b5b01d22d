"""The command as a user runs it: exit codes, formats, selection, noqa, errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import run_cli

MODELS = '''\
from django.db import models


class Customer(models.Model):  # pii-retention: 2y
    email = models.EmailField()  # pii: contact.email
    loyalty_points = models.IntegerField()
'''
HELPERS = '''\
def greeting(value):
    return "Hello " + value
'''
VIEWS = '''\
import logging

from shop.helpers import greeting
from .models import Customer

log = logging.getLogger(__name__)


def show(pk):
    customer = Customer.objects.get(pk=pk)
    log.info(greeting(customer.email))
    log.info("points: %s", customer.loyalty_points)
    log.warning(customer.email)  # noqa: PII201
    log.error(customer.email)  # noqa: PII201 -- support asked for it


def forget(pk):
    Customer.objects.filter(pk=pk).delete()
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.pii-lint]\n", encoding="utf-8")
    pkg = tmp_path / "shop"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "models.py").write_text(MODELS, encoding="utf-8")
    (pkg / "helpers.py").write_text(HELPERS, encoding="utf-8")
    (pkg / "views.py").write_text(VIEWS, encoding="utf-8")
    return tmp_path


def test_check_reports_cross_module_flow_and_exits_1(project: Path) -> None:
    result = run_cli("check", str(project), "--format", "concise", "--no-cache")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines == [
        "shop/views.py:11:5: PII201 contact.email (Customer.email) reaches logging via log.info [policy 1.4]"
    ]


def test_noqa_with_reason_is_kept_as_suppressed_in_json(project: Path) -> None:
    result = run_cli("check", str(project), "--format", "json", "--no-cache")
    data = json.loads(result.stdout)
    by_line = {f["line"]: f for f in data["findings"]}
    assert by_line[14]["suppressed"] == {"kind": "noqa", "reason": "support asked for it"}
    assert 13 not in by_line  # bare noqa drops the finding
    assert by_line[11]["path_steps"][0]["path"] == "shop/models.py"
    assert any("greeting" in s["description"] for s in by_line[11]["path_steps"])


def test_select_ignore_and_exit_zero(project: Path) -> None:
    assert run_cli("check", str(project), "--ignore", "PII201", "--no-cache").returncode == 0
    assert run_cli("check", str(project), "--select", "PII2", "--no-cache").returncode == 1
    assert run_cli("check", str(project), "--exit-zero", "--no-cache").returncode == 0


def test_path_argument_limits_the_report_not_the_analysis(project: Path) -> None:
    only_helpers = run_cli("check", str(project / "shop" / "helpers.py"), "--format", "concise", "--no-cache")
    assert only_helpers.returncode == 0 and only_helpers.stdout.strip() == ""
    only_views = run_cli("check", str(project / "shop" / "views.py"), "--format", "concise", "--no-cache")
    assert "shop/views.py:11:5: PII201" in only_views.stdout


def test_syntax_error_is_pii900_and_the_run_goes_on(project: Path) -> None:
    (project / "shop" / "broken.py").write_text("def broken(:\n    pass\n", encoding="utf-8")
    result = run_cli("check", str(project), "--format", "concise", "--no-cache")
    assert result.returncode == 1
    assert "shop/broken.py:1:12: PII900" in result.stdout  # where CPython reports it
    assert "shop/views.py:11:5: PII201" in result.stdout
    assert "Traceback" not in result.stderr


def test_cache_gives_the_same_answer(project: Path) -> None:
    cold = run_cli("check", str(project), "--format", "json")
    assert (project / ".pii-lint-cache" / ".gitignore").is_file()
    warm = run_cli("check", str(project), "--format", "json")
    assert cold.stdout == warm.stdout
    (project / "shop" / "views.py").write_text(VIEWS.replace("log.info(greeting", "print(greeting"), encoding="utf-8")
    changed = run_cli("check", str(project), "--format", "concise")
    assert "via print" in changed.stdout


@pytest.mark.parametrize(
    "pyproject, expected",
    [
        ("[tool.pii-lint\n", "TOML error"),
        ("[tool.pii-lint]\nunknown_key = 1\n", "unknown_key: unknown key"),
        ("[tool.pii-lint]\nexlude = []\n", "exlude: unknown key; did you mean `exclude`?"),
        ('[tool.pii-lint.recipients.crm]\nhosts = ["crm.example"]\nallows = ["email"]\n', "did you mean `allow`?"),
        ("[tool.pii-lint]\ninfer = 3\n", "infer"),
        ('[tool.pii-lint]\ninfer = "yes"\n', 'infer: must be true, false or "suggest"'),
        ('[tool.pii-lint.fields]\n"shop.models.Customer.email" = "contact.emial"\n', "closest known: contact.email"),
        ('[tool.pii-lint]\npack = "./nowhere"\n', "nowhere"),
    ],
)
def test_bad_configuration_is_one_line_and_exit_2(project: Path, pyproject: str, expected: str) -> None:
    (project / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    result = run_cli("check", str(project), "--no-cache")
    assert result.returncode == 2
    err = result.stderr.strip().splitlines()
    assert len(err) == 1 and expected in err[0], result.stderr
    assert "Traceback" not in result.stderr


def test_rules_and_explain() -> None:
    rules = run_cli("rules")
    assert rules.returncode == 0
    for code in ("PII101", "PII201", "PII401", "PII900"):
        assert code in rules.stdout
    page = run_cli("explain", "PII201")
    assert page.returncode == 0 and "personal-data-logged" in page.stdout
    assert run_cli("explain", "PII999").returncode == 2


def test_a_tag_typo_and_a_config_entry_naming_no_field_are_findings_and_the_run_goes_on(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.pii-lint]\n\n[tool.pii-lint.fields]\n"shop.models.Customr.email" = "contact.email"\n', encoding="utf-8")
    models = project / "shop" / "models.py"
    models.write_text(models.read_text(encoding="utf-8").replace("# pii: contact.email", "# pii: contact.emial"),
                      encoding="utf-8")
    result = run_cli("check", str(project), "--format", "concise", "--no-cache")
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("pyproject.toml:4:1: PII901") and "closest field: shop.models.Customer.email" in line
               for line in lines), lines
    assert any("PII901" in line and "contact.emial" in line and "closest known: contact.email" in line
               for line in lines), lines
    assert any("PII201" in line for line in lines), lines  # the rest was analysed


def test_usage_mistakes_are_one_line_and_paths_are_relative_to_where_you_stand(project: Path) -> None:
    for args in (("--format", "nonsense"), ("--jobs", "-1"), ("--jobs", "two")):
        result = run_cli("check", str(project), *args)
        assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert result.stderr.startswith("pii-lint: error: ")
    assert run_cli("check", str(project), "--jobs", "0", "--no-cache").returncode == 1  # 0: one per core
    inside = run_cli("check", ".", "--format", "concise", "--no-cache", cwd=project / "shop")
    assert inside.stdout.startswith("views.py:11:5: PII201"), inside.stdout  # as flake8 prints them
    above = run_cli("check", project.name, "--format", "concise", "--no-cache", cwd=project.parent)
    assert above.stdout.startswith(f"{project.name}/shop/views.py:11:5: PII201"), above.stdout


def test_the_cache_lives_at_the_project_root_or_in_the_user_cache(tmp_path: Path) -> None:
    from pii_lint.cache import CACHE_DIR, cache_home

    anchored = tmp_path / "proj"
    anchored.mkdir()
    (anchored / "pyproject.toml").write_text("", encoding="utf-8")
    assert cache_home(anchored) == anchored / CACHE_DIR
    loose = tmp_path / "loose"
    loose.mkdir()
    (loose / "app.py").write_text("import logging\n\n\ndef f(email):\n    logging.info(email)\n", encoding="utf-8")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    assert run_cli("check", str(loose), env=env).returncode == 1
    assert not (loose / CACHE_DIR).exists()
    assert list((tmp_path / "xdg" / "pii-lint").iterdir())


def test_init_writes_what_the_code_needs_and_adds_only_what_is_missing(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "app").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[project]\nname = "p"\n# keep this comment\n', encoding="utf-8")
    (project / "app" / "__init__.py").write_text("", encoding="utf-8")
    (project / "app" / "models.py").write_text(
        "import requests\nfrom django.db import models\n\n\nclass Customer(models.Model):\n"
        "    email = models.EmailField()\n\n    def forget(self):\n        self.delete()\n\n\n"
        "def ship(c: Customer):\n    requests.post(\"https://api.shipfast.example/v1\", json={\"email\": c.email})\n",
        encoding="utf-8")
    first = run_cli("init", str(project), "--no-cache", "--baseline")
    assert first.returncode == 0, first.stderr
    text = (project / "pyproject.toml").read_text(encoding="utf-8")
    assert text.startswith('[project]\nname = "p"\n# keep this comment\n')
    assert '[tool.pii-lint.recipients.shipfast]\nhosts = ["api.shipfast.example"]\npurpose = "TODO"' in text
    assert 'allow = ["contact.email"]' in text and '# "app.models.Customer" = "1y"' in text
    assert "Django: migrations/" in text
    assert (project / "pii-baseline.json").is_file() and "pii-lint check" in first.stdout
    again = run_cli("init", str(project), "--no-cache")
    assert again.returncode == 0 and (project / "pyproject.toml").read_text(encoding="utf-8") == text
    check = run_cli("check", str(project), "--no-cache")
    assert check.returncode == 0, check.stdout  # PURPOSE TODO is valid config; the baseline holds the rest


def test_a_recipient_that_matches_nothing_gets_a_warning_line(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.pii-lint.recipients.crm]\nhosts = ["crm.nowhere.example"]\npurpose = "marketing.advertising"\n',
        encoding="utf-8")
    for extra in (("--no-cache",), (), ()):  # cold, then filling and reading the cache: the same line
        result = run_cli("check", str(project), *extra)
        assert result.returncode == 1
        assert result.stderr.strip().splitlines() == [
            "pii-lint: warning: pyproject.toml: [tool.pii-lint] recipients.crm: no call in the code sends to it "
            "(its hosts, sdk and urls match nothing); the entry has no effect"], result.stderr


def test_unused_noqa_has_a_safe_fix(tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    (project / "pyproject.toml").write_text("[tool.pii-lint]\n", encoding="utf-8")
    app = project / "app.py"
    app.write_text(
        "import logging\n\nlog = logging.getLogger(__name__)\n\n\ndef notify(customer):\n"
        "    log.info(\"sent to %s\", customer.phone)  # noqa: PII2O1 -- reviewed\n"
        "    log.info(\"member %s\", customer.pk)  # noqa: PII201, E501 -- reviewed\n"
        "    log.info(\"member %s\", customer.pk)  # noqa: PII201  # keep me\n", encoding="utf-8")
    fixed = run_cli("check", str(project), "--fix", "--no-cache", "--format", "concise")
    assert fixed.returncode == 1  # the misspelt noqa hid nothing: its PII201 is still reported
    assert app.read_text(encoding="utf-8").splitlines()[6:] == [
        "    log.info(\"sent to %s\", customer.phone)",
        "    log.info(\"member %s\", customer.pk)  # noqa: E501 -- reviewed",
        "    log.info(\"member %s\", customer.pk)  # keep me",
    ]
    assert [line.split(" ")[1] for line in fixed.stdout.splitlines()] == ["PII201"]
