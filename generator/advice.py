"""Warnings that help a contributor without blocking a build: editor modelines, placeholders.

They are about the file as typed rather than the content it holds, so they live apart from
the validator and are reported by ``playbooks validate`` only.
"""

from __future__ import annotations

from pathlib import Path

from generator.corpus import CATALOG_FILE, playbook_files
from generator.problems import Problem, display_path
from generator.scaffold import placeholder_problems
from generator.schema import modeline_problem
from generator.yamlsource import is_plain_file


def contributor_warnings(playbooks_dir: Path, root: Path) -> list[Problem]:
    """A missing schema modeline, and placeholder text left from ``playbooks new``."""
    warnings: list[Problem] = []
    catalog = [playbooks_dir / CATALOG_FILE] if (playbooks_dir / CATALOG_FILE).is_file() else []
    for path in [*catalog, *playbook_files(playbooks_dir)]:
        if not is_plain_file(path):
            continue  # the loader reports it; reading it here could hang on a FIFO or never end
        display = display_path(path, root)
        missing = modeline_problem(path, display)
        warnings += [missing] if missing else []
        warnings += placeholder_problems(path, display)
    return warnings
