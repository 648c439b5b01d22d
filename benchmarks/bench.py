#!/usr/bin/env python
"""Time ``pii-lint check`` on a real shop (django-oscar 4.2.1 by default) against a bare LibCST parse.

Not part of the test run. Usage::

    python benchmarks/bench.py [--shop oscar|saleor|shuup] [--runs 3] [--downloads DIR] [--json OUT]

Every measurement runs in a fresh subprocess started by a tiny wrapper that times the
command (wall seconds) and reports its peak memory (``ru_maxrss`` of its waited-for
children, the largest single process: with ``--jobs 2`` that is the biggest of the
parent and the workers, not their sum). Each figure is the median of ``--runs`` runs.
Ratios are to the bare ``libcst.parse_module`` pass over the same files, measured in the
same run, so they compare across machines (see shared/BASELINES.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from shops import SHOPS, prepare  # noqa: E402

NAMES = {"oscar": "django-oscar 4.2.1", "saleor": "saleor 2.10.1", "shuup": "shuup 3.1.0"}
# The module touched for the "one file changed" run: a mid-sized, much-imported one.
TOUCHED = {"oscar": "oscar/apps/order/utils.py", "saleor": "saleor/checkout/utils.py",
           "shuup": "shuup/core/models/_orders.py"}
TARGETS = {  # name -> (kind, bound): "ratio" to the bare parse, or "seconds"
    "cold --jobs 1": ("ratio", 1.5),
    "warm (cache, nothing changed)": ("ratio", 0.2),
    "one file changed": ("seconds", 1.0),
}

# Runs a command, then prints {"wall", "maxrss_kb", "rc"} as JSON to the file named by argv[1].
WRAPPER = r"""
import json, resource, subprocess, sys, time
out, stdout_path, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(stdout_path, "wb") as fh:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, stdout=fh, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "w") as fh:
    json.dump({"wall": wall, "maxrss_kb": ru.ru_maxrss, "rc": proc.returncode,
               "stderr": proc.stderr.decode("utf-8", "replace")[-4000:]}, fh)
"""

# The baseline: parse every file with LibCST in one process.
BARE_PARSE = r"""
import sys
import libcst
failed = 0
paths = [line.rstrip("\n") for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
for path in paths:
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        libcst.parse_module(data)
    except Exception:
        failed += 1
print(f"{len(paths)} files, {failed} not parsed")
"""


def python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if p.is_file())


def measure(cmd: list[str], scratch: Path, cwd: Path) -> dict:
    out = scratch / "measure.json"
    stdout_path = scratch / "stdout.txt"
    subprocess.run([sys.executable, "-c", WRAPPER, str(out), str(stdout_path), *cmd], check=True, cwd=cwd)
    result = json.loads(out.read_text())
    result["stdout"] = stdout_path.read_text(encoding="utf-8", errors="replace")
    if result["rc"] not in (0,):
        sys.exit(f"bench: {' '.join(cmd)} exited {result['rc']}:\n{result['stderr']}")
    return result


def summarize(samples: list[dict]) -> dict:
    return {
        "seconds": statistics.median(s["wall"] for s in samples),
        "all_seconds": [round(s["wall"], 3) for s in samples],
        "max_rss_mb": max(s["maxrss_kb"] for s in samples) / 1024,
    }


def count_codes(stdout: str, fmt: str) -> Counter:
    if fmt == "json":
        doc = json.loads(stdout)
        return Counter(f["code"] for f in doc.get("findings", []) if not f.get("suppressed"))
    counts: Counter = Counter()
    for line in stdout.splitlines():  # concise: path:line:col: CODE message
        parts = line.split(": ", 1)
        if len(parts) == 2 and parts[1][:3] == "PII":
            counts[parts[1].split()[0]] += 1
    return counts


def json_supported() -> bool:
    proc = subprocess.run([sys.executable, "-m", "pii_lint", "check", "--help"], capture_output=True, text=True)
    return "json" in proc.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is shown (default 3)")
    parser.add_argument("--shop", choices=SHOPS, default="oscar", help="the shop to analyse (default oscar)")
    parser.add_argument("--downloads", type=Path, help="keep the downloaded sdist here (default: a temporary folder)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write the results as JSON")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    with tempfile.TemporaryDirectory(prefix="pii-lint-bench-") as tmp_str:
        tmp = Path(tmp_str)
        downloads = args.downloads or tmp / "downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        root = prepare(args.shop, tmp / "src", downloads)
        files = python_files(root)
        lines = sum(p.read_bytes().count(b"\n") for p in files)
        listing = tmp / "files.txt"
        listing.write_text("".join(f"{p}\n" for p in files), encoding="utf-8")
        scratch = tmp / "scratch"
        scratch.mkdir()
        fmt = "json" if json_supported() else "concise"
        pii = [sys.executable, "-m", "pii_lint", "check", str(root), "--exit-zero", "--format", fmt]
        cache_dir = root / ".pii-lint-cache"
        touched = next((p for p in files if p.as_posix().endswith(TOUCHED[args.shop])), files[len(files) // 2])
        original = touched.read_bytes()

        print(f"{NAMES[args.shop]}: {len(files)} files, {lines} lines; {args.runs} run(s) each; "
              f"python {platform.python_version()}, {os.cpu_count()} cores", flush=True)
        results: dict[str, dict] = {}
        samples: dict[str, list] = {}

        def run(name: str, cmd: list[str]) -> dict:
            result = measure(cmd, scratch, cwd=tmp)
            samples.setdefault(name, []).append(result)
            return result

        codes = Counter()
        for i in range(args.runs):
            run("bare libcst.parse_module", [sys.executable, "-c", BARE_PARSE, str(listing)])
            r = run("cold --jobs 1", pii + ["--jobs", "1", "--no-cache"])
            if i == 0:
                codes = count_codes(r["stdout"], fmt)
            run("cold --jobs 2", pii + ["--jobs", "2", "--no-cache"])
            shutil.rmtree(cache_dir, ignore_errors=True)
            run("cold, filling the cache --jobs 1", pii + ["--jobs", "1"])
            run("warm (cache, nothing changed)", pii + ["--jobs", "1"])
            # A new comment each time, so the changed file is never already in the cache.
            touched.write_bytes(original + f"\n# pii-lint bench touch {i} {time.time_ns()}\n".encode())
            try:
                run("one file changed", pii + ["--jobs", "1"])
            finally:
                touched.write_bytes(original)
            print(f"  run {i + 1}/{args.runs} done", flush=True)
        shutil.rmtree(cache_dir, ignore_errors=True)

        for name, group in samples.items():
            results[name] = summarize(group)
        base = results["bare libcst.parse_module"]["seconds"]
        for name, r in results.items():
            r["ratio"] = r["seconds"] / base if base else None
            kind_bound = TARGETS.get(name)
            if kind_bound:
                kind, bound = kind_bound
                value = r["ratio"] if kind == "ratio" else r["seconds"]
                r["target"] = f"<= {bound}x bare parse" if kind == "ratio" else f"<= {bound} s"
                r["met"] = value is not None and value <= bound

        print()
        header = f"{'measurement':36} {'seconds':>8} {'x parse':>8} {'peak MB':>8}  target"
        print(header)
        print("-" * len(header) + "-" * 22)
        for name, r in results.items():
            target = ""
            if "target" in r:
                target = f"{r['target']:22} {'met' if r['met'] else 'MISSED'}"
            print(f"{name:36} {r['seconds']:8.2f} {r['ratio']:8.2f} {r['max_rss_mb']:8.0f}  {target}")
        print()
        print(f"one file changed: {touched.relative_to(root).as_posix()}")
        print(f"findings ({fmt}): " + (", ".join(f"{c} {n}" for c, n in sorted(codes.items())) or "none")
              + f"; total {sum(codes.values())}")

        if args.json:
            doc = {
                "corpus": {"name": NAMES[args.shop], "files": len(files), "lines": lines},
                "runs": args.runs, "python": platform.python_version(), "cpus": os.cpu_count(),
                "results": results, "findings_by_code": dict(sorted(codes.items())),
                "touched_file": touched.relative_to(root).as_posix(), "format": fmt,
            }
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
            print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
