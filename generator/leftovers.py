"""What a build makes for itself beside the user's files, and how a later build knows it.

A killed build leaves its scratch folders behind, and the next build clears them. A name
alone proves nothing (someone may keep a backup called ``site.old-2024``), so a build marks
each folder it makes with a file holding that folder's own name, and a later build removes
or restores only a folder whose marker names it: not a folder someone made, nor a copy of one
of ours under another name.
"""

from __future__ import annotations

import shutil
from pathlib import Path

MARKER = ".playbooks-leftover"
"""Hidden, so that the engines' own clean-up of a folder they build into leaves it be."""


def make_marked(folder: Path) -> None:
    """Create ``folder`` (it must not exist) and mark it as the build's own."""
    folder.mkdir()
    mark(folder, folder.name)


def mark(folder: Path, name: str) -> None:
    """Mark ``folder`` as the build's own under ``name``, the name it is about to take."""
    (folder / MARKER).write_text(f"{name}\n", encoding="utf-8")


def is_marked(folder: Path) -> bool:
    """Made by a build as this very folder: its marker names it."""
    marker = folder / MARKER
    if folder.is_symlink() or not marker.is_file() or marker.is_symlink():
        return False
    return marker.read_text(encoding="utf-8", errors="replace").strip() == folder.name


def remove_if_marked(folder: Path) -> None:
    if is_marked(folder):
        shutil.rmtree(folder, ignore_errors=True)
