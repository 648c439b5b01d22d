"""Sources the engine infers from a name that are no user's data, for the reports.

The engine infers categories from names (``email``, ``*_password``, ``fingerprint``). Three
kinds of names look personal but are not, and the data map and the inventory leave them out
(the inventory lists them apart, so a reviewer sees what was set aside and why):

- configuration: an UPPER_CASE module constant, or an UPPER_CASE key read from the
  environment (``FINGERPRINT_PARTS`` is a list of header names, not a fingerprint; but
  ``request.META.get('REMOTE_ADDR')`` is the user's address and stays);
- service credentials: the same, in a credentials category (``SENDGRID_PASSWORD`` is the
  shop's own secret, not a user's password);
- sanitizer parameters: the parameter of a masking or hashing helper (``mask_email(email)``)
  is whatever its callers pass, which their own flows already show.

Only name-inferred sources are reclassified: a ``# pii:`` tag or a declared field always wins.
"""

from __future__ import annotations

import re
from pathlib import Path

CONSTANT = re.compile(r"[A-Z][A-Z0-9_]*")
ENVIRONMENT = re.compile(r"\b(environ|getenv|env|config)\b")  # os.environ.get, os.getenv, env(), config()
# The label of a key read, as the code reads it: os.environ.get("X"), request.POST["x"].
KEY_READ = re.compile(r"""(?:\.(?:get|getenv|pop|setdefault)\(['"]([^'"]+)['"]\)|\[['"]([^'"]+)['"]\])$""")
CREDENTIALS = ("user.authorization",)


class Reclassifier:
    def __init__(self, builder, pack, root=None) -> None:
        self.b = builder
        self.pack = pack
        self.root = Path(root) if root else None
        self._lines: dict[str, list[str]] = {}
        # (file, line) -> functions defined there: a parameter's collection point is reported on it
        self.functions: dict[tuple, list[str]] = {}
        for qual, fn in builder.p.functions.items():
            mod = builder.p.function_module.get(qual)
            if mod is not None:
                self.functions.setdefault((mod.path, fn.line), []).append(qual)
        self._cache: dict[str, tuple | None] = {}

    def __call__(self, node: str) -> tuple[str, str] | None:
        """(kind, why) when a source is not personal data, else None."""
        if node not in self._cache:
            self._cache[node] = self._classify(node, self.b.sources[node])
        return self._cache[node]

    def _classify(self, node: str, info: dict) -> tuple[str, str] | None:
        if not info["inferred"] or info["how"] != "name" or node.startswith(("f|", "rec|")):
            return None
        label = info["label"]
        m = KEY_READ.search(label)
        name = (m.group(1) or m.group(2)) if m else label
        if m and not ENVIRONMENT.search(self._line(info["path"], info["line"])):
            name = ""  # a key of some other mapping: request.META, a payload...
        if CONSTANT.fullmatch(name):
            if any(c == root or c.startswith(root + ".") for c in info["categories"] for root in CREDENTIALS):
                return "service credential", f"{name} is a setting: a credential of the service, not of a user"
            return "configuration", f"{name} is a constant or setting, not data about a person"
        for qual in sorted(self.functions.get((info["path"], info["line"]), ())):
            fn = self.b.p.functions[qual]
            if label in {p.lstrip("*") for p in fn.params} and self._is_sanitizer(qual):
                return "sanitizer parameter", f"{label} is the parameter of {qual.rsplit('.', 1)[-1]}(), a sanitizer"
        return None

    def _line(self, path: str, line: int) -> str:
        """The analysed file's line, read as text (never imported)."""
        if path not in self._lines:
            try:
                text = (self.root / path).read_text(encoding="utf-8", errors="replace") if self.root else ""
            except OSError:
                text = ""
            self._lines[path] = text.splitlines()
        lines = self._lines[path]
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def _is_sanitizer(self, qual: str) -> bool:
        s = self.pack.sanitizer_for(qual) or self.pack.sanitizer_for(qual.rsplit(".", 1)[-1])
        return s is not None and s.kind != "cast"
