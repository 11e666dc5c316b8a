"""Publish the whole site: the engine's pages plus the files no engine makes.

Beside the pages, the site carries the JSON API (``api/v1/``) and a zip of the offline copy,
for readers who want the playbooks on their own disk before the network fails. Both are
added to the new site before it replaces the old one, so no reader sees a site without them.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from generator.corpus import Corpus
from generator.engines import MKDOCS_FAMILY, run_engine
from generator.exports import api_files
from generator.project import Project
from generator.site_build import build_site

OFFLINE_ZIP = "downloads/outage-playbooks-offline.zip"
"""Linked from the home page (docs/index.md)."""
OFFLINE_FOLDER = "outage-playbooks"
"""The one folder the zip unpacks into; readers open its ``index.html``."""
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Fixed timestamps keep the zip byte-identical when the content is."""


def publish(
    project: Project, corpus: Corpus, site_dir: Path, engine: str = "mkdocs", *, offline: bool
) -> None:
    """Build the site into ``site_dir``: the offline copy itself when ``offline``, else the
    online site with the offline copy inside it as a zip."""
    extras = api_files(corpus)

    def finish(site: Path) -> None:
        write_files(site, extras)
        if not offline:
            add_offline_zip(project, site, extras, engine)

    build_site(project, site_dir, engine, offline=offline, finish=finish)


def add_offline_zip(project: Project, site: Path, extras: dict[str, str], engine: str) -> None:
    """Build the offline copy with the site's own engine and zip it into ``site``. Zensical
    cannot make it yet (it reads no template overrides, and the copy needs one for its
    vendored shim: docs/project/engines.md), so its sites carry a copy made by MkDocs."""
    with tempfile.TemporaryDirectory(prefix="playbooks-offline-") as scratch:
        copy = Path(scratch) / OFFLINE_FOLDER
        run_engine(project, engine if engine in MKDOCS_FAMILY else "mkdocs", copy, offline=True)
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
