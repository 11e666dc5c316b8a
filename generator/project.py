"""Where a project's folders are, found from the working directory like git finds its root."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from generator.errors import UsageError
from generator.layout import OUTPUT_FOLDER
from generator.problems import Problem, display_path


class ProjectNotFound(UsageError):
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
    def theme_dir(self) -> Path:
        """The theme overrides (``custom_dir`` in mkdocs.yml); their static files are published."""
        return self.root / "overrides"

    @property
    def mkdocs_config(self) -> Path:
        return self.root / "mkdocs.yml"

    def published_symlinks(self) -> list[Problem]:
        """Symbolic links among the files the engine publishes. It follows them, so
        ``ln -s /etc/passwd docs/assets/notes.txt`` would put that file on the site and in the
        offline zip."""
        problems = []
        for folder in (self.docs_dir, self.theme_dir):
            for parent, folders, files in os.walk(folder):
                if Path(parent) == self.output_dir:
                    folders.clear()  # the generator's own, written without links
                    continue
                for name in sorted([*folders, *files]):
                    path = Path(parent, name)
                    if path.is_symlink():
                        problems.append(Problem(display_path(path, self.root), 0, 0, _LINK))
        return problems

    @classmethod
    def find(cls, start: Path) -> Project:
        for folder in (start.resolve(), *start.resolve().parents):
            if (folder / "mkdocs.yml").is_file() and (folder / "playbooks").is_dir():
                return cls(folder)
        raise ProjectNotFound(
            f"no project found at or above {start}: expected mkdocs.yml and playbooks/"
        )


_LINK = "is a symbolic link, and the site would publish what it points at; commit the file itself"
