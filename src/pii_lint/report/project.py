"""The project's name as its authors spell it: ``[project].name`` (or Poetry's), else the folder."""

from __future__ import annotations

from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib


def project_name(analysis) -> str:
    root = Path(analysis.root) if analysis.root else None
    if root is None:
        return ""
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    for table in (data.get("project"), data.get("tool", {}).get("poetry")):
        name = table.get("name") if isinstance(table, dict) else None
        if isinstance(name, str) and name.strip():
            return name.strip()
    return root.resolve().name
