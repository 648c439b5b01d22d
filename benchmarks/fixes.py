"""Fixes on real shops: what `pii-lint check --unsafe-fixes --diff` would change.

    python benchmarks/fixes.py [--downloads DIR] [--work DIR] [--shops oscar,saleor,shuup]

Downloads django-oscar 4.2.1, saleor 2.10.1, shuup 3.1.0, Cartridge 1.3.4 and the app
django-user-agents 0.4.0 with pip (as verdicts.py does), adds `[tool.pii-lint.fix]` with
`expiry = "1d"`, `retention = "1y"` and a stand-in `mask = "privacy.mask"` to each copy,
and the payment providers a shop would declare as recipients (``RECIPIENTS``), and
computes every fix with its check (nothing is written). Prints, per shop and rule, the
fixes offered and applied, the reasons for those not applied, the seconds it took, that
every changed file parses, and one before/after example per fix kind.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import shops  # noqa: E402

# `privacy.mask` stands for the masking function a shop would name (none of these has one).
FIX_TABLE = '\n[tool.pii-lint.fix]\nexpiry = "1d"\nretention = "1y"\nmask = "privacy.mask"\n'
# The recipients a shop would declare (none of these declares any): the payment providers
# get the card and the payer's name; the payload fix cuts what else is sent.
RECIPIENTS = {
    "cartridge": """
[tool.pii-lint.recipients.stripe]
sdk = "stripe"
purpose = "essential.service.payment_processing"
allow = ["financial", "payment"]

[tool.pii-lint.recipients.paypal]
hosts = ["api-3t.paypal.com", "api-3t.sandbox.paypal.com"]
purpose = "essential.service.payment_processing"
allow = ["financial", "payment", "name", "contact.address"]
""",
    "saleor": """
[tool.pii-lint.recipients.braintree]
sdk = "braintree"
purpose = "essential.service.payment_processing"
allow = ["financial", "payment", "name"]
""",
}


def run_shop(name: str, root: Path, examples: dict) -> int:
    from pii_lint.config import load_config, load_project_pack, validate_against_pack
    from pii_lint.engine import analyse
    from pii_lint.fixes import KINDS, offered
    from pii_lint.fixes.cst import apply_edits
    from pii_lint.fixes.runner import Runner, _text

    toml = root / "pyproject.toml"
    if "[tool.pii-lint.fix]" not in toml.read_text(encoding="utf-8"):
        toml.write_text(toml.read_text(encoding="utf-8") + FIX_TABLE + RECIPIENTS.get(name, ""), encoding="utf-8")
    config = load_config(root)
    pack = load_project_pack(config)
    validate_against_pack(config, pack)
    start = time.perf_counter()
    analysis = analyse(config, pack, jobs=4, use_cache=False)
    analysed = time.perf_counter() - start
    offers = Counter(f.code for f in analysis.findings
                     if f.suppression is None and offered(f, pack, config.settings, unsafe=True) is not None)
    runner = Runner(config, pack, in_scope=lambda path: True, jobs=4, use_cache=True, unsafe=True)
    result = runner.fixes(analysis, kinds={"tag"}, codes={"PII103", "PII901"})
    runner.fixes(result, kinds=set(KINDS) - {"tag"})
    fixing = time.perf_counter() - start - analysed
    out = runner.out
    broken = 0
    for path, data in out.changed.items():
        try:
            ast.parse(data)
        except SyntaxError:
            broken += 1
    applied = Counter(f.code for fs, _ in out.applied for f in fs)
    rejected = Counter(f.code for fs, _ in out.rejected for f in fs)
    reasons = Counter(reason.split(":")[0] for _, reason in out.rejected)
    print(f"\n## {name}: {len(analysis.findings)} findings, analysis {analysed:.1f}s, fixing {fixing:.1f}s, "
          f"{len(out.changed)} files changed, {broken} that do not parse")
    print("| rule | offered | applied | not applied |")
    print("| --- | --- | --- | --- |")
    for code in sorted(set(offers) | set(applied) | set(rejected)):
        print(f"| {code} | {offers[code]} | {applied[code]} | {rejected[code]} |")
    for reason, n in reasons.most_common():
        print(f"- not applied, {n}x: {reason}")
    for findings, fix in out.applied:
        if fix.kind in examples:
            continue
        path = fix.edits[0].path
        before = _text(out.originals[path])
        after = apply_edits(before, list(fix.edits))
        diff = "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                            f"a/{path}", f"b/{path}", n=1))
        examples[fix.kind] = f"{name} {findings[0].code} ({fix.applicability}): {fix.message}\n{diff}"
    return broken


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--downloads", type=Path)
    parser.add_argument("--work", type=Path, help="unpack the shops here (default: a temporary folder)")
    parser.add_argument("--shops", default="oscar,saleor,shuup,cartridge,useragents")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        downloads = args.downloads or work / "downloads"
        downloads.mkdir(parents=True, exist_ok=True)
        examples: dict[str, str] = {}
        broken = sum(run_shop(name, shops.prepare(name, work, downloads), examples)
                     for name in args.shops.split(","))
        print("\n## One example per fix kind\n")
        for kind in sorted(examples):
            print(f"### {kind}\n\n```diff\n{examples[kind]}```\n")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
