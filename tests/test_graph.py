"""Name resolution, types of values and realizable paths, on small in-memory projects."""

from __future__ import annotations

import textwrap

import pytest

from pii_lint.config import Settings
from pii_lint.engine import module_name_for
from pii_lint.extraction import extract
from pii_lint.flows import FlowIndex
from pii_lint.graph import GraphBuilder, Project
from pii_lint.packs import load_pack

PACK = load_pack("shop")


def build(files: dict[str, str], **settings) -> GraphBuilder:
    package_dirs = {rel.rsplit("/", 1)[0] for rel in files if rel.endswith("__init__.py")}
    facts = [extract(textwrap.dedent(src), rel, module_name_for(rel, package_dirs), PACK.infer_name)
             for rel, src in files.items()]
    builder = GraphBuilder(Project.build(facts), PACK, Settings(**settings))
    builder.build()
    return builder


def logged(builder: GraphBuilder) -> dict[int, set[str]]:
    """Sink line -> labels of the sources that reach it (PII201)."""
    flows = FlowIndex(builder)
    out: dict[int, set[str]] = {}
    for sink in builder.sinks:
        if sink.kind == "log":
            labels = {builder.sources[s]["label"] for s in flows.reaching(sink.node, "PII201")}
            out[sink.call.line] = labels
    return out


MODELS = """\
from django.db import models

class Customer(models.Model):
    email = models.EmailField()  # pii: contact.email
    points = models.IntegerField()
"""


def test_module_names_follow_packages() -> None:
    dirs = {"src/shop", "src/shop/sub"}
    assert module_name_for("src/shop/models.py", dirs) == "shop.models"
    assert module_name_for("src/shop/sub/__init__.py", dirs) == "shop.sub"
    assert module_name_for("tools/run.py", dirs) == "run"


@pytest.mark.parametrize("imports, use", [
    ("from shop.models import Customer", "Customer"),
    ("from .models import Customer", "Customer"),
    ("from . import models", "models.Customer"),
    ("import shop.models as m", "m.Customer"),
    ("from shop import Customer", "Customer"),  # re-exported by the package
])
def test_imports_resolve_across_modules(imports: str, use: str) -> None:
    builder = build({
        "shop/__init__.py": "from .models import Customer\n",
        "shop/models.py": MODELS,
        "shop/views.py": f"import logging\n{imports}\n\ndef show(pk):\n"
                         f"    c = {use}.objects.get(pk=pk)\n    logging.info(c.email)\n    logging.info(c.points)\n",
    })
    found = logged(builder)
    assert found[6] == {"Customer.email"}
    assert found[7] == set()  # a non-personal field of a typed record carries nothing


def test_methods_self_and_inheritance() -> None:
    builder = build({"app.py": MODELS + """
import logging

class Base:
    customer: Customer

    def contact(self):
        return self.customer.email

class Mailer(Base):
    def __init__(self, customer: Customer):
        self.customer = customer
        self.log = logging.getLogger("mail")

    def send(self):
        self.log.info(self.contact())
"""})
    assert logged(builder)[21] == {"Customer.email"}


def test_a_helper_returns_data_only_to_the_call_that_gave_it() -> None:
    builder = build({"app.py": MODELS + """
import logging

def same(value):
    return value

def views(c: Customer):
    unused = same(c.email)
    logging.info(same("constant"))
    logging.info(same(c.email))
"""})
    found = logged(builder)
    assert found[14] == set()
    assert found[15] == {"Customer.email"}


def test_sanitizers_clear_only_their_rules() -> None:
    builder = build({"app.py": MODELS + """
import hashlib
import logging
import requests

def views(c: Customer):
    digest = hashlib.sha256(c.email.encode()).hexdigest()
    logging.info(digest)
    requests.post("https://x.example", json={"d": digest})
"""})
    flows = FlowIndex(builder)
    by_kind = {s.kind: s for s in builder.sinks}
    assert flows.reaching(by_kind["log"].node, "PII201") == {}
    assert flows.reaching(by_kind["http"].node, "PII203")


def test_infer_false_ignores_names() -> None:
    src = "import logging\n\ndef f(email):\n    logging.info(email)\n"
    assert logged(build({"a.py": src}))[4] == {"email"}
    assert logged(build({"a.py": src}, infer=False))[4] == set()


def test_a_variable_holds_what_was_last_assigned() -> None:
    builder = build({"app.py": MODELS + """
import logging

def views(c: Customer, flag):
    msg = "hello"
    logging.info(msg)
    msg = c.email
    logging.info(msg)
    note = "x"
    if flag:
        note = c.email
    logging.info(note)
    for _ in range(3):
        logging.info(later)
        later = c.email
    if not flag:
        early = c.email
        return
    logging.info(early)
"""})
    found = logged(builder)
    assert found[11] == set()
    assert found[13] == {"Customer.email"}
    assert found[17] == {"Customer.email"}  # either branch
    assert found[19] == {"Customer.email"}  # the previous iteration's value
    assert found[24] == set()  # the branch that set it returned


def test_reading_another_key_of_a_dict_gets_none_of_the_email() -> None:
    builder = build({"app.py": MODELS + """
import logging

def views(c: Customer):
    payload = {"email": c.email, "id": 7}
    logging.info(payload["id"])
    logging.info(payload.get("id"))
    logging.info(payload["email"])
    logging.info(payload)
"""})
    found = logged(builder)
    assert found[11] == set() and found[12] == set()
    assert "Customer.email" in found[13] and found[14] == {"Customer.email"}


def test_keyword_splat_gives_each_parameter_its_own_entry() -> None:
    builder = build({"app.py": MODELS + """
import logging

def submit(basket, address):
    logging.info(basket)
    logging.info(address)

def views(c: Customer):
    data = {"basket": 7, "address": c.email}
    submit(**data)
"""})
    found = logged(builder)
    assert found[10] == set() and "Customer.email" in found[11]


def test_a_parameter_has_the_class_its_callers_pass() -> None:
    builder = build({"app.py": MODELS + """
import logging

def describe(customer):
    logging.info(customer.points)
    logging.info(customer.email)

def views(pk):
    describe(Customer.objects.get(pk=pk))
"""})
    found = logged(builder)
    assert found[10] == set()  # a non-personal field of the class the caller passes
    assert found[11] == {"Customer.email"}  # the tagged field, not a guess from the name
