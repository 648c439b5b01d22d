"""Errors a user can act on, each printed as one line."""

from __future__ import annotations

import difflib

from pydantic import ValidationError


class ConfigError(Exception):
    """Bad configuration or rule pack: exit 2 with this one-line message."""


def describe_validation_error(exc: ValidationError) -> str:
    """pydantic's report folded into one line: ``key: what was expected``."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ())) or "(top level)"
        if err.get("type") == "extra_forbidden":
            msg = "unknown key" + _did_you_mean(exc, err)
        elif err.get("type") == "missing":
            msg = "required key is missing"
        else:
            msg = err.get("msg", "invalid").removeprefix("Value error, ")
            given = err.get("input")
            if given is not None and not isinstance(given, (dict, list)):
                msg += f" (got {given!r})"
        parts.append(f"{loc}: {msg}")
    return "; ".join(parts)


def _did_you_mean(exc: ValidationError, err: dict) -> str:
    """``allows`` -> "did you mean `allow`?": the closest key the model at that place has."""
    loc = err.get("loc", ())
    model = _model_at(exc.title, loc[:-1])
    if model is None or not loc:
        return ""
    keys = [f.alias or name for name, f in model.model_fields.items()]
    close = difflib.get_close_matches(str(loc[-1]), keys, n=1, cutoff=0.6)
    return f"; did you mean `{close[0]}`?" if close else ""


def _model_at(title: str, path) -> type | None:
    """The pydantic model that validates the table at ``path`` of the settings."""
    from . import config

    model = {"Settings": config.Settings}.get(title)
    for part in path:
        if model is None:
            return None
        if isinstance(part, int) or part not in model.model_fields:
            continue  # recipients.<name>: a key of a dict whose values are that model
        annotation = model.model_fields[part].annotation
        model = _inner_model(annotation)
    return model


def _inner_model(annotation) -> type | None:
    import typing

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
