"""The ``pii-lint`` command: a thin adapter that chooses inputs and outputs."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from . import __version__
from .errors import ConfigError

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
DEFAULT_BASELINE = "pii-baseline.json"  # used when it exists at the project root
FAIL_ON = {"error": ("error",), "warning": ("error", "warning"), "never": ()}


class _Parser(argparse.ArgumentParser):
    """A usage mistake is one line on stderr and exit 2, not argparse's full usage."""

    def error(self, message: str):
        self.exit(EXIT_ERROR, f"pii-lint: error: {message} (see `{self.prog} --help`)\n")


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--jobs wants a number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("--jobs must be 0 (one per core) or more")
    return value


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", help="files or folders to report on (default: the project)")
    p.add_argument("--config", type=Path, help="pyproject.toml to read [tool.pii-lint] from")
    p.add_argument("--jobs", "-j", type=_jobs, default=0, help="worker processes (0, the default: one per core)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write .pii-lint-cache/")
    p.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pii-lint", description="Check Python code against a privacy policy.")
    parser.add_argument("--version", action="version", version=f"pii-lint {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="report where personal data breaks the policy")
    _common(check)
    check.add_argument("--format", default="text", choices=("text", "concise", "json", "sarif", "github", "gitlab"))
    check.add_argument("--output", "-o", type=Path, help="write the report here instead of stdout")
    check.add_argument("--select", default="", help="comma-separated codes or prefixes to report")
    check.add_argument("--ignore", default="", help="comma-separated codes or prefixes to leave out")
    check.add_argument("--baseline", type=Path, help="accepted findings to leave out (see `pii-lint baseline`); "
                       f"default: {DEFAULT_BASELINE} at the project root when it exists")
    check.add_argument("--no-baseline", action="store_true", help=f"do not use {DEFAULT_BASELINE} by default")
    check.add_argument("--diff-base", metavar="REF", help="report only flows touching lines changed since REF")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    check.add_argument("--fail-on", choices=tuple(FAIL_ON), default=None,
                       help="exit 1 only for findings of this severity or worse (default: any finding)")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    check.add_argument("--fix", action="store_true", help="apply the safe fixes (each checked before it is written)")
    check.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff, the unsafe fixes too")
    check.add_argument("--diff", action="store_true", help="print the fixes as a unified diff; write nothing")
    check.add_argument("--add-noqa", metavar="REASON", nargs="?", const="",
                       help="add `# noqa: CODE -- REASON` to every finding still reported")

    tag = sub.add_parser("tag", help="write the `# pii:` tags that suggest mode proposes")
    _common(tag)
    tag.add_argument("--dry-run", action="store_true", help="print the diff instead of writing")

    baseline = sub.add_parser("baseline", help="write today's findings as accepted debt")
    _common(baseline)
    baseline.add_argument("--output", "-o", type=Path, required=True)

    graph = sub.add_parser("graph", help="export the data-flow graph for reviewers")
    _common(graph)
    graph.add_argument("--format", default="html", choices=("html", "dot", "graphml", "json", "mermaid"))
    graph.add_argument("--output", "-o", type=Path)
    graph.add_argument("--level", default="map", choices=("map", "values"),
                       help="map: categories -> destinations (default); values: the value-level graph")

    inventory = sub.add_parser("inventory", help="the data map: what is collected, stored, logged, sent")
    _common(inventory)
    inventory.add_argument("--format", default="markdown", choices=("markdown", "json", "html"))
    inventory.add_argument("--output", "-o", type=Path)

    init = sub.add_parser("init", help="write a starting [tool.pii-lint] section into pyproject.toml")
    _common(init)
    init.add_argument("--baseline", action="store_true", help=f"also write {DEFAULT_BASELINE} with today's findings")

    rules = sub.add_parser("rules", help="list the rule catalogue")
    rules.add_argument("--config", type=Path)
    explain = sub.add_parser("explain", help="show one rule's page")
    explain.add_argument("code")
    explain.add_argument("--config", type=Path)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = getattr(args, "debug", False)
    try:
        return _run(args)
    except ConfigError as exc:
        print(f"pii-lint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("pii-lint: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:  # a one-line message unless --debug
        if debug:
            traceback.print_exc()
        else:
            print(f"pii-lint: internal error: {type(exc).__name__}: {exc} (run with --debug for details)",
                  file=sys.stderr)
        return EXIT_ERROR


def _load(args):
    from .config import find_project_root, load_config, load_project_pack, validate_against_pack

    paths = [Path(p) for p in getattr(args, "paths", []) or []]
    for p in paths:
        if not p.exists():
            raise ConfigError(f"{p}: no such file or folder")
    if args.config is not None:
        root = args.config.resolve().parent
    else:
        root = find_project_root(paths)
    config = load_config(root, args.config)
    pack = load_project_pack(config)
    validate_against_pack(config, pack)
    report = None
    if paths:
        report = []
        for p in paths:
            resolved = p.resolve()
            try:
                rel = resolved.relative_to(root.resolve()).as_posix()
            except ValueError:
                raise ConfigError(f"{p}: not inside the project at {root}") from None
            report.append("" if rel == "." else rel)
        if "" in report:
            report = None
    return config, pack, report


def _analyse(args, config, pack, report, need_graph=False):
    from .engine import analyse

    jobs = args.jobs or os.cpu_count() or 1
    progress = _progress_bar() if sys.stderr.isatty() and not getattr(args, "debug", False) else None
    analysis = analyse(config, pack, report_paths=report, jobs=jobs, use_cache=not args.no_cache, progress=progress,
                       need_graph=need_graph)
    if progress:
        progress(None, None)
    for warning in analysis.warnings:
        print(f"pii-lint: warning: {warning}", file=sys.stderr)
    return analysis


def _run(args) -> int:
    if args.command in ("rules", "explain"):
        from .report.explain import render_explain, render_rules

        from .config import find_project_root, load_config, load_project_pack

        # The project's own pack when run inside a project, else the bundled one.
        root = args.config.resolve().parent if args.config else find_project_root([])
        pack = load_project_pack(load_config(root, args.config))
        text = render_rules(pack) if args.command == "rules" else render_explain(pack, args.code.upper())
        print(text)
        return EXIT_OK

    config, pack, report = _load(args)
    if args.command == "tag":
        return _tag(args, config, pack, report)
    if args.command == "check":
        for key in ("select", "ignore"):
            codes = [c.strip().upper() for c in getattr(args, key).split(",") if c.strip()]
            for code in codes:
                if not any(rule.startswith(code) for rule in pack.rules):
                    raise ConfigError(f"--{key}: unknown rule code {code!r}; `pii-lint rules` lists them")
            if codes:
                setattr(config.settings, key, codes)
        if args.add_noqa is not None and ("#" in args.add_noqa or "\n" in args.add_noqa):
            raise ConfigError("--add-noqa: the reason cannot hold '#' or a line break")
        fixing = args.fix or args.diff or args.add_noqa is not None
        # Fixing compares the whole project before and after: analyse all of it.
        analysis = _analyse(args, config, pack, None if fixing else report)
        failed: set = set()
        if fixing:
            outcome = _fix(args, config, pack, analysis, report)
            if args.diff:
                return EXIT_FINDINGS if outcome.changed and not args.exit_zero else EXIT_OK
            analysis.findings = [f for f in outcome.analysis.findings if _in_report(f.location.path, report)]
            failed = {f.fingerprint_key() for findings, _ in outcome.rejected for f in findings}
        return _check(args, config, pack, analysis, failed)
    analysis = _analyse(args, config, pack, report, need_graph=args.command in ("graph", "inventory", "init"))
    if args.command == "init":
        return _init(args, config, pack, analysis)
    if args.command == "baseline":
        from .suppress import write_baseline

        write_baseline(analysis.findings, args.output, tool_version=__version__)
        print(f"pii-lint: wrote {len(analysis.findings)} findings to {args.output}", file=sys.stderr)
        return EXIT_OK
    if args.command == "graph":
        from .report.graph_export import render_graph

        _emit(render_graph(args.format, analysis, level=args.level, paths=report, pack=pack), args.output)
        return EXIT_OK
    if args.command == "inventory":
        from .report.inventory import render_inventory

        _emit(render_inventory(args.format, analysis, pack), args.output)
        return EXIT_OK
    raise ConfigError(f"unknown command {args.command}")


def _init(args, config, pack, analysis) -> int:
    from . import init

    target = config.source or config.root / "pyproject.toml"
    existing = target.read_text(encoding="utf-8") if target.is_file() else ""
    addition = init.render(init.plan(analysis, pack, config), existing, pack)
    wrote = init.write(target, addition)
    print(f"pii-lint: {'added to' if wrote else 'nothing to add to'} {target}", file=sys.stderr)
    if args.baseline:
        from .suppress import write_baseline

        write_baseline(analysis.findings, config.root / DEFAULT_BASELINE, tool_version=__version__)
        print(f"pii-lint: wrote {len(analysis.findings)} findings to {DEFAULT_BASELINE}", file=sys.stderr)
    print("Next:\n  1. fill in each recipient's purpose and allow list, and the retention periods\n"
          "  2. pii-lint check" + ("   (pii-baseline.json is used by default)" if args.baseline else ""))
    return EXIT_OK


def _in_report(path: str, report) -> bool:
    return report is None or any(path == p or path.startswith(p.rstrip("/") + "/") for p in report)


def _fix(args, config, pack, analysis, report):
    """Fixes, then noqa comments, checked by the runner; written unless --diff."""
    from .fixes.runner import Runner

    skip: set = set()
    if args.baseline is not None:  # accepted debt is neither fixed nor given a noqa
        from .suppress import apply_baseline, load_baseline

        marked, _ = apply_baseline(analysis.findings, load_baseline(args.baseline))
        skip = {f.fingerprint_key() for f in marked if f.suppression is not None and f.suppression.kind == "baseline"}
    runner = Runner(config, pack, in_scope=lambda path: _in_report(path, report), jobs=args.jobs or os.cpu_count() or 1,
                    use_cache=not args.no_cache, unsafe=args.unsafe_fixes, skip=skip)
    if args.fix or args.diff:
        from .fixes import KINDS

        # A tag makes a field personal: where it flows is then reported, by design. Tags are
        # checked on their own codes first, then the other fixes on every code.
        analysis = runner.fixes(analysis, kinds={"tag"}, codes={"PII103", "PII901"})
        analysis = runner.fixes(analysis, kinds=set(KINDS) - {"tag"})
    if args.add_noqa is not None:
        analysis = runner.noqa(analysis, args.add_noqa.strip())
    outcome = runner.out
    outcome.analysis = analysis
    _finish(outcome, config, write=not args.diff, verb="fixed", noun="finding")
    return outcome


def _finish(outcome, config, *, write: bool, verb: str, noun: str) -> None:
    from .atomic import atomic_write

    changed = outcome.changed
    if write:
        for path, data in changed.items():
            try:
                atomic_write(config.root / path, data)
            except OSError as exc:
                raise ConfigError(f"{path}: cannot write: {exc.strerror or exc}") from None
    elif changed:
        _emit(outcome.diff(), None)
    fixed = sum(len(fs) for fs, fix in outcome.applied if fix.kind != "noqa")
    silenced = sum(len(fs) for fs, fix in outcome.applied if fix.kind == "noqa")
    would = "" if write else "would have "
    done = [f"{verb} {_count(fixed, noun)}"] if fixed else []
    if silenced:
        done.append(f"suppressed {_count(silenced, 'finding')} with `# noqa`")
    if fixed or silenced:
        print(f"pii-lint: {would}{' and '.join(done)} in {_count(len(changed), 'file')}", file=sys.stderr)
    for findings, reason in sorted(outcome.rejected, key=lambda r: (r[0][0].sort_key(), r[1])):
        f = findings[0]
        print(f"pii-lint: not applied: {f.location.path}:{f.location.line} {f.code}: {reason}", file=sys.stderr)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _tag(args, config, pack, report) -> int:
    """Suggest mode, whatever the configuration says, and only its tag fixes."""
    from .config import Config
    from .fixes.runner import Runner

    settings = config.settings.model_copy(update={"infer": "suggest", "select": [], "ignore": []})
    tagged = Config(config.root, settings, config.source)
    analysis = _analyse(args, tagged, pack, None)
    runner = Runner(tagged, pack, in_scope=lambda path: _in_report(path, report), jobs=args.jobs or os.cpu_count() or 1,
                    use_cache=not args.no_cache, unsafe=False)
    runner.fixes(analysis, kinds={"tag"}, codes={"PII103", "PII901"}, settings=settings)
    _finish(runner.out, config, write=not args.dry_run, verb="tagged", noun="field")
    return EXIT_OK


def _check(args, config, pack, analysis, failed=frozenset()) -> int:
    from .fixes import attach
    from .report import render

    findings = analysis.findings
    stale: list = []
    baseline = args.baseline
    if baseline is None and not args.no_baseline and (config.root / DEFAULT_BASELINE).is_file():
        baseline = config.root / DEFAULT_BASELINE
        print(f"pii-lint: using the baseline {DEFAULT_BASELINE} (--no-baseline to report everything)", file=sys.stderr)
    if baseline is not None:
        from .suppress import apply_baseline, load_baseline

        findings, stale = apply_baseline(findings, load_baseline(baseline))
    if args.diff_base:
        from .suppress import changed_lines, filter_to_diff

        findings = filter_to_diff(findings, changed_lines(config.root, args.diff_base))
    color = args.color == "always" or (args.color == "auto" and args.output is None and sys.stdout.isatty()
                                       and not os.environ.get("NO_COLOR"))
    findings = attach(findings, pack, config.settings, unsafe=args.unsafe_fixes, failed=failed)
    if args.format in ("json", "sarif") and any(f.fix is not None for f in findings):
        from .fixes.compute import with_edits

        findings = with_edits(findings, config.root, config.settings)
    if args.format in ("text", "concise"):
        findings = _relative_to_cwd(findings, config.root)
    text = render(args.format, findings, pack=pack, root_uri=config.root.resolve().as_uri() + "/", color=color,
                  stale=stale, tool_version=__version__)
    _emit(text, args.output)
    active = [f for f in findings if f.suppression is None]
    if args.exit_zero:
        return EXIT_OK
    if args.fail_on is not None:
        active = [f for f in active if f.severity in FAIL_ON[args.fail_on]]
    return EXIT_FINDINGS if active else EXIT_OK


def _relative_to_cwd(findings, root: Path) -> list:
    """Paths as flake8 prints them: relative to the current folder (``../shop/views.py`` from
    a sibling folder); machine formats keep them relative to the project root."""
    from dataclasses import replace

    base, here = root.resolve(), Path.cwd().resolve()
    if base == here or not (here in base.parents or base in here.parents):
        return findings  # run from the root, or from an unrelated folder: root-relative as always

    def moved(loc):
        try:
            return replace(loc, path=Path(os.path.relpath(base / loc.path, here)).as_posix())
        except ValueError:  # another drive on Windows
            return loc

    return [replace(f, location=moved(f.location), steps=tuple(replace(st, location=moved(st.location)) for st in f.steps))
            for f in findings]


def _emit(text: str, output: Path | None) -> None:
    # File names that are not UTF-8 carry surrogates: print them escaped, never crash.
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if output is None:
        sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text if text.endswith("\n") or not text else text + "\n", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{output}: cannot write: {exc.strerror or exc}") from None


def _progress_bar():
    state = {"shown": False}

    def update(done, total):
        if done is None:
            if state["shown"]:
                sys.stderr.write("\r\x1b[K")
                sys.stderr.flush()
            return
        if total < 50:
            return
        width = 30
        filled = int(width * done / total)
        sys.stderr.write(f"\rpii-lint: analysing [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()
        state["shown"] = True

    return update
