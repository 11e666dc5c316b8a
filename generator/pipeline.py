"""From YAML to site, in the order it runs: load → validate → render → write → build → publish.

Every command goes through here: ``playbooks`` validate, generate and build, the live
preview, the tests and the benchmarks. The stages are plain functions of their inputs; this
module alone decides what is remembered between runs (the live preview's memo), and runs
everything in one process: at the sizes the corpus has, nothing is worth sharing over cores
(docs/project/performance.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from generator.cache import FileMemo, GenerateCache
from generator.corpus import Corpus, Parse, Parsed, load_corpus, parse_playbook, playbook_files
from generator.errors import ProblemsFound
from generator.lock import project_lock
from generator.problems import Problem, has_errors
from generator.project import Project
from generator.publish import publish
from generator.render import SiteRenderer
from generator.writer import WriteReport, write_site


@dataclass(frozen=True)
class Generated:
    """What a generate did: the valid corpus, its warnings, and the pages written."""

    corpus: Corpus
    warnings: list[Problem]
    report: WriteReport

    @property
    def summary(self) -> str:
        report = self.report
        return (
            f"{len(self.corpus.playbooks)} playbooks: {len(report.written)} pages written, "
            f"{report.unchanged} unchanged, {len(report.removed)} removed"
        )


def load(
    project: Project, extra: Sequence[Problem] = (), cache: GenerateCache | None = None
) -> tuple[Corpus, list[Problem]]:
    """Load and validate: the corpus and its warnings (``extra`` among them).

    Raises :class:`ProblemsFound`, with every problem, when any is an error.
    """
    parse = parse_playbook if cache is None else remembering(cache.parsed)
    corpus, problems = load_corpus(project.playbooks_dir, project.root, parse)
    if cache is not None:
        cache.parsed.keep_only(playbook_files(project.playbooks_dir))
    problems += [*project.published_symlinks(), *extra]
    if corpus is None or has_errors(problems):
        raise ProblemsFound(problems)
    return corpus, problems


def render(corpus: Corpus, cache: GenerateCache | None = None) -> dict[str, str]:
    """Every generated file's text by its path; with a ``cache``, a playbook equal to the one
    rendered last time keeps its files."""
    renderer = SiteRenderer(corpus)
    pages = renderer.site_wide_pages()
    for playbook in corpus.playbooks:
        make = partial(renderer.playbook_pages, playbook)
        pages.update(cache.pages.get(playbook, corpus.catalog, make) if cache else make())
    if cache is not None:
        cache.pages.keep_only(playbook.id for playbook in corpus.playbooks)
    return pages


def generate(project: Project, cache: GenerateCache | None = None) -> Generated:
    """Write the Markdown pages the engine reads, under the project's lock.

    A ``cache`` kept between calls (the live preview) spares unchanged playbooks.
    """
    with project_lock(project):
        return _generate(project, cache)


def build(
    project: Project,
    site_dir: Path,
    engine: str = "mkdocs",
    *,
    offline: bool = False,
    generated: Callable[[Generated], None] = lambda _: None,
) -> None:
    """The whole pipeline, under the project's lock; ``generated`` hears of the pages before
    the engine, the slow part, starts."""
    with project_lock(project):
        done = _generate(project, cache=None)
        generated(done)
        publish(project, done.corpus, site_dir, engine, offline=offline)


def _generate(project: Project, cache: GenerateCache | None) -> Generated:
    corpus, warnings = load(project, cache=cache)
    report = write_site(project.output_dir, render(corpus, cache))
    return Generated(corpus, warnings, report)


def remembering(memo: FileMemo[Parsed]) -> Parse:
    """:func:`parse_playbook`, reading a file again only when its stamp has changed."""
    return lambda path, display: memo.get(path, partial(parse_playbook, path, display))
