"""The ``playbooks`` command: validate, generate, build and preview the site.

Exit codes: 0 ok, 1 content problems, 2 usage or environment (see :mod:`generator.errors`),
3 a bug in the generator. Failures print one or two lines saying why; only a bug shows a
traceback, with a request to report it.
"""

from __future__ import annotations

import argparse
import gc
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from generator import pipeline
from generator.advice import contributor_warnings
from generator.cache import GenerateCache
from generator.corpus import CATALOG_FILE, load_catalog
from generator.engines import ENGINES, MKDOCS_FAMILY, BuildFailed
from generator.errors import ContentError, PlaybooksError, ProblemsFound, UsageError
from generator.idstability import check_id_stability
from generator.problems import Problem, Style, display_path, format_problems, has_errors
from generator.project import Project
from generator.scaffold import new_playbook
from generator.schema import stale_schemas, write_schemas

OK = 0
BUG = 3
"""Exit code of an exception no stage meant to raise: a bug, never a failed build."""

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
    except ProblemsFound as error:
        print(format_problems(error.problems, getattr(args, "format", "text")), file=sys.stderr)
        return _fail(str(error), error.exit_code)
    except BuildFailed as error:
        print("\n".join(error.details), file=sys.stderr)
        return _fail(str(error), error.exit_code)
    except PlaybooksError as error:
        return _fail(str(error), error.exit_code)
    except KeyboardInterrupt:
        return _fail("interrupted", UsageError.exit_code)
    except OSError as error:
        return _fail(_os_error(error), UsageError.exit_code)
    except Exception:
        traceback.print_exc()
        report = "please open an issue with the traceback above (CONTRIBUTING.md)"
        return _fail(f"this is a bug in the generator, not in your playbooks; {report}", BUG)


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


def _show_warnings(warnings: list[Problem], style: Style = "text") -> None:
    if warnings:
        print(format_problems(warnings, style), file=sys.stderr)


def _validate(project: Project, args: argparse.Namespace) -> int:
    extra = contributor_warnings(project.playbooks_dir, project.root)
    if args.base:
        extra += check_id_stability(project.root, project.playbooks_dir, args.base)
    corpus, warnings = pipeline.load(project, extra)
    _show_warnings(warnings, args.format)
    stable = f"; ids stable since {args.base}" if args.base else ""
    print(f"{len(corpus.playbooks)} playbooks valid{stable}")
    return OK


def _new(project: Project, args: argparse.Namespace) -> int:
    path = project.playbooks_dir / CATALOG_FILE
    catalog, problems = load_catalog(path, display_path(path, project.root))
    if catalog is None or has_errors(problems):
        print(format_problems(problems), file=sys.stderr)
        raise ContentError("fix the catalog first; no playbook was created")
    try:
        created = new_playbook(
            project.playbooks_dir, args.id, catalog, section=args.section, title=args.title
        )
    except OSError as error:
        raise UsageError(f"cannot write the new playbook: {error}") from error
    shown = display_path(created, project.root)
    print(f"created {shown}: replace its TODO lines, then run `playbooks validate`")
    return OK


def _schema(project: Project, args: argparse.Namespace) -> int:
    if args.check:
        stale = stale_schemas(project.root)
        if stale:
            fix = "run `playbooks schema` and commit the result"
            raise ContentError(f"out of date with the models: {', '.join(stale)}; {fix}")
        print("JSON Schemas match the models")
        return OK
    try:
        written = write_schemas(project.root)
    except OSError as error:
        raise UsageError(f"cannot write the schemas: {error}") from error
    names = ", ".join(display_path(path, project.root) for path in written)
    print(f"wrote {names}" if written else "JSON Schemas already match the models")
    return OK


def _generate(project: Project, args: argparse.Namespace) -> int:
    generated = pipeline.generate(project)
    _show_warnings(generated.warnings)
    print(generated.summary)
    return OK


def _build(project: Project, args: argparse.Namespace) -> int:
    site_dir = args.site_dir or project.root / "site"

    def report(generated: pipeline.Generated) -> None:
        _show_warnings(generated.warnings)
        print(generated.summary, flush=True)

    try:
        pipeline.build(project, site_dir, args.engine, offline=args.offline, report=report)
    except UsageError as error:
        raise UsageError(f"build failed: {error}") from error
    print(f"site built in {site_dir}")
    return OK


def _serve(project: Project, args: argparse.Namespace) -> int:
    from generator.serve import serve  # only the preview needs the file watcher

    cache = GenerateCache()
    shown: str | None = None
    keeps = "the preview keeps the last good pages"

    def regenerate() -> None:
        """Regenerate; problems already on screen are not printed again."""
        nonlocal shown
        try:
            generated = pipeline.preview(project, cache)
        except PlaybooksError as error:
            problems = format_problems(error.problems) if isinstance(error, ProblemsFound) else ""
            if problems == shown:
                print(f"playbooks: the same problems remain; {keeps}", file=sys.stderr)
            else:
                shown_now = f"{problems}\n" if problems else ""
                print(f"{shown_now}playbooks: {error}; {keeps}", file=sys.stderr)
            shown = problems
            return
        shown = None
        _show_warnings(generated.warnings)
        print(f"playbooks: {generated.summary}", file=sys.stderr)

    return serve(project, args.port, regenerate, args.engine)


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
    generate.set_defaults(handler=_generate)

    build = commands.add_parser("build", help="validate, generate and build the site")
    build.add_argument("--site-dir", type=Path, help="output folder (default: site/)")
    build.add_argument("--engine", choices=ENGINES, default="mkdocs")
    build.add_argument(
        "--offline",
        action="store_true",
        help="build the copy that readers open from file:// with no network",
    )
    build.set_defaults(handler=_build)

    serve = commands.add_parser("serve", help="live preview on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--engine", choices=MKDOCS_FAMILY, default="mkdocs")
    serve.set_defaults(handler=_serve)
    return parser
