"""Regenerating redoes only what changed: no file rewritten for nothing, no file parsed twice."""

from __future__ import annotations

import multiprocessing
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from generator import corpus as corpus_module
from generator import pipeline
from generator.cache import GenerateCache
from generator.cli import main
from generator.corpus import load_corpus, playbook_files
from generator.errors import ProblemsFound
from generator.model import Playbook
from generator.pipeline import generate, remembered_pages, remembering
from generator.project import Project
from generator.render import SiteRenderer, render_site
from generator.writer import MARKER
from tests.support import FIXTURES, copy_project, real_corpus

ORIGINAL = "cloud-region-outage"


def age(path: Path, seconds: float = 60.0) -> None:
    """Date ``path`` back, as a file saved a while ago (fresh stamps are never trusted)."""
    stamp = time.time() - seconds
    os.utime(path, (stamp, stamp))


def add_copy(project: Path, new_id: str) -> Path:
    """A second playbook: the real one under another id."""
    original = project / "playbooks" / f"{ORIGINAL}.yml"
    copy = original.with_name(f"{new_id}.yml")
    copy.write_text(re.sub(r"^id: .*$", f"id: {new_id}", original.read_text(), flags=re.M))
    return copy


def stems(project: Path) -> list[str]:
    return sorted(p.stem for p in playbook_files(project / "playbooks"))


def set_title(path: Path, title: str) -> None:
    path.write_text(re.sub(r"^title: .*$", f"title: {title}", path.read_text(), flags=re.M))


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the playbook files parsed, in order, from here on."""
    names: list[str] = []
    real = corpus_module.read_yaml

    def counting(path: Path, display: str) -> Any:
        if path.name != corpus_module.CATALOG_FILE:
            names.append(path.stem)
        return real(path, display)

    monkeypatch.setattr(corpus_module, "read_yaml", counting)
    return names


def mtimes(folder: Path) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}


def test_a_second_generate_rewrites_nothing(project: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["--project", str(project), "generate"]) == 0
    output = Project(project).output_dir
    before = mtimes(output)
    assert len(before) > 5
    capsys.readouterr()
    assert main(["--project", str(project), "generate"]) == 0
    assert " 0 pages written" in capsys.readouterr().out
    assert mtimes(output) == before


def test_with_a_cache_a_second_generate_rewrites_nothing_either(project: Path):
    cache = GenerateCache()
    generate(Project(project), cache)
    before = mtimes(Project(project).output_dir)
    assert " 0 pages written" in generate(Project(project), cache).summary
    assert mtimes(Project(project).output_dir) == before


def test_only_an_edited_file_is_parsed_again(project: Path, reads: list[str]):
    playbooks = project / "playbooks"
    other = add_copy(project, "second-playbook")
    for path in playbooks.glob("*.yml"):
        age(path)
    cache = GenerateCache()
    load_corpus(playbooks, project, remembering(cache.parsed))
    assert sorted(reads) == stems(project)
    reads.clear()
    load_corpus(playbooks, project, remembering(cache.parsed))
    assert reads == []
    set_title(other, "Edited title")
    age(other, 30)
    corpus, _ = load_corpus(playbooks, project, remembering(cache.parsed))
    assert reads == ["second-playbook"]
    assert corpus is not None
    assert {p.id: p.title for p in corpus.playbooks}["second-playbook"] == "Edited title"


def test_a_deleted_file_disappears(project: Path):
    playbooks = project / "playbooks"
    other = add_copy(project, "second-playbook")
    for path in playbooks.glob("*.yml"):
        age(path)
    count = len(stems(project))
    cache = GenerateCache()
    generate(Project(project), cache)
    assert len(cache.parsed) == count
    other.unlink()
    assert f"{count - 1} playbooks" in generate(Project(project), cache).summary
    assert len(cache.parsed) == count - 1
    assert not (Project(project).output_dir / "infrastructure" / "second-playbook").exists()


def test_a_file_saved_just_now_is_parsed_every_time(project: Path, reads: list[str]):
    """Two saves within one clock tick can leave the same stamp: a fresh one proves nothing."""
    playbooks = project / "playbooks"
    for path in playbooks.glob("*.yml"):
        age(path)
    fresh = playbooks / f"{ORIGINAL}.yml"
    fresh.write_text(fresh.read_text())
    memo = GenerateCache().parsed
    load_corpus(playbooks, project, remembering(memo))
    reads.clear()
    load_corpus(playbooks, project, remembering(memo))
    assert reads == [ORIGINAL]


def test_an_unchanged_file_is_checked_again_against_an_edited_catalog(project: Path):
    playbooks = project / "playbooks"
    age(playbooks / f"{ORIGINAL}.yml")
    memo = GenerateCache().parsed
    assert load_corpus(playbooks, project, remembering(memo))[0] is not None
    catalog = playbooks / "_catalog.yml"
    catalog.write_text(catalog.read_text().replace("id: aws-s3-2017\n", "id: renamed-source\n", 1))
    corpus, problems = load_corpus(playbooks, project, remembering(memo))
    assert corpus is None
    assert any(
        p.path.endswith(f"{ORIGINAL}.yml") and "unknown source 'aws-s3-2017'" in p.message
        for p in problems
    )


def test_unchanged_playbooks_keep_their_pages_and_edited_ones_are_rendered(
    project: Path, monkeypatch: pytest.MonkeyPatch
):
    playbooks = project / "playbooks"
    other = add_copy(project, "second-playbook")
    rendered: list[str] = []
    real_pages = SiteRenderer.playbook_pages

    def spying(renderer: SiteRenderer, playbook: Playbook) -> dict[str, str]:
        rendered.append(playbook.id)
        return real_pages(renderer, playbook)

    monkeypatch.setattr(SiteRenderer, "playbook_pages", spying)
    cache = GenerateCache()
    first = remembered_pages(SiteRenderer(load_corpus(playbooks, project)[0]), cache)
    assert len(rendered) == len(stems(project))
    rendered.clear()
    assert remembered_pages(SiteRenderer(load_corpus(playbooks, project)[0]), cache) == first
    assert rendered == []
    set_title(other, "Edited title")
    again = remembered_pages(SiteRenderer(load_corpus(playbooks, project)[0]), cache)
    assert len(rendered) == 1
    assert "Edited title" in again["infrastructure/second-playbook/index.md"]
    catalog = playbooks / "_catalog.yml"
    catalog.write_text(catalog.read_text().replace("Infrastructure and dependencies", "Infra"))
    rendered.clear()
    pages = remembered_pages(SiteRenderer(load_corpus(playbooks, project)[0]), cache)
    assert len(rendered) == len(stems(project))
    assert "Infra]" in pages[f"infrastructure/{ORIGINAL}/index.md"]


def test_a_playbooks_pages_are_made_from_it_and_the_catalog_alone(project: Path):
    """What lets PageMemo reuse pages: editing one playbook never changes another's pages.

    If a template starts showing other playbooks on a playbook page (say, its neighbours in
    the section), this fails, and PageMemo must learn what else those pages depend on.
    """
    playbooks = project / "playbooks"
    other = add_copy(project, "second-playbook")
    before = render_site(load_corpus(playbooks, project)[0])
    text = other.read_text()
    text = re.sub(r"^section: .*$", "section: foundations", text, flags=re.M)
    text = re.sub(r"^summary: >-\n(  .*\n)+", "summary: Moved and rewritten.\n", text, flags=re.M)
    other.write_text(text)
    set_title(other, "A neighbour that changed")
    after = render_site(load_corpus(playbooks, project)[0])
    mine = [path for path in before if path.startswith(f"infrastructure/{ORIGINAL}/")]
    assert len(mine) >= 2
    assert {path: after[path] for path in mine} == {path: before[path] for path in mine}
    assert after["index.md"] != before["index.md"]  # the overview did see the change


@pytest.fixture
def shared_from_two(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Share reading and rendering over two worker processes even for a handful of
    playbooks, as the pipeline does from 200 on; the list holds each pool's size."""
    monkeypatch.setattr(pipeline, "PER_PROCESS", 1)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    pools: list[int] = []

    class CountedPool(ProcessPoolExecutor):
        def __init__(self, processes: int, **options: Any) -> None:
            pools.append(processes)
            super().__init__(processes, **options)

    monkeypatch.setattr(pipeline, "ProcessPoolExecutor", CountedPool)
    return pools


def test_pages_written_by_worker_processes_are_the_pages_made_in_one(
    shared_from_two: list[int], tmp_path: Path
):
    corpus = real_corpus()
    children_before = set(multiprocessing.active_children())
    report = pipeline.render_and_write(tmp_path, corpus)
    written = {
        path.relative_to(tmp_path).as_posix(): path.read_text(encoding="utf-8")
        for path in tmp_path.rglob("*")
        if path.is_file() and path.name != MARKER
    }
    assert written == render_site(corpus)
    assert sorted(report.written) == sorted(written)
    assert shared_from_two == [2]
    assert set(multiprocessing.active_children()) <= children_before, "workers left running"


def test_problems_found_by_worker_processes_come_in_file_order(
    shared_from_two: list[int], tmp_path: Path
):
    project = Project(copy_project(tmp_path / "project", FIXTURES / "broken"))
    with pytest.raises(ProblemsFound) as shared:
        pipeline.load(project)
    expected, problems = load_corpus(project.playbooks_dir, project.root)
    assert expected is None
    assert shared.value.problems == problems
    assert shared_from_two == [2]
    assert len({problem.path for problem in problems}) > 2
