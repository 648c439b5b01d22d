"""One pass over one module: its ``ModuleFacts``, read from CPython's ``ast``.

The reader is split by what it reads: statements, class bodies and expressions, over a
shared state (``reader``); ``syntax`` holds what a node says by itself.
"""

from __future__ import annotations

import ast
import re
import sys
import threading
import warnings

from ..facts import ModuleFacts
from .classes import ClassReader
from .expressions import ExpressionReader
from .reader import ReaderBase
from .statements import StatementReader


class ModuleReader(StatementReader, ClassReader, ExpressionReader, ReaderBase):
    """Reads one module's syntax tree into its facts."""


def extract(source: bytes | str, relpath: str, module: str, infer_name) -> ModuleFacts:
    """Facts for one file. ``infer_name(name) -> category | None`` is the pack's matcher."""
    facts = ModuleFacts(path=relpath, module=module)
    try:
        tree = _parse(source, relpath)
    except SyntaxError as exc:
        facts.error_line = exc.lineno or 1
        facts.error_col = max(exc.offset or 1, 1)
        newer = _needs_newer_python(exc)
        if PY2_EXCEPT.search(exc.text or ""):
            facts.error = "syntax error: Python 2 code (`except X, e:`); pii-lint reads Python 3"
        elif newer:
            facts.error = f"needs Python >= {newer} to parse; run pii-lint under the project's Python"
        else:
            facts.error = f"syntax error: {exc.msg}"
        return facts
    except (ValueError, MemoryError, RecursionError) as exc:
        facts.error = f"cannot parse: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": ")
        return facts
    text = _decode(source) if isinstance(source, bytes) else source
    lines = text.splitlines()
    try:
        ModuleReader(facts, lines, infer_name).run(tree)
    except RecursionError:
        # Rare, very deep code: run again on a thread with a large stack.
        facts2 = ModuleFacts(path=relpath, module=module)
        _run_deep(lambda: ModuleReader(facts2, lines, infer_name).run(tree))
        return facts2
    return facts


# Grammar this interpreter may be too old for: (version, what the failing line looks like).
NEWER_SYNTAX = (
    ((3, 12), re.compile(r"^\s*type\s+\w+\s*(?:\[[^\]]*\])?\s*=")),             # PEP 695 type aliases
    ((3, 12), re.compile(r"^\s*(?:async\s+)?(?:def|class)\s+\w+\s*\[")),           # PEP 695 type parameters
    ((3, 14), re.compile(r"^\s*except\*?\s+[\w.]+\s*,\s*[\w.]+\s*:")),            # PEP 758 except A, B:
    ((3, 14), re.compile(r"(?<![\w\"'])[tT][rR]?[\"']")),                              # PEP 750 t-strings
)


# Python 2's `except ValueError, e:` binds a lower-case name; PEP 758's `except A, B:` names classes.
PY2_EXCEPT = re.compile(r"^\s*except\s+(?:\([^)]*\)|[\w.]+)\s*,\s*[a-z_][a-z0-9_]*\s*:")


def _needs_newer_python(exc: SyntaxError) -> str | None:
    """"3.12" when the error is newer grammar than this interpreter reads (PEP 701 f-strings,
    PEP 695 type parameters...), not a mistake in the code."""
    if exc.msg.startswith("f-string") and sys.version_info < (3, 12):
        return "3.12"  # PEP 701: quotes, comments and backslashes inside f-string fields
    line = exc.text or ""
    for version, pattern in NEWER_SYNTAX:
        if sys.version_info < version and pattern.search(line):
            return ".".join(map(str, version))
    return None


def _parse(source, relpath: str) -> ast.Module:
    with warnings.catch_warnings():
        # SyntaxWarnings are about the analysed code, not for our user's terminal.
        warnings.simplefilter("ignore")
        try:
            return ast.parse(source, filename=relpath)
        except RecursionError:
            result: list = []
            _run_deep(lambda: result.append(ast.parse(source, filename=relpath)))
            return result[0]


def _decode(source: bytes) -> str:
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        return source.decode(encoding, "replace")
    except (SyntaxError, LookupError):
        return source.decode("utf-8", "replace")


def _run_deep(fn) -> None:
    errors: list[BaseException] = []

    def target():
        old = sys.getrecursionlimit()
        sys.setrecursionlimit(200_000)
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            errors.append(exc)
        finally:
            sys.setrecursionlimit(old)

    old_size = threading.stack_size()
    threading.stack_size(512 * 1024 * 1024)
    try:
        worker = threading.Thread(target=target)
        worker.start()
        worker.join()
    finally:
        threading.stack_size(old_size)
    if errors:
        raise errors[0]
