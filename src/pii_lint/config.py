"""``[tool.pii-lint]`` in pyproject.toml, validated into pydantic settings."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, field_validator

from .errors import ConfigError, describe_validation_error

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# Test code and migrations are not analysed unless `exclude` says otherwise (as ruff does).
# A Django app's tests live in its tests.py; a reusable app's test suite runs its own apps
# and settings from testapp/ (django-guardian) or a test project.
DEFAULT_EXCLUDE = ("tests/", "test/", "tests.py", "test_*.py", "*_test.py", "conftest.py", "testing/", "test_utils/",
                   "testapp/", "test_app/", "testproject/", "test_project/", "migrations/")
RETENTION = re.compile(r"^\s*(\d+)\s*([dwmy])\s*$")
# A cache expiry: seconds, hours, days or weeks ("m" is left out: minutes or months?).
EXPIRY = re.compile(r"^\s*(\d+)\s*([shdw]?)\s*$")
EXPIRY_SECONDS = {"": 1, "s": 1, "h": 3600, "d": 86400, "w": 604800}
DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")


class Recipient(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    hosts: list[str] = []
    sdk: str | None = None
    urls: list[str] = []  # dotted names of settings/constants holding its URL
    purpose: str = "essential.service.operations"  # a Fides data-use key
    allow: list[str] = []  # categories it may receive


class FixSettings(BaseModel):
    """``[tool.pii-lint.fix]``: what the fixes that need a choice should write."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    mask: str | None = None  # "shop.privacy.mask": PII201 wraps the logged value in it
    expiry: str | None = None  # "1d": PII301 gives cache writes this expiry
    retention: str | None = None  # "1y": PII301 declares it on classes

    @field_validator("mask")
    @classmethod
    def _mask_dotted(cls, value):
        if value is not None and not DOTTED.match(value):
            raise ValueError(f"mask {value!r} is not a dotted function name like shop.privacy.mask")
        return value

    @field_validator("expiry")
    @classmethod
    def _expiry_format(cls, value):
        if value is not None and (not EXPIRY.match(value) or int(EXPIRY.match(value).group(1)) == 0):
            raise ValueError(f"expiry {value!r} is not a duration like 3600, 90s, 12h, 1d or 2w")
        return value

    @field_validator("retention")
    @classmethod
    def _retention_format(cls, value):
        if value is not None and not RETENTION.match(value):
            raise ValueError(f"retention {value!r} is not a period like 30d, 12w, 6m or 7y")
        return value

    def expiry_seconds(self) -> int | None:
        m = EXPIRY.match(self.expiry or "")
        return int(m.group(1)) * EXPIRY_SECONDS[m.group(2)] if m else None


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    pack: str = "shop"
    infer: Union[StrictBool, Literal["suggest"]] = True  # "yes" is an error, not True
    exclude: list[str] = Field(default_factory=lambda: list(DEFAULT_EXCLUDE))  # replaces the defaults
    extend_exclude: list[str] = Field(default=[], alias="extend-exclude")  # adds to them
    select: list[str] = []
    ignore: list[str] = []
    recipients: dict[str, Recipient] = {}
    fields: dict[str, Union[str, list[str]]] = {}
    retention: dict[str, str] = {}
    fix: FixSettings = FixSettings()

    @field_validator("infer", mode="before")
    @classmethod
    def _infer_value(cls, value):
        if value is True or value is False or value == "suggest":
            return value
        raise ValueError('must be true, false or "suggest"')

    @field_validator("retention")
    @classmethod
    def _retention_format(cls, value: dict[str, str]) -> dict[str, str]:
        for name, period in value.items():
            if not RETENTION.match(period):
                raise ValueError(f"{name}: retention {period!r} is not a period like 30d, 12w, 6m or 7y")
        return value

    @property
    def excludes(self) -> list[str]:
        return [*self.exclude, *self.extend_exclude]

    def field_tags(self) -> dict[str, tuple[str, ...]]:
        """``"shop.models.Customer.email"`` -> categories."""
        out = {}
        for qual, cats in self.fields.items():
            cats = [cats] if isinstance(cats, str) else cats
            out[qual] = tuple(c.strip() for c in cats for c in c.split(",") if c.strip())
        return out


class Config:
    """Settings plus where they came from."""

    def __init__(self, root: Path, settings: Settings, source: Path | None) -> None:
        self.root = root
        self.settings = settings
        self.source = source


def find_project_root(paths: list[Path]) -> Path:
    """The nearest folder above the first path with a pyproject.toml, else a .git, else cwd."""
    start = (paths[0] if paths else Path.cwd()).resolve()
    if start.is_file():
        start = start.parent
    for marker in ("pyproject.toml", ".git"):
        for folder in (start, *start.parents):
            if (folder / marker).exists():
                return folder
    # No marker: the folder it is run from, when the path is inside it (`pii-lint check
    # pkg/views.py` from an unpacked sdist analyses the whole project, not one folder).
    cwd = Path.cwd().resolve()
    return cwd if start == cwd or cwd in start.parents else start


def load_config(root: Path, config_file: Path | None = None) -> Config:
    path = config_file or root / "pyproject.toml"
    if not path.is_file():
        if config_file is not None:
            raise ConfigError(f"{path}: no such configuration file")
        return Config(root, Settings(), None)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML error: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    table = data.get("tool", {}).get("pii-lint", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.pii-lint] must be a table")
    try:
        settings = Settings.model_validate(table)
    except ValidationError as exc:
        raise ConfigError(f"{path}: [tool.pii-lint] {describe_validation_error(exc)}") from None
    return Config(root, settings, path)


def load_project_pack(config: Config):
    """The pack the configuration names; an error says where it was named."""
    from .packs import load_pack

    try:
        return load_pack(config.settings.pack, config.root)
    except ConfigError as exc:
        # Errors inside a pack name their own file; only a pack that is not found needs ours.
        if config.source is None or not str(exc).startswith("pack "):
            raise
        raise ConfigError(f"{config.source}: [tool.pii-lint] pack: {exc}") from None


def validate_against_pack(config: Config, pack) -> None:
    """Categories, SDKs and codes named in the configuration must exist."""
    where = config.source or "configuration"

    def check(key: str, category: str) -> None:
        try:
            pack.normalize_category(category)
        except ConfigError as exc:
            raise ConfigError(f"{where}: [tool.pii-lint] {key}: {exc}") from None

    known_sdks = {s.sdk for s in pack.sinks if s.sdk}
    for name, recipient in config.settings.recipients.items():
        for category in recipient.allow:
            check(f"recipients.{name}.allow", category)
        if recipient.sdk and recipient.sdk not in known_sdks:
            raise ConfigError(
                f"{where}: [tool.pii-lint] recipients.{name}.sdk: unknown SDK {recipient.sdk!r}; "
                f"the pack knows {', '.join(sorted(known_sdks))}"
            )
        if not (recipient.hosts or recipient.sdk or recipient.urls):
            raise ConfigError(f"{where}: [tool.pii-lint] recipients.{name}: needs hosts, sdk or urls")
    for qual, cats in config.settings.field_tags().items():
        for category in cats:
            check(f"fields.{qual}", category)
    for key in ("select", "ignore"):
        for code in getattr(config.settings, key):
            if not any(c.startswith(code) for c in pack.rules):
                raise ConfigError(f"{where}: [tool.pii-lint] {key}: unknown rule code {code!r}")
