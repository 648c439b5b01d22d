"""The bundled `shop` rule pack, the pack loader's error messages, and the rule pages."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest

from pii_lint.errors import ConfigError
from pii_lint.packs import bundled_pack_dir, bundled_pack_names, check_regexes, load_pack
from pii_lint.report.explain import render_explain, render_rules

CODES = [
    "PII101", "PII102", "PII103", "PII201", "PII202", "PII203", "PII204", "PII205",
    "PII206", "PII301", "PII302", "PII303", "PII401", "PII900", "PII901", "PII902",
]
NAMES = {
    "PII101": "forbidden-category", "PII102": "credential-stored", "PII103": "untagged-personal-data",
    "PII201": "personal-data-logged", "PII202": "unminimized-payload", "PII203": "undeclared-recipient",
    "PII204": "marketing-without-consent", "PII205": "identity-linkage", "PII206": "personal-data-in-cookie",
    "PII301": "retention-unhandled",
    "PII302": "unencrypted-sensitive", "PII303": "bulk-export", "PII401": "no-erasure-path",
    "PII900": "unanalysable-file", "PII901": "invalid-tag", "PII902": "unused-noqa",
}
POLICY = {
    "PII101": "1.1, 1.2", "PII102": "1.2", "PII103": "1.2", "PII201": "1.4", "PII202": "1.3",
    "PII203": "1.3", "PII204": "1.3", "PII205": "1.2", "PII206": "1.2", "PII301": "1.4", "PII302": "1.4",
    "PII303": "1.4", "PII401": "1.5", "PII900": "-", "PII901": "-", "PII902": "-",
}
# Fides data uses (fideslang 3.1.4 default taxonomy) that the pack's SDK purposes may name.
FIDES_DATA_USES = {
    "analytics", "analytics.reporting", "essential", "essential.service",
    "essential.service.notifications", "essential.service.notifications.email",
    "essential.service.notifications.sms", "essential.service.operations",
    "essential.service.operations.support", "essential.service.payment_processing",
    "marketing", "marketing.communications", "marketing.communications.email",
    "marketing.communications.sms", "marketing.advertising",
}
SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead")


@pytest.fixture(scope="module")
def pack():
    return load_pack("shop")


# -- the bundled pack ---------------------------------------------------------------


def test_bundled_pack_loads_with_every_code(pack):
    assert pack.info.name == "shop"
    assert sorted(pack.rules) == CODES
    for code, rule in pack.rules.items():
        assert rule.name == NAMES[code]
        assert rule.policy == POLICY[code]
        assert rule.enabled
        assert rule.summary.strip()
        for part in ("what", "why", "example", "use_instead"):
            assert len(getattr(rule.docs, part).strip()) > 40, (code, part)
        if rule.policy != "-":  # PII900-902 are about the tool's input, not a clause
            assert re.search(r"\b1\.[1-5]\b", rule.docs.why), f"{code}: `why` should cite the policy clause"


@pytest.mark.parametrize("code", CODES)
def test_rule_examples_are_python(pack, code):
    docs = pack.rules[code].docs
    compile(textwrap.dedent(docs.use_instead), f"{code}-use_instead", "exec")
    if code == "PII900":  # its example is the unparsable file
        with pytest.raises(SyntaxError):
            compile(textwrap.dedent(docs.example), f"{code}-example", "exec")
    else:
        compile(textwrap.dedent(docs.example), f"{code}-example", "exec")


def test_bundled_yaml_is_shipped_by_package_data():
    # pyproject ships "*/*.yaml" and "*/*/*.yaml" under rules/: nothing may sit deeper.
    folder = bundled_pack_dir("shop")
    assert folder is not None
    for path in folder.rglob("*.yaml"):
        assert len(path.relative_to(folder.parent).parts) <= 3, path


def test_taxonomy_is_the_fides_user_tree(pack):
    keys = set(pack.categories)
    assert "user" in keys
    assert all(k == "user" or k.startswith("user.") for k in keys)
    for k in ("user.contact.email", "user.contact.address.street", "user.name.first",
              "user.financial.credit_card", "user.government_id.passport_number",
              "user.device.ip_address", "user.behavior.browsing_history",
              "user.authorization.password", "user.authorization.biometric", "user.payment"):
        assert k in keys, k
    for k in keys:  # every parent is a key too
        if k != "user":
            assert k.rsplit(".", 1)[0] in keys, k
    assert pack.categories["user.contact.email"] == "User's contact email address."


def test_pack_lists_name_known_categories(pack):
    info = pack.info
    for listname in ("forbidden", "sensitive", "credentials", "passive", "identity"):
        values = getattr(info, listname)
        assert values, listname
        for key in values:
            assert key in pack.categories, (listname, key)
    assert set(info.forbidden) <= set(info.sensitive)
    assert set(info.sensitive) - set(info.forbidden) == {
        "user.authorization.credentials", "user.authorization.password"}
    assert "user.payment" not in info.forbidden and not pack.is_under("user.payment", info.forbidden)
    assert pack.is_under("user.financial.credit_card", info.forbidden)
    assert not set(info.passive) & set(info.identity)
    for name in pack.names.names:
        assert name.category in pack.categories


def test_normalize_category(pack):
    assert pack.normalize_category("contact.email") == "user.contact.email"
    assert pack.normalize_category("user.contact.email") == "user.contact.email"
    assert pack.normalize_category(" name.first ") == "user.name.first"
    with pytest.raises(ConfigError) as err:
        pack.normalize_category("contact.emial")
    assert "contact.emial" in str(err.value)
    assert "closest known: contact.email" in str(err.value)


# -- name inference -----------------------------------------------------------------

POSITIVE = {
    "email": "user.contact.email",
    "customer_email": "user.contact.email",
    "billingEmail": "user.contact.email",
    "billing_email_address": "user.contact.email",
    "EmailAddress": "user.contact.email",
    "phone_number": "user.contact.phone_number",
    "mobileNumber": "user.contact.phone_number",
    "customer_mobile": "user.contact.phone_number",
    "first_name": "user.name.first",
    "firstName": "user.name.first",
    "last_name": "user.name.last",
    "surname": "user.name.last",
    "full_name": "user.name",
    "customer_name": "user.name",
    "username": "user.account.username",
    "date_of_birth": "user.demographic.date_of_birth",
    "dob": "user.demographic.date_of_birth",
    "birthDate": "user.demographic.date_of_birth",
    "ip_address": "user.device.ip_address",
    "REMOTE_ADDR": "user.device.ip_address",
    "HTTP_X_FORWARDED_FOR": "user.device.ip_address",
    "client_ip": "user.device.ip_address",
    "HTTP_USER_AGENT": "user.device",
    "device_id": "user.device.device_id",
    "sessionid": "user.device.cookie_id",
    "browsing_history": "user.behavior.browsing_history",
    "latitude": "user.location.precise",
    "card_number": "user.financial.credit_card",
    "creditCardNumber": "user.financial.credit_card",
    "cvv": "user.financial.credit_card",
    "CVC2": "user.financial.credit_card",
    "card_last4": "user.payment",
    "iban": "user.financial.bank_account",
    "account_number": "user.financial.bank_account",
    "password": "user.authorization.password",
    "new_password1": "user.authorization.password",
    "passwd": "user.authorization.password",
    "passport_number": "user.government_id.passport_number",
    "ssn": "user.government_id.national_identification_number",
    "drivers_license": "user.government_id.drivers_license_number",
    "street_address": "user.contact.address.street",
    "address_line1": "user.contact.address.street",
    "postcode": "user.contact.address.postal_code",
    "zip_code": "user.contact.address.postal_code",
    "billing_city": "user.contact.address.city",
    "shipping_address": "user.contact.address",
    "medical_history": "user.health_and_medical",
    "religion": "user.demographic.religious_belief",
    "ethnicity": "user.demographic.race_ethnicity",
    "political_opinion": "user.demographic.political_opinion",
    "sexual_orientation": "user.demographic.sexual_orientation",
    "fingerprint_image": "user.biometric.fingerprint",
    "criminal_record": "user.criminal_history",
}

NEGATIVE = [
    "email_template", "email_enabled", "email_sent_at", "is_email_verified", "email_verified",
    "email_count", "email_field", "email_regex", "max_email_length", "send_email",
    "EMAIL_BACKEND", "EMAIL_HOST", "DEFAULT_FROM_EMAIL", "from_email", "email_opt_in",
    "email_preferences", "email_digest", "masked_email",
    "hashed_password", "password_hash", "password_reset_token", "PASSWORD_HASHERS",
    "AUTH_PASSWORD_VALIDATORS", "password_changed_at", "card_token", "encrypted_ssn",
    "name", "product_name", "file_name", "category_name", "company_name",
    "address_format", "address_type", "server_address", "bind_address",
    "ip_whitelist", "allowed_ips", "server_ip", "ip_version",
    "SESSION_COOKIE_AGE", "CSRF_COOKIE_NAME", "marketing_consent",
    "mobile_app", "race_condition", "health_check", "ssh_key_fingerprint", "expiry_date",
    "fingerprint", "card_fingerprint",
    "user_id", "customer_id", "order_id", "created_at", "country", "zipfile", "secret_key",
]


@pytest.mark.parametrize("name,category", sorted(POSITIVE.items()))
def test_name_inference_positive(pack, name, category):
    assert pack.infer_name(name) == category


@pytest.mark.parametrize("name", NEGATIVE)
def test_name_inference_negative(pack, name):
    assert pack.infer_name(name) is None


@pytest.mark.parametrize("name", bundled_pack_names())
def test_every_regex_of_a_shipped_pack_compiles(name):
    """Loading a shipped pack skips this check (a warm run would spend a third of its time
    on it), so the test is what stands behind those packs."""
    pack = load_pack(name)
    check_regexes(pack.info, pack.names, bundled_pack_dir(name))


def test_a_bad_regex_in_a_project_pack_is_a_one_line_error(tmp_path):
    folder = tmp_path / "mypack"
    folder.mkdir()
    (folder / "pack.yaml").write_text("name: mypack\nextends: shop\nconsent: ['(unclosed']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"mypack.pack\.yaml: consent: bad regex '\(unclosed'"):
        load_pack(str(folder))


def test_name_patterns_compile_and_exclusions_are_regexes(pack):
    for entry in pack.names.names:
        for pattern in entry.patterns:
            re.compile(pattern)
            assert pattern == pattern.lower() or "\\" in pattern, "patterns see lower-case names"
    for pattern in pack.names.exclude + pack.info.hashed_names + pack.info.consent:
        re.compile(pattern)


@pytest.mark.parametrize("name", ["marketing_consent", "has_consent", "gdpr_consent", "opted_in",
                                  "optin", "acceptsMarketing", "marketing_allowed",
                                  "newsletter_subscribed", "unsubscribed"])
def test_consent_names(pack, name):
    assert pack.is_consent_name(name)


@pytest.mark.parametrize("name", ["option", "optimize", "subscription_id", "is_active", "marketing"])
def test_not_consent_names(pack, name):
    assert not pack.is_consent_name(name)


@pytest.mark.parametrize("name,expected", [
    ("logger", True), ("log", True), ("LOG", True), ("LOGGER", True), ("_logger", True),
    ("audit_log", True), ("request_logger", True), ("auditLogger", True),
    ("catalog", False), ("blog", False), ("login", False), ("logging", False), ("logs", False),
])
def test_logger_names(pack, name, expected):
    assert pack.is_logger_name(name) is expected


# -- sinks, sanitizers, factories ---------------------------------------------------


def _one(pack, qualname):
    sinks = pack.sinks_for(qualname)
    assert len(sinks) == 1, (qualname, sinks)
    return sinks[0]


@pytest.mark.parametrize("qualname", [
    "logging.Logger.info", "logging.LoggerAdapter.warning", "logging.error", "print",
    "sys.stderr.write", "warnings.warn", "structlog.BoundLogger.info", "loguru.logger.info",
    "sentry_sdk.set_user", "sentry_sdk.capture_message", "<raise>",
])
def test_log_sinks(pack, qualname):
    assert _one(pack, qualname).kind == "log"


@pytest.mark.parametrize("qualname,url", [
    ("requests.post", 0), ("requests.request", 1), ("requests.Session.get", 0),
    ("httpx.post", 0), ("httpx.AsyncClient.request", 1), ("aiohttp.ClientSession.post", 0),
    ("urllib.request.urlopen", 0), ("http.client.HTTPSConnection.request", 1),
])
def test_http_sinks(pack, qualname, url):
    sink = _one(pack, qualname)
    assert sink.kind == "http"
    assert sink.url == url
    assert "json" in sink.args or "body" in sink.args or "data" in sink.args


@pytest.mark.parametrize("qualname,sdk,purpose", [
    ("stripe.Customer.create", "stripe", "essential.service.payment_processing"),
    ("stripe.StripeClient.customers.create", "stripe", "essential.service.payment_processing"),
    ("braintree.BraintreeGateway.customer.create", "braintree", "essential.service.payment_processing"),
    ("shippo.Shipment.create", "shippo", "essential.service.operations"),
    ("analytics.track", "analytics", "analytics.reporting"),
    ("mixpanel.Mixpanel.people_set", "mixpanel", "analytics.reporting"),
    ("mailchimp_marketing.Client.lists.add_list_member", "mailchimp", "marketing.communications.email"),
    ("klaviyo_api.KlaviyoAPI.Profiles.create_profile", "klaviyo", "marketing.communications.email"),
    ("sendgrid.SendGridAPIClient.send", "sendgrid", "essential.service.notifications.email"),
    ("twilio.rest.Client.messages.create", "twilio", "essential.service.notifications.sms"),
])
def test_sdk_sinks(pack, qualname, sdk, purpose):
    sink = _one(pack, qualname)
    assert (sink.kind, sink.sdk, sink.purpose) == ("sdk", sdk, purpose)


def test_every_sdk_sink_is_complete(pack):
    marketing = set()
    for sink in pack.sinks:
        if sink.kind == "sdk":
            assert sink.sdk and sink.label and sink.purpose in FIDES_DATA_USES, sink
            if sink.purpose.startswith("marketing"):
                marketing.add(sink.sdk)
        elif sink.kind == "http":
            assert sink.url is not None, sink
        assert sink.label, sink
    assert {"mailchimp", "klaviyo"} <= marketing
    assert not {"sendgrid", "twilio", "analytics", "mixpanel", "stripe"} & marketing


@pytest.mark.parametrize("qualname,kind", [
    ("shop.models.Customer.objects.create", "storage"),
    ("shop.models.Customer.objects.filter.update", "storage"),
    ("django.db.models.Model.save", "storage"),
    ("sqlalchemy.orm.Session.add", "storage"),
    ("sqlite3.Connection.cursor.execute", "storage"),
    ("psycopg2.extensions.cursor.execute", "storage"),
    ("boto3.client.put_object", "file"),
    ("redis.Redis.hset", "cache"),
    ("django.core.cache.cache.set", "cache"),
    ("open.write", "file"),
    ("json.dump", "file"),
    ("csv.writer.writerow", "file"),
    ("csv.DictWriter.writerows", "file"),
    ("pathlib.Path.write_text", "file"),
    ("django.http.HttpResponse.set_cookie", "cookie"),
])
def test_storage_sinks(pack, qualname, kind):
    assert _one(pack, qualname).kind == kind


def test_cache_expiry_conventions(pack):
    redis_set = _one(pack, "redis.Redis.set")
    assert {"ex", "px", 2} <= set(redis_set.expiry)
    assert "expire" in redis_set.expiry_methods
    assert _one(pack, "redis.Redis.setex").expiry == ["*"]
    assert _one(pack, "redis.client.Pipeline.psetex").expiry == ["*"]
    hset = _one(pack, "redis.Redis.hset")
    assert hset.expiry == [] and "expire" in hset.expiry_methods
    assert set(_one(pack, "django.core.cache.cache.set").expiry) == {"timeout", 2}
    assert set(_one(pack, "django.core.cache.cache.set_many").expiry) == {"timeout", 1}
    for sink in pack.sinks:
        if sink.expiry or sink.expiry_methods:
            assert sink.kind == "cache", sink


@pytest.mark.parametrize("qualname", ["json.dumps", "logging.getLogger", "requests.Session",
                                      "shop.models.Customer.objects.get", "str.format"])
def test_not_sinks(pack, qualname):
    assert pack.sinks_for(qualname) == []


def test_no_sink_matches_twice(pack):
    probes = {c.replace("*", "x") for s in pack.sinks for c in s.callee}
    for qualname in probes:
        sinks = pack.sinks_for(qualname)
        assert len({id(s) for s in sinks}) == len(sinks), qualname


def test_sanitizers(pack):
    sha = pack.sanitizer_for("hashlib.sha256")
    assert sha is not None and sha.kind == "hash"
    assert "PII201" in sha.clears and "PII202" not in sha.clears and "*" not in sha.clears
    assert pack.sanitizer_for("shop.utils.mask_email").clears == ["PII201", "PII303"]
    assert pack.sanitizer_for("len").clears == ["*"]
    assert pack.sanitizer_for("shop.privacy.anonymize_customer").clears == ["*"]
    fernet = pack.sanitizer_for("cryptography.fernet.Fernet.encrypt")
    assert fernet.kind == "encrypt" and "PII302" in fernet.clears
    assert pack.sanitizer_for("stripe.Token.create").clears == ["PII102"]
    assert pack.sanitizer_for("django.contrib.auth.hashers.make_password").kind == "hash"
    for not_one in ("all", "any", "str", "json.dumps", "shop.models.Customer.objects.all"):
        assert pack.sanitizer_for(not_one) is None, not_one
    codes = set(CODES) | {"*"}
    for s in pack.sanitizers:
        assert set(s.clears) <= codes, s


@pytest.mark.parametrize("qualname,returns", [
    ("logging.getLogger", "logging.Logger"),
    ("logging.LoggerAdapter", "logging.LoggerAdapter"),
    ("structlog.get_logger", "structlog.BoundLogger"),
    ("requests.Session", "requests.Session"),
    ("httpx.AsyncClient", "httpx.AsyncClient"),
    ("redis.from_url", "redis.Redis"),
    ("redis.StrictRedis", "redis.Redis"),
    ("csv.DictWriter", "csv.DictWriter"),
    ("open", "open"),
    ("mailchimp_marketing.Client", "mailchimp_marketing.Client"),
    ("twilio.rest.Client", "twilio.rest.Client"),
    ("boto3.client", "boto3.client"),
])
def test_factories(pack, qualname, returns):
    assert pack.factory_type(qualname) == returns


def test_encryption_wrappers(pack):
    assert pack.is_encryption("encrypted_model_fields.fields.EncryptedCharField")
    assert pack.is_encryption("sqlalchemy_utils.StringEncryptedType")
    assert pack.is_encryption("django_cryptography.fields.encrypt")
    assert not pack.is_encryption("django.db.models.CharField")


# -- broken and derived packs -------------------------------------------------------

MINIMAL_RULE = """\
code: {code}
name: {name}
summary: Something.
policy: "1.4"
docs:
  what: It does.
  why: It is bad.
  example: x = 1
  use_instead: x = 2
"""


def _pack(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    folder = _pack(tmp_path / "broken", {
        "pack.yaml": "name: broken\nforbidden:\n  - user.government_id\n  bad: [\n",
    })
    with pytest.raises(ConfigError) as err:
        load_pack(str(folder))
    message = str(err.value)
    assert "pack.yaml:" in message
    assert re.search(r"pack\.yaml:\d+", message), message
    assert "YAML" in message


def test_yaml_syntax_error_in_a_rule_file(tmp_path):
    folder = _pack(tmp_path / "broken", {
        "pack.yaml": "name: broken\n",
        "rules/PII201.yaml": "code: PII201\nname: [unclosed\n",
    })
    with pytest.raises(ConfigError) as err:
        load_pack(str(folder))
    assert re.search(r"PII201\.yaml:\d+", str(err.value)), str(err.value)


def test_unknown_key_names_file_and_key(tmp_path):
    folder = _pack(tmp_path / "typo", {"pack.yaml": "name: typo\nforbiden: [user.financial]\n"})
    with pytest.raises(ConfigError) as err:
        load_pack(str(folder))
    message = str(err.value)
    assert "pack.yaml" in message and "forbiden" in message and "unknown key" in message


def test_unknown_key_in_a_sink(tmp_path):
    folder = _pack(tmp_path / "typo", {
        "pack.yaml": "name: typo\n",
        "sinks/log.yaml": "sinks:\n  - kind: log\n    calee: [print]\n",
    })
    with pytest.raises(ConfigError) as err:
        load_pack(str(folder))
    assert "log.yaml" in str(err.value) and "calee" in str(err.value)


def test_duplicate_rule_code(tmp_path):
    folder = _pack(tmp_path / "dup", {
        "pack.yaml": "name: dup\n",
        "rules/a.yaml": MINIMAL_RULE.format(code="PII201", name="one"),
        "rules/b.yaml": MINIMAL_RULE.format(code="PII201", name="two"),
    })
    with pytest.raises(ConfigError) as err:
        load_pack(str(folder))
    assert "PII201" in str(err.value) and "duplicate" in str(err.value)


def test_unknown_category_in_a_derived_pack(tmp_path):
    folder = _pack(tmp_path / "child", {
        "pack.yaml": "name: child\nextends: shop\nforbidden: [government_idd]\n",
    })
    with pytest.raises(ConfigError) as err:
        load_pack(str(folder))
    assert "government_idd" in str(err.value) and "closest known: government_id" in str(err.value)


def test_extends_shop(tmp_path):
    shop = bundled_pack_dir("shop")
    rule = (shop / "rules" / "PII201.yaml").read_text(encoding="utf-8")
    folder = _pack(tmp_path / "child", {
        "pack.yaml": "name: child\nextends: shop\nforbidden: [user.government_id, biometric]\n",
        "rules/PII201.yaml": rule.replace("code: PII201\n", "code: PII201\nenabled: false\n"),
    })
    child = load_pack(str(folder))
    base = load_pack("shop")
    assert child.info.name == "child"
    assert child.info.forbidden == ["user.government_id", "user.biometric"]  # stored in full
    assert child.info.sensitive == base.info.sensitive  # inherited
    assert child.info.consent == base.info.consent
    assert not child.rules["PII201"].enabled
    assert "PII201" not in child.enabled_rules()
    assert sorted(child.rules) == CODES
    assert child.categories == base.categories
    assert child.sinks_for("logging.Logger.info")  # sinks, sanitizers and names inherited
    assert child.sanitizer_for("hashlib.sha256") is not None
    assert child.infer_name("customer_email") == "user.contact.email"
    assert child.digest != base.digest


def test_child_pack_adds_sinks_and_names_to_its_base(tmp_path):
    folder = _pack(tmp_path / "child", {
        "pack.yaml": "name: child\nextends: shop\nforbidden: [government_id]\n",
        "sinks/audit.yaml": "sinks:\n  - kind: log\n    callee: [audit.record]\n",
        "names.yaml": "names:\n  - category: contact.email\n    patterns: [courriel]\n",
    })
    child = load_pack(str(folder))
    assert child.sinks_for("audit.record") and child.sinks_for("logging.Logger.info")
    assert child.infer_name("courriel") == "user.contact.email"
    assert child.infer_name("phone_number") == "user.contact.phone_number"  # inherited names
    assert child.is_under("user.government_id.passport_number", child.info.forbidden)


def test_child_rule_may_give_only_what_it_changes(tmp_path):
    folder = _pack(tmp_path / "child", {
        "pack.yaml": "name: child\nextends: shop\n",
        "rules/PII201.yaml": "code: PII201\nenabled: false\n",
        "rules/PII301.yaml": "code: PII301\nseverity: warning\n",
    })
    child = load_pack(str(folder))
    base = load_pack("shop")
    assert not child.rules["PII201"].enabled
    assert child.rules["PII201"].docs == base.rules["PII201"].docs
    assert child.rules["PII301"].severity == "warning" and child.rules["PII301"].enabled


def test_unknown_pack_name():
    with pytest.raises(ConfigError) as err:
        load_pack("no-such-pack")
    assert "shop" in str(err.value)


# -- rules and explain --------------------------------------------------------------


def test_render_rules(pack):
    text = render_rules(pack)
    lines = text.splitlines()
    header = next(line for line in lines if line.startswith("code"))
    for column in ("name", "policy", "enabled", "summary"):
        assert column in header
    for code in CODES:
        row = next(line for line in lines if line.startswith(code))
        assert NAMES[code] in row and POLICY[code] in row and "yes" in row


@pytest.mark.parametrize("code", CODES)
def test_render_explain(pack, code):
    page = render_explain(pack, code)
    rule = pack.rules[code]
    assert page.splitlines()[0] == f"{code} {rule.name}"
    assert " ".join(rule.summary.split()) in page
    assert f"Policy clause: {POLICY[code]}" in page
    positions = [page.index(f"## {section}\n") for section in SECTIONS]
    assert positions == sorted(positions)
    assert "```python" in page


def test_render_explain_accepts_lower_case_and_names(pack):
    assert render_explain(pack, "pii201") == render_explain(pack, "PII201")
    assert render_explain(pack, "personal-data-logged") == render_explain(pack, "PII201")


def test_render_explain_unknown_code(pack):
    with pytest.raises(ConfigError) as err:
        render_explain(pack, "PII2O1")
    assert "PII2O1" in str(err.value) and "PII201" in str(err.value)
    with pytest.raises(ConfigError) as err:
        render_explain(pack, "PII209")
    assert "PII20" in str(err.value).split("PII209", 1)[1]


def test_pack_is_not_shared_with_a_copy(tmp_path):
    # A copied shop pack (a project pack started from the default) loads on its own.
    copy = tmp_path / "myshop"
    shutil.copytree(bundled_pack_dir("shop"), copy)
    mine = load_pack(str(copy))
    assert sorted(mine.rules) == CODES
    assert mine.digest == load_pack("shop").digest


def test_explain_quotes_the_policy_and_a_project_pack_may_replace_it(tmp_path) -> None:
    page = render_explain(load_pack("shop"), "PII201")
    assert "## The policy says" in page and "1.4 Information Storage & Security Protection" in page
    assert "prohibited for any employee to privately query" in page
    child = tmp_path / "mine"
    child.mkdir()
    (child / "pack.yaml").write_text("name: mine\nextends: shop\n", encoding="utf-8")
    (child / "policy.yaml").write_text('clauses:\n  "1.4":\n    title: Logs\n    text: We never log customer data.\n',
                                       encoding="utf-8")
    page = render_explain(load_pack(str(child)), "PII201")
    assert "1.4 Logs.** We never log customer data." in page
    assert "Information Storage" not in page
    assert load_pack(str(child)).policy["1.1"].title == "Policy Purpose & Applicable Scope"  # the rest inherited


def test_every_rule_has_a_one_line_help() -> None:
    for code, rule in load_pack("shop").rules.items():
        assert rule.docs.help and "\n" not in rule.docs.help.strip(), code
