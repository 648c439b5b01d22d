"""Hostile input: odd encodings, huge and deep files, broken trees, bad configuration,
broken caches, concurrency, determinism, and code that must never be executed.

The contract tested here: every file is either analysed or reported as PII900 with a
one-line message, the run goes on, the exit status is never 2 for bad *code* (only for
bad configuration, with one line on stderr), no traceback is printed, results never
depend on the cache, the number of jobs or the run, and nothing of the project runs.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from pii_lint.config import load_config
from pii_lint.engine import analyse
from pii_lint.packs import load_pack

REPO = Path(__file__).resolve().parent.parent
FIXTURE_SHOP = REPO / "fixtures" / "shop"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

PYPROJECT = "[tool.pii-lint]\n"

# A logging flow; the sink is on the 4th line of the snippet.
FLOW = (
    "import logging\n"
    "logger = logging.getLogger(__name__)\n"
    "def notify(email):\n"
    "    logger.info('mail %s', email)\n"
)
FLOW_SINK = 4


def cli(*args: str, cwd: Path, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env.pop("NO_COLOR", None)
    if env:
        full_env.update(env)
    return subprocess.run([sys.executable, "-m", "pii_lint", *args], cwd=cwd, capture_output=True, text=True,
                          env=full_env, timeout=timeout)


def run_engine(root: Path, *, jobs: int = 1, use_cache: bool = False):
    config = load_config(root)
    pack = load_pack(config.settings.pack, root)
    return analyse(config, pack, jobs=jobs, use_cache=use_cache)


def write(root: Path, rel: str, content: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return path


def cpython_compiles(data: bytes) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(data, "<probe>", "exec", dont_inherit=True)
        except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
            return False
    return True


def assert_clean_stderr(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode != 2, proc.stderr


# ---------------------------------------------------------------------------------------
# Hostile files: one project holding every case, analysed once in-process and once by the CLI
# ---------------------------------------------------------------------------------------

LATIN1 = (
    "# -*- coding: latin-1 -*-\n"
    '"""Modèle client: données personnelles."""\n'
    "import logging\n"
    "logger = logging.getLogger(__name__)\n"
    "\n"
    "\n"
    "class Client:\n"
    '    ville = "Orléans, façade"\n'
    "    nom: str  # pii: name.first\n"
    "\n"
    "\n"
    "def show(c: Client):\n"
    '    logger.info("client é %s", c.nom)\n'
)
CP1252 = (
    "# coding: cp1252\n"
    "import logging\n"
    "logger = logging.getLogger(__name__)\n"
    "\n"
    "\n"
    "class Client:\n"
    '    price = "10 € “quoted” — dash"\n'
    "    nom: str  # pii: name.first\n"
    "\n"
    "\n"
    "def show(c: Client):\n"
    '    logger.info("client € %s", c.nom)\n'
)
MATCH = '''\
import logging
logger = logging.getLogger(__name__)


def handle(command, email):
    match command:
        case {"action": "notify", "to": to}:
            logger.info("notify %s", email)
        case Point(x=0, y=y) if y > 1:
            pass
        case [first, *rest]:
            pass
        case str() | bytes():
            pass
        case _:
            pass
'''
PEP695 = '''\
import logging
logger = logging.getLogger(__name__)


def first[T](items: list[T]) -> T:
    return items[0]


class Box[T]:
    def __init__(self, item: T) -> None:
        self.item = item


type Pair[K] = tuple[K, K]


def notify(email):
    logger.info("mail %s", first([email]))
'''
WALRUS = '''\
import logging
logger = logging.getLogger(__name__)


def collect(rows):
    found = [e for r in rows if (e := r["email"])]
    logger.info("found %s", found)
    logger.info("last %s", e)


def any_hit(rows):
    if any((hit := r["phone"]) for r in rows):
        logger.warning("hit %s", hit)
'''

NUL_ANNOTATION = '''\
import logging
logger = logging.getLogger(__name__)


class C:
    x: "a\\x00b"


def f(c: "a\\x00b", email=None):
    y: "a\\x00b" = email
    logger.info("%s", y)
'''


def _hostile_files() -> dict[str, bytes]:
    flow = FLOW.encode()
    files: dict[str, bytes] = {
        "good.py": flow,
        "bom.py": b"\xef\xbb\xbf" + flow,
        "latin1.py": LATIN1.encode("latin-1"),
        "cp1252.py": CP1252.encode("cp1252"),
        "invalid_utf8.py": b'X = "\xff\xfe caf\xe9"\n' + flow,
        "nul_bytes.py": b"X = 1\x00\n" + flow,
        "crlf.py": ("\n\n\n" + FLOW).replace("\n", "\r\n").encode(),
        "mixed_eol.py": b"X = 1\r\nY = 2\nZ = 3\r\n\n" + flow,
        "cr_only.py": b"X = 1\rY = 2\r" + flow,
        "big_50k.py": "".join(f"v{i} = {i}\n" for i in range(50_000)).encode() + flow,
        "deep_parens.py": ("x = " + "(" * 1000 + "1" + ")" * 1000 + "\n").encode() + flow,
        "chain_5000.py": ("x = " + " + ".join(["1"] * 5000) + "\n").encode() + flow,
        "chain_1500.py": ("x = " + " + ".join(["email"] * 1500) + "\n").encode() + flow,
        "attr_chain.py": ("x = a" + ".b" * 900 + "\n").encode() + flow,
        "big_string.py": b'S = "' + b"a" * 10_000_000 + b'"\n' + flow,
        "match_stmt.py": MATCH.encode(),
        "pep695.py": PEP695.encode(),
        "walrus.py": WALRUS.encode(),
        # a string annotation holding a NUL: ast.parse raises ValueError on 3.10, SyntaxError later
        "nul_annotation.py": NUL_ANNOTATION.encode(),
        "empty.py": b"",
        "only_comments.py": b"# nothing here\n# pii: contact.email\n",
        "dir.py/inner.py": flow,  # a folder named like a module
    }
    return files


# file -> the lines where a PII201 must be reported when the file is analysed
EXPECTED_FLOWS = {
    "good.py": [FLOW_SINK],
    "bom.py": [FLOW_SINK],
    "latin1.py": [13],
    "cp1252.py": [12],
    "crlf.py": [3 + FLOW_SINK],
    "mixed_eol.py": [4 + FLOW_SINK],
    "cr_only.py": [2 + FLOW_SINK],
    "big_50k.py": [50_000 + FLOW_SINK],
    "deep_parens.py": [1 + FLOW_SINK],
    "chain_5000.py": [1 + FLOW_SINK],
    "chain_1500.py": [1 + FLOW_SINK],
    "attr_chain.py": [1 + FLOW_SINK],
    "big_string.py": [1 + FLOW_SINK],
    "match_stmt.py": [8],
    "pep695.py": [18],
    "walrus.py": [7, 8, 13],
    "nul_annotation.py": [11],
    "dir.py/inner.py": [FLOW_SINK],
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    write(root, "pyproject.toml", PYPROJECT)
    files = _hostile_files()
    for rel, data in files.items():
        write(root, rel, data)
    os.symlink(root, root / "loop")  # a symlink loop in the tree
    os.symlink(root / "missing.py", root / "broken_link.py")  # points nowhere
    unreadable = None
    if not IS_ROOT:
        unreadable = write(root, "unreadable.py", FLOW)
        unreadable.chmod(0)
    analysis = run_engine(root)
    proc = cli("check", ".", "--format", "json", "--no-cache", "--jobs", "2", "--exit-zero", cwd=root)
    yield root, files, analysis, proc
    if unreadable is not None:
        unreadable.chmod(0o644)


def _by_path(findings) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in findings:
        out.setdefault(f.location.path, []).append(f)
    return out


def test_hostile_cli_run_goes_on(hostile) -> None:
    root, _, _, proc = hostile
    assert_clean_stderr(proc)
    assert proc.returncode == 0  # --exit-zero
    doc = json.loads(proc.stdout)
    paths = {f["path"] for f in doc["findings"]}
    assert "good.py" in paths  # other files' findings are still reported
    assert not any(p.startswith("loop/") for p in paths), "the symlink loop was followed"


def test_hostile_cli_matches_in_process(hostile) -> None:
    _, _, analysis, proc = hostile
    doc = json.loads(proc.stdout)
    cli_set = sorted((f["path"], f["line"], f["code"]) for f in doc["findings"])
    engine_set = sorted((f.location.path, f.location.line, f.code) for f in analysis.findings)
    assert cli_set == engine_set


@pytest.mark.parametrize("rel", sorted(_hostile_files()))
def test_hostile_file_analysed_or_pii900(hostile, rel: str) -> None:
    """PII900 exactly when CPython itself cannot compile the file; then one line."""
    _, files, analysis, _ = hostile
    findings = _by_path(analysis.findings).get(rel, [])
    pii900 = [f for f in findings if f.code == "PII900"]
    if rel == "pep695.py":
        compiles = sys.version_info >= (3, 12)
    else:
        compiles = cpython_compiles(files[rel])
    # Deep code that CPython refuses only for its recursion limit is analysed all the same.
    deep_but_valid = rel == "chain_5000.py"
    if compiles or deep_but_valid:
        assert not pii900, f"{rel}: CPython compiles it but pii-lint says {pii900[0].message}"
        lines = sorted(f.location.line for f in findings if f.code == "PII201")
        for line in EXPECTED_FLOWS.get(rel, []):
            assert line in lines, f"{rel}: expected PII201 at line {line}, got {lines}"
    else:
        assert len(pii900) == 1, f"{rel}: CPython refuses it; expected one PII900, got {findings}"
        msg = pii900[0].message
        assert "\n" not in msg and "\r" not in msg and len(msg) < 400, msg
        assert pii900[0].location.line >= 1
    n_lines = files[rel].count(b"\n") + files[rel].count(b"\r") + 1
    for f in findings:
        assert 1 <= f.location.line <= n_lines, f"{rel}: finding at line {f.location.line}: {f.message}"


def test_expected_refusals_on_this_python(hostile) -> None:
    """The cases CPython refuses: if the interpreter changes, the expectations above follow."""
    _, files, analysis, _ = hostile
    by_path = _by_path(analysis.findings)
    for rel in ("invalid_utf8.py", "nul_bytes.py"):
        assert not cpython_compiles(files[rel])
        assert [f.code for f in by_path.get(rel, [])] == ["PII900"]
    if sys.version_info < (3, 12):
        assert [f.code for f in by_path.get("pep695.py", [])] == ["PII900"]


def test_unreadable_files_do_not_stop_the_run(hostile) -> None:
    _, _, analysis, proc = hostile
    by_path = _by_path(analysis.findings)
    # A broken symlink is either skipped or PII900; never a crash.
    for rel in ("broken_link.py", "unreadable.py"):
        codes = [f.code for f in by_path.get(rel, [])]
        assert codes in ([], ["PII900"]), (rel, codes)
        for f in by_path.get(rel, []):
            assert "\n" not in f.message
    if not IS_ROOT:
        assert [f.code for f in by_path.get("unreadable.py", [])] == ["PII900"]
    assert_clean_stderr(proc)


def test_warnings_about_analysed_code_are_not_printed(tmp_path: Path) -> None:
    """Parsing user code must not print its SyntaxWarnings (``"\\d"`` warns on Python 3.12+)."""
    write(tmp_path, "pyproject.toml", PYPROJECT)
    write(tmp_path, "regex.py", 'import re\nPATTERN = re.compile("\\d+\\.\\w")\nassert (PATTERN, "tuple")\n' + FLOW)
    for jobs in ("1", "2"):
        proc = cli("check", ".", "--format", "concise", "--no-cache", "--jobs", jobs, cwd=tmp_path)
        assert proc.returncode == 1, proc.stderr
        assert proc.stderr == ""


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
@pytest.mark.parametrize("cache", ["--no-cache", "--cache"])
def test_named_pipe_in_the_tree_does_not_hang(tmp_path: Path, cache: str) -> None:
    """A FIFO called ``*.py`` (nothing ever writes to it) must not block the run."""
    write(tmp_path, "pyproject.toml", PYPROJECT)
    write(tmp_path, "good.py", FLOW)
    os.mkfifo(tmp_path / "fifo.py")
    args = ["check", ".", "--format", "json", "--jobs", "1"] + (["--no-cache"] if cache == "--no-cache" else [])
    try:
        proc = cli(*args, cwd=tmp_path, timeout=6)
    except subprocess.TimeoutExpired:
        pytest.fail("pii-lint blocked reading a named pipe")
    assert proc.returncode == 1, proc.stderr
    assert_clean_stderr(proc)
    findings = json.loads(proc.stdout)["findings"]
    assert any(f["path"] == "good.py" for f in findings)
    assert [f["code"] for f in findings if f["path"] == "fifo.py"] in ([], ["PII900"])


def test_non_utf8_file_name(tmp_path: Path) -> None:
    """A file name that is not valid UTF-8 (POSIX allows any bytes): reported, never a crash."""
    write(tmp_path, "pyproject.toml", PYPROJECT)
    try:
        with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.py"), "wb") as fh:
            fh.write(FLOW.encode())
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses non-UTF-8 names")
    write(tmp_path, "good.py", FLOW)
    for fmt in ("json", "sarif", "concise"):
        proc = cli("check", ".", "--format", fmt, "--no-cache", "--jobs", "1", cwd=tmp_path)
        assert proc.returncode == 1, (fmt, proc.stderr)
        assert_clean_stderr(proc)
        assert "good.py" in proc.stdout


# ---------------------------------------------------------------------------------------
# Bad configuration: exit 2, one line on stderr naming the file and the key
# ---------------------------------------------------------------------------------------

def _pack_folder(root: Path, pack_yaml: str, rules: dict[str, str] | None = None) -> None:
    write(root, "mypack/pack.yaml", pack_yaml)
    for name, text in (rules or {}).items():
        write(root, f"mypack/rules/{name}", text)


RULE = """\
code: PII201
name: personal-data-logged
summary: s
policy: "1.4"
docs: {what: a, why: b, example: c, use_instead: d}
"""

BAD_CONFIGS = {
    "malformed-toml": ("[tool.pii-lint\ninfer = true\n", None, ["pyproject.toml"]),
    "unknown-key": ("[tool.pii-lint]\nbogus_key = 1\n", None, ["pyproject.toml", "bogus_key"]),
    "wrong-type": ("[tool.pii-lint]\ninfer = 3\n", None, ["pyproject.toml", "infer"]),
    "unknown-category": (
        '[tool.pii-lint.fields]\n"shop.models.Customer.email" = "contact.emial"\n', None,
        ["pyproject.toml", "shop.models.Customer.email", "contact.emial", "closest known: contact.email"]),
    "unknown-sdk": (
        '[tool.pii-lint.recipients.crm]\nsdk = "nosuchsdk"\n', None,
        ["pyproject.toml", "recipients.crm", "nosuchsdk"]),
    "missing-pack": ('[tool.pii-lint]\npack = "./nopack"\n', None, ["pyproject.toml", "pack", "nopack"]),
    "pack-yaml-error": (
        '[tool.pii-lint]\npack = "./mypack"\n',
        lambda root: _pack_folder(root, "name: mine\nextends: shop\nforbidden: [user.biometric\n"),
        ["mypack/pack.yaml", "YAML"]),
    "pack-duplicate-code": (
        '[tool.pii-lint]\npack = "./mypack"\n',
        lambda root: _pack_folder(root, "name: mine\nextends: shop\n", {"a.yaml": RULE, "b.yaml": RULE}),
        ["mypack/rules/", "PII201", "code"]),
}


@pytest.mark.parametrize("case", sorted(BAD_CONFIGS))
def test_bad_configuration(tmp_path: Path, case: str) -> None:
    toml, setup, wanted = BAD_CONFIGS[case]
    write(tmp_path, "pyproject.toml", toml)
    write(tmp_path, "app.py", FLOW)
    if setup:
        setup(tmp_path)
    proc = cli("check", ".", "--no-cache", "--jobs", "1", cwd=tmp_path)
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for piece in wanted:
        assert piece in lines[0], f"{piece!r} not named in: {lines[0]}"


# ---------------------------------------------------------------------------------------
# Cache: broken, unwritable, shared by concurrent runs; results never depend on it
# ---------------------------------------------------------------------------------------

def _generated_project(root: Path) -> None:
    """A multi-module project with flows across modules (used beside the sample shop)."""
    write(root, "genshop/__init__.py", "")
    write(root, "genshop/models.py", '''\
from django.db import models


class Buyer(models.Model):
    email = models.EmailField()  # pii: contact.email
    phone = models.CharField(max_length=20)  # pii: contact.phone_number
    first_name = models.CharField(max_length=50)  # pii: name.first
    points = models.IntegerField()


class Visit(models.Model):
    ip = models.GenericIPAddressField()  # pii: device.ip_address
    buyer = models.ForeignKey(Buyer, on_delete=models.CASCADE)
''')
    write(root, "genshop/util.py", '''\
def describe(value):
    return "buyer <%s>" % value


def shout(value):
    return describe(value).upper()
''')
    for i in range(12):
        write(root, f"genshop/views_{i:02d}.py", f'''\
import logging

from genshop.models import Buyer
from genshop.util import describe, shout

log = logging.getLogger(__name__)


def view_{i}(pk):
    buyer = Buyer.objects.get(pk=pk)
    log.info(describe(buyer.email))
    log.warning("phone %s", shout(buyer.phone))
    text = f"{{buyer.first_name}} #{i}"
    print(text)
    log.debug("points %s", buyer.points)
    return buyer


def remove_{i}(pk):
    Buyer.objects.filter(pk=pk).delete()
''')


def make_project(root: Path) -> Path:
    """The bundled sample shop if it is there, plus a generated package; else the generated one."""
    if FIXTURE_SHOP.is_dir() and any(FIXTURE_SHOP.rglob("*.py")):
        shutil.copytree(FIXTURE_SHOP, root, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".pii-lint-cache", "__pycache__"))
    if not (root / "pyproject.toml").exists():
        write(root, "pyproject.toml", PYPROJECT)
    _generated_project(root)
    return root


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("shop"))
    reference = cli("check", ".", "--format", "json", "--no-cache", "--jobs", "1", "--exit-zero", cwd=root)
    assert_clean_stderr(reference)
    assert json.loads(reference.stdout)["findings"], "the project should have findings"
    return root, reference.stdout


def _copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".pii-lint-cache"))
    return dst


def _check_json(root: Path, *extra: str, env: dict | None = None) -> str:
    proc = cli("check", ".", "--format", "json", "--exit-zero", *extra, cwd=root, env=env)
    assert_clean_stderr(proc)
    return proc.stdout


def _tmp_files(root: Path) -> list[Path]:
    cache = root / ".pii-lint-cache"
    return [p for p in cache.rglob("*.tmp")] if cache.is_dir() else []


def test_corrupt_cache_entries_are_ignored(shop, tmp_path: Path) -> None:
    src, reference = shop
    root = _copy(src, tmp_path / "p")
    assert _check_json(root, "--jobs", "1") == reference
    entries = [p for p in (root / ".pii-lint-cache" / "facts").rglob("*") if p.is_file()]
    assert entries, "the first run should have filled the cache"
    for i, entry in enumerate(entries):
        data = entry.read_bytes()
        # truncated to nothing, cut in half, or replaced by garbage
        entry.write_bytes([b"", data[: len(data) // 2], b"\x80\x05garbage"][i % 3])
    assert _check_json(root, "--jobs", "1") == reference
    assert _check_json(root, "--jobs", "2") == reference  # and once more, with the cache rewritten


def test_cache_that_cannot_be_written(shop, tmp_path: Path) -> None:
    src, reference = shop
    root = _copy(src, tmp_path / "p")
    (root / ".pii-lint-cache").write_text("not a folder\n", encoding="utf-8")  # mkdir fails
    assert _check_json(root, "--jobs", "1") == reference
    assert (root / ".pii-lint-cache").is_file()


def test_concurrent_runs_share_the_cache(shop, tmp_path: Path) -> None:
    src, reference = shop
    root = _copy(src, tmp_path / "p")
    env = dict(os.environ)
    cmd = [sys.executable, "-m", "pii_lint", "check", ".", "--format", "json", "--exit-zero"]
    flake8 = [sys.executable, "-m", "flake8", "--select", "PII", "-j2", "."]
    expected_flake8 = subprocess.run(flake8, cwd=_copy(src, tmp_path / "q"), env={**env, "PII_LINT_NO_CACHE": "1"},
                                     capture_output=True, text=True, timeout=300).stdout
    procs = [subprocess.Popen(cmd + ["--jobs", jobs], cwd=root, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for jobs in ("1", "2")]
    procs.append(subprocess.Popen(flake8, cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True))
    outs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs[:2], outs[:2]):
        assert proc.returncode == 0, err
        assert "Traceback" not in err
        assert out == reference
    flake_out, flake_err = outs[2]
    assert "Traceback" not in flake_err
    assert sorted(flake_out.splitlines()) == sorted(expected_flake8.splitlines()) != []
    assert _tmp_files(root) == []
    assert _check_json(root, "--jobs", "1") == reference  # warm, after the race
    assert _tmp_files(root) == []


# ---------------------------------------------------------------------------------------
# Determinism: byte-identical JSON across jobs, cache states, runs and hash seeds
# ---------------------------------------------------------------------------------------

def test_json_output_is_deterministic(shop, tmp_path: Path) -> None:
    src, reference = shop
    root = _copy(src, tmp_path / "p")
    outputs = {
        "jobs1 no-cache seed1": _check_json(root, "--jobs", "1", "--no-cache", env={"PYTHONHASHSEED": "1"}),
        "jobs2 no-cache seed2": _check_json(root, "--jobs", "2", "--no-cache", env={"PYTHONHASHSEED": "2"}),
        "jobs2 cold cache seed3": _check_json(root, "--jobs", "2", env={"PYTHONHASHSEED": "3"}),
        "jobs1 warm cache seed4": _check_json(root, "--jobs", "1", env={"PYTHONHASHSEED": "4"}),
        "jobs2 warm cache seed5": _check_json(root, "--jobs", "2", env={"PYTHONHASHSEED": "5"}),
    }
    for name, out in outputs.items():
        assert out == reference, f"{name} differs from the reference run"


def test_in_process_engine_is_deterministic(shop) -> None:
    src, _ = shop
    runs = []
    for jobs in (1, 2):
        analysis = run_engine(src, jobs=jobs, use_cache=False)
        runs.append([(f.location, f.code, f.message, f.steps) for f in analysis.findings])
    assert runs[0] == runs[1]


# ---------------------------------------------------------------------------------------
# No execution: nothing of the project is imported or run
# ---------------------------------------------------------------------------------------

def _hostile_module(marker: Path, name: str) -> str:
    return f'''\
import socket
import sys

open({str(marker / name)!r}, "w").write("imported")
try:
    socket.create_connection(("127.0.0.1", 9), timeout=0.2)
except OSError:
    pass
sys.exit(13)

if __name__ == "__main__":
    open({str(marker / (name + "-main"))!r}, "w").write("run as main")
    sys.exit(14)
'''


@pytest.mark.parametrize("where", ["from-project-root", "from-elsewhere"])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_project_code_is_never_executed(tmp_path: Path, where: str, jobs: str) -> None:
    markers = tmp_path / "markers"
    markers.mkdir()
    root = tmp_path / "proj"
    write(root, "pyproject.toml", PYPROJECT)
    for rel in ("conftest.py", "setup.py", "manage.py", "app/__init__.py", "app/models.py", "app/__main__.py",
                "app/conftest.py", "tests/conftest.py", "sitecustomize.py", "usercustomize.py"):
        write(root, rel, _hostile_module(markers, rel.replace("/", "_")) + FLOW)
    cwd, target = (root, ".") if where == "from-project-root" else (tmp_path, str(root))
    proc = cli("check", target, "--format", "json", "--no-cache", "--jobs", jobs, cwd=cwd)
    assert sorted(p.name for p in markers.iterdir()) == [], "project code ran"
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    assert json.loads(proc.stdout)["findings"]


@pytest.mark.parametrize("name", ["pydantic", "json"])
def test_root_modules_named_like_dependencies_are_not_imported(tmp_path: Path, name: str) -> None:
    """``python -m pii_lint`` run from the project root puts that folder first on sys.path:
    a project module named like something pii-lint imports (``yaml.py``, ``json.py``) must
    not be imported in its place (the ``pii-lint`` script does not have the problem)."""
    markers = tmp_path / "markers"
    markers.mkdir()
    root = tmp_path / "proj"
    write(root, "pyproject.toml", PYPROJECT)
    write(root, f"{name}.py", _hostile_module(markers, name) + FLOW)
    write(root, "app.py", FLOW)
    proc = cli("check", ".", "--format", "json", "--no-cache", "--jobs", "1", cwd=root)
    assert sorted(p.name for p in markers.iterdir()) == [], f"the project's {name}.py was imported"
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr


class _Payload:
    """Unpickling this runs code."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').write('x')",))


def test_planted_cache_entry_is_not_executed(tmp_path: Path) -> None:
    """A cache entry is data. Its file name is computable from public facts (content hash,
    tool version, pack digest), so a pull request can commit a planted one
    (``git add -f .pii-lint-cache``): reading it must not run code."""
    write(tmp_path, "pyproject.toml", PYPROJECT)
    write(tmp_path, "app.py", FLOW)
    marker = tmp_path / "PWNED"
    first = _check_json(tmp_path, "--jobs", "1")
    entries = [p for p in (tmp_path / ".pii-lint-cache").rglob("*") if p.is_file() and p.name != ".gitignore"]
    assert entries, "the first run should have filled the cache"
    for entry in entries:  # every entry replaced by a payload, at the very name pii-lint will read
        entry.write_bytes(pickle.dumps(_Payload(marker)))
    second = _check_json(tmp_path, "--jobs", "1")
    assert not marker.exists(), "a planted cache entry ran code"
    assert second == first
