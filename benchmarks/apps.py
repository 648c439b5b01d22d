#!/usr/bin/env python
"""Precision on apps nobody here wrote: pii-lint's findings against reviewers' judgements.

    python benchmarks/apps.py [--downloads DIR] [--apps indico,weblate,...] [--show false|real|unjudged]

Downloads the wheels named in ``apps-judged.tsv`` (57 Django and Flask apps: indico,
Weblate, pretalx, django-allauth, Misago, dj-stripe...), runs

    pii-lint check ROOT --format json --exit-zero --no-cache

on each and matches every finding with the judgements (same path, line and code). It
prints, per app and overall, the findings judged real, false and debatable, the
precision ``real / (real + false)``, the findings nobody judged yet, and the judged-real
findings no longer reported. The judgements were made on an earlier pii-lint's findings:
a finding reported for a new reason on a judged line keeps that line's verdict, so read the
reasons (``--show``) before trusting a change. Not part of the test run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
JUDGED = HERE / "apps-judged.tsv"


def load(path: Path) -> dict[str, dict[tuple[str, int, str], tuple[str, str]]]:
    """requirement -> {(path, line, code): (verdict, reason)}."""
    out: dict[str, dict] = defaultdict(dict)
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        requirement, rel, lineno, code, verdict, reason = line.split("\t", 5)
        out[requirement][(rel, int(lineno), code)] = (verdict, reason)
    return out


def unpack(requirement: str, downloads: Path, work: Path) -> Path:
    name, version = requirement.split("==")
    pattern = f"{name.replace('-', '_')}-{version}-*.whl"
    wheel = next(iter(sorted(downloads.glob(pattern))), None)
    if wheel is None:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary", ":all:",
                        requirement, "-d", str(downloads)], check=True)
        wheel = next(iter(sorted(downloads.glob(pattern))))
    root = work / wheel.stem
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(root)
    return root


def findings(root: Path) -> list[dict]:
    proc = subprocess.run([sys.executable, "-m", "pii_lint", "check", ".", "--format", "json", "--exit-zero",
                           "--no-cache"], cwd=root, capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)["findings"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--downloads", type=Path, help="keep the wheels here (default: a temporary folder)")
    parser.add_argument("--apps", default="", help="comma-separated names (default: all)")
    parser.add_argument("--show", choices=("false", "real", "debatable", "unjudged", "gone"), action="append",
                        default=[], help="list those findings")
    args = parser.parse_args()
    judged = load(JUDGED)
    wanted = {a.strip().lower().replace("-", "_") for a in args.apps.split(",") if a.strip()}
    total: Counter = Counter()
    with tempfile.TemporaryDirectory(prefix="pii-lint-apps-") as tmp:
        downloads = args.downloads or Path(tmp) / "downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        for requirement in sorted(judged):
            name = requirement.split("==")[0].lower().replace("-", "_")
            if wanted and name not in wanted:
                continue
            verdicts = judged[requirement]
            counts: Counter = Counter()
            reported = set()
            listed = []
            for f in findings(unpack(requirement, downloads, Path(tmp))):
                key = (f["path"], f["line"], f["code"])
                reported.add(key)
                verdict, reason = verdicts.get(key, ("unjudged", ""))
                counts[verdict] += 1
                if verdict in args.show:
                    listed.append(f"  {verdict}: {f['path']}:{f['line']} {f['message']}" + (f" -- {reason}" if reason else ""))
            gone = [k for k, (v, _) in verdicts.items() if v == "real" and k not in reported]
            counts["gone"] = len(gone)
            if "gone" in args.show:
                listed += [f"  gone: {p}:{n} {c} -- {verdicts[(p, n, c)][1]}" for p, n, c in sorted(gone)]
            total.update(counts)
            print(f"{requirement:32} real {counts['real']:4}  false {counts['false']:4}  debatable "
                  f"{counts['debatable']:3}  unjudged {counts['unjudged']:4}  judged real gone {counts['gone']:3}  "
                  f"precision {_precision(counts)}")
            print("\n".join(listed)) if listed else None
    print(f"{'all':32} real {total['real']:4}  false {total['false']:4}  debatable {total['debatable']:3}  "
          f"unjudged {total['unjudged']:4}  judged real gone {total['gone']:3}  precision {_precision(total)}")
    return 0


def _precision(c: Counter) -> str:
    judged = c["real"] + c["false"]
    return f"{c['real'] / judged:.2f}" if judged else "-"


if __name__ == "__main__":
    sys.exit(main())
