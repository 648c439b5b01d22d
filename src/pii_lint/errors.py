"""Errors a user can act on, each printed as one line."""

from __future__ import annotations

from pydantic import ValidationError


class ConfigError(Exception):
    """Bad configuration or rule pack: exit 2 with this one-line message."""


def describe_validation_error(exc: ValidationError) -> str:
    """pydantic's report folded into one line: ``key: what was expected``."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ())) or "(top level)"
        if err.get("type") == "extra_forbidden":
            msg = "unknown key"
        elif err.get("type") == "missing":
            msg = "required key is missing"
        else:
            msg = err.get("msg", "invalid")
            given = err.get("input")
            if given is not None and not isinstance(given, (dict, list)):
                msg += f" (got {given!r})"
        parts.append(f"{loc}: {msg}")
    return "; ".join(parts)
