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
import tempfile
from pathlib import Path

from . import __version__

CACHE_DIR = ".pii-lint-cache"
FORMAT = 1


class FactCache:
    def __init__(self, root: Path, pack_digest: str) -> None:
        self.dir = root / CACHE_DIR / "facts"
        self.root = root
        self.salt = f"{FORMAT}\x00{__version__}\x00{pack_digest}".encode()
        self.writable = True

    def _key(self, rel: str, module: str) -> str | None:
        try:
            data = (self.root / rel).read_bytes()
        except OSError:
            return None
        h = hashlib.sha256(self.salt)
        h.update(rel.encode("utf-8", "surrogateescape") + b"\x00" + module.encode() + b"\x00")
        h.update(data)
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.dir / key[:2] / f"{key}.pickle"

    def get(self, rel: str, module: str):
        key = self._key(rel, module)
        if key is None:
            return None
        try:
            with open(self._path(key), "rb") as fh:
                stored_key, facts = pickle.load(fh)
        except Exception:  # missing, truncated or from another version: recompute
            return None
        return facts if stored_key == key else None

    def put(self, rel: str, module: str, facts) -> None:
        if not self.writable:
            return
        key = self._key(rel, module)
        if key is None:
            return
        target = self._path(key)
        try:
            self._ensure_dir(target.parent)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".pickle")
            try:
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump((key, facts), fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, target)
            except BaseException:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
                raise
        except (OSError, pickle.PicklingError, RecursionError):
            self.writable = False  # read-only or full disk: go on without caching

    def _ensure_dir(self, folder: Path) -> None:
        top = self.root / CACHE_DIR
        if not top.exists():
            top.mkdir(parents=True, exist_ok=True)
            gitignore = top / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("# Created by pii-lint.\n*\n", encoding="utf-8")
        folder.mkdir(parents=True, exist_ok=True)
