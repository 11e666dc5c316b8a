"""The ``playbooks`` command: validate, generate, build and preview the site.

Exit codes: 0 ok, 1 content problems, 2 usage or environment. Failures print one or two
lines saying why, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from generator.advice import contributor_warnings
from generator.cache import GenerateCache
from generator.corpus import CATALOG_FILE, Corpus, load_catalog, load_corpus
from generator.engines import ENGINES, MKDOCS_FAMILY, BuildFailed, ConfigUnreadable
from generator.idstability import BaseUnavailable, check_id_stability
from generator.lock import project_lock
from generator.problems import Problem, display_path, format_problems, has_errors
from generator.project import Project, ProjectNotFound
from generator.publish import publish
from generator.render import site_jobs
from generator.scaffold import ScaffoldRefused, new_playbook
from generator.schema import stale_schemas, write_schemas
from generator.site_build import SiteDirRefused
from generator.writer import WriterError, write_site

OK, CONTENT, USAGE = 0, 1, 2


class Failure(Exception):
    """A run that cannot go on; ``code`` is the exit code, the message says why."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


GC_THRESHOLDS = (10_000, 20, 20)
"""A run makes millions of objects that live until it ends. With Python's default (a pass
every 700 new containers) the collector took a fifth of a 1,000-playbook generate, walking
the same live corpus again and again; passes this rare left the peak memory unchanged
(165 MB), since the run makes few reference cycles."""


def run() -> NoReturn:
    """The ``playbooks`` command as a process: :func:`main`, with two garbage-collector
    settings that only a whole process should make (tests call ``main`` in theirs)."""
    gc.set_threshold(*GC_THRESHOLDS)
    code = main()
    # What is left is the operating system's to reclaim: frozen objects are not collected
    # again as the interpreter exits (0.12 s at 1,000 playbooks).
    gc.freeze()
    sys.exit(code)


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
    except OSError as error:
        return _fail(_os_error(error), USAGE)


def _os_error(error: OSError) -> str:
    """One line naming the path, as ``ls`` would say it."""
    if error.filename is None:
        return str(error)
    if error.filename2 is not None:
        return f"{error.filename} -> {error.filename2}: {error.strerror}"
    return f"{error.filename}: {error.strerror}"


def _fail(message: str, code: int) -> int:
    print(f"playbooks: {message}", file=sys.stderr)
    return code


def load_valid(
    project: Project,
    style: str = "text",
    extra: Sequence[Problem] = (),
    cache: GenerateCache | None = None,
    workers: int | None = None,
) -> Corpus:
    """The corpus, having printed every problem (``extra`` too); raises :class:`Failure` on
    any error. ``workers``: processes to read with (``None``: as many as are worth it)."""
    memo = cache.parsed if cache else None
    corpus, problems = load_corpus(project.playbooks_dir, project.root, memo, workers)
    problems += [*project.published_symlinks(), *extra]
    if problems:
        print(format_problems(problems, style), file=sys.stderr)  # type: ignore[arg-type]
    if corpus is None or has_errors(problems):
        errors = sum(problem.severity == "error" for problem in problems)
        raise Failure(f"{errors} problem{'s' * (errors != 1)} in playbooks; nothing built", CONTENT)
    return corpus


def generate(
    project: Project, cache: GenerateCache | None = None, workers: int | None = None
) -> str:
    """Validate and write the Markdown; returns a one-line summary.

    A ``cache`` kept between calls (the live preview) spares unchanged playbooks.
    """
    corpus = load_valid(project, cache=cache, workers=workers)
    return write_generated(project, corpus, cache, workers)


def write_generated(
    project: Project,
    corpus: Corpus,
    cache: GenerateCache | None = None,
    workers: int | None = None,
) -> str:
    """Write a valid corpus's pages; returns a one-line summary."""
    jobs = site_jobs(corpus, memo=cache.pages if cache else None)
    try:
        # A memo lives in this process: what a forked worker added to it would be lost.
        report = write_site(project.output_dir, jobs, workers=1 if cache else workers)
    except WriterError as error:
        raise Failure(str(error), USAGE) from error
    return (
        f"{len(corpus.playbooks)} playbooks: {len(report.written)} pages written, "
        f"{report.unchanged} unchanged, {len(report.removed)} removed"
    )


def _validate(project: Project, args: argparse.Namespace) -> int:
    extra = contributor_warnings(project.playbooks_dir, project.root)
    if args.base:
        try:
            extra += check_id_stability(project.root, project.playbooks_dir, args.base)
        except BaseUnavailable as error:
            raise Failure(str(error), USAGE) from error
    corpus = load_valid(project, args.format, extra, workers=args.jobs)
    stable = f"; ids stable since {args.base}" if args.base else ""
    print(f"{len(corpus.playbooks)} playbooks valid{stable}")
    return OK


def _new(project: Project, args: argparse.Namespace) -> int:
    path = project.playbooks_dir / CATALOG_FILE
    catalog, problems = load_catalog(path, display_path(path, project.root))
    if catalog is None or has_errors(problems):
        print(format_problems(problems), file=sys.stderr)
        raise Failure("fix the catalog first; no playbook was created", CONTENT)
    try:
        created = new_playbook(
            project.playbooks_dir, args.id, catalog, section=args.section, title=args.title
        )
    except ScaffoldRefused as error:
        raise Failure(str(error), USAGE) from error
    except OSError as error:
        raise Failure(f"cannot write the new playbook: {error}", USAGE) from error
    shown = display_path(created, project.root)
    print(f"created {shown}: replace its TODO lines, then run `playbooks validate`")
    return OK


def _schema(project: Project, args: argparse.Namespace) -> int:
    if args.check:
        stale = stale_schemas(project.root)
        if stale:
            fix = "run `playbooks schema` and commit the result"
            raise Failure(f"out of date with the models: {', '.join(stale)}; {fix}", CONTENT)
        print("JSON Schemas match the models")
        return OK
    try:
        written = write_schemas(project.root)
    except OSError as error:
        raise Failure(f"cannot write the schemas: {error}", USAGE) from error
    names = ", ".join(display_path(path, project.root) for path in written)
    print(f"wrote {names}" if written else "JSON Schemas already match the models")
    return OK


def _generate(project: Project, args: argparse.Namespace) -> int:
    with project_lock(project):
        print(generate(project, workers=args.jobs))
    return OK


def _build(project: Project, args: argparse.Namespace) -> int:
    site_dir = args.site_dir or project.root / "site"
    try:
        with project_lock(project):
            corpus = load_valid(project, workers=args.jobs)
            print(write_generated(project, corpus, workers=args.jobs))
            publish(project, corpus, site_dir, args.engine, offline=args.offline)
    except BuildFailed as error:
        print("\n".join(error.details), file=sys.stderr)
        raise Failure(str(error), CONTENT) from error
    except (ValueError, SiteDirRefused, ConfigUnreadable) as error:
        raise Failure(f"build failed: {error}", USAGE) from error
    print(f"site built in {site_dir}")
    return OK


def _serve(project: Project, args: argparse.Namespace) -> int:
    from generator.serve import ServeFailed, serve  # only the preview needs the file watcher

    cache = GenerateCache()
    shown: str | None = None
    keeps = "the preview keeps the last good pages"

    def regenerate() -> None:
        """Regenerate; problems already on screen are not printed again."""
        nonlocal shown
        printed = io.StringIO()
        try:
            with project_lock(project), contextlib.redirect_stderr(printed):
                summary = generate(project, cache)
        except Failure as error:
            problems = printed.getvalue()
            if problems == shown:
                print(f"playbooks: the same problems remain; {keeps}", file=sys.stderr)
            else:
                print(f"{problems}playbooks: {error}; {keeps}", file=sys.stderr)
            shown = problems
            return
        shown = None
        print(f"{printed.getvalue()}playbooks: {summary}", file=sys.stderr)

    try:
        return serve(project, args.port, regenerate, args.engine)
    except ServeFailed as error:
        raise Failure(str(error), USAGE) from error


def _add_jobs(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--jobs",
        type=_positive_count,
        metavar="N",
        help="processes to read and render with (default: one per core for large corpora; "
        "1 keeps everything in one process, as a profiler needs)",
    )


def _positive_count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more, not {text!r}")
    return int(text)


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
    validate.add_argument(
        "--base",
        metavar="GIT_REF",
        help="also flag checklist ids removed or renamed since this git ref (readers' ticks)",
    )
    _add_jobs(validate)
    validate.set_defaults(handler=_validate)

    new = commands.add_parser("new", help="create playbooks/ID.yml, ready to fill in")
    new.add_argument("id", help="the new playbook's id, like payment-provider-outage")
    new.add_argument("--section", help="its section id (default: the catalog's first)")
    new.add_argument("--title", help="its title (default: made from the id)")
    new.set_defaults(handler=_new)

    schema = commands.add_parser("schema", help="regenerate the editors' JSON Schemas")
    schema.add_argument("--check", action="store_true", help="only check they are up to date")
    schema.set_defaults(handler=_schema)

    generate = commands.add_parser("generate", help="write the Markdown pages")
    _add_jobs(generate)
    generate.set_defaults(handler=_generate)

    build = commands.add_parser("build", help="validate, generate and build the site")
    build.add_argument("--site-dir", type=Path, help="output folder (default: site/)")
    build.add_argument("--engine", choices=ENGINES, default="mkdocs")
    build.add_argument(
        "--offline",
        action="store_true",
        help="build the copy that readers open from file:// with no network",
    )
    _add_jobs(build)
    build.set_defaults(handler=_build)

    serve = commands.add_parser("serve", help="live preview on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--engine", choices=MKDOCS_FAMILY, default="mkdocs")
    serve.set_defaults(handler=_serve)
    return parser
