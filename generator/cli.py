"""The ``playbooks`` command: validate, generate, build and preview the site.

Exit codes: 0 ok, 1 content problems, 2 usage or environment. Failures print one or two
lines saying why, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from generator.corpus import Corpus, load_corpus
from generator.problems import format_problems
from generator.project import Project, ProjectNotFound
from generator.render import render_site
from generator.site_build import ENGINES, BuildFailed, build_site
from generator.writer import WriterError, write_pages

OK, CONTENT, USAGE = 0, 1, 2


class Failure(Exception):
    """A run that cannot go on; ``code`` is the exit code, the message says why."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        project = Project.find(args.project)
        return int(args.handler(project, args))
    except ProjectNotFound as error:
        return _fail(str(error), USAGE)
    except Failure as error:
        return _fail(str(error), error.code)
    except KeyboardInterrupt:
        return _fail("interrupted", USAGE)


def _fail(message: str, code: int) -> int:
    print(f"playbooks: {message}", file=sys.stderr)
    return code


def load_valid(project: Project, style: str = "text") -> Corpus:
    """The corpus, having printed every problem; raises :class:`Failure` on any error."""
    corpus, problems = load_corpus(project.playbooks_dir, project.root)
    if problems:
        print(format_problems(problems, style), file=sys.stderr)  # type: ignore[arg-type]
    if corpus is None:
        errors = sum(problem.severity == "error" for problem in problems)
        raise Failure(f"{errors} problem{'s' * (errors != 1)} in playbooks; nothing built", CONTENT)
    return corpus


def generate(project: Project) -> str:
    """Validate and write the Markdown; returns a one-line summary."""
    corpus = load_valid(project)
    try:
        report = write_pages(project.output_dir, render_site(corpus))
    except (WriterError, OSError) as error:
        raise Failure(str(error), USAGE) from error
    return (
        f"{len(corpus.playbooks)} playbooks: {len(report.written)} pages written, "
        f"{report.unchanged} unchanged, {len(report.removed)} removed"
    )


def _validate(project: Project, args: argparse.Namespace) -> int:
    corpus = load_valid(project, args.format)
    print(f"{len(corpus.playbooks)} playbooks valid")
    return OK


def _generate(project: Project, args: argparse.Namespace) -> int:
    print(generate(project))
    return OK


def _build(project: Project, args: argparse.Namespace) -> int:
    print(generate(project))
    site_dir = args.site_dir or project.root / "site"
    try:
        build_site(project, site_dir, args.engine)
    except BuildFailed as error:
        print("\n".join(error.details), file=sys.stderr)
        raise Failure(str(error), CONTENT) from error
    except (OSError, ValueError) as error:
        raise Failure(f"build failed: {error}", USAGE) from error
    print(f"site built in {site_dir}")
    return OK


def _serve(project: Project, args: argparse.Namespace) -> int:
    from generator.serve import serve  # only the preview needs the file watcher

    def regenerate() -> None:
        try:
            print(f"playbooks: {generate(project)}", file=sys.stderr)
        except Failure as error:
            print(f"playbooks: {error}; the preview keeps the last good pages", file=sys.stderr)

    return serve(project, args.port, regenerate)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="playbooks", description="Validate outage playbooks and build the site."
    )
    parser.add_argument(
        "--project", type=Path, default=Path.cwd(), help="project folder (default: here)"
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check every playbook, print all problems")
    validate.add_argument("--format", choices=("text", "github"), default="text")
    validate.set_defaults(handler=_validate)

    commands.add_parser("generate", help="write the Markdown pages").set_defaults(handler=_generate)

    build = commands.add_parser("build", help="validate, generate and build the site")
    build.add_argument("--site-dir", type=Path, help="output folder (default: site/)")
    build.add_argument("--engine", choices=ENGINES, default="mkdocs")
    build.set_defaults(handler=_build)

    serve = commands.add_parser("serve", help="live preview on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(handler=_serve)
    return parser
