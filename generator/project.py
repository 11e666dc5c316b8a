"""Where a project's folders are, found from the working directory like git finds its root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.layout import OUTPUT_FOLDER


class ProjectNotFound(Exception):
    """No folder at or above the start has both ``mkdocs.yml`` and ``playbooks/``."""


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def playbooks_dir(self) -> Path:
        return self.root / "playbooks"

    @property
    def docs_dir(self) -> Path:
        return self.root / "docs"

    @property
    def output_dir(self) -> Path:
        """The one folder the generator owns; everything else is the contributors'."""
        return self.docs_dir / OUTPUT_FOLDER

    @property
    def mkdocs_config(self) -> Path:
        return self.root / "mkdocs.yml"

    @classmethod
    def find(cls, start: Path) -> Project:
        for folder in (start.resolve(), *start.resolve().parents):
            if (folder / "mkdocs.yml").is_file() and (folder / "playbooks").is_dir():
                return cls(folder)
        raise ProjectNotFound(
            f"no project found at or above {start}: expected mkdocs.yml and playbooks/"
        )
