"""Fixes that write a comment: the `# pii:` tag (PII103), `# pii-retention:` on a class
(PII301) and `# noqa: CODE -- reason` (--add-noqa); and the one that takes codes out of a
noqa that suppresses nothing with them (PII902)."""

from __future__ import annotations

import re

from ..facts import NOQA_COMMENT
from .cst import Source, Unavailable


def tag(src: Source, finding, settings):
    category = finding.fix_hint[1]
    text = f"# pii: {category}"
    return src.comment_at_line(finding.location.line, text), f"tag the field `{text}`"


def retention(src: Source, finding, settings):
    text = f"# pii-retention: {settings.fix.retention}"
    return src.comment_at_line(finding.location.line, text), f"declare `{text}` on the class"


def noqa(src: Source, line: int, codes: list[str], reason: str):
    """``# noqa: CODES -- reason`` on ``line``, merged into a noqa comment already there."""
    def merge(old: str) -> str:
        m = NOQA_COMMENT.search(old)
        if m is None:
            return f"{old}  {_noqa_text(codes, reason)}"
        if m.group(1) is None:
            raise Unavailable(f"line {line} already has a bare `# noqa`")
        present = [c.upper() for c in re.split(r"[,\s]+", m.group(1)) if c]
        merged = present + [c for c in codes if c not in present]
        kept = (m.group(2) or "").strip() or reason
        rest = old[m.end():].strip()
        return old[:m.start()] + _noqa_text(merged, kept) + (f"  {rest}" if rest else "")

    return src.comment_at_line(line, _noqa_text(codes, reason), merge=merge)


def _noqa_text(codes: list[str], reason: str) -> str:
    return f"# noqa: {', '.join(codes)}" + (f" -- {reason}" if reason else "")


def drop_noqa(src: Source, finding, settings):
    """PII902: the codes that name no rule or suppress nothing leave the noqa comment; the
    comment goes when no code is left (what follows it, another tool's comment, stays)."""
    unused = set(finding.fix_hint[1])

    def merge(old: str):
        m = NOQA_COMMENT.search(old)
        if m is None or m.group(1) is None:
            raise Unavailable("the noqa comment is no longer there")
        words = [w for w in re.split(r"[,\s]+", m.group(1)) if w]
        kept = [w for w in words if w.upper() not in unused]
        before, after = old[:m.start()].rstrip(), old[m.end():].strip()
        if kept:
            middle = _noqa_text(kept, (m.group(2) or "").strip())
        else:
            middle = ""
        text = "  ".join(part for part in (before, middle, after) if part)
        return text or None

    return src.comment_at_line(finding.location.line, "", merge=merge), \
        f"remove {', '.join(sorted(unused))} from the noqa comment"
