"""Problems found in content, and the two ways of printing them.

Every stage reports problems instead of raising, so a contributor sees all of them in one run,
each pointing at the file, line and column to fix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]

_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Control and bidi characters, which a file name or a quoted key could use to rewrite a
terminal or a CI log (clear the screen, colour a line, reorder the text)."""

Style = Literal["text", "github"]
"""How problems are printed: for people, or as GitHub workflow commands."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file; line and column are 1-based, 0 when unknown."""

    path: str
    line: int
    col: int
    message: str
    severity: Severity = "error"

    def as_text(self) -> str:
        """``path:line:col: error: message`` — the form editors and terminals link."""
        path = _visible(self.path)
        where = path if self.line == 0 else f"{path}:{self.line}:{self.col}"
        return f"{where}: {self.severity}: {_visible(self.message)}"

    def as_github(self) -> str:
        """A GitHub Actions workflow command, shown on the pull request's diff."""
        props = [f"file={_escape_property(_visible(self.path))}"]
        if self.line:
            props += [f"line={self.line}", f"col={self.col}"]
        return f"::{self.severity} {','.join(props)}::{_escape_data(_visible(self.message))}"


def display_path(path: Path, root: Path) -> str:
    """A path relative to the project, with forward slashes, as a contributor sees it."""
    return display_paths([path], root)[0]


def display_paths(paths: Sequence[Path], root: Path) -> list[str]:
    """:func:`display_path` for many files, resolving each folder once: resolving one takes
    a system call per level, and a thousand playbooks share one folder.

    Only the folder is resolved: a linked file is named by its link, not by its target.
    """
    resolved_root = root.resolve()
    folders = {folder: folder.resolve() for folder in {path.parent for path in paths}}
    shown = []
    for path in paths:
        try:
            shown.append((folders[path.parent] / path.name).relative_to(resolved_root).as_posix())
        except ValueError:
            shown.append(path.as_posix())
    return shown


def format_problems(problems: list[Problem], style: Style = "text") -> str:
    """All problems, sorted by file and position, one per line."""
    render = Problem.as_github if style == "github" else Problem.as_text
    return "\n".join(render(problem) for problem in sorted(problems))


def has_errors(problems: list[Problem]) -> bool:
    """Warnings inform; only errors fail a run."""
    return any(problem.severity == "error" for problem in problems)


def _visible(text: str) -> str:
    """Each such character as its Python escape (ESC becomes backslash-x1b): shown, not obeyed."""
    return _UNPRINTABLE.sub(lambda match: ascii(match.group())[1:-1], text)


def _escape_data(text: str) -> str:
    # GitHub's documented escaping for workflow command data.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
