"""Build the HTML site with the engine, add what no engine makes, and swap it in atomically.

The engine is a separate program reading ``mkdocs.yml`` (see :mod:`generator.engines`).
Beside its pages, the site carries the JSON API (``api/v1/``) and a zip of the offline copy,
for readers who want the playbooks on their own disk before the network fails.

A build goes to a fresh sibling folder first; only a complete, warning-free build with all
its extra files replaces the previous site, so readers never see half a site and a failed or
interrupted build leaves the last good site whole. A build killed outright leaves its
sibling folders behind; the next build clears them away and, if the kill came between the
two renames of the swap, puts the last good site back first. It only ever touches a sibling
that carries its own marker: a name alone proves nothing (a reader's ``site.old-2024`` backup
has the same shape as our leftovers).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator import leftovers
from generator.corpus import Corpus
from generator.engines import run_engine, run_engine_with_offline_copy
from generator.errors import UsageError
from generator.exports import api_files
from generator.layout import FEED
from generator.navigation import Nav, site_nav
from generator.project import Project

OFFLINE_ZIP = "downloads/outage-playbooks-offline.zip"
"""Linked from the home page (docs/index.md)."""
OFFLINE_FOLDER = "outage-playbooks"
"""The one folder the zip unpacks into; readers open its ``index.html``."""
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Fixed timestamps keep the zip byte-identical when the content is."""
SITE_MARKER = ".built-by-playbooks"
"""Written into every site we build. A folder without it is never replaced: ``--site-dir ~``
or ``--site-dir docs`` must fail, not delete someone's files."""

_SIGNALS = {signal.SIGINT, signal.SIGTERM}


class SiteDirRefused(UsageError):
    """The site folder holds something we did not build; replacing it would lose it."""


def publish(
    project: Project,
    corpus: Corpus,
    site_dir: Path,
    engine: str = "mkdocs",
    *,
    offline: bool,
    feed: str,
) -> None:
    """Build the site into ``site_dir``: the offline copy itself when ``offline``, else the
    online site with the offline copy inside it as a zip. Both carry the JSON API and the
    Atom ``feed`` at their root. On any failure the old ``site_dir`` is untouched."""
    site_dir = site_dir.resolve()
    _recover_leftovers(site_dir)
    _check_replaceable(site_dir)
    site_dir.parent.mkdir(parents=True, exist_ok=True)  # as `mkdocs build --site-dir` does
    staging = _sibling(site_dir, "building", os.getpid())
    with _terminate_as_interrupt():
        try:
            leftovers.make_marked(staging)
            nav = site_nav(corpus, project.docs_dir)
            extras = api_files(corpus) | {FEED: feed}
            if offline:
                run_engine(project, engine, staging, nav, offline=True)
            else:
                build_with_offline_zip(project, engine, staging, nav, extras)
            write_files(staging, extras)
            (staging / SITE_MARKER).write_text("Built by `playbooks build`.\n", encoding="utf-8")
            _swap_in(staging, site_dir)
        finally:
            leftovers.remove_if_marked(staging)


def _check_replaceable(site_dir: Path) -> None:
    if not site_dir.exists():
        return
    if os.path.ismount(site_dir):
        raise SiteDirRefused(
            f"{site_dir} is a mount point, which cannot be swapped in one rename; "
            "choose a folder inside it as --site-dir"
        )
    if not site_dir.is_dir():
        raise SiteDirRefused(f"{site_dir} is not a folder; choose another --site-dir")
    if not _built_by_us(site_dir) and any(site_dir.iterdir()):
        raise SiteDirRefused(
            f"{site_dir} holds files that playbooks build did not make; "
            "move them or choose another --site-dir"
        )


def _built_by_us(site_dir: Path) -> bool:
    """Our marker, or (for sites built before the marker existed) an MkDocs site's index."""
    legacy = (site_dir / "sitemap.xml").is_file() and (site_dir / "search").is_dir()
    return (site_dir / SITE_MARKER).is_file() or legacy


def _swap_in(staging: Path, site_dir: Path) -> None:
    """Replace ``site_dir`` with ``staging`` in two renames, never leaving no site at all."""
    retired = _sibling(site_dir, "old", os.getpid())
    with _signals_deferred():
        if site_dir.exists():
            leftovers.mark(site_dir, retired.name)
            os.replace(site_dir, retired)
        os.replace(staging, site_dir)
        (site_dir / leftovers.MARKER).unlink()
    shutil.rmtree(retired, ignore_errors=True)


def _sibling(site_dir: Path, role: str, pid: int) -> Path:
    return site_dir.with_name(f"{site_dir.name}.{role}-{pid}")


def _recover_leftovers(site_dir: Path) -> None:
    """Clear what killed builds left beside ``site_dir``; restore the site if it went missing."""
    pattern = re.compile(rf"{re.escape(site_dir.name)}\.(building|old)-(\d+)")
    if not site_dir.parent.is_dir():
        return
    for leftover in sorted(site_dir.parent.iterdir()):
        match = pattern.fullmatch(leftover.name)
        if not match or _alive(int(match.group(2))) or not leftovers.is_marked(leftover):
            continue
        if match.group(1) == "old" and not site_dir.exists():
            os.replace(leftover, site_dir)
            (site_dir / leftovers.MARKER).unlink()
        else:
            shutil.rmtree(leftover, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, and someone else's
        pass
    return True


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Let ``kill`` clean up like Ctrl-C does: stop the engine, remove the staging folder."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and ``kill`` until both renames are done, so the site is never missing."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def build_with_offline_zip(
    project: Project, engine: str, site: Path, nav: Nav, extras: dict[str, str]
) -> None:
    """Build the site into ``site`` and, beside it, the offline copy, zipped into ``site``."""
    with tempfile.TemporaryDirectory(prefix="playbooks-offline-") as scratch:
        copy = Path(scratch) / OFFLINE_FOLDER
        run_engine_with_offline_copy(project, engine, site, copy, nav)
        write_files(copy, extras)
        zip_folder(copy, site / OFFLINE_ZIP)


def write_files(site: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        target = site / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def zip_folder(folder: Path, target: Path) -> None:
    """Zip ``folder`` as one top-level folder of the same name, in a stable order."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            entry = zipfile.ZipInfo(
                f"{folder.name}/{path.relative_to(folder).as_posix()}", date_time=_ZIP_TIME
            )
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, path.read_bytes())
