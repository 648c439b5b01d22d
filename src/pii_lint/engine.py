"""Files -> facts (per file, parallel, cached) -> graph (project) -> findings."""

from __future__ import annotations

import difflib
import fnmatch
import functools
import gc
import os
import re
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import FactCache
from .config import Config
from .findings import Finding, Location, Suppression

if TYPE_CHECKING:
    from .facts import ModuleFacts
    from .flows import FlowIndex
    from .graph import GraphBuilder

SKIP_DIRS = {".git", ".hg", ".svn", "__pycache__", ".venv", "venv", ".tox", ".nox", "node_modules",
             ".mypy_cache", ".pytest_cache", ".ruff_cache", ".pii-lint-cache", "site-packages", ".eggs",
             "build", "dist"}
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass
class Analysis:
    root: Path
    findings: list[Finding]
    builder: GraphBuilder | None = None  # None when the findings came from the cache
    facts: list[ModuleFacts] = field(default_factory=list)
    flows: FlowIndex | None = None
    warnings: list[str] = field(default_factory=list)  # one line each, for stderr


def discover(root: Path, excludes: list[str]) -> list[str]:
    """Repo-relative posix paths of the project's Python files, excluded ones left out.

    Folders are walked in name order without following links to folders; a folder seen
    before (a bind mount) is walked once. ``os.scandir`` says what an entry is without a
    ``stat`` per file: a warm run spends more time here than in the analysis."""
    out: list[str] = []
    root = root.resolve()
    excluded = _exclusion(tuple(excludes))
    try:
        st = root.stat()
    except OSError:
        return out
    seen_dirs = {(st.st_dev, st.st_ino)}
    stack = [(str(root), "")]
    while stack:
        folder, rel_dir = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            name = entry.name
            rel = f"{rel_dir}/{name}" if rel_dir else name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_dir:
                if name in SKIP_DIRS or name.endswith(".egg-info") or excluded(rel + "/"):
                    continue
                try:
                    info = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if (info.st_dev, info.st_ino) not in seen_dirs:
                    seen_dirs.add((info.st_dev, info.st_ino))
                    subdirs.append((entry.path, rel))
            elif name.endswith(".py") and not excluded(rel) and not _special_file(entry):
                out.append(rel)
        stack.extend(reversed(subdirs))  # depth first, in name order, as os.walk goes
    return out


def _special_file(entry: os.DirEntry) -> bool:
    """A pipe, socket or device named *.py: reading it could block forever."""
    try:
        if entry.is_file():  # follows a link to a file
            return False
        os.stat(entry.path)  # a broken link raises: reported as PII900 when read
        return True
    except OSError:
        return False


def is_excluded(rel: str, excludes: list[str]) -> bool:
    """gitignore-like: ``migrations/`` matches that folder anywhere, globs match paths or names."""
    return _exclusion(tuple(excludes))(rel)


@functools.lru_cache(maxsize=16)
def _exclusion(excludes: tuple[str, ...]):
    """One compiled test for the whole list: discovery asks it once per file and folder."""
    folder_names, folder_paths, globs, prefixes = [], [], [], []
    for pattern in excludes:
        pat = pattern.strip()
        if not pat:
            continue
        if pat.endswith("/"):
            folder = pat.rstrip("/")
            (folder_paths if "/" in folder else folder_names).append(folder)
        else:
            globs.append(pat)
            prefixes.append(pat.rstrip("/") + "/")
    any_folder = _one_regex(folder_names)
    any_glob = _one_regex(globs)
    starts = tuple(f + "/" for f in folder_paths) + tuple(prefixes)

    def excluded(rel: str) -> bool:
        if starts and rel.startswith(starts):
            return True
        if any_glob is not None and (any_glob.match(rel) or any_glob.match(rel.rsplit("/", 1)[-1])):
            return True
        if any_folder is not None:
            parts = rel.rstrip("/").split("/")
            return any(any_folder.match(d) for d in (parts if rel.endswith("/") else parts[:-1]))
        return False

    return excluded


def _one_regex(globs: list[str]):
    return re.compile("|".join(f"(?:{fnmatch.translate(g)})" for g in globs)) if globs else None


def _package_dirs(files: list[str]) -> set[str]:
    return {f.rsplit("/", 1)[0] if "/" in f else "" for f in files if f.endswith("__init__.py")}


# Worker state: the pack is loaded once per process.
_WORKER: dict = {}
# The analysis allocates millions of small containers and frees few of them until the end.
# At CPython's default threshold (700 allocations) the cyclic collector walks the growing
# heap again and again: a quarter of a cold run on shuup, and most of unpickling its facts.
COLLECTOR_THRESHOLDS = (50_000, 20, 100)


@contextmanager
def fewer_collections():
    """Collect cycles less often while analysing; the host's settings (flake8's) come back."""
    before = gc.get_threshold()
    gc.set_threshold(*COLLECTOR_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _init_worker(pack_name: str, pack_base: str | None) -> None:
    from .packs import load_pack

    gc.set_threshold(*COLLECTOR_THRESHOLDS)  # the worker is ours for the whole run
    _WORKER["pack"] = load_pack(pack_name, Path(pack_base) if pack_base else None)


def _extract_one(args) -> ModuleFacts:
    root, rel, module = args
    return extract_file(Path(root), rel, module, _WORKER["pack"].infer_name)


def extract_file(root: Path, rel: str, module: str, infer_name) -> ModuleFacts:
    from .facts import ModuleFacts  # not needed by a run the cache answers

    path = root / rel
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            facts = ModuleFacts(path=rel, module=module)
            facts.error = f"file too large to analyse ({size // (1024 * 1024)} MiB)"
            return facts
        data = path.read_bytes()
    except OSError as exc:
        facts = ModuleFacts(path=rel, module=module)
        facts.error = f"cannot read file: {exc.strerror or exc}"
        return facts
    return extract_bytes(data, rel, module, infer_name)


def extract_bytes(data: bytes, rel: str, module: str, infer_name) -> ModuleFacts:
    from .extraction import extract
    from .facts import ModuleFacts

    try:
        return extract(data, rel, module, infer_name)
    except Exception as exc:  # the run goes on with the rest
        facts = ModuleFacts(path=rel, module=module)
        facts.error = f"internal error while analysing: {type(exc).__name__}: {exc}"
        return facts


def module_name_for(relpath: str, package_dirs: set[str]) -> str:
    """Dotted module name: the path below the outermost folder that is not a package."""
    parts = relpath[:-3].split("/") if relpath.endswith(".py") else relpath.split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    folders = relpath.split("/")[:-1]
    start = len(folders)
    while start > 0 and "/".join(folders[:start]) in package_dirs:
        start -= 1
    return ".".join(parts[start:]) or parts[-1] if parts else "__main__"


def module_names(files: list[str]) -> dict[str, str]:
    """Dotted module names; two files that Python would both call ``export`` (scripts in
    folders that are not packages) are told apart by their folders instead."""
    package_dirs = _package_dirs(files)
    names = {rel: module_name_for(rel, package_dirs) for rel in files}
    seen: dict[str, int] = {}
    for name in names.values():
        seen[name] = seen.get(name, 0) + 1
    for rel, name in names.items():
        if seen[name] > 1:
            names[rel] = rel[:-3].replace("/", ".").removesuffix(".__init__")
    return names


def collect_facts(root: Path, modules: dict[str, str], pack, pack_spec: tuple[str, str | None], *, jobs: int,
                  cache: FactCache | None, keys: dict[str, str | None], progress=None,
                  overlay: dict[str, bytes] | None = None) -> list[ModuleFacts]:
    """Facts per file (``modules``: path -> module name), from the cache where it has them.
    ``overlay`` gives the content of files as a fix would leave them (never cached)."""
    files = list(modules)
    results: dict[str, ModuleFacts] = {}
    todo = []
    for rel in files:
        if overlay and rel in overlay:
            results[rel] = extract_bytes(overlay[rel], rel, modules[rel], pack.infer_name)
            continue
        facts = cache.get(keys.get(rel)) if cache else None
        if facts is not None:
            results[rel] = facts
        else:
            todo.append(rel)
    if jobs > 1 and len(todo) > 8:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=pack_spec) as pool:
            args = [(str(root), rel, modules[rel]) for rel in todo]
            for i, facts in enumerate(pool.map(_extract_one, args, chunksize=8)):
                results[facts.path] = facts
                if progress:
                    progress(i + 1, len(todo))
    else:
        for i, rel in enumerate(todo):
            results[rel] = extract_file(root, rel, modules[rel], pack.infer_name)
            if progress:
                progress(i + 1, len(todo))
    if cache:
        for rel in todo:
            cache.put(keys.get(rel), results[rel])
    return [results[rel] for rel in files]


def analyse(config: Config, pack, *, report_paths: list[str] | None = None, jobs: int = 1,
            use_cache: bool = True, progress=None, files: list[str] | None = None,
            need_graph: bool = False, overlay: dict[str, bytes] | None = None) -> Analysis:
    """The whole project is analysed; findings are kept for ``report_paths`` (all when None).

    With the cache, an unchanged project (same files, settings and pack) reuses its last
    findings; ``need_graph`` asks for the graph too, which is always rebuilt.
    """
    with fewer_collections():
        return _analyse(config, pack, report_paths, jobs, use_cache, progress, files, need_graph, overlay)


def _analyse(config, pack, report_paths, jobs, use_cache, progress, files, need_graph, overlay) -> Analysis:
    root = config.root
    settings = config.settings
    if files is None:
        files = discover(root, settings.excludes)
    cache = FactCache(root, pack.digest) if use_cache else None
    modules = module_names(files)
    keys = {rel: cache.key(rel, modules[rel]) for rel in files} if cache else {}
    if overlay:
        keys.update((rel, None) for rel in overlay if rel in keys)  # no project-level cache entry either
    settings_json = settings.model_dump_json()
    last = _LastRun(cache, settings_json) if cache and not overlay else None
    same_as = last.same_facts_keys(keys) if last else keys
    project_key = cache.project_key(sorted(same_as.items()), settings_json) if cache else None
    builder = flows = None
    facts: list[ModuleFacts] = []
    cached = cache.get(project_key) if cache and not need_graph else None
    findings, warnings = cached if isinstance(cached, tuple) else (None, [])
    pack_spec = (settings.pack, str(root))
    # Files the last run also had, edited since: they may have kept their facts.
    edited = {rel: modules[rel] for rel in files if last and last.keys.get(rel) not in (None, keys[rel])}
    if findings is None and edited and not need_graph:
        # An edit the analysis cannot see (a comment, a docstring) leaves the facts as they
        # were, and so the findings: compare the edited files' facts before loading the rest.
        edited_facts = collect_facts(root, edited, pack, pack_spec, jobs=jobs, cache=cache, keys=keys)
        same_as = last.compare_facts(keys, edited_facts)
        known_key = cache.project_key(sorted(same_as.items()), settings_json)
        if known_key != project_key:
            project_key = known_key
            cached = cache.get(project_key)
            findings, warnings = cached if isinstance(cached, tuple) else (None, [])
    if last:
        last.remember(keys)
    if findings is None:
        # Imported here: a project the cache answers for needs none of them.
        from .checks import run_checks
        from .flows import FlowIndex
        from .graph import GraphBuilder, Project

        facts = collect_facts(root, modules, pack, pack_spec, jobs=jobs, cache=cache, keys=keys, progress=progress,
                              overlay=overlay)
        builder = GraphBuilder(Project.build(facts), pack, settings)
        builder.build()
        flows = FlowIndex(builder)
        findings = run_checks(builder, flows, pack, settings, facts, _config_file(config))
        findings = _apply_noqa(findings, facts) + _unused_noqa(findings, facts, pack)
        findings = _select(findings, settings.select, settings.ignore, pack)
        findings.sort(key=Finding.sort_key)
        warnings = list(getattr(builder, "warnings", []))
        if cache:
            cache.put(project_key, (findings, warnings))
    if report_paths is not None:
        wanted = set(report_paths)
        findings = [f for f in findings if f.location.path in wanted
                    or any(f.location.path.startswith(p.rstrip("/") + "/") for p in wanted)]
    return Analysis(root, findings, builder, facts, flows, warnings)


class _LastRun:
    """What the cache knows across runs with these settings: each file's key in the last
    run, and aliases: a file key whose facts came out equal to those of an earlier key
    stands for it. Findings depend on the facts alone, so an edit the analysis cannot see
    (a comment, a docstring) finds the project's findings under the earlier keys."""

    MAX_ALIASES = 4096  # the oldest are forgotten first

    def __init__(self, cache: FactCache, settings_json: str) -> None:
        self.cache = cache
        self.key = cache.last_run_key(settings_json)
        stored = cache.get(self.key)
        self.keys, self.aliases = stored if isinstance(stored, tuple) and len(stored) == 2 else ({}, {})
        self.new_aliases = False

    def same_facts_keys(self, keys: dict[str, str | None]) -> dict[str, str | None]:
        return {rel: self.aliases.get(key, key) for rel, key in keys.items()}

    def compare_facts(self, keys: dict[str, str | None], facts: list[ModuleFacts]) -> dict[str, str | None]:
        """``same_facts_keys``, after comparing each file edited since the last run with
        its version then."""
        same_as = self.same_facts_keys(keys)
        for mod in facts:
            key, before = keys.get(mod.path), self.keys.get(mod.path)
            if key is None or before is None or key == before or key in self.aliases:
                continue
            before = self.aliases.get(before, before)
            old = self.cache.get(before)
            if old is not None and old == mod:
                same_as[mod.path] = self.aliases[key] = before
                self.new_aliases = True
        return same_as

    def remember(self, keys: dict[str, str | None]) -> None:
        if keys == self.keys and not self.new_aliases:
            return
        aliases = self.aliases
        if len(aliases) > self.MAX_ALIASES:
            aliases = dict(list(aliases.items())[-self.MAX_ALIASES:])
        self.cache.put(self.key, (keys, aliases))


def _config_file(config: Config) -> tuple[str, str] | None:
    """The configuration file as the project sees it, for findings about its entries."""
    if config.source is None:
        return None
    try:
        rel = config.source.resolve().relative_to(config.root.resolve()).as_posix()
        return rel, config.source.read_text(encoding="utf-8")
    except (ValueError, OSError, UnicodeDecodeError):
        return None


def _apply_noqa(findings: list[Finding], facts: list[ModuleFacts]) -> list[Finding]:
    noqa = {f.path: f.noqa for f in facts}
    out = []
    for finding in findings:
        entry = noqa.get(finding.location.path, {}).get(finding.location.line)
        if entry is None:
            out.append(finding)
            continue
        codes, reason = entry[0], entry[1]
        if codes is not None and not any(finding.code.startswith(c) for c in codes):
            out.append(finding)
            continue
        if reason:
            from dataclasses import replace

            out.append(replace(finding, suppression=Suppression("noqa", reason)))
    return out


def _unused_noqa(findings: list[Finding], facts: list[ModuleFacts], pack) -> list[Finding]:
    """PII902: a ``# noqa:`` naming a PII code that is no rule (``PII2O1``), or one that no
    finding on its line has. Bare noqa and other tools' codes are left alone."""
    rule = pack.rules.get("PII902")
    if rule is None:
        return []
    on_line = defaultdict(set)
    for f in findings:
        on_line[(f.location.path, f.location.line)].add(f.code)
    codes_known = sorted(pack.rules)
    out = []
    for mod in facts:
        for line, entry in sorted(mod.noqa.items()):
            codes, bad = entry[0], entry[2] if len(entry) > 2 else ()
            if codes is None:
                continue
            problems, unused = [], []
            for word in bad:
                if word.startswith("PII"):
                    close = difflib.get_close_matches(word, codes_known, n=1, cutoff=0.6)
                    problems.append(f"{word} is not a rule code" + (f" (did you mean {close[0]}?)" if close else ""))
                    unused.append(word)
            for code in codes:
                if not code.startswith("PII"):
                    continue  # another tool's code
                if not any(c.startswith(code) for c in codes_known):
                    problems.append(f"{code} is not a rule code")
                    unused.append(code)
                elif not any(c.startswith(code) for c in on_line.get((mod.path, line), ())):
                    problems.append(f"{code} suppresses no finding on this line")
                    unused.append(code)
            if problems:
                out.append(Finding(
                    code="PII902", name=rule.name, message=f"PII902 unused noqa: {'; '.join(problems)}",
                    location=Location(mod.path, line, 1), source="noqa", sink="", policy=rule.policy,
                    severity=rule.severity, fix_hint=("noqa-drop", tuple(unused)),
                ))
    return out


def _select(findings, select, ignore, pack) -> list[Finding]:
    enabled = pack.enabled_rules()
    out = []
    for f in findings:
        if f.code not in enabled:
            continue
        if select and not any(f.code.startswith(s) for s in select):
            continue
        if ignore and any(f.code.startswith(i) for i in ignore):
            continue
        out.append(f)
    return out
