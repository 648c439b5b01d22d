"""``pii-lint init``: a starting ``[tool.pii-lint]`` section written from what the code does.

It appends to pyproject.toml and never edits what is there: a recipient stub for each host
or SDK the code sends personal data to (``purpose = "TODO"``, the categories seen as a
starting ``allow``), the stored models' retention entries commented out, and a note on what
is excluded for the framework found. Run again, it adds only what is missing.
"""

from __future__ import annotations

import re
from pathlib import Path

from .atomic import atomic_write

SECTION = re.compile(r"^\[tool\.pii-lint(?:\.[^\]]+)?\]", re.M)


def plan(analysis, pack, config) -> dict:
    """What the code shows: {"recipients": {name: {"hosts"|"sdk": ..., "allow": [...]}},
    "retention": [model qualnames], "framework": "django" | None}."""
    from .checks.context import CheckContext
    from .checks.models import stored_models
    from .checks.recipients import destination

    b, flows = analysis.builder, analysis.flows
    ctx = CheckContext(b, flows, pack, config.settings, analysis.facts)
    recipients: dict[str, dict] = {}
    for sink in ctx.sinks("http", "sdk"):
        dest = destination(ctx, sink)
        if dest.declared or not dest.name:
            continue
        reached = ctx.reaching(sink, "PII203")
        if not reached:
            continue
        cats = {c for source, _ in reached for c in ctx.sources[source]["categories"]}
        key = "sdk" if sink.kind == "sdk" else "hosts"
        entry = recipients.setdefault(_table_name(dest.name), {key: dest.name, "allow": set()})
        entry["allow"] |= cats
    retention = [cls for cls in stored_models(b, flows)
                 if not b.p.classes[cls].retention and cls not in config.settings.retention]
    django = (config.root / "manage.py").exists() or any(
        qual.startswith("django.") for m in analysis.facts if m.module in m.scopes
        for qual in m.scopes[m.module].imports.values())
    return {"recipients": recipients, "retention": retention, "framework": "django" if django else None}


def render(found: dict, existing: str, pack) -> str:
    """The TOML to append: only tables and entries the file does not have yet."""
    have = set(SECTION.findall(existing))
    blocks = []
    if "[tool.pii-lint]" not in have:
        lines = ["[tool.pii-lint]", 'pack = "shop"', "infer = true"]
        if found["framework"] == "django":
            lines.append("# Django: migrations/, tests/ and test_*.py are excluded by default; add more with")
            lines.append("# extend-exclude = [\"scripts/\"]")
        blocks.append("\n".join(lines))
    for name, entry in sorted(found["recipients"].items()):
        header = f"[tool.pii-lint.recipients.{name}]"
        if header in have:
            continue
        target = f'sdk = "{entry["sdk"]}"' if "sdk" in entry else f'hosts = ["{entry["hosts"]}"]'
        allow = ", ".join(f'"{pack.normalize_category(c).removeprefix("user.")}"' for c in sorted(entry["allow"]))
        blocks.append("\n".join([header, target, 'purpose = "TODO"  # a Fides data use, e.g. essential.service.shipping',
                                 f"allow = [{allow}]  # what the code sends today: keep only what the recipient needs"]))
    missing = [cls for cls in found["retention"] if f'"{cls}"' not in existing]
    if missing:
        lines = [] if "[tool.pii-lint.retention]" in have else ["[tool.pii-lint.retention]"]
        lines.append("# How long each stored model keeps personal data (30d, 12w, 6m, 7y):")
        lines.extend(f'# "{cls}" = "1y"' for cls in missing)
        if "[tool.pii-lint.retention]" in have:
            # Entries must sit in their table: a commented reminder at the end says where.
            lines[0] = "# Add to [tool.pii-lint.retention]: how long each stored model keeps personal data:"
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def write(path: Path, addition: str) -> bool:
    """Append ``addition`` to ``path`` atomically; False when there is nothing to add."""
    if not addition.strip():
        return False
    existing = path.read_text(encoding="utf-8") if path.is_file() else ""
    sep = "" if not existing else ("\n" if existing.endswith("\n") else "\n\n")
    atomic_write(path, (existing + sep + ("\n" if existing else "") + addition + "\n").encode("utf-8"))
    return True


def _table_name(dest: str) -> str:
    """``api.shipfast.example`` -> ``shipfast``; ``stripe`` -> ``stripe``."""
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", dest.lower()) if p]
    generic = {"www", "api", "rest", "com", "net", "org", "io", "example", "v1", "v2", "https", "http"}
    useful = [p for p in parts if p not in generic] or parts or ["recipient"]
    return useful[0] if len(useful) == 1 else "-".join(useful[:2])
