"""Remember what each playbook turned into, so a regeneration redoes only what changed.

The live preview regenerates on every save. Reading and rendering every playbook each time
costs about 7 ms per playbook (benchmarks/README.md): seconds at a thousand. Two memories:

- :class:`FileMemo`: a file's path, size and modification time → what reading it gave. A
  file modified within the last ``RACY_SECONDS`` is read again next time, whatever its
  stamp: another save in the same clock tick, with the same size, would look unchanged
  (git treats such "racily clean" files the same way).
- :class:`PageMemo`: a playbook, its history, the part of the gathering pages that holds
  it (:mod:`generator.parts`) and the catalog equal to the ones rendered last time → the
  same pages, since a playbook's pages are made from nothing else
  (tests/test_incremental.py holds the templates to that).

Everything that spans playbooks (catalog references, overview and index pages) is still
computed on every run: it is cheap next to parsing and rendering.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from generator.corpus import Parsed
from generator.model import Catalog

RACY_SECONDS = 2.0
"""Older than this, a file's stamp is trusted: any later save gets a different one."""

T = TypeVar("T")


class FileMemo(Generic[T]):
    """What ``read()`` returned for each file, while the file's stamp stays the same."""

    def __init__(self) -> None:
        self._entries: dict[Path, tuple[tuple[int, int], T]] = {}

    def get(self, path: Path, read: Callable[[], T]) -> T:
        try:
            stat = path.stat()
        except OSError:
            self._entries.pop(path, None)
            return read()  # reading reports the problem in its own words
        stamp = (stat.st_size, stat.st_mtime_ns)
        entry = self._entries.get(path)
        if entry is not None and entry[0] == stamp:
            return entry[1]
        value = read()
        if time.time_ns() - stat.st_mtime_ns > RACY_SECONDS * 1e9:
            self._entries[path] = (stamp, value)
        else:
            self._entries.pop(path, None)
        return value

    def __len__(self) -> int:
        return len(self._entries)

    def keep_only(self, paths: Iterable[Path]) -> None:
        """Forget files that are gone."""
        wanted = set(paths)
        for path in self._entries.keys() - wanted:
            del self._entries[path]


class PageMemo:
    """Each playbook's rendered pages, reused while what they are made from (the playbook,
    its history and its part) and the catalog stay equal."""

    def __init__(self) -> None:
        self._catalog: Catalog | None = None
        self._entries: dict[str, tuple[object, dict[str, str]]] = {}

    def get(
        self,
        playbook_id: str,
        made_from: object,
        catalog: Catalog,
        render: Callable[[], dict[str, str]],
    ) -> dict[str, str]:
        if catalog != self._catalog:
            self._entries.clear()
            self._catalog = catalog
        entry = self._entries.get(playbook_id)
        if entry is not None and entry[0] == made_from:
            return entry[1]
        pages = render()
        self._entries[playbook_id] = (made_from, pages)
        return pages

    def keep_only(self, playbook_ids: Iterable[str]) -> None:
        """Forget playbooks that are gone."""
        wanted = set(playbook_ids)
        for playbook_id in self._entries.keys() - wanted:
            del self._entries[playbook_id]


@dataclass
class GenerateCache:
    """One memory per stage, kept by whoever regenerates repeatedly (the live preview)."""

    parsed: FileMemo[Parsed] = field(default_factory=FileMemo)
    pages: PageMemo = field(default_factory=PageMemo)
