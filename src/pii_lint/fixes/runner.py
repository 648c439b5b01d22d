"""Apply fixes the way a careful reviewer would: every fix is checked before it is written.

For each batch of fixes the files are edited in memory and the project is analysed again
(the edited files from memory, the rest from the cache). A batch is kept when

- every edited file parses,
- each fixed finding is no longer reported,
- no finding appears that was not there before;

otherwise it is split until the fixes that fail are alone, and those are dropped with the
reason. Rounds repeat until no fix is left to try, so a second ``--fix`` has nothing to do.
Only the files of the findings asked about are edited; nothing is written here (the CLI
writes ``Outcome.changed`` atomically, or prints it as a diff).
"""

from __future__ import annotations

import ast
import difflib
import warnings
from collections import Counter
from dataclasses import dataclass, field

from . import offered
from .compute import compute_file, noqa_file
from .cst import apply_edits, offsets

MAX_ROUNDS = 5


@dataclass
class Outcome:
    originals: dict[str, bytes] = field(default_factory=dict)  # path -> content before
    overlay: dict[str, bytes] = field(default_factory=dict)  # path -> content after (changed files)
    applied: list = field(default_factory=list)  # (findings, Fix)
    rejected: list = field(default_factory=list)  # (findings, reason)
    analysis: object = None  # the project as fixed

    @property
    def changed(self) -> dict[str, bytes]:
        return {p: d for p, d in sorted(self.overlay.items()) if d != self.originals.get(p)}

    def diff(self) -> str:
        out = []
        for path, data in self.changed.items():
            old = _text(self.originals[path]).splitlines(keepends=True)
            new = _text(data).splitlines(keepends=True)
            for line in difflib.unified_diff(old, new, f"a/{path}", f"b/{path}"):
                out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
        return "".join(out)


def _text(data: bytes) -> str:
    return data.decode(_encoding(data), "surrogateescape")


class Runner:
    def __init__(self, config, pack, *, in_scope, jobs: int, use_cache: bool, unsafe: bool,
                 skip=frozenset()) -> None:
        self.config = config
        self.pack = pack
        self.in_scope = in_scope
        self.jobs = jobs
        self.use_cache = use_cache
        self.unsafe = unsafe
        self.out = Outcome()
        self.rejected_keys: set[str] = set()
        self.skip = skip  # fingerprint keys of findings left alone (accepted in the baseline)

    # -- files ------------------------------------------------------------------
    def content(self, path: str) -> bytes:
        if path in self.out.overlay:
            return self.out.overlay[path]
        if path not in self.out.originals:
            self.out.originals[path] = (self.config.root / path).read_bytes()
        return self.out.originals[path]

    def analyse(self, overlay: dict[str, bytes], settings=None):
        from ..config import Config
        from ..engine import analyse

        config = self.config if settings is None else Config(self.config.root, settings, self.config.source)
        return analyse(config, self.pack, jobs=self.jobs, use_cache=self.use_cache, overlay=overlay or None)

    # -- phases -----------------------------------------------------------------
    def fixes(self, analysis, kinds=None, codes=None, settings=None):
        """Rounds of offered fixes (of ``kinds``) until none is left; ``codes`` limits what
        the check compares (tags make fields personal: only PII103 and PII901 are compared)."""
        settings = settings or self.config.settings
        for _ in range(MAX_ROUNDS):
            units = []
            by_path: dict[str, list] = {}
            for f in analysis.findings:
                if f.suppression is not None or not self.in_scope(f.location.path):
                    continue
                offer = offered(f, self.pack, settings, self.unsafe)
                if offer is None or not offer.enabled or (kinds and offer.kind not in kinds):
                    continue
                if f.fingerprint_key() in self.rejected_keys or f.fingerprint_key() in self.skip:
                    continue
                by_path.setdefault(f.location.path, []).append((f, offer))
            for path, items in sorted(by_path.items()):
                for f, fix, reason in compute_file(path, self.content(path), items, settings):
                    if fix is None:
                        self._reject([f], reason)
                    else:
                        units.append(([f], fix))
            chosen = _non_overlapping(units, self.content)
            if not chosen:
                break
            analysis = self._verify_all(chosen, analysis, codes, settings)
        self.out.analysis = analysis
        return analysis

    def noqa(self, analysis, reason: str):
        by_path: dict[str, dict[int, list]] = {}
        for f in analysis.findings:
            if f.suppression is None and self.in_scope(f.location.path) and f.fingerprint_key() not in self.skip:
                by_path.setdefault(f.location.path, {}).setdefault(f.location.line, []).append(f)
        units = []
        for path, lines in sorted(by_path.items()):
            for findings, fix, why in noqa_file(path, self.content(path), lines, reason):
                if fix is None:
                    self._reject(findings, why)
                else:
                    units.append((findings, fix))
        if units:
            analysis = self._verify_all(units, analysis, None, self.config.settings)
        self.out.analysis = analysis
        return analysis

    # -- checking ---------------------------------------------------------------
    def _verify_all(self, units, analysis, codes, settings):
        """Keep the units that pass, in the largest batches that do (halving on failure)."""
        state = {"analysis": analysis, "accepted": []}

        def attempt(group):
            ok, result = self._verify(state["accepted"] + group, analysis, codes, settings)
            if ok:
                state["accepted"] += group
                state["analysis"] = result
            elif len(group) == 1:
                self._reject(group[0][0], result)
            else:
                half = len(group) // 2
                attempt(group[:half])
                attempt(group[half:])

        attempt(units)
        if state["accepted"]:
            self.out.overlay.update(self._edited(state["accepted"]))
            self.out.applied.extend(state["accepted"])
        return state["analysis"]

    def _edited(self, units) -> dict[str, bytes]:
        by_path: dict[str, list] = {}
        for _, fix in units:
            for e in fix.edits:
                if e not in by_path.setdefault(e.path, []):  # a shared import is added once
                    by_path[e.path].append(e)
        out = {}
        for path, edits in by_path.items():
            data = self.content(path)
            text = _text(data)
            encoding = _encoding(data)
            out[path] = apply_edits(text, edits).encode(encoding, "surrogateescape")
        return out

    def _verify(self, units, before, codes, settings):
        overlay = dict(self.out.overlay)
        edited = self._edited(units)
        for path, data in edited.items():
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    ast.parse(data, filename=path)
            except SyntaxError as exc:
                return False, f"the edited file does not parse: {exc.msg} (line {exc.lineno})"
        overlay.update(edited)
        after = self.analyse(overlay, settings)

        def keys(findings):
            return Counter(f.fingerprint_key() for f in findings
                           if f.suppression is None and (codes is None or f.code in codes))

        was, now = keys(before.findings), keys(after.findings)
        new = now - was
        if new:
            first = next(f for f in after.findings if f.fingerprint_key() in new)
            return False, f"the edit brings a new finding: {first.message}"
        fixed = Counter(f.fingerprint_key() for findings, _ in units for f in findings)
        for key, n in fixed.items():
            if now[key] > was[key] - n:
                return False, "the finding is still reported after the edit"
        return True, after

    def _reject(self, findings, reason):
        for f in findings:
            self.rejected_keys.add(f.fingerprint_key())
        self.out.rejected.append((findings, reason))


def _encoding(data: bytes) -> str:
    """The file's declared encoding, as Python reads it (and LibCST writes it back)."""
    import io
    import tokenize

    try:
        return tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    except SyntaxError:
        return "utf-8"


def _non_overlapping(units, content) -> list:
    """Units whose edits do not overlap an earlier unit's (identical edits, such as one
    import added for two fixes, are shared); the others wait for the next round."""
    taken: dict[str, list] = {}
    chosen = []
    texts: dict[str, str] = {}
    for findings, fix in sorted(units, key=lambda u: (u[1].edits[0].path, u[1].edits[0].line, u[1].edits[0].col)):
        spans = []
        clash = False
        for e in fix.edits:
            text = texts.setdefault(e.path, _text(content(e.path)))
            start, end = offsets(text, e)
            for other, (s, t) in taken.get(e.path, []):
                if other == e:
                    continue
                if start < t and s < end or (start == end == s == t):
                    clash = True
            spans.append((e, (start, end)))
        if clash:
            continue
        for e, span in spans:
            taken.setdefault(e.path, []).append((e, span))
        chosen.append((findings, fix))
    return chosen
