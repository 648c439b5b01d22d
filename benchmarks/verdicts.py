#!/usr/bin/env python
"""Accuracy on real shops: pii-lint's findings against a committed verdict file.

    python benchmarks/verdicts.py [--downloads DIR] [--shops oscar,saleor,...] [--seeds 1,2,3]
                                  [--verdicts FILE] [--json OUT] [--min-precision P]
                                  [--min-code-precision P] [--update]

Downloads django-oscar 4.2.1, saleor 2.10.1 and shuup 3.1.0, and four shops nobody here
wrote (pretix, Cartridge, django-lfs, django-SHOP), with pip (``shops.py``), runs

    pii-lint check ROOT --format json --exit-zero --no-cache --jobs 2

on each, and matches every finding with ``verdicts.yaml``:

- ``findings``: one entry per finding ever reported, judged after reading the code:
  ``real``, ``false``, ``debatable``, or ``fixed`` (a false positive no longer reported,
  kept as a guard). An entry matches a finding of the same shop, path and code on the
  same line, or, when the line moved, on the same source text (``snippet``).
- ``expected``: true problems found by hand (the recall list), each at a path and line
  (or ``lines: [first, last]``) with the codes that would report it.

It prints precision, ``real / (real + false)``, per code and overall, recall on the
expected list, and every finding that has no verdict. It fails (exit 1) when a finding
has no verdict, a ``real`` finding is gone, a ``fixed`` one is back, or precision is below
``--min-precision`` (a code's below ``--min-code-precision``, for codes with five or more
real or false findings). With ``--seeds``, each shop
is analysed again under those hash seeds, with ``--jobs`` 1 and 2 and a warm cache, and a
report that differs byte for byte fails the run. ``--update`` rewrites the file: unjudged
findings are added as ``verdict: todo`` for a reader to judge, and ``false`` entries no
longer reported become ``fixed``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from shops import ALL_SHOPS, prepare  # noqa: E402

VERDICTS = HERE / "verdicts.yaml"
MIN_JUDGED_PER_CODE = 5  # --min-code-precision applies to codes with at least this many real + false
JUDGED = ("real", "false", "debatable", "fixed")


@dataclass(frozen=True)
class Reported:
    shop: str
    path: str
    line: int
    code: str
    snippet: str
    message: str


def source_line(root: Path, path: str, line: int) -> str:
    try:
        lines = (root / path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return lines[line - 1].strip() if 0 < line <= len(lines) else ""


def check_json(shop: str, root: Path, *, seed: str = "0", jobs: int = 2, cache: bool = False) -> str:
    cmd = [sys.executable, "-m", "pii_lint", "check", str(root), "--format", "json", "--exit-zero",
           "--jobs", str(jobs)] + ([] if cache else ["--no-cache"])
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=root, env={**os.environ, "PYTHONHASHSEED": seed})
    if proc.returncode != 0:
        raise RuntimeError(f"{shop}: pii-lint exited {proc.returncode}: {proc.stderr.strip()[-2000:]}")
    return proc.stdout


def reruns_differ(shop: str, root: Path, reference: str, seeds: list[str]) -> list[str]:
    """The same report, byte for byte, under other hash seeds, --jobs 1 and 2, cold and warm."""
    problems = []
    runs = [(seed, 1 + i % 2, False) for i, seed in enumerate(seeds)] + [(seeds[0], 2, True), (seeds[-1], 1, True)]
    for seed, jobs, cache in runs:
        if check_json(shop, root, seed=seed, jobs=jobs, cache=cache) != reference:
            how = f"PYTHONHASHSEED={seed} --jobs {jobs} {'with the cache' if cache else '--no-cache'}"
            problems.append(f"{shop}: the report differs under {how}")
    return problems


def run_shop(shop: str, root: Path, seeds: list[str]) -> tuple[list[Reported], list[str]]:
    stdout = check_json(shop, root)
    problems = reruns_differ(shop, root, stdout, seeds) if seeds else []
    found = []
    for f in json.loads(stdout)["findings"]:
        if f["code"] == "PII900":
            continue
        found.append(Reported(shop, f["path"], f["line"], f["code"], source_line(root, f["path"], f["line"]),
                              f["message"]))
    return found, problems


def match(findings: list[Reported], entries: list[dict]) -> tuple[dict[Reported, dict], list[Reported]]:
    """Each finding's verdict entry: same shop, path and code, then the same line or source text."""
    by_place: dict[tuple, list[dict]] = defaultdict(list)
    for entry in entries:
        by_place[(entry["shop"], entry["path"], entry["code"])].append(entry)
    matched: dict[Reported, dict] = {}
    taken: set[int] = set()
    for pass_on_line in (True, False):
        for f in findings:
            if f in matched:
                continue
            for entry in by_place[(f.shop, f.path, f.code)]:
                if id(entry) in taken:
                    continue
                same = entry["line"] == f.line if pass_on_line else entry.get("snippet") == f.snippet
                if same:
                    matched[f] = entry
                    taken.add(id(entry))
                    break
    unjudged = [f for f in findings if f not in matched]
    return matched, unjudged


def found_expected(findings: list[Reported], entry: dict) -> bool:
    first, last = entry.get("lines") or (entry["line"], entry["line"])
    return any(f.shop == entry["shop"] and f.path == entry["path"] and f.code in entry["codes"]
               and first <= f.line <= last for f in findings)


def precision(counts: Counter) -> float | None:
    judged = counts["real"] + counts["false"]
    return counts["real"] / judged if judged else None


def fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def write_verdicts(path: Path, doc: dict) -> None:
    """One entry per line, sorted, so a review reads the diff line by line."""
    def key(e):
        return (e["shop"], e["path"], e.get("line", 0), e.get("code", ""))

    out = ["# Verdicts on pii-lint's findings on real shops; see benchmarks/verdicts.py.",
           "# Judge a finding only after reading the code. Never delete a `false` entry: fix the engine.",
           "findings:"]
    for entry in sorted(doc["findings"], key=key):
        out.append("- " + yaml.safe_dump(entry, default_flow_style=True, width=10**6, sort_keys=False).strip())
    out.append("expected:")
    for entry in sorted(doc["expected"], key=key):
        out.append("- " + yaml.safe_dump(entry, default_flow_style=True, width=10**6, sort_keys=False).strip())
    tmp = path.with_suffix(".tmp")
    tmp.write_text("\n".join(out) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="pii-lint's findings on real shops against the verdict file.")
    parser.add_argument("--downloads", type=Path, help="keep downloads here (default: a temporary folder)")
    parser.add_argument("--shops", default=",".join(ALL_SHOPS))
    parser.add_argument("--verdicts", type=Path, default=VERDICTS)
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the results as JSON")
    parser.add_argument("--min-precision", type=float, default=0.0, help="fail below this overall precision")
    parser.add_argument("--min-code-precision", type=float, default=0.0, help="fail when a code is below this")
    parser.add_argument("--seeds", default="", metavar="S1,S2,...",
                        help="also run under these PYTHONHASHSEEDs, --jobs 1/2 and a warm cache: output must not change")
    parser.add_argument("--update", action="store_true", help="add unjudged findings as todo, mark gone false as fixed")
    args = parser.parse_args(argv)
    shops = [s.strip() for s in args.shops.split(",") if s.strip()]
    if not shops or any(s not in ALL_SHOPS for s in shops):
        parser.error(f"--shops: choose from {', '.join(ALL_SHOPS)}")

    doc = yaml.safe_load(args.verdicts.read_text(encoding="utf-8")) if args.verdicts.exists() else None
    doc = doc or {}
    doc.setdefault("findings", [])
    doc.setdefault("expected", [])
    doc["findings"] = doc["findings"] or []
    doc["expected"] = doc["expected"] or []
    for entry in doc["findings"]:
        entry["verdict"] = str(entry["verdict"]).lower()  # an unquoted `false` is YAML's boolean
    entries = [e for e in doc["findings"] if e["shop"] in shops]

    findings: list[Reported] = []
    problems: list[str] = []
    seeds = [s.strip() for s in args.seeds.split(",") if s.strip()]
    with tempfile.TemporaryDirectory(prefix="pii-lint-verdicts-") as tmp:
        work = Path(tmp)
        downloads = args.downloads or work / "downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        for shop in shops:
            print(f"[{shop}] analysing...", flush=True)
            found, differ = run_shop(shop, prepare(shop, work, downloads), seeds)
            findings.extend(found)
            problems.extend(differ)

    matched, unjudged = match(findings, entries)
    per_code: dict[str, Counter] = defaultdict(Counter)
    per_shop: Counter = Counter()
    for f in findings:
        per_shop[f.shop] += 1
        entry = matched.get(f)
        verdict = entry["verdict"] if entry else "unjudged"
        per_code[f.code][verdict] += 1
        if verdict == "fixed":
            problems.append(f"a fixed false positive is back: {f.shop} {f.path}:{f.line} {f.code} ({entry.get('reason', '')})")
        elif verdict not in JUDGED:
            problems.append(f"no verdict: {f.shop} {f.path}:{f.line} {f.code} {f.message}")
    reported = {id(e) for e in matched.values()}
    gone_false = []
    for entry in entries:
        if id(entry) in reported:
            continue
        if entry["verdict"] == "real":
            problems.append(f"a real finding is gone: {entry['shop']} {entry['path']}:{entry['line']} {entry['code']}"
                            f" ({entry.get('reason', '')})")
        elif entry["verdict"] == "false":
            gone_false.append(entry)

    total: Counter = Counter()
    print(f"\n{'code':8} {'findings':>8} {'real':>5} {'false':>6} {'debat.':>7} {'other':>6} {'precision':>10}")
    for code in sorted(per_code):
        c = per_code[code]
        total.update(c)
        other = sum(c.values()) - c["real"] - c["false"] - c["debatable"]
        print(f"{code:8} {sum(c.values()):8} {c['real']:5} {c['false']:6} {c['debatable']:7} {other:6} "
              f"{fmt(precision(c)):>10}")
    print(f"{'all':8} {sum(total.values()):8} {total['real']:5} {total['false']:6} {total['debatable']:7} "
          f"{sum(total.values()) - total['real'] - total['false'] - total['debatable']:6} {fmt(precision(total)):>10}")
    print("findings per shop: " + ", ".join(f"{s} {per_shop[s]}" for s in shops))
    overall = precision(total)
    if overall is not None and overall < args.min_precision:
        problems.append(f"precision {overall:.2f} is below {args.min_precision:.2f}")
    for code in sorted(per_code):
        value = precision(per_code[code])
        judged = per_code[code]["real"] + per_code[code]["false"]
        # A code with a handful of judged findings says little: one verdict moves it by 0.3.
        if value is not None and judged >= MIN_JUDGED_PER_CODE and value < args.min_code_precision:
            problems.append(f"{code}: precision {value:.2f} is below {args.min_code_precision:.2f}")

    expected = [e for e in doc["expected"] if e["shop"] in shops]
    hits = [e for e in expected if found_expected(findings, e)]
    recall = len(hits) / len(expected) if expected else None
    print(f"recall on the expected list: {len(hits)}/{len(expected)} = {fmt(recall)}")
    for e in expected:
        if e not in hits:
            print(f"  missed: {e['shop']} {e['path']}:{e.get('lines') or e['line']} {'/'.join(e['codes'])}: {e['what']}")
    if gone_false:
        print(f"{len(gone_false)} false positive(s) no longer reported (--update marks them fixed):")
        for e in gone_false:
            print(f"  {e['shop']} {e['path']}:{e['line']} {e['code']}: {e['reason']}")

    if args.update:
        for e in gone_false:
            e["verdict"] = "fixed"
        for f in unjudged:
            doc["findings"].append({"shop": f.shop, "path": f.path, "line": f.line, "code": f.code,
                                    "snippet": f.snippet, "verdict": "todo", "reason": f.message})
        write_verdicts(args.verdicts, doc)
        print(f"updated {args.verdicts}")
    if args.json:
        args.json.write_text(json.dumps({
            "per_code": {c: dict(v) for c, v in sorted(per_code.items())},
            "precision": overall, "recall": recall, "per_shop": dict(per_shop),
            "missed": [e for e in expected if e not in hits], "problems": problems}, indent=2) + "\n",
            encoding="utf-8")
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for p in problems:
            print(f"- {p}")
        return 1
    print("\nno problems")
    return 0


if __name__ == "__main__":
    sys.exit(main())
