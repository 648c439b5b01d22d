"""The three real shops the accuracy and robustness checks read, at pinned versions.

django-oscar 4.2.1 and saleor 2.10.1 come as sdists; shuup 3.1.0 only as a wheel whose
metadata pip >= 24.1 rejects, so it is downloaded with pip 23.x from a fresh venv.
Each ``prepare_*`` unpacks into ``work`` and returns the folder analysed as the project
(it is given a ``pyproject.toml`` if it has none).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import venv
import zipfile
from pathlib import Path

SKIP_STDLIB = {"site-packages", "dist-packages", "__pycache__"}
SHOPS = ("oscar", "saleor", "shuup")
# Shops read only for accuracy (benchmarks/verdicts.py), none written here: pretix (a ticket
# shop, a wheel), Cartridge (Mezzanine's shop), django-lfs (partly Python 2), django-SHOP and
# Longclaw (Wagtail's shop, a wheel).
# name -> (requirement, archive glob, wheel?)
MORE_SHOPS = {
    "pretix": ("pretix==2026.8.0", "pretix-2026.8.0-*.whl", True),
    "cartridge": ("Cartridge==1.3.4", "[Cc]artridge-1.3.4.tar.gz", False),
    "lfs": ("django-lfs==0.11", "django[-_]lfs-0.11.tar.gz", False),
    "djangoshop": ("django-SHOP==1.2.4", "django[-_][Ss][Hh][Oo][Pp]-1.2.4.tar.gz", False),
    "longclaw": ("longclaw==1.0.2", "longclaw-1.0.2-*.whl", True),
}
ALL_SHOPS = SHOPS + tuple(MORE_SHOPS)


def _pip_version(python: str) -> tuple[int, ...]:
    out = subprocess.run([python, "-m", "pip", "--version"], capture_output=True, text=True)
    if out.returncode != 0:
        return ()
    try:
        return tuple(int(x) for x in out.stdout.split()[1].split(".")[:2])
    except (IndexError, ValueError):
        return ()


def _pip_download(python: str, args: list[str], downloads: Path) -> None:
    cmd = [python, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "-d", str(downloads), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")


def _find(downloads: Path, *patterns: str) -> Path | None:
    for pattern in patterns:
        found = sorted(downloads.glob(pattern))
        if found:
            return found[0]
    return None


def _old_pip_python(work: Path) -> str:
    """A Python whose pip is older than 24.1 (which rejects shuup 3.1.0's metadata)."""
    version = _pip_version(sys.executable)
    if version and version < (24, 1):
        return sys.executable
    env_dir = work / "pip23-venv"
    if not env_dir.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    python = str(env_dir / ("Scripts" if os.name == "nt" else "bin") / "python")
    if not (_pip_version(python) and _pip_version(python) < (24, 1)):
        subprocess.run([python, "-m", "pip", "install", "--disable-pip-version-check", "-q", "pip<24.1"], check=True)
    return python


def _unpack_sdist(archive: Path, into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(into, filter="data")
        else:  # pragma: no cover - Python without PEP 706
            tar.extractall(into)
    roots = [p for p in into.iterdir() if p.is_dir()]
    return roots[0] if len(roots) == 1 else into


def _mark_root(root: Path) -> Path:
    """The folder the analysis treats as the project: it must hold a pyproject.toml."""
    if not (root / "pyproject.toml").exists():
        (root / "pyproject.toml").write_text("[tool.pii-lint]\n", encoding="utf-8")
    return root


def prepare_stdlib(work: Path) -> Path:
    src = Path(sysconfig.get_paths()["stdlib"])
    dst = work / "stdlib" / f"python{sys.version_info[0]}.{sys.version_info[1]}"
    if dst.exists():
        shutil.rmtree(dst)
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_STDLIB)
        rel = Path(dirpath).relative_to(src)
        for name in filenames:
            if name.endswith(".py"):
                target = dst / rel / name
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    shutil.copyfile(Path(dirpath) / name, target)
                except OSError:
                    pass  # a broken symlink or an unreadable file: not part of the corpus
    return _mark_root(dst)


def _sdist(downloads: Path, pattern: str, requirement: str, *pip_args: str) -> Path:
    """The sdist matching ``pattern`` in ``downloads``, downloaded with pip when missing."""
    archive = _find(downloads, pattern)
    if archive is None:
        _pip_download(sys.executable, [*pip_args, "--no-binary", ":all:", requirement], downloads)
        archive = _find(downloads, pattern)
    if archive is None:
        raise RuntimeError(f"no {requirement} sdist in {downloads}")
    return archive


def prepare_oscar(work: Path, downloads: Path) -> Path:
    archive = _sdist(downloads, "django*oscar-4.2.1.tar.gz", "django-oscar==4.2.1")
    return _mark_root(_unpack_sdist(archive, work / "oscar"))


def prepare_saleor(work: Path, downloads: Path) -> Path:
    # saleor 2.10.1 declares Python < 3.9.
    archive = _sdist(downloads, "saleor-2.10.1.tar.gz", "saleor==2.10.1", "--ignore-requires-python")
    return _mark_root(_unpack_sdist(archive, work / "saleor"))


def prepare_shuup(work: Path, downloads: Path) -> Path:
    wheel = _find(downloads, "shuup-3.1.0-*.whl")
    if wheel is None:
        _pip_download(_old_pip_python(work), ["--only-binary", ":all:", "shuup==3.1.0"], downloads)
        wheel = _find(downloads, "shuup-3.1.0-*.whl")
    if wheel is None:
        raise RuntimeError(f"no shuup 3.1.0 wheel in {downloads}")
    return _mark_root(_unpack_wheel(wheel, work / "shuup" / "shuup-3.1.0"))


def _unpack_wheel(wheel: Path, root: Path) -> Path:
    """A wheel's files under a fresh ``root`` (a wheel holds the package's source)."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(root)
    return root


# Apps shops install, read by benchmarks/fixes.py only: django-user-agents caches every
# visitor's parsed user agent with no timeout (the real-code example of the expiry fix).
SHOP_APPS = {
    "useragents": ("django-user-agents==0.4.0", "django_user_agents-0.4.0-*.whl", True),
}


def prepare_more(name: str, work: Path, downloads: Path) -> Path:
    requirement, pattern, wheel = {**MORE_SHOPS, **SHOP_APPS}[name]
    if not wheel:
        return _mark_root(_unpack_sdist(_sdist(downloads, pattern, requirement), work / name))
    archive = _find(downloads, pattern)
    if archive is None:
        _pip_download(sys.executable, ["--only-binary", ":all:", requirement], downloads)
        archive = _find(downloads, pattern)
    if archive is None:
        raise RuntimeError(f"no {requirement} wheel in {downloads}")
    return _mark_root(_unpack_wheel(archive, work / name / requirement.replace("==", "-")))


def prepare(name: str, work: Path, downloads: Path) -> Path:
    """The project folder of one corpus: ``stdlib`` or one of ``ALL_SHOPS``."""
    if name == "stdlib":
        return prepare_stdlib(work)
    if name in MORE_SHOPS or name in SHOP_APPS:
        return prepare_more(name, work, downloads)
    return {"oscar": prepare_oscar, "saleor": prepare_saleor, "shuup": prepare_shuup}[name](work, downloads)
