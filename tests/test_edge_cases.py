"""Cases found in review, each a small project run through the whole engine."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pii_lint.config import load_config
from pii_lint.engine import analyse
from pii_lint.packs import load_pack

MODELS = """\
from django.db import models

class Customer(models.Model):  # pii-retention: 2y
    email = models.EmailField()  # pii: contact.email
    marketing_consent = models.BooleanField()

def forget(pk):
    Customer.objects.filter(pk=pk).delete()
"""


def run(tmp_path: Path, files: dict[str, str], pyproject: str = "[tool.pii-lint]\n") -> set[tuple[str, int, str]]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    config = load_config(tmp_path)
    analysis = analyse(config, load_pack(config.settings.pack, tmp_path), use_cache=False)
    return {(f.location.path, f.location.line, f.code) for f in analysis.findings}


def test_scripts_with_the_same_name_are_both_analysed(tmp_path: Path) -> None:
    body = "import logging\n\ndef run(email):\n    logging.info(email)\n"
    found = run(tmp_path, {"scripts/export.py": body, "jobs/export.py": body})
    assert {("scripts/export.py", 4, "PII201"), ("jobs/export.py", 4, "PII201")} <= found


def test_the_host_comes_from_the_url_argument(tmp_path: Path) -> None:
    pyproject = '[tool.pii-lint.recipients.shipfast]\nhosts = ["api.shipfast.example"]\nallow = ["contact.email"]\n'
    found = run(tmp_path, {"app/__init__.py": "", "app/models.py": MODELS, "app/send.py": """\
        import requests
        from app.models import Customer

        def send(c: Customer):
            requests.post("https://tracker.example/t", json={"e": c.email, "via": "https://api.shipfast.example/x"})
            requests.post("https://api.shipfast.example/v1", json={"e": c.email, "ref": "https://tracker.example"})
        """}, pyproject)
    assert ("app/send.py", 5, "PII203") in found
    assert ("app/send.py", 6, "PII203") not in found


@pytest.mark.parametrize("guard, expected", [
    ("if c.marketing_consent:\n        push(c)", False),
    ("if not c.marketing_consent:\n        push(c)", True),
    ("if c.marketing_consent is False:\n        return\n    push(c)", False),
    ("if c.marketing_consent:\n        return\n    push(c)", True),
])
def test_consent_guards_read_their_negation(tmp_path: Path, guard: str, expected: bool) -> None:
    found = run(tmp_path, {"app/__init__.py": "", "app/models.py": MODELS, "app/news.py": f"""\
import mailchimp_marketing
from app.models import Customer

client = mailchimp_marketing.Client()

def push(c: Customer):
    client.lists.add_list_member("l", {{"email_address": c.email}})

def signup(c: Customer):
    {guard}

def weekly(c: Customer):
    if c.marketing_consent:
        push(c)
        push(c)
"""}, '[tool.pii-lint.recipients.news]\nsdk = "mailchimp"\npurpose = "marketing.communications.email"\n'
          'allow = ["contact.email"]\n')
    assert (("app/news.py", 7, "PII204") in found) is expected


def test_a_cache_timeout_of_none_never_expires(tmp_path: Path) -> None:
    found = run(tmp_path, {"app/__init__.py": "", "app/models.py": MODELS, "app/cache.py": """\
        from django.core.cache import cache
        from app.models import Customer

        def remember(c: Customer, ttl):
            cache.set("k", c.email, timeout=None)
            cache.set("k", c.email, timeout=60)
            cache.set("k", c.email, timeout=ttl)
        """})
    cached = {line for path, line, code in found if code == "PII301" and path == "app/cache.py"}
    assert cached == {5}


def test_apply_async_passes_its_arguments_to_the_task(tmp_path: Path) -> None:
    found = run(tmp_path, {"app/__init__.py": "", "app/models.py": MODELS, "app/tasks.py": """\
        import logging
        from celery import shared_task
        from app.models import Customer

        @shared_task
        def notify(address):
            logging.info("notify %s", address)

        def queue(c: Customer):
            notify.apply_async(args=(c.email,))
        """})
    assert ("app/tasks.py", 7, "PII201") in found


def test_comprehension_variables_do_not_leak(tmp_path: Path) -> None:
    found = run(tmp_path, {"app/__init__.py": "", "app/models.py": MODELS, "app/views.py": """\
        import logging
        from app.models import Customer

        def names(customers: list[Customer]):
            item = "static"
            emails = [item.email for item in customers]
            logging.info(item)
            return emails
        """})
    assert ("app/views.py", 7, "PII201") not in found


def test_retention_must_be_a_period(tmp_path: Path) -> None:
    """A retention that is no period is PII901 at the class; it is ignored, so PII301 holds."""
    found = run(tmp_path, {"app/__init__.py": "", "app/models.py": MODELS.replace("2y", "forever")})
    assert ("app/models.py", 3, "PII901") in found
    assert ("app/models.py", 3, "PII301") in found


def test_only_blanking_personal_fields_erases(tmp_path: Path) -> None:
    models = MODELS.replace("Customer.objects.filter(pk=pk).delete()",
                            "Customer.objects.filter(pk=pk).update(marketing_consent=None)")
    assert ("app/models.py", 3, "PII401") in run(tmp_path, {"app/__init__.py": "", "app/models.py": models})
    erased = models.replace("update(marketing_consent=None)", 'update(email="")')
    assert ("app/models.py", 3, "PII401") not in run(tmp_path, {"app/__init__.py": "", "app/models.py": erased})


def test_a_framework_delete_view_is_an_erasure_path(tmp_path: Path) -> None:
    models = MODELS.replace("def forget(pk):\n    Customer.objects.filter(pk=pk).delete()\n", "")
    files = {"app/__init__.py": "", "app/models.py": models}
    assert ("app/models.py", 3, "PII401") in run(tmp_path / "a", files)
    files["app/views.py"] = """\
        from django.views.generic import DeleteView
        from app.models import Customer

        class CustomerDelete(DeleteView):
            model = Customer
            success_url = "/"
        """
    assert ("app/models.py", 3, "PII401") not in run(tmp_path / "b", files)


def test_classes_loaded_by_name_are_the_classes(tmp_path: Path) -> None:
    found = run(tmp_path, {"app/__init__.py": "", "app/models.py": MODELS, "app/views.py": """\
        import logging
        from django.apps import apps

        Customer = apps.get_model("app", "Customer")

        def show(pk):
            c = Customer.objects.get(pk=pk)
            logging.info(c.email)
        """})
    assert ("app/views.py", 8, "PII201") in found


def test_a_base_class_read_from_a_module_value(tmp_path: Path) -> None:
    """Flask-SQLAlchemy's ``db.Model``: the base is an attribute of a value, whose class is
    only known once the whole project is indexed."""
    found = run(tmp_path, {"app/__init__.py": "", "app/models.py": """\
        import logging
        from flask_sqlalchemy import SQLAlchemy

        db = SQLAlchemy()
        log = logging.getLogger(__name__)

        class User(db.Model):  # pii-retention: 1y
            email = db.Column(db.String, info={"pii": "contact.email"})

            def touch(self):
                self.seen = True
                log.info(self.email)
        """})
    assert ("app/models.py", 12, "PII201") in found


def test_a_raw_password_written_to_its_column_is_stored(tmp_path: Path) -> None:
    found = run(tmp_path, {"app/__init__.py": "", "app/models.py": """\
        from django.contrib.auth.hashers import make_password
        from django.db import models

        class Account(models.Model):  # pii-retention: 1y
            password = models.CharField(max_length=128)  # pii: authorization.password

        def forget(pk):
            Account.objects.filter(pk=pk).delete()

        def change(account: Account, raw):
            account.password = raw
            account.password = make_password(raw)
            account.save()

        def signup(form):
            account = Account()
            account.password = form.cleaned_data["password"]
        """})
    stored = {line for path, line, code in found if code == "PII102"}
    assert stored == {17}  # the raw form value; `raw` is not known to be a password


def test_newer_grammar_says_which_python_it_needs(tmp_path: Path) -> None:
    """PEP 701 f-strings (3.12) under an older Python: a PII900 that says so, at CPython's
    line and column, never "syntax error"; under 3.12 and later the file is analysed."""
    import sys

    from pii_lint.extraction import extract

    source = 'import logging\n\n\ndef f(user):\n    logging.info(f"{user["email"]}")\n'
    facts = extract(source, "app.py", "app", lambda name: None)
    if sys.version_info < (3, 12):
        assert facts.error == "needs Python >= 3.12 to parse; run pii-lint under the project's Python"
        assert (facts.error_line, facts.error_col) == (5, 27)  # where CPython stops: the inner quote
    else:
        assert facts.error is None
    broken = extract("def f(:\n    pass\n", "b.py", "b", lambda name: None)
    assert broken.error.startswith("syntax error") and (broken.error_line, broken.error_col) == (1, 7)


def test_python2_except_clause_is_called_python2_not_newer_grammar() -> None:
    """`except ValueError, e:` is Python 2 (Python 3.14 would read it as two exception classes):
    the PII900 says so rather than advising a newer interpreter; PEP 758's form still does."""
    import sys

    from pii_lint.extraction import extract

    py2 = extract("try:\n    pass\nexcept (IOError, OSError), e:\n    pass\n", "old.py", "old", lambda name: None)
    if sys.version_info < (3, 14):
        assert py2.error == "syntax error: Python 2 code (`except X, e:`); pii-lint reads Python 3"
        pep758 = extract("try:\n    pass\nexcept ValueError, TypeError:\n    pass\n", "n.py", "n", lambda name: None)
        assert pep758.error == "needs Python >= 3.14 to parse; run pii-lint under the project's Python"


def test_messages_name_every_category_most_sensitive_first(tmp_path: Path) -> None:
    """A username and a plaintext password in one log line: the password leads, its path is
    the one shown, and sources are named as the code reads them."""
    from pii_lint.config import load_config as _load

    root = tmp_path
    (root / "pyproject.toml").write_text("[tool.pii-lint]\n", encoding="utf-8")
    (root / "views.py").write_text(
        "import logging\n\nlog = logging.getLogger(__name__)\n\n\ndef login(request):\n"
        "    username = request.POST[\"username\"]\n    secret = request.POST[\"password\"]\n"
        "    log.info(\"login %s %s\", username, secret)\n", encoding="utf-8")
    config = _load(root)
    found = [f for f in analyse(config, load_pack("shop", root), use_cache=False).findings if f.code == "PII201"]
    assert len(found) == 1
    message = found[0].message
    assert message.startswith("PII201 authorization.password, account.username (inferred from the name "
                              "request.POST[\"password\"] and 1 more source) reach logging via log.info"), message
    assert found[0].steps[0].location.line == 8  # the password's path, not the username's


def test_a_record_written_as_text_shows_what_its_str_shows(tmp_path: Path) -> None:
    """A CSV cell holding a record is its str(); a pickle holds every field."""
    (tmp_path / "pyproject.toml").write_text("[tool.pii-lint]\n", encoding="utf-8")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "export.py").write_text(textwrap.dedent('''\
        import csv
        import pickle
        from django.db import models

        class Customer(models.Model):  # pii-retention: 2y
            email = models.EmailField()  # pii: contact.email
            phone = models.CharField(max_length=20)  # pii: contact.phone_number

            def __str__(self):
                return self.email

        def as_csv(response):
            writer = csv.writer(response)
            for customer in Customer.objects.all():
                writer.writerow([customer.pk, customer])

        def as_pickle(stream):
            pickle.dump(list(Customer.objects.all()), stream)

        def forget(pk):
            Customer.objects.filter(pk=pk).delete()
        '''), encoding="utf-8")
    config = load_config(tmp_path)
    findings = [f for f in analyse(config, load_pack(config.settings.pack, tmp_path), use_cache=False).findings
                if f.code == "PII303"]
    assert {f.location.line: f.categories for f in findings} == {
        15: ("user.contact.email",),
        18: ("user.contact.email", "user.contact.phone_number"),
    }


def test_the_collector_thresholds_of_the_host_come_back(tmp_path: Path) -> None:
    """analyse() collects cycles less often while it runs; flake8's process keeps its own setting."""
    import gc

    before = gc.get_threshold()
    gc.set_threshold(1234, 5, 6)
    try:
        assert run(tmp_path, {"app/models.py": MODELS}) == set()
        assert gc.get_threshold() == (1234, 5, 6)
    finally:
        gc.set_threshold(*before)


def test_an_attribute_of_a_call_result_is_named_by_the_call(tmp_path: Path) -> None:
    """``str(members.get_member(email).address)``: the source is shown as the code reads it,
    not by the call's internal id."""
    (tmp_path / "pyproject.toml").write_text("[tool.pii-lint]\n", encoding="utf-8")
    (tmp_path / "cli.py").write_text(
        "def remove(members, email):\n    member = str(members.get_member(email).address)\n"
        "    print(\"removed %s\" % member)\n", encoding="utf-8")
    found = [f for f in analyse(load_config(tmp_path), load_pack("shop", tmp_path), use_cache=False).findings
             if f.code == "PII201"]
    assert [f.message for f in found] == [
        "PII201 contact.address (inferred from the name get_member().address) reaches logging via print [policy 1.4]"]


@pytest.mark.parametrize("settings, expected", [
    ("", set()),  # Flask-Caching's default timeout (300 s) applies
    ("CACHE_DEFAULT_TIMEOUT = 0\n", {("app.py", 8, "PII301")}),
    ('config = {"CACHE_TYPE": "RedisCache", "CACHE_DEFAULT_TIMEOUT": None}\n', {("app.py", 8, "PII301")}),
])
def test_a_cache_write_without_a_timeout_gets_the_default_one(tmp_path: Path, settings: str, expected) -> None:
    app = ("from flask import Flask\nfrom flask_caching import Cache\n\napp = Flask(__name__)\ncache = Cache(app)\n\n"
           "def remember(customer_email):\n    cache.set('visitor', customer_email)\n")
    assert {f for f in run(tmp_path, {"app.py": app, "config.py": settings}) if f[2] == "PII301"} == expected


@pytest.mark.parametrize("switch, reported", [
    ("DEBUG_MAIL = False\n", False),
    ("DEBUG_MAIL = False\nDEBUG_MAIL = True\n", True),  # bound twice: it may be on
    ("DEBUG_MAIL = False\nfrom local_settings import *\n", True),  # the star import may turn it on
    ("DEBUG_MAIL = True\n", True),
])
def test_code_behind_a_switch_that_is_off_for_good_is_not_read(tmp_path: Path, switch: str, reported: bool) -> None:
    code = switch + "\n\ndef remind(user):\n    if DEBUG_MAIL:\n        print(user.email)\n"
    line = code.splitlines().index("        print(user.email)") + 1
    found = {f for f in run(tmp_path, {"jobs.py": code}) if f[2] == "PII201"}
    assert found == ({("jobs.py", line, "PII201")} if reported else set())


def test_a_view_querying_get_user_model_inline_is_analysed(tmp_path: Path) -> None:
    """``queryset = get_user_model().objects.all()`` in a class body (django-helpdesk's API):
    finding the user model reads class bodies, which must not ask for the user model again."""
    found = run(tmp_path, {"api.py": """\
        import logging
        from django.contrib.auth import get_user_model
        from rest_framework import viewsets

        logger = logging.getLogger(__name__)


        class UserViewSet(viewsets.ModelViewSet):
            queryset = get_user_model().objects.all()

            def perform_destroy(self, instance):
                logger.info("deleting %s", get_user_model().objects.get(pk=instance.pk))
        """})
    assert found == {("api.py", 12, "PII201")}
