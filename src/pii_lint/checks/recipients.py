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


def destination(ctx, sink) -> Destination:
    recipients = ctx.settings.recipients
    call = sink.call
    spec_sdk = next((s.sdk for s in sink.sinks if s.sdk), None)
    purpose = next((s.purpose for s in sink.sinks if s.purpose), None)
    norm = ctx.pack.normalize_category
    if sink.kind == "sdk":
        for name, r in sorted(recipients.items()):
            if r.sdk and r.sdk == spec_sdk:
                return Destination(name, True, r.purpose, tuple(norm(a) for a in r.allow), r.purpose.startswith("marketing"))
        return Destination(spec_sdk or call.display, False, purpose, (), bool(purpose and purpose.startswith("marketing")))
    strings = list(call.strings)
    # URLs held in module constants: API_URL = "https://..."; requests.post(API_URL, ...)
    for dotted in call.names:
        for name, r in sorted(recipients.items()):
            if any(dotted == u or dotted.endswith("." + u) or u.endswith("." + dotted) for u in r.urls):
                return Destination(name, True, r.purpose, tuple(norm(a) for a in r.allow), r.purpose.startswith("marketing"))
        head, _, last = dotted.rpartition(".")
        value = sink.module.constants.get(dotted) if not head else None
        if value is None:
            target = ctx.builder.resolve_qual(f"{sink.module.module}.{dotted}") if not head else None
            if target and target.startswith("v|"):
                mod = target.split("|")[1]
                facts = ctx.builder.p.modules.get(mod)
                value = facts.constants.get(target.rsplit("|", 1)[-1]) if facts else None
        if value:
            strings.append(value)
    hosts = _hosts(strings)
    for host in hosts:
        for name, r in sorted(recipients.items()):
            if any(host == h.lower() or host.endswith("." + h.lower()) for h in r.hosts):
                return Destination(name, True, r.purpose, tuple(norm(a) for a in r.allow), r.purpose.startswith("marketing"))
    if hosts:
        return Destination(hosts[0], False, None, (), False)
    return Destination("", False, None, (), False)
