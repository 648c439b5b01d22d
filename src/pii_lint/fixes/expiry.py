"""PII301 at a cache write (unsafe): give it the configured expiry in the library's own
keyword (``ex=`` for redis, ``timeout=`` for Django and Flask caches)."""

from __future__ import annotations

import libcst as cst

from .args import positional, set_keyword
from .cst import Source


def rewrite(src: Source, finding, settings):
    _, name, position = finding.fix_hint
    seconds = settings.fix.expiry_seconds()
    call = src.call_at(finding.location.line, finding.location.col)
    value = cst.Integer(str(seconds))
    given = positional(call)
    if position is not None and len(given) > position:
        # Passed by position (`cache.set(k, v, None)`): a keyword too would be given twice.
        target = given[position]
        new_call = call.with_changes(args=[a.with_changes(value=value) if a is target else a for a in call.args])
    else:
        new_call = set_keyword(call, name, value)
    return src.module.deep_replace(call, new_call), \
        f"expire the cache entry after {settings.fix.expiry} ({name}={seconds})"
