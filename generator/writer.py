"""Write generated pages to disk, touching only files whose content changed.

The output folder is the generator's own: it carries a marker file, and the writer refuses
to work in a folder without one that already holds files, so a misconfigured path can never
wipe hand-written pages. Files git tracks are never changed or deleted, and a symbolic link
inside the folder is never followed to write or delete anything outside it.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import UsageError

MARKER = ".generated"
MARKER_TEXT = (
    "Made by `playbooks generate`. Everything in this folder is rebuilt; edit playbooks/.\n"
)


class WriterError(UsageError):
    """The writer refused to act, to protect files it does not own."""


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0


Batch = tuple[list[str], list[str]]
"""What one :meth:`OutputFolder.write` did: every path it was given, and those it wrote."""


class OutputFolder:
    """The generator's output folder, claimed: pages are written into it in batches, by this
    process or by worker processes that inherit it, then :meth:`finish` removes what no batch
    wanted. Writing where pages are rendered spares sending them to one process to write."""

    def __init__(self, out_dir: Path) -> None:
        _claim(out_dir)
        self.out_dir = out_dir
        self._resolved = out_dir.resolve()
        self.tracked = _tracked_files(out_dir)

    def write(self, pages: Mapping[str, str]) -> Batch:
        """Write ``pages`` (``{relative path: text}``), rewriting only what differs.

        Paths are strings here, not ``Path`` objects: pathlib parsed each one four times, a
        third of the time to write 7,000 files.
        """
        ordered = sorted((_safe_relative(path), text) for path, text in pages.items())
        for folder in sorted({posixpath.dirname(relative) for relative, _ in ordered}):
            _refuse_links_out(self._resolved, self.out_dir / folder)
            (self.out_dir / folder).mkdir(parents=True, exist_ok=True)
        root = os.fspath(self.out_dir)
        written = [
            relative
            for relative, text in ordered
            if _write_if_changed(f"{root}/{relative}", text.encode("utf-8"), self.tracked)
        ]
        return [relative for relative, _ in ordered], written

    def finish(self, batches: Iterable[Batch]) -> WriteReport:
        """Remove every file no batch wanted, and say what changed."""
        wanted: set[str] = set()
        written: list[str] = []
        for paths, batch_written in batches:
            wanted.update(paths)
            written += batch_written
        return WriteReport(
            written=sorted(written),
            removed=_remove_stale(self.out_dir, wanted, self.tracked),
            unchanged=len(wanted) - len(written),
        )


def write_site(out_dir: Path, pages: Mapping[str, str]) -> WriteReport:
    """Make ``out_dir`` hold exactly ``pages`` (``{relative path: text}``); rewrite only what
    differs."""
    folder = OutputFolder(out_dir)
    return folder.finish([folder.write(pages)])


def _write_if_changed(target: str, data: bytes, tracked: set[Path]) -> bool:
    """Write ``data`` unless ``target`` holds it already: an untouched file is no change for
    MkDocs or the live preview to react to. A file git tracks is never overwritten."""
    if _holds(target, data):
        return False
    if tracked and Path(target).resolve() in tracked:
        raise WriterError(f"{target} is tracked by git; the generator will not overwrite it")
    _atomic_write(target, data)
    return True


def _remove_stale(out_dir: Path, wanted: set[str], tracked: set[Path]) -> list[str]:
    """Delete files no page wants (never a tracked one), then the folders left empty.

    ``os.walk`` does not descend into linked folders: a stale link is removed, never its
    target.
    """
    removed: list[str] = []
    for folder, subfolders, files in os.walk(out_dir, topdown=False):
        base = Path(folder)
        prefix = base.relative_to(out_dir).as_posix() + "/" if base != out_dir else ""
        links = [name for name in subfolders if (base / name).is_symlink()]
        for name in files + links:
            relative = prefix + name
            if relative in wanted or relative == MARKER or (base / name).resolve() in tracked:
                continue
            (base / name).unlink()
            removed.append(relative)
        if base != out_dir and not any(base.iterdir()):
            base.rmdir()
    return sorted(removed)


def _claim(out_dir: Path) -> None:
    if out_dir.is_symlink():
        raise WriterError(
            f"{out_dir} is a symbolic link; the generator writes only in a real folder"
        )
    marker = out_dir / MARKER
    if marker.is_file():
        return
    if out_dir.exists() and any(out_dir.iterdir()):
        raise WriterError(
            f"{out_dir} holds files but was not made by the generator; move them first"
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    marker.write_text(MARKER_TEXT, encoding="utf-8")


def _safe_relative(path: str) -> str:
    """``path`` made plain (no empty or ``.`` parts), if it stays inside the output folder."""
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if path.startswith("/") or ".." in parts or not parts:
        raise WriterError(f"refusing to write outside the output folder: {path!r}")
    return "/".join(parts)


def _refuse_links_out(resolved_out_dir: Path, folder: Path) -> None:
    """A linked folder inside the output folder must not carry a write somewhere else."""
    if not folder.resolve().is_relative_to(resolved_out_dir):
        raise WriterError(f"{folder} leads outside {resolved_out_dir} through a symbolic link")


def _holds(target: str, data: bytes) -> bool:
    """Whether ``target`` is a file that already reads ``data`` (one read, no stat first)."""
    try:
        with open(target, "rb") as stream:
            return stream.read() == data
    except OSError:
        return False


def _atomic_write(target: str, data: bytes) -> None:
    """Readers (MkDocs' watcher included) see the old file or the new one, never half."""
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(target), prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _tracked_files(folder: Path) -> set[Path]:
    """Files under ``folder`` that git tracks; empty when there is no git or no repository."""
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z", "--", "."],
            cwd=folder,
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return set()
    names = [name for name in result.stdout.decode("utf-8", "replace").split("\0") if name]
    return {(folder / name).resolve() for name in names}
