"""Pages that gather from every playbook stay whole for a small corpus and come in parts of
one section for a large one; every link into a part lands on its anchor."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import layout
from generator.cache import PageMemo
from generator.cli import main
from generator.corpus import Corpus, load_corpus
from generator.model import AUDIENCES
from generator.parts import PART_SIZE, cut_into_parts
from generator.render import SiteRenderer, render_site
from tests.htmlquery import find_all
from tests.support import REPO, real_corpus

sys.path.insert(0, str(REPO / "benchmarks"))

from synthetic import make_corpus

GATHERINGS = [
    layout.FAQ,
    layout.CAUSES,
    layout.MITIGATIONS,
    layout.CHECKLISTS,
    layout.SOURCES,
    layout.COVERAGE,
    *(layout.binder_page(audience) for audience in AUDIENCES),
]
LARGE = 60
"""Copies in the corpus's own sections: the largest section holds two parts."""


@pytest.fixture(scope="module")
def large_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("large") / "project", LARGE, "realistic")


@pytest.fixture(scope="module")
def large_corpus(large_project: Path) -> Corpus:
    corpus, problems = load_corpus(large_project / "playbooks", large_project)
    assert corpus is not None, problems
    return corpus


@pytest.fixture(scope="module")
def large_site(large_project: Path) -> Path:
    site = large_project / "site"
    assert main(["--project", str(large_project), "build", "--site-dir", str(site)]) == 0
    return site


def test_a_small_corpus_keeps_each_gathering_page_whole():
    corpus = real_corpus()
    assert len(corpus.playbooks) <= PART_SIZE
    pages = render_site(corpus)
    assert cut_into_parts(corpus, SiteRenderer(corpus).refs) == []
    for page in GATHERINGS:
        assert page in pages
        assert not any(path.startswith(page.removesuffix(".md") + "/") for path in pages)


def test_parts_hold_each_playbook_once_a_section_at_a_time(large_corpus: Corpus):
    parts = SiteRenderer(large_corpus).parts
    held = [playbook.id for part in parts for playbook in part.playbooks]
    assert sorted(held) == sorted(playbook.id for playbook in large_corpus.playbooks)
    for part in parts:
        assert 0 < len(part.playbooks) <= PART_SIZE
        assert {playbook.section for playbook in part.playbooks} == {part.section.id}
    order = [section.id for section in large_corpus.catalog.sections]
    sections = [part.section.id for part in parts]
    assert sections == sorted(sections, key=order.index)
    assert any(part.of > 1 for part in parts), "the largest section should need two parts"


def test_each_gathering_page_becomes_an_index_of_its_parts(large_corpus: Corpus):
    renderer = SiteRenderer(large_corpus)
    pages = render_site(large_corpus)
    for page in [layout.FAQ, layout.CAUSES, layout.COVERAGE, layout.SOURCES]:
        links = re.findall(r"\]\(([^)#]+)\)", pages[page])
        for part in renderer.parts:
            path = layout.part_page(page, part.slug)
            assert layout.relative_link(page, path) in links
        if page == layout.COVERAGE:  # a table for every playbook
            for part in renderer.parts:
                text = pages[layout.part_page(page, part.slug)]
                assert all(f"{{#{playbook.id}}}" in text for playbook in part.playbooks)


def test_a_part_with_nothing_for_a_page_has_no_page_and_no_link(large_corpus: Corpus):
    """A binder lists only the parts whose playbooks have checklists for its readers."""
    renderer = SiteRenderer(large_corpus)
    pages = render_site(large_corpus)
    for audience in AUDIENCES:
        binder = layout.binder_page(audience)
        for part in renderer.parts:
            path = layout.part_page(binder, part.slug)
            serves = audience in part.refs.checklists_by_audience
            assert (path in pages) == serves
            assert (layout.relative_link(binder, path) in pages[binder]) == serves
    shoppers = [p for p in renderer.parts if "shoppers" not in p.refs.checklists_by_audience]
    assert shoppers, "the corpus should have a part without shopper checklists"


def link_targets(text: str, page: str) -> list[tuple[str, str]]:
    """Each link of a generated page to another generated page, as (page path, anchor)."""
    found = []
    base = page.rsplit("/", 1)[0] if "/" in page else ""
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if "://" in target or not target.split("#")[0].endswith(".md"):
            continue
        path, _, anchor = target.partition("#")
        resolved = Path(base, path).as_posix() if base else path
        parts: list[str] = []
        for piece in resolved.split("/"):
            if piece == "..":
                parts.pop()
            elif piece != ".":
                parts.append(piece)
        found.append(("/".join(parts), anchor))
    return found


def test_a_playbook_links_its_faq_causes_and_measures_in_its_own_part(large_corpus: Corpus):
    renderer = SiteRenderer(large_corpus)
    pages = render_site(large_corpus)
    checked = 0
    for playbook in large_corpus.playbooks:
        page = layout.playbook_page(playbook)
        slug = renderer.part_slug(playbook)
        assert slug is not None
        for target, anchor in link_targets(pages[page], page):
            kinds = (layout.FAQ, layout.CAUSES, layout.MITIGATIONS)
            if any(target.startswith(kind.removesuffix(".md") + "/") for kind in kinds):
                assert target.endswith(f"/{slug}.md")
                assert f"{{#{anchor}}}" in pages[target]
                checked += 1
    assert checked > len(large_corpus.playbooks)


def test_the_live_preview_renders_a_playbook_again_when_its_part_changes(large_corpus: Corpus):
    """A playbook page links its own part: the memo must not keep it across a move."""
    corpus = large_corpus
    catalog = corpus.catalog
    renderer = SiteRenderer(corpus)
    split = next(part for part in renderer.parts if part.of > 1)
    playbook = split.playbooks[-1]  # moves to the next part when one comes before it
    first = next(p for p in corpus.playbooks if p.section == playbook.section)
    earlier = first.model_copy(update={"id": "aaa-first", "title": "A first playbook"})
    moved = SiteRenderer(Corpus(catalog, (*corpus.playbooks, earlier)))
    assert moved.part_slug(playbook) != renderer.part_slug(playbook)
    memo = PageMemo()
    renders: list[str] = []

    def render(made_by: SiteRenderer) -> Callable[[], dict[str, str]]:
        def make() -> dict[str, str]:
            renders.append(str(made_by.part_slug(playbook)))
            return made_by.playbook_pages(playbook)

        return make

    for made_by in (renderer, renderer, moved):
        made_from = made_by.made_from(playbook)
        pages = memo.get(playbook.id, made_from, catalog, render(made_by))
        assert pages == made_by.playbook_pages(playbook)
    assert renders == [renderer.part_slug(playbook), moved.part_slug(playbook)]


def test_a_site_in_parts_builds_strictly_and_each_faq_part_carries_its_own_questions(
    large_site: Path, large_corpus: Corpus
):
    """The strict build proves every link and anchor; each part's FAQPage data holds exactly
    the questions it shows."""
    parts = SiteRenderer(large_corpus).parts
    asked = 0
    for part in parts:
        html = (large_site / "playbooks" / "faq" / part.slug / "index.html").read_text()
        blocks = [
            s.text for s in find_all(html, "script") if s.attrs.get("type", "").endswith("json")
        ]
        data = json.loads(blocks[0])
        assert data["@type"] == "FAQPage"
        questions = [entry["name"] for entry in data["mainEntity"]]
        assert questions == [h3.text for h3 in find_all(html, "h3")]
        assert len(questions) == sum(len(playbook.faq) for playbook in part.playbooks)
        asked += len(questions)
    assert asked == sum(len(playbook.faq) for playbook in large_corpus.playbooks)
    index = (large_site / "playbooks" / "faq" / "index.html").read_text()
    assert "application/ld+json" not in index
