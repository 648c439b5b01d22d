"""PII203 at a third-party SMTP relay: e-mail that carries personal data goes through the
relay the project configures (``EMAIL_HOST = "smtp.sendgrid.net"``, ``smtplib.SMTP(host)``),
so the relay receives it. One finding per relay, where it is configured, unless a declared
recipient covers its host (policy 1.3)."""

from __future__ import annotations

from .context import short_category

CODE = "PII203"
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")


def check(ctx):
    relays = _relays(ctx)
    if not relays:
        return
    carried = set()
    for sink in ctx.sinks("email"):
        for source, path in ctx.reaching(sink, CODE):
            carried.update(ctx.sources[source]["categories"])
    if not carried:
        return
    categories = ctx.by_sensitivity(carried)
    for path, line, col, host in relays:
        if _covering(ctx, host):
            continue
        shown = ", ".join(short_category(c) for c in categories)
        yield ctx.declaration_finding(
            CODE, path, line, col,
            f"{shown} e-mailed by the project go through the SMTP relay {host}, which no declared recipient covers",
            categories=categories, source=host, sink=host)


def _relays(ctx) -> list[tuple[str, int, int, str]]:
    """(path, line, col, host) of every relay host the code names, first place per host."""
    seen: dict[str, tuple] = {}
    for mod in sorted(ctx.builder.p.modules.values(), key=lambda m: m.path):
        for line, col, host in mod.relay_hosts:
            host = host.strip().lower()
            if "." in host and host not in LOCAL_HOSTS and not host.startswith("127."):
                seen.setdefault(host, (mod.path, line, col, host))
    return sorted(seen.values())


def _covering(ctx, host: str) -> str | None:
    """The declared recipient whose hosts cover ``host``."""
    for name, r in sorted(ctx.settings.recipients.items()):
        if any(host == h.lower() or host.endswith("." + h.lower()) for h in r.hosts):
            return name
    return None


def covering(ctx) -> set[str]:
    """Declared recipients that some configured relay resolves to."""
    return {name for *_, host in _relays(ctx) if (name := _covering(ctx, host))}
