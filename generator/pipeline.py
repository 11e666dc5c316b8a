"""From YAML to site, in the order it runs: load → validate → render → write → build → publish.

Every command goes through here: ``playbooks`` validate, generate and build, the live
preview, the tests and the benchmarks. The stages are plain functions of their inputs, and
this module alone decides two things about running them:

- what is remembered between runs: the live preview's memo (:mod:`generator.cache`);
- whether reading and rendering are shared over the cores. Only a large corpus (``PER_PROCESS``
  playbooks for each process) pays for starting worker processes; the real corpus never
  does. The figures are in docs/project/performance.md.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from generator.cache import FileMemo, GenerateCache
from generator.corpus import Corpus, Parse, Parsed, load_corpus, parse_playbook, playbook_files
from generator.engines import site_addresses, write_preview_nav
from generator.errors import ProblemsFound
from generator.feed import site_feed
from generator.history import History, read_history
from generator.lock import project_lock
from generator.navigation import site_nav
from generator.problems import Problem, has_errors
from generator.project import Project
from generator.publish import publish
from generator.render import SiteRenderer, SiteWidePage
from generator.writer import Batch, OutputFolder, WriteReport, write_site

PER_PROCESS = 100
"""Playbooks each worker process must have to pay for itself: on two cores, a corpus under
200 playbooks is read and rendered in this process alone."""


@dataclass(frozen=True)
class Generated:
    """What a generate did: the valid corpus, its warnings, and the pages written."""

    corpus: Corpus
    warnings: list[Problem]
    written: WriteReport

    @property
    def summary(self) -> str:
        written = self.written
        return (
            f"{len(self.corpus.playbooks)} playbooks: {len(written.written)} pages written, "
            f"{written.unchanged} unchanged, {len(written.removed)} removed"
        )


def load(
    project: Project, extra: Sequence[Problem] = (), cache: GenerateCache | None = None
) -> tuple[Corpus, list[Problem]]:
    """Load and validate: the corpus and its warnings (``extra`` among them).

    Raises :class:`ProblemsFound`, with every problem, when any is an error.
    """
    files = playbook_files(project.playbooks_dir)
    if cache is not None:  # a memo lives in this process: no worker could add to it
        parse = remembering(cache.parsed)
        corpus, problems = load_corpus(project.playbooks_dir, project.root, parse)
        cache.parsed.keep_only(files)
    else:
        with _shared_map(len(files)) as shared, _kept_out_of_collection(shared is not None):
            map_each = shared or map
            corpus, problems = load_corpus(project.playbooks_dir, project.root, map_each=map_each)
    problems += [*project.published_symlinks(), *extra]
    if corpus is None or has_errors(problems):
        raise ProblemsFound(problems)
    return corpus, problems


def site_history(project: Project) -> tuple[History | None, str]:
    """The playbooks' history from git (``None`` without it) and the site's address: what
    the page histories, the Recent changes page and the feed are made from. One ``git log``
    for the whole corpus."""
    site_url, repository = site_addresses(project.mkdocs_config)
    return read_history(project.playbooks_dir, repository), site_url


def remembered_pages(renderer: SiteRenderer, cache: GenerateCache) -> dict[str, str]:
    """Every generated file's text by its path, in this process; a playbook whose files
    would be made from the same as last time keeps them."""
    corpus = renderer.corpus
    pages = {page.path: renderer.render_page(page) for page in renderer.site_wide_pages()}
    for playbook in corpus.playbooks:
        made_from = renderer.made_from(playbook)
        make = partial(renderer.playbook_pages, playbook)
        pages.update(cache.pages.get(playbook.id, made_from, corpus.catalog, make))
    cache.pages.keep_only(playbook.id for playbook in corpus.playbooks)
    return pages


def render_and_write(
    out_dir: Path,
    corpus: Corpus,
    cache: GenerateCache | None = None,
    history: History | None = None,
    site_url: str = "",
) -> WriteReport:
    """Make ``out_dir`` hold exactly the generated files. A large corpus is rendered and
    written by worker processes, each writing the pages it rendered: no page travels back."""
    renderer = SiteRenderer(corpus, history=history, site_url=site_url)
    if cache is not None:
        return write_site(out_dir, remembered_pages(renderer, cache))
    folder = OutputFolder(out_dir)
    site_wide = renderer.site_wide_pages()
    with _shared_map(len(corpus.playbooks), _adopt, (renderer, site_wide, folder)) as shared:
        if shared:
            jobs = range(len(site_wide) + len(corpus.playbooks))
            return folder.finish(shared(_render_and_write_job, jobs))
    return folder.finish([folder.write(renderer.all_pages())])


def generate(project: Project, cache: GenerateCache | None = None) -> Generated:
    """Load, validate, render and write the Markdown pages the engine reads.

    A ``cache`` kept between calls (the live preview) spares unchanged playbooks.
    """
    with project_lock(project):
        corpus, warnings = load(project, cache=cache)
        return _write_pages(project, corpus, warnings, cache)


def preview(project: Project, cache: GenerateCache) -> Generated:
    """What the live preview does on each save: generate, handing the engine the navigation
    first. It changes when a playbook is added, removed, renamed or moved, and the engine
    must have it when it sees the new pages (see ``engines.PREVIEW_NAV``)."""
    with project_lock(project):
        corpus, warnings = load(project, cache=cache)
        write_preview_nav(project, site_nav(corpus, project.docs_dir))
        return _write_pages(project, corpus, warnings, cache)


def _write_pages(
    project: Project, corpus: Corpus, warnings: list[Problem], cache: GenerateCache | None
) -> Generated:
    history, site_url = site_history(project)
    written = render_and_write(project.output_dir, corpus, cache, history, site_url)
    return Generated(corpus, warnings, written)


def build(
    project: Project,
    site_dir: Path,
    engine: str = "mkdocs",
    *,
    offline: bool = False,
    report: Callable[[Generated], None] = lambda _: None,
) -> None:
    """The whole pipeline. ``report`` hears what was generated before the engine, the slow
    part, starts."""
    with project_lock(project):
        corpus, warnings = load(project)
        history, site_url = site_history(project)
        written = render_and_write(project.output_dir, corpus, None, history, site_url)
        report(Generated(corpus, warnings, written))
        feed = site_feed(corpus, history, site_url)
        publish(project, corpus, site_dir, engine, offline=offline, feed=feed)


def remembering(memo: FileMemo[Parsed]) -> Parse:
    """:func:`parse_playbook`, reading a file again only when its stamp has changed."""
    return lambda path, display: memo.get(path, partial(parse_playbook, path, display))


_work: tuple[SiteRenderer, list[SiteWidePage], OutputFolder] | None = None
"""In a worker process: the renderer, the site-wide pages and the output folder it inherited
when it was forked (see :func:`_adopt`)."""


@contextmanager
def _shared_map(
    count: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()
) -> Iterator[Callable[..., Iterator[Any]] | None]:
    """A ``map`` over worker processes for work on ``count`` playbooks (reading them, or
    rendering them and the site-wide pages), in batches so that each process takes the next
    when it is free; ``None`` when one process is best. A batch is a sixteenth of each
    process's share: with a quarter, one process still had a whole batch to go when the
    other ran dry (0.4 to 0.5 s, twice per generate at 1,000 playbooks).

    Workers are forked, so they inherit the imports, the compiled templates and whatever
    ``initializer`` receives instead of having them sent. They ignore Ctrl-C: it stops this
    process, which then stops them.
    """
    processes = min(len(os.sched_getaffinity(0)), count // PER_PROCESS)
    if processes < 2:
        yield None
        return
    pool = ProcessPoolExecutor(
        processes,
        mp_context=multiprocessing.get_context("fork"),
        initializer=partial(_start_worker, initializer),
        initargs=initargs,
    )
    try:
        yield partial(pool.map, chunksize=max(1, count // (processes * 16)))
    finally:
        pool.shutdown(cancel_futures=True)


@contextmanager
def _kept_out_of_collection(workers: bool) -> Iterator[None]:
    """While workers send their playbooks, no garbage collection in this process; what they
    sent is then frozen (``gc.freeze``), out of every later collection: the corpus lives as
    long as the run. The collector's passes over it as it arrived found nothing to collect,
    and took 0.47 s of this process's CPU at 1,000 playbooks while the workers needed both
    cores. (The live preview, the one long-lived caller, never uses workers.)"""
    paused = workers and gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.freeze()
            gc.enable()


def _start_worker(initializer: Callable[..., None] | None, *args: Any) -> None:
    """A worker ignores Ctrl-C (see :func:`_shared_map`) and never collects garbage: it
    lives for one map, and what it makes holds few reference cycles, so the collector's
    passes only cost time (0.4 s of CPU at 1,000 playbooks)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.disable()
    if initializer is not None:
        initializer(*args)


def _adopt(renderer: SiteRenderer, site_wide: list[SiteWidePage], folder: OutputFolder) -> None:
    global _work
    _work = renderer, site_wide, folder


def _render_and_write_job(index: int) -> Batch:
    """In a worker: job number ``index``, counting the site-wide pages first (the largest
    jobs, best started early), then each playbook's files."""
    assert _work is not None, "a worker renders only after _adopt"
    renderer, site_wide, folder = _work
    if index < len(site_wide):
        page = site_wide[index]
        return folder.write({page.path: renderer.render_page(page)})
    return folder.write(renderer.playbook_pages(renderer.corpus.playbooks[index - len(site_wide)]))
