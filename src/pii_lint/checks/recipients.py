"""Who an outbound call sends to: a declared recipient, an SDK, or an unresolved host."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Destination:
    name: str  # recipient name, host or SDK
    declared: bool
    purpose: str | None
    allow: tuple[str, ...]
    marketing: bool


_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/'\"?#{}]+")


def _hosts(strings) -> list[str]:
    out = []
    for s in strings:
        for url in _URL.findall(s):
            host = urlsplit(url).hostname
            if host:
                out.append(host.lower())
    return out


def _declared(name: str, recipient, norm) -> Destination:
    return Destination(name, True, recipient.purpose, tuple(norm(a) for a in recipient.allow),
                       recipient.purpose.startswith("marketing"))


def _url_keys(sink) -> set | None:
    """The argument keys that hold the URL (position and keyword), None when the pack says nothing."""
    specs = {s.url for s in sink.sinks if s.url is not None}
    if not specs:
        return None
    keys = set(specs)
    if specs & {0, "url"}:
        keys |= {0, "url"}
    return keys


def destination(ctx, sink) -> Destination:
    """Cached per sink: several rules ask."""
    cache = ctx.cache.setdefault("destination", {})
    if sink.node not in cache:
        cache[sink.node] = _destination(ctx, sink)
    return cache[sink.node]


def _destination(ctx, sink) -> Destination:
    recipients = ctx.settings.recipients
    call = sink.call
    norm = ctx.pack.normalize_category
    if sink.kind == "sdk":
        spec_sdk = next((s.sdk for s in sink.sinks if s.sdk), None)
        purpose = next((s.purpose for s in sink.sinks if s.purpose), None)
        for name, r in sorted(recipients.items()):
            if r.sdk and r.sdk == spec_sdk:
                return _declared(name, r, norm)
        return Destination(spec_sdk or call.display, False, purpose, (), bool(purpose and purpose.startswith("marketing")))
    keys = _url_keys(sink)
    strings = [value for key, value in call.strings if keys is None or key in keys]
    # URLs held in settings or module constants: API_URL = "https://..."; requests.post(API_URL, ...)
    for key, dotted in call.names:
        if keys is not None and key not in keys:
            continue
        for name, r in sorted(recipients.items()):
            if any(dotted == u or dotted.endswith("." + u) or u.endswith("." + dotted) for u in r.urls):
                return _declared(name, r, norm)
        value = _constant(ctx, sink.module, dotted)
        if value:
            strings.append(value)
    hosts = _hosts(strings)
    if not hosts:
        # The URL's value from where it was built: a base URL kept by the client object, a
        # constant or a function returning one.
        b = ctx.builder
        starts = [b.resolve(r) for key, refs in call.args if keys is None or key in keys for r in refs]
        if call.receiver is not None:
            starts.append(b.resolve(call.receiver))
        hosts = _hosts(b.urls_reaching([n for n in starts if not n.startswith("q|")]))
    for host in hosts:
        for name, r in sorted(recipients.items()):
            if any(host == h.lower() or host.endswith("." + h.lower()) for h in r.hosts):
                return _declared(name, r, norm)
    if hosts:
        return Destination(hosts[0], False, None, (), False)
    return Destination("", False, None, (), False)


def _constant(ctx, module, dotted: str) -> str | None:
    """The string a module-level name holds, in this module or one it imports it from."""
    if "." in dotted:
        return None
    if dotted in module.constants:
        return module.constants[dotted]
    target = ctx.builder.resolve_qual(f"{module.module}.{dotted}")
    if target.startswith("v|"):
        owner_module, name = target[2:].rsplit("|", 1)
        facts = ctx.builder.p.modules.get(owner_module)
        return facts.constants.get(name) if facts else None
    return None
