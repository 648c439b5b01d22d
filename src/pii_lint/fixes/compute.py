"""Turn offered fixes into edits, one LibCST parse per file. Each fix is computed on the
file as it is, on its own, so its edits can be shown (JSON, SARIF), checked and merged."""

from __future__ import annotations

from dataclasses import replace

from . import Fix
from .cst import Source, Unavailable, edits


def _rewriters():
    from . import comments, expiry, logged, payload

    return {"tag": comments.tag, "retention": comments.retention, "log-key": logged.rewrite,
            "log-mask": logged.rewrite, "payload-cut": payload.rewrite, "cache-expiry": expiry.rewrite,
            "noqa-drop": comments.drop_noqa}


def compute_file(path: str, data: bytes, items: list, settings) -> list[tuple]:
    """``items``: (finding, offered Fix). Returns (finding, Fix with edits, None) or
    (finding, None, reason) for each."""
    try:
        src = Source(path, data)
    except Unavailable as exc:
        return [(f, None, str(exc)) for f, _ in items]
    rewriters = _rewriters()
    out = []
    for finding, offer in items:
        try:
            module, message = rewriters[offer.kind](src, finding, settings)
            new = module.code
            if new == src.text:
                raise Unavailable("the edit changes nothing")
            out.append((finding, replace(offer, message=message, edits=edits(path, src.text, new)), None))
        except Unavailable as exc:
            out.append((finding, None, str(exc)))
        except Exception as exc:  # a fix that breaks must not take the report down
            out.append((finding, None, f"internal error: {type(exc).__name__}: {exc}"))
    return out


def noqa_file(path: str, data: bytes, lines: dict, reason: str) -> list[tuple]:
    """``lines``: {line: [findings]} -> (findings, Fix, None) or (findings, None, reason) per line."""
    from .comments import noqa

    try:
        src = Source(path, data)
    except Unavailable as exc:
        return [(fs, None, str(exc)) for fs in lines.values()]
    out = []
    for line, findings in sorted(lines.items()):
        codes = sorted({f.code for f in findings})
        try:
            new = noqa(src, line, codes, reason).code
            fix = Fix("noqa", "safe", f"suppress {', '.join(codes)} with `# noqa`", edits(path, src.text, new), True)
            out.append((findings, fix, None))
        except Unavailable as exc:
            out.append((findings, None, str(exc)))
    return out


def with_edits(findings: list, root, settings) -> list:
    """Findings whose offered fix (``finding.fix``) now carries its edits; a fix that cannot
    be written here is taken off (for the JSON and SARIF reports)."""
    by_path: dict[str, list] = {}
    for i, f in enumerate(findings):
        if f.fix is not None:
            by_path.setdefault(f.location.path, []).append(i)
    out = list(findings)
    for path, indexes in sorted(by_path.items()):
        try:
            data = (root / path).read_bytes()
        except OSError:
            for i in indexes:
                out[i] = replace(out[i], fix=None)
            continue
        results = compute_file(path, data, [(findings[i], findings[i].fix) for i in indexes], settings)
        for i, (_, fix, _) in zip(indexes, results):
            out[i] = replace(out[i], fix=fix)
    return out
