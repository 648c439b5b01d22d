#!/usr/bin/env python
"""Time ``pii-lint check`` on real code against a bare LibCST parse and semgrep, and check issue 14's targets.

Not part of the test run. Usage::

    python benchmarks/bench.py [--corpus oscar|saleor|shuup|stdlib|all] [--everything]
                               [--runs 3] [--downloads DIR] [--json OUT]

``--shop NAME`` is the same as ``--corpus NAME`` for the three shops.

Every measurement runs in a fresh subprocess started by a tiny wrapper that times the
command (wall seconds) and reports its peak memory two ways: ``ru_maxrss`` of its
waited-for children (exact, but the largest single process: with ``--jobs 2`` the biggest
of the parent and the workers), and, on Linux, the sum of PSS over the whole process tree
sampled from /proc every 100 ms or more (parent and workers together, shared pages counted
once; a lower bound, since a peak can fall between samples). Each figure is the median of
``--runs`` runs. Ratios are to the bare ``libcst.parse_module`` pass over the files
pii-lint analyses, or to semgrep, measured in the same run, so they compare across
machines (see shared/BASELINES.md).
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

from pii_lint.config import load_config  # noqa: E402
from pii_lint.engine import SKIP_DIRS, discover  # noqa: E402

CORPORA = (*SHOPS, "stdlib", "all")
NAMES = {"oscar": "django-oscar 4.2.1", "saleor": "saleor 2.10.1", "shuup": "shuup 3.1.0",
         "stdlib": f"CPython {platform.python_version()} Lib/",
         "all": f"oscar + saleor + shuup + CPython {platform.python_version()} Lib/"}
# The module touched for the "one file changed" run: a mid-sized, much-imported one.
TOUCHED = {"oscar": "oscar/apps/order/utils.py", "saleor": "saleor/checkout/utils.py",
           "shuup": "shuup/core/models/_orders.py", "stdlib": "logging/__init__.py",
           "all": "oscar/apps/order/utils.py"}
SEMGREP_RULE = Path(__file__).resolve().parent / "semgrep-pii-taint.yaml"
SAMPLE_SECONDS = 0.1

# Runs a command and writes {"wall", "maxrss_kb", "tree_pss_kb", ...} as JSON to argv[1].
# tree_pss_kb is the largest sum of PSS over the command's process tree (None off Linux or
# when not asked for): ru_maxrss alone cannot see parent and workers together.
WRAPPER = r"""
import json, os, resource, subprocess, sys, threading, time
out, stdout_path, interval, cmd = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4:]

def tree(root):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    stat = fh.read()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(b")") + 2:].split()[1])  # after "pid (comm) state"
            children.setdefault(ppid, []).append(int(entry))
    todo, pids = [root], []
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(children.get(pid, ()))
    return pids

def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0

peak = {"kb": 0, "procs": 0, "samples": 0}
done = threading.Event()

def sample(pid):
    wait = interval
    while not done.wait(wait):
        t0 = time.perf_counter()
        pids = tree(pid)
        total = sum(pss_kb(p) for p in pids)
        # Reading PSS walks the page tables (0.1 s for a 2.4 GB process): keep the sampler
        # under about 5% of a core so it does not slow the process it measures.
        wait = max(interval, 20 * (time.perf_counter() - t0))
        peak["samples"] += 1
        if total > peak["kb"]:
            peak["kb"] = total
        peak["procs"] = max(peak["procs"], len(pids))

with open(stdout_path, "wb") as fh, open(stdout_path + ".err", "wb") as err:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=fh, stderr=err)
    sampling = interval > 0 and os.path.exists("/proc/self/smaps_rollup")
    if sampling:
        sampler = threading.Thread(target=sample, args=(proc.pid,), daemon=True)
        sampler.start()
    rc = proc.wait()
    wall = time.perf_counter() - t0
    done.set()
    if sampling:
        sampler.join()
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(stdout_path + ".err", "rb") as err:
    stderr = err.read().decode("utf-8", "replace")[-4000:]
with open(out, "w") as fh:
    json.dump({"wall": wall, "maxrss_kb": ru.ru_maxrss, "rc": rc, "stderr": stderr,
               "tree_pss_kb": peak["kb"] if sampling and peak["samples"] else None,
               "tree_procs": peak["procs"], "samples": peak["samples"]}, fh)
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


def analysed_files(root: Path) -> list[Path]:
    """The files ``pii-lint check`` reads, discovered as the engine does (excludes applied)."""
    return [root / rel for rel in discover(root, load_config(root).settings.excludes)]


def count_lines(files: list[Path]) -> int:
    return sum(p.read_bytes().count(b"\n") for p in files)


def analyse_everything(root: Path) -> None:
    """No excludes: tests and migrations are analysed too (the engine's defaults leave them out)."""
    path = root / "pyproject.toml"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if "[tool.pii-lint]" in text:
        text = text.replace("[tool.pii-lint]", "[tool.pii-lint]\nexclude = []", 1)
    else:
        text += "\n[tool.pii-lint]\nexclude = []\n"
    path.write_text(text, encoding="utf-8")


def prepare_corpus(name: str, work: Path, downloads: Path, everything: bool) -> Path:
    if name == "all":
        # Side by side in one project folder, as a monorepo would hold them.
        root = work / "all"
        for part in (*SHOPS, "stdlib"):
            prepare(part, root, downloads)
        (root / "pyproject.toml").write_text("[tool.pii-lint]\n", encoding="utf-8")
    else:
        root = prepare(name, work, downloads)
    if everything:
        analyse_everything(root)
    # semgrep skips tests/ and more by default: this file replaces those defaults so it reads
    # the same files as pii-lint (checked against the files semgrep reports as scanned).
    ignores = [*sorted(f"{d}/" for d in SKIP_DIRS), "*.egg-info/", *load_config(root).settings.excludes]
    (root / ".semgrepignore").write_text("".join(f"{p}\n" for p in ignores), encoding="utf-8")
    return root


def measure(cmd: list[str], scratch: Path, cwd: Path, sample: bool = False) -> dict:
    out = scratch / "measure.json"
    stdout_path = scratch / "stdout.txt"
    interval = str(SAMPLE_SECONDS if sample else 0)
    subprocess.run([sys.executable, "-c", WRAPPER, str(out), str(stdout_path), interval, *cmd], check=True, cwd=cwd)
    result = json.loads(out.read_text())
    result["stdout"] = stdout_path.read_text(encoding="utf-8", errors="replace")
    if result["rc"] not in (0,):
        sys.exit(f"bench: {' '.join(cmd)} exited {result['rc']}:\n{result['stderr']}")
    return result


def summarize(samples: list[dict]) -> dict:
    trees = [s["tree_pss_kb"] for s in samples if s.get("tree_pss_kb") is not None]
    return {
        "seconds": statistics.median(s["wall"] for s in samples),
        "best_seconds": min(s["wall"] for s in samples),
        "all_seconds": [round(s["wall"], 3) for s in samples],
        "max_rss_mb": max(s["maxrss_kb"] for s in samples) / 1024,
        "tree_pss_mb": max(trees) / 1024 if trees else None,
        "tree_procs": max(s.get("tree_procs", 0) for s in samples),
    }


def peak_mb(r: dict) -> float:
    """The run's peak memory: both figures are lower bounds of the true total, so the larger."""
    return max(r["max_rss_mb"], r["tree_pss_mb"] or 0.0)


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


def semgrep_command() -> list[str] | None:
    exe = shutil.which("semgrep")
    # Offline: a local rule, no metrics, no version check.
    return [exe, "scan", "--config", str(SEMGREP_RULE), "--jobs", "2", "--metrics", "off",
            "--disable-version-check", "--json", "."] if exe else None


def semgrep_summary(stdout: str) -> dict:
    doc = json.loads(stdout)
    return {"findings": len(doc.get("results", [])), "errors": len(doc.get("errors", [])),
            "scanned": sorted(doc.get("paths", {}).get("scanned", []))}


def warm_up(tmp: Path, pii: list[str], semgrep: list[str] | None) -> None:
    """Each tool once on a tiny project, untimed, so neither pays for loading from a cold disk."""
    folder = tmp / "warm-up"
    folder.mkdir()
    (folder / "pyproject.toml").write_text("[tool.pii-lint]\n", encoding="utf-8")
    (folder / "app.py").write_text("import logging\n\ndef f(user):\n    logging.info(user.email)\n", encoding="utf-8")
    subprocess.run([*pii[:4], str(folder), "--exit-zero", "--no-cache"], capture_output=True)
    if semgrep:
        subprocess.run(semgrep, capture_output=True, cwd=folder)


def target_rows(corpus: str, results: dict, per_line: dict, reference: dict | None, semgrep: dict | None) -> list[dict]:
    """One row per target of issue 14 (and the earlier cold-run target): value, display, met.

    ``met`` is None where the target is not measured by this corpus or names other corpora.
    """
    rows = []

    def row(name: str, target: str, value, display: str, met: bool | None) -> None:
        rows.append({"target": name, "bound": target, "value": value, "measured": display, "met": met})

    for jobs in (1, 2):
        kb = per_line[f"peak_kb_cold_jobs{jobs}"]
        r = results[f"cold --jobs {jobs}"]
        how = "all processes" if r["tree_pss_mb"] and r["tree_pss_mb"] >= r["max_rss_mb"] else "largest process"
        row(f"peak memory, cold --jobs {jobs}", "<= 1 kB per line", kb, f"{kb:.2f} kB/line ({how})", kb <= 1.0)

    if semgrep is None:
        row("against semgrep, cold --jobs 2", "<= 0.5x semgrep", None, "semgrep not installed", None)
    else:
        # Each tool's best run: semgrep's --jobs 2 time on 2 cores is bimodal (about 5 s or
        # about 12 s on oscar), and its slow runs must not make pii-lint's lead look larger.
        ours, theirs = results["cold --jobs 2"]["best_seconds"], results["semgrep, cold --jobs 2"]["best_seconds"]
        ratio = ours / theirs
        display = f"{ratio:.2f}x (best runs: {ours:.2f} s / {theirs:.2f} s)"
        row("against semgrep, cold --jobs 2", "<= 0.5x semgrep", ratio,
            display + ("" if corpus in SHOPS else "; target names the shops"),
            ratio <= 0.5 if corpus in SHOPS else None)

    bound = {"oscar": 0.3, "shuup": 0.5}.get(corpus)
    for edit in ("code", "comment"):
        changed = results[f"one file changed ({edit})"]["seconds"]
        # The target is judged on an edit to code: a comment edit is shown beside it.
        met = changed <= bound if bound and edit == "code" else None
        row(f"one changed file, warm ({edit})", "<= 0.3 s oscar, <= 0.5 s shuup", changed,
            f"{changed:.2f} s" + (f" (<= {bound} s on {corpus})" if bound else f"; no bound for {corpus}"), met)

    warm = results["warm (cache, nothing changed)"]["ratio"]
    row("nothing changed", "<= 0.15x bare parse", warm, f"{warm:.2f}x bare parse", warm <= 0.15)

    if corpus == "all":
        cold2 = results["cold --jobs 2"]
        secs, gb = cold2["seconds"], peak_mb(cold2) / 1024
        row("1M-line project, cold --jobs 2", "<= 60 s and <= 1.5 GB", {"seconds": secs, "gb": gb},
            f"{secs:.1f} s, {gb:.2f} GB ({per_line['lines'] / 1e6:.2f}M lines)", secs <= 60 and gb <= 1.5)
    else:
        row("1M-line project, cold --jobs 2", "<= 60 s and <= 1.5 GB", None, "not measured: run --corpus all", None)

    if reference is not None:
        ratio = per_line["us_cold_jobs1"] / reference["us_per_line"]
        row("stdlib time per line vs oscar", "<= 1.3x oscar's", ratio,
            f"{ratio:.2f}x ({per_line['us_cold_jobs1']:.1f} / {reference['us_per_line']:.1f} us/line)",
            ratio <= 1.3)
    else:
        row("stdlib time per line vs oscar", "<= 1.3x oscar's", None, "not measured: run --corpus stdlib", None)

    cold = results["cold --jobs 1"]["ratio"]
    row("cold --jobs 1 (earlier target)", "<= 1.5x bare parse", cold, f"{cold:.2f}x bare parse", cold <= 1.5)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is shown (default 3)")
    parser.add_argument("--corpus", choices=CORPORA, help="the code to analyse (default oscar); all: the three "
                        "shops and the stdlib side by side in one project, analysed with --everything")
    parser.add_argument("--shop", choices=SHOPS, dest="corpus", help="the same as --corpus, for a shop")
    parser.add_argument("--everything", action="store_true",
                        help="analyse tests and migrations too (exclude = []); always on for --corpus all")
    parser.add_argument("--downloads", type=Path, help="keep the downloaded shops here (default: a temporary folder)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="write the results as JSON")
    parser.set_defaults(corpus="oscar")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    corpus = args.corpus
    # A ~1M-line project only if its test code counts: the stdlib's tests are most of it.
    everything = args.everything or corpus == "all"

    with tempfile.TemporaryDirectory(prefix="pii-lint-bench-") as tmp_str:
        tmp = Path(tmp_str)
        downloads = args.downloads or tmp / "downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        root = prepare_corpus(corpus, tmp / "src", downloads, everything)
        all_files = python_files(root)
        files = analysed_files(root)
        all_lines, lines = count_lines(all_files), count_lines(files)
        listing = tmp / "files.txt"
        listing.write_text("".join(f"{p}\n" for p in files), encoding="utf-8")
        scratch = tmp / "scratch"
        scratch.mkdir()
        fmt = "json" if json_supported() else "concise"
        pii = [sys.executable, "-m", "pii_lint", "check", str(root), "--exit-zero", "--format", fmt]
        cache_dir = root / ".pii-lint-cache"
        touched = next((p for p in files if p.as_posix().endswith(TOUCHED[corpus])), files[len(files) // 2])
        original = touched.read_bytes()
        semgrep = semgrep_command()

        # The stdlib's time per line is compared with oscar's, measured in the same run.
        ref_root = ref_pii = None
        if corpus == "stdlib":
            ref_root = prepare_corpus("oscar", tmp / "reference", downloads, everything)
            ref_lines = count_lines(analysed_files(ref_root))
            ref_pii = [sys.executable, "-m", "pii_lint", "check", str(ref_root), "--exit-zero", "--format", fmt]

        print(f"{NAMES[corpus]}: {len(all_files)} files, {all_lines} lines; pii-lint analyses {len(files)} files, "
              f"{lines} lines ({'nothing excluded' if everything else 'default excludes: tests, migrations'}); "
              f"{args.runs} run(s) each; python {platform.python_version()}, {os.cpu_count()} cores", flush=True)
        if semgrep is None:
            print("semgrep is not installed (pip install semgrep, or the bench extra): its row is skipped", flush=True)
        warm_up(tmp, pii, semgrep)
        samples: dict[str, list] = {}

        def run(name: str, cmd: list[str], sample: bool = False, cwd: Path = tmp) -> dict:
            result = measure(cmd, scratch, cwd=cwd, sample=sample)
            samples.setdefault(name, []).append(result)
            return result

        codes = Counter()
        semgrep_info = None
        for i in range(args.runs):
            run("bare libcst.parse_module", [sys.executable, "-c", BARE_PARSE, str(listing)])
            r = run("cold --jobs 1", pii + ["--jobs", "1", "--no-cache"], sample=True)
            if i == 0:
                codes = count_codes(r["stdout"], fmt)
            run("cold --jobs 2", pii + ["--jobs", "2", "--no-cache"], sample=True)
            if semgrep:
                r = run("semgrep, cold --jobs 2", semgrep, sample=True, cwd=root)
                if i == 0:
                    semgrep_info = semgrep_summary(r["stdout"])
            if ref_pii:
                run("oscar cold --jobs 1 (reference)", ref_pii + ["--jobs", "1", "--no-cache"], sample=True)
            shutil.rmtree(cache_dir, ignore_errors=True)
            run("cold, filling the cache --jobs 1", pii + ["--jobs", "1"])
            # New content each time, so the changed file is never already in the cache. A
            # new function is code the analysis sees; a comment is an edit it cannot see.
            stamp = f"{i}_{time.time_ns()}"
            edits = (("one file changed (code)", f"\n\ndef _pii_lint_bench_{stamp}(value):\n    return value\n"),
                     ("one file changed (comment)", f"\n# pii-lint bench touch {stamp}\n"))
            try:
                for name, text in edits:
                    run("warm (cache, nothing changed)", pii + ["--jobs", "1"])  # the edit follows a run
                    touched.write_bytes(original + text.encode())
                    run(name, pii + ["--jobs", "1"])
                    touched.write_bytes(original)
            finally:
                touched.write_bytes(original)
            print(f"  run {i + 1}/{args.runs} done", flush=True)
        shutil.rmtree(cache_dir, ignore_errors=True)

        results = {name: summarize(group) for name, group in samples.items()}
        base = results["bare libcst.parse_module"]["seconds"]
        for r in results.values():
            r["ratio"] = r["seconds"] / base if base else None

        # Per line of the files pii-lint analyses (the stricter count when it excludes some).
        cold1, cold2 = results["cold --jobs 1"], results["cold --jobs 2"]
        per_line = {
            "lines": lines, "lines_in_all_py_files": all_lines,
            "us_cold_jobs1": cold1["seconds"] / lines * 1e6,
            "peak_kb_cold_jobs1": peak_mb(cold1) * 1024 / lines,
            "peak_kb_cold_jobs2": peak_mb(cold2) * 1024 / lines,
            "largest_process_kb_cold_jobs2": cold2["max_rss_mb"] * 1024 / lines,
            "all_processes_kb_cold_jobs2": cold2["tree_pss_mb"] * 1024 / lines if cold2["tree_pss_mb"] else None,
        }
        reference = None
        if ref_pii:
            secs = results["oscar cold --jobs 1 (reference)"]["seconds"]
            reference = {"corpus": NAMES["oscar"], "lines": ref_lines, "seconds": secs,
                         "us_per_line": secs / ref_lines * 1e6}
        targets = target_rows(corpus, results, per_line, reference, semgrep_info)

        print()
        header = f"{'measurement':36} {'seconds':>8} {'x parse':>8} {'largest MB':>10} {'all procs MB':>12}"
        print(header)
        print("-" * len(header))
        for name, r in results.items():
            tree = f"{r['tree_pss_mb']:12.0f}" if r["tree_pss_mb"] is not None else f"{'':12}"
            print(f"{name:36} {r['seconds']:8.2f} {r['ratio']:8.2f} {r['max_rss_mb']:10.0f} {tree}")
        print("largest MB: ru_maxrss of the biggest process; all procs MB: PSS summed over the process tree, "
              f"sampled every {SAMPLE_SECONDS * 1000:.0f} ms or more (cold and semgrep runs only)")

        print()
        print(f"per line, {lines} analysed lines ({all_lines} in all .py files):")
        shown = [("time, cold --jobs 1", "us_cold_jobs1", "us"),
                 ("peak memory, cold --jobs 1", "peak_kb_cold_jobs1", "kB"),
                 ("largest process, cold --jobs 2", "largest_process_kb_cold_jobs2", "kB"),
                 ("all processes, cold --jobs 2", "all_processes_kb_cold_jobs2", "kB")]
        for label, key, unit in shown:
            if per_line[key] is not None:
                value = per_line[key]
                print(f"  {label:34} {value:8.2f} {unit}/line  ({value * lines / all_lines:.2f} per .py line)")
        if reference:
            print(f"  reference: {reference['corpus']}, cold --jobs 1: {reference['us_per_line']:.1f} us/line "
                  f"over {reference['lines']} analysed lines")

        print()
        print(f"targets (issue 14) on {NAMES[corpus]}:")
        header = f"{'target':34} {'bound':32} {'measured':60} result"
        print(header)
        print("-" * len(header))
        for t in targets:
            result = "—" if t["met"] is None else ("met" if t["met"] else "MISSED")
            print(f"{t['target']:34} {t['bound']:32} {t['measured']:60} {result}")

        print()
        print(f"one file changed: {touched.relative_to(root).as_posix()}")
        print(f"findings ({fmt}): " + (", ".join(f"{c} {n}" for c, n in sorted(codes.items())) or "none")
              + f"; total {sum(codes.values())}")
        if semgrep_info:
            scanned = {Path(p).as_posix().removeprefix("./") for p in semgrep_info["scanned"]}
            read = {p.relative_to(root).as_posix() for p in files}
            same = "the same files as pii-lint" if scanned == read else (
                f"{len(scanned - read)} files pii-lint does not read, {len(read - scanned)} of its files not scanned")
            walls = ", ".join(f"{w:.2f}" for w in results["semgrep, cold --jobs 2"]["all_seconds"])
            print(f"semgrep {SEMGREP_RULE.name}: {semgrep_info['findings']} findings, {semgrep_info['errors']} errors, "
                  f"{len(scanned)} files scanned ({same}); seconds per run: {walls}")

        if args.json:
            doc = {
                "corpus": {"name": NAMES[corpus], "key": corpus, "files": len(all_files), "lines": all_lines,
                           "analysed_files": len(files), "analysed_lines": lines, "everything": everything},
                "runs": args.runs, "python": platform.python_version(), "cpus": os.cpu_count(),
                "memory": {"max_rss_mb": "ru_maxrss of the largest process (exact)",
                           "tree_pss_mb": f"PSS summed over the process tree, sampled every {SAMPLE_SECONDS} s "
                                          "or more (a lower bound)"},
                "results": results, "per_line": per_line, "reference": reference, "targets": targets,
                "findings_by_code": dict(sorted(codes.items())), "touched_file": touched.relative_to(root).as_posix(),
                "format": fmt,
                "semgrep": ({k: v for k, v in semgrep_info.items() if k != "scanned"}
                            | {"scanned_files": len(semgrep_info["scanned"]), "rule": SEMGREP_RULE.name}
                            if semgrep_info else None),
            }
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
            print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
