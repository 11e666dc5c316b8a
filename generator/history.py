"""Which commits changed each playbook file, and when: read from git once per build.

One ``git log`` over the playbooks folder serves the whole corpus, however many playbooks it
holds (docs/project/performance.md has the cost at 1,000). Git is optional: without it,
outside a repository, or in a shallow clone (whose oldest commit would seem to have written
every file) there is no history, and the pages that show it leave it out.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path

from generator.corpus import CATALOG_FILE

SHOWN_PER_PLAYBOOK = 5
"""A playbook page lists its latest changes only; the repository has the rest."""
RECENT = 30
"""Changes on the Recent changes page and in the feed."""

_RECORD = "\x1e"
_FIELD = "\x1f"
_FORMAT = f"--format={_RECORD}%H{_FIELD}%cI{_FIELD}%s"


@dataclass(frozen=True)
class Change:
    """One commit's change to one playbook file."""

    playbook: str
    commit: str
    when: datetime
    message: str


@dataclass(frozen=True)
class History:
    """Every change to a playbook file, newest first, and where the repository shows the
    rest: ``folder_url`` plus a file name is that file's full history, when it is known."""

    changes: tuple[Change, ...]
    folder_url: str | None = None

    def of(self, playbook_id: str) -> tuple[Change, ...]:
        """The latest changes to one playbook, newest first."""
        return tuple(self._by_playbook.get(playbook_id, [])[:SHOWN_PER_PLAYBOOK])

    @cached_property
    def _by_playbook(self) -> dict[str, list[Change]]:
        """Grouped once: every playbook page asks, and at 1,000 playbooks each would scan
        every change."""
        grouped: dict[str, list[Change]] = {}
        for change in self.changes:
            grouped.setdefault(change.playbook, []).append(change)
        return grouped

    def full_history_url(self, playbook_id: str) -> str | None:
        return f"{self.folder_url}{playbook_id}.yml" if self.folder_url else None


def read_history(playbooks_dir: Path, repository: str | None = None) -> History | None:
    """The folder's history, or ``None`` when git cannot tell it.

    ``repository`` is the repository's web address (``https://github.com/owner/name``); the
    full history of a file is then under ``commits/HEAD/<its path>`` there.
    """
    state = _git(playbooks_dir, "rev-parse", "--is-shallow-repository", "--show-prefix")
    if state is None or not state.startswith("false\n"):
        return None
    log = _git(playbooks_dir, "log", "--no-renames", "--no-color", "--name-only", "--relative",
               _FORMAT, "--", ".")  # fmt: skip
    if log is None:
        return None
    prefix = state.removeprefix("false\n").strip()
    folder_url = f"{repository.rstrip('/')}/commits/HEAD/{prefix}" if repository else None
    return History(parse_log(log), folder_url)


def parse_log(text: str) -> tuple[Change, ...]:
    """``git log`` in :data:`_FORMAT` with ``--name-only`` → one change per playbook file
    per commit, in git's order (newest first)."""
    changes = []
    for record in text.split(_RECORD)[1:]:
        header, _, names = record.partition("\n")
        fields = header.split(_FIELD, 2)
        if len(fields) != 3:  # a subject holding our record separator: skip what follows it
            continue
        commit, stamp, subject = fields
        message = "".join(char for char in subject if char.isprintable())
        for name in names.splitlines():
            if "/" not in name and name.endswith(".yml") and name != CATALOG_FILE:
                changes.append(
                    Change(
                        name.removesuffix(".yml"), commit, datetime.fromisoformat(stamp), message
                    )
                )
    return tuple(changes)


def _git(folder: Path, *args: str) -> str | None:
    """What git printed, or ``None`` when it failed or is not installed."""
    try:
        done = subprocess.run(["git", *args], cwd=folder, capture_output=True, check=False)
    except OSError:
        return None
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None
