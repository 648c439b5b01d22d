#!/usr/bin/env python
"""Robustness corpus (issue 5): run ``pii-lint check`` over real code and look for crashes.

    python tests/support/corpus_check.py [--corpus stdlib,oscar,saleor,shuup] [--downloads DIR]

Each corpus is checked with

    pii-lint check ROOT --format json --exit-zero --no-cache --jobs 2 --config EVERYTHING

(EVERYTHING excludes nothing: test code and migrations are analysed too), and fails the script (exit 1, every problem listed) on
  - exit status 2,
  - a traceback on stderr,
  - output that is not the JSON report,
  - a file reported as PII900 that CPython itself compiles (``compile(bytes, path, "exec")``
    in this process: the bytes go to ``compile`` so it applies the coding cookie or BOM).

Corpora:
  stdlib  the running interpreter's standard library (``sysconfig``'s ``stdlib`` path),
          its ``.py`` files copied to a temporary folder with a ``pyproject.toml``: the
          real folder has none and may sit inside a larger git checkout (pyenv), which
          would become the project root.
  oscar   django-oscar 4.2.1 sdist
  saleor  saleor 2.10.1 sdist (declares Python < 3.9: ``--ignore-requires-python``)
  shuup   shuup 3.1.0, a wheel only, whose metadata pip >= 24.1 rejects: downloaded
          with pip 23.x (from a fresh venv, downgraded there if needed), then unzipped.

Per corpus it prints files, files analysed, PII900 count, runtime and findings per code.
Downloads are kept in ``--downloads DIR`` (default: a temporary folder).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from shops import prepare  # noqa: E402 - the shared download code lives beside the benchmarks

CORPORA = ("stdlib", "oscar", "saleor", "shuup")


@dataclass
class Result:
    name: str
    root: Path | None = None
    files: int = 0
    pii900: int = 0
    seconds: float = 0.0
    codes: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    pii900_reasons: Counter = field(default_factory=Counter)
    stderr_lines: int = 0
    stderr_head: list[str] = field(default_factory=list)


# -- checking -----------------------------------------------------------------------------

def everything_config(root: Path) -> Path:
    """A configuration that excludes nothing: robustness is about every file, test code and
    migrations included (the default excludes leave those out)."""
    path = root.parent / "pii-lint-everything.toml"
    path.write_text("[tool.pii-lint]\nexclude = []\n", encoding="utf-8")
    return path


def python_files(root: Path) -> list[str]:
    """The files the engine analyses, as it discovers them."""
    from pii_lint.config import load_config
    from pii_lint.engine import discover

    return discover(root, load_config(root, everything_config(root)).settings.excludes)


def compiles(path: Path) -> tuple[bool, str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return False, f"unreadable: {exc}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(data, str(path), "exec", dont_inherit=True)
        except (SyntaxError, ValueError, MemoryError, RecursionError, OverflowError) as exc:
            return False, f"{type(exc).__name__}: {exc}"
    return True, ""


def check_corpus(name: str, root: Path, jobs: int) -> Result:
    result = Result(name, root)
    result.files = len(python_files(root))
    cmd = [sys.executable, "-m", "pii_lint", "check", str(root), "--format", "json", "--exit-zero", "--no-cache",
           "--jobs", str(jobs), "--config", str(everything_config(root))]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=root.parent)
    result.seconds = time.perf_counter() - t0
    shown = " ".join(cmd[1:])
    if proc.returncode == 2:
        result.problems.append(f"exit status 2 from `python {shown}`: {proc.stderr.strip()[-2000:]}")
    elif proc.returncode != 0:
        result.problems.append(f"exit status {proc.returncode} despite --exit-zero")
    if "Traceback" in proc.stderr:
        result.problems.append(f"traceback on stderr:\n{proc.stderr[-4000:]}")
    elif proc.stderr.strip():  # not a failure, but worth seeing (SyntaxWarnings of analysed code...)
        result.stderr_lines = len(proc.stderr.strip().splitlines())
        result.stderr_head = proc.stderr.strip().splitlines()[:3]
    try:
        doc = json.loads(proc.stdout)
        findings = doc["findings"]
    except (ValueError, KeyError, TypeError) as exc:
        result.problems.append(f"output is not the JSON report ({exc}): {proc.stdout[:300]!r}")
        return result
    for f in findings:
        result.codes[f["code"]] += 1
        if f["code"] != "PII900":
            continue
        result.pii900 += 1
        reason = f["message"].split("cannot be analysed: ", 1)[-1]
        result.pii900_reasons[reason.split(" (line")[0][:80]] += 1
        if "\n" in f["message"]:
            result.problems.append(f"{f['path']}: PII900 message spans several lines: {f['message']!r}")
        ok, _ = compiles(root / f["path"])
        if ok:
            result.problems.append(f"{f['path']}: PII900 ({f['message']}) but CPython compiles it")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run pii-lint over real code and fail on crashes.")
    parser.add_argument("--corpus", default=",".join(CORPORA),
                        help=f"comma-separated corpora to check (default: all of {','.join(CORPORA)})")
    parser.add_argument("--downloads", type=Path, help="keep downloads here (default: a temporary folder)")
    parser.add_argument("--jobs", type=int, default=2, help="pii-lint --jobs (default 2)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the results as JSON")
    args = parser.parse_args(argv)
    names = [c.strip() for c in args.corpus.split(",") if c.strip()]
    unknown = [c for c in names if c not in CORPORA]
    if unknown or not names:
        parser.error(f"unknown corpus {', '.join(unknown) or '(none)'}; choose from {', '.join(CORPORA)}")

    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="pii-lint-corpus-") as tmp_str:
        work = Path(tmp_str)
        downloads = args.downloads or work / "downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        for name in names:
            print(f"[{name}] preparing...", flush=True)
            try:
                root = prepare(name, work, downloads)
            except Exception as exc:  # noqa: BLE001 - a corpus we cannot get is a problem to report
                r = Result(name)
                r.problems.append(f"could not get the corpus: {type(exc).__name__}: {exc}")
                results.append(r)
                continue
            print(f"[{name}] checking {root} ...", flush=True)
            r = check_corpus(name, root, args.jobs)
            results.append(r)
            codes = ", ".join(f"{c} {n}" for c, n in sorted(r.codes.items())) or "none"
            print(f"[{name}] files {r.files}, analysed {r.files - r.pii900}, PII900 {r.pii900}, "
                  f"{r.seconds:.1f} s; findings: {codes}", flush=True)
            for reason, n in r.pii900_reasons.most_common(8):
                print(f"    PII900 x{n}: {reason}")
            if r.stderr_lines:
                print(f"    note: {r.stderr_lines} line(s) on stderr, first: {r.stderr_head}")

    print()
    print(f"{'corpus':8} {'files':>6} {'PII900':>7} {'seconds':>8}  findings")
    for r in results:
        codes = ", ".join(f"{c} {n}" for c, n in sorted(r.codes.items())) or "-"
        print(f"{r.name:8} {r.files:6} {r.pii900:7} {r.seconds:8.1f}  {codes}")
    problems = [(r.name, p) for r in results for p in r.problems]
    if args.json:
        args.json.write_text(json.dumps([
            {"corpus": r.name, "files": r.files, "pii900": r.pii900, "seconds": round(r.seconds, 2),
             "codes": dict(sorted(r.codes.items())), "pii900_reasons": dict(r.pii900_reasons),
             "problems": r.problems}
            for r in results], indent=2) + "\n", encoding="utf-8")
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for name, p in problems:
            print(f"- [{name}] {p}")
        return 1
    print("\nno problems")
    return 0


if __name__ == "__main__":
    sys.exit(main())
