"""The values every stage after the engine speaks: findings, their locations and paths."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Location:
    path: str  # posix, relative to the project root
    line: int  # 1-based
    col: int = 1  # 1-based
    end_line: int | None = None
    end_col: int | None = None


@dataclass(frozen=True)
class Step:
    """One hop of a data-flow path: where it happened and what happened."""

    location: Location
    description: str  # "assigned to email", "passed as argument x of notify", ...


@dataclass(frozen=True)
class Suppression:
    kind: str  # "noqa" or "baseline"
    reason: str = ""


@dataclass(frozen=True)
class Finding:
    code: str  # PII201
    name: str  # personal-data-logged
    message: str  # one line, ends with the policy clause
    location: Location  # the sink (flows) or the field/class (declarations)
    categories: tuple[str, ...] = ()
    source: str = ""  # "Customer.email", "request.POST['email'] (inferred)"
    sink: str = ""  # "logger.info", "requests.post", "Customer"
    inferred: bool = False
    steps: tuple[Step, ...] = ()  # source first, sink last; empty for declarations
    policy: str = ""  # "1.4"
    severity: str = "error"  # error | warning | note
    suppression: Suppression | None = field(default=None, compare=False)
    # What a fix needs to know, set by the check (see pii_lint.fixes.hints); cached with the finding.
    fix_hint: tuple | None = field(default=None, compare=False)
    # The fix offered for this run (a pii_lint.fixes.Fix), attached after analysis.
    fix: object = field(default=None, compare=False)

    def fingerprint_key(self) -> str:
        """Identity that survives moving code: no line numbers."""
        return "\x1f".join((self.code, self.location.path, self.source, self.sink, ",".join(self.categories)))

    def fingerprint(self, occurrence: int = 0) -> str:
        """Stable hash of the identity plus the index among identical findings."""
        raw = f"{self.fingerprint_key()}\x1f{occurrence}"
        return hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()[:32]

    def sort_key(self) -> tuple:
        return (self.location.path, self.location.line, self.location.col, self.code, self.message)


def with_occurrences(findings: list[Finding]) -> list[tuple[Finding, int]]:
    """Pair each finding with its index among findings of the same fingerprint key,
    in report order, so two identical findings get two fingerprints."""
    seen: dict[str, int] = {}
    out = []
    for f in sorted(findings, key=Finding.sort_key):
        key = f.fingerprint_key()
        n = seen.get(key, 0)
        seen[key] = n + 1
        out.append((f, n))
    return out
