"""Module summaries cached in ``.pii-lint-cache/`` at the project root.

An entry is keyed by the file's content hash, its path and module name, the tool version
and the pack digest, so any change to any of them misses. Entries are written to a
temporary file and renamed into place: readers never see half an entry, and concurrent
writers of the same entry write the same bytes. A cache that cannot be read or written is
ignored: results never depend on it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path

from . import __version__
from .atomic import atomic_write

CACHE_DIR = ".pii-lint-cache"
FORMAT = 42  # of the summaries: a new one misses every old entry


class _SafeUnpickler(pickle.Unpickler):
    """Cache entries are data: only our own fact and finding classes and plain built-ins
    may be rebuilt, so a planted entry cannot run code."""

    ALLOWED_MODULES = ("pii_lint.facts", "pii_lint.findings")
    ALLOWED_BUILTINS = frozenset({"set", "frozenset", "slice", "complex", "bytearray"})

    def find_class(self, module: str, name: str):
        if module in self.ALLOWED_MODULES or (module == "builtins" and name in self.ALLOWED_BUILTINS):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache entry")


def cache_home(root: Path) -> Path:
    """Where a project's cache lives: ``.pii-lint-cache/`` at its root when it has one (a
    pyproject.toml or a .git), else under the user's cache folder, never in a loose folder."""
    if (root / "pyproject.toml").exists() or (root / ".git").exists():
        return root / CACHE_DIR
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    digest = hashlib.sha256(str(root.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return base / "pii-lint" / digest


class FactCache:
    def __init__(self, root: Path, pack_digest: str) -> None:
        self.top = cache_home(root)
        self.dir = self.top / "facts"
        self.root = root
        self.salt = f"{FORMAT}\x00{__version__}\x00{pack_digest}".encode()
        self.writable = True

    def key(self, rel: str, module: str) -> str | None:
        try:
            data = (self.root / rel).read_bytes()
        except OSError:
            return None
        h = hashlib.sha256(self.salt)
        h.update(rel.encode("utf-8", "surrogateescape") + b"\x00" + module.encode() + b"\x00")
        h.update(data)
        return h.hexdigest()

    def project_key(self, file_keys: list, settings_json: str) -> str | None:
        """One key for the whole project's findings: every file's key plus the settings."""
        if any(k is None for _, k in file_keys):
            return None
        h = hashlib.sha256(self.salt + b"\x00project\x00" + settings_json.encode())
        for rel, key in file_keys:
            h.update(f"{rel}\x00{key}\x00".encode("utf-8", "surrogateescape"))
        return "p" + h.hexdigest()[1:]

    def last_run_key(self, settings_json: str) -> str:
        """Where the files' keys of the last analysis with these settings are kept."""
        return "l" + hashlib.sha256(self.salt + b"\x00last\x00" + settings_json.encode()).hexdigest()[1:]

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.pickle"

    def get(self, key: str | None):
        """The value stored under ``key``, or None when missing, truncated or foreign."""
        if key is None:
            return None
        try:
            with open(self._path(key), "rb") as fh:
                stored_key, value = _SafeUnpickler(fh).load()
        except Exception:  # missing, truncated or from another version: recompute
            return None
        return value if stored_key == key else None

    def put(self, key: str | None, value) -> None:
        if not self.writable or key is None:
            return
        target = self._path(key)
        try:
            self._ensure_dir(target.parent)
            atomic_write(target, pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL))
        except (OSError, pickle.PicklingError, RecursionError):
            self.writable = False  # read-only or full disk: go on without caching

    def _ensure_dir(self, folder: Path) -> None:
        top = self.top
        if not top.exists():
            top.mkdir(parents=True, exist_ok=True)
            gitignore = top / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("# Created by pii-lint.\n*\n", encoding="utf-8")
        folder.mkdir(parents=True, exist_ok=True)
