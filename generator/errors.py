"""The one family of errors a run can end with; each carries the exit code the CLI returns.

Anything raised that is not a :class:`PlaybooksError` is a bug in the generator, and the CLI
shows it as one (a traceback and a request to report it), never as a failed build.
"""

from __future__ import annotations

from collections.abc import Sequence

from generator.problems import Problem


class PlaybooksError(Exception):
    """A run that cannot go on; the message says why in one line."""

    exit_code = 2


class ContentError(PlaybooksError):
    """The playbooks, or the site made from them, need fixing: exit 1."""

    exit_code = 1


class UsageError(PlaybooksError):
    """The command, its options or the environment need fixing, not the content: exit 2."""

    exit_code = 2


class ProblemsFound(ContentError):
    """Validation found errors; ``problems`` are all it found, warnings included."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        errors = sum(problem.severity == "error" for problem in problems)
        super().__init__(f"{errors} problem{'s' * (errors != 1)} in playbooks; nothing built")
        self.problems = list(problems)
