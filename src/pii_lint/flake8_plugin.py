"""flake8 adapter: per file, the findings ``pii-lint check`` reports for that file.

Cross-module flows need the whole project, so the first file a flake8 process sees
analyses the project once (reading and refreshing the summary cache that
``pii-lint check`` shares) and the result serves every later file of that project.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import __version__

_ANALYSES: dict[str, object] = {}  # project root -> (config, analysis) or the error


class PiiLintChecker:
    name = "pii-lint"
    version = __version__

    def __init__(self, tree, filename: str) -> None:
        self.filename = filename

    def run(self):
        try:
            findings = _findings_for(Path(self.filename))
        except Exception as exc:  # a linter plugin must never take flake8 down
            message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            yield 1, 0, f"PII900 pii-lint could not analyse this file: {message}", type(self)
            return
        for f, message in findings:
            if f.suppression is None:
                yield f.location.line, max(f.location.col - 1, 0), message, type(self)


def _findings_for(path: Path) -> list:
    """(finding, message) for the file; a message whose finding has a fix says how to apply
    it, since flake8 cannot."""
    from .config import find_project_root, load_config, load_project_pack, validate_against_pack
    from .engine import analyse, is_excluded

    if not path.exists():
        return []
    root = find_project_root([path])
    rel = path.resolve().relative_to(root.resolve()).as_posix()
    key = str(root.resolve())
    cached = _ANALYSES.get(key)
    if cached is None:
        try:
            config = load_config(root)
            pack = load_project_pack(config)
            validate_against_pack(config, pack)
            # flake8 -jN already runs one process per core: analyse in this one.
            analysis = analyse(config, pack, jobs=1, use_cache=os.environ.get("PII_LINT_NO_CACHE") is None)
            cached = (config, analysis, pack)
        except Exception as exc:  # remembered: the next file would fail the same way
            cached = exc
        _ANALYSES[key] = cached
    if isinstance(cached, Exception):
        raise cached
    config, analysis, pack = cached
    if is_excluded(rel, config.settings.excludes):
        return []
    from .fixes import flake8_suffix

    return [(f, f.message + flake8_suffix(f, pack, config.settings)) for f in analysis.findings
            if f.location.path == rel]
