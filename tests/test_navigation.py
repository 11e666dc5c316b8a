"""The navigation: the catalog's sections by title and in order, every page listed once, and
a checklist's previous and next links staying with its audience."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import Any

from generator import layout
from generator.corpus import Corpus
from generator.model import AUDIENCES
from generator.navigation import GROUP_LIMIT, site_nav
from generator.render import render_site
from tests.support import REPO, real_corpus


def pages_in(nav: Any) -> Iterator[str]:
    """Every page path the nav names, in order."""
    if isinstance(nav, str):
        yield nav
    elif isinstance(nav, list):
        for entry in nav:
            yield from pages_in(entry)
    else:
        for value in nav.values():
            yield from pages_in(value)


def group(nav: list[Any], title: str) -> list[Any]:
    return next(entry[title] for entry in nav if isinstance(entry, dict) and title in entry)


def test_sections_show_the_catalogs_titles_in_the_catalogs_order():
    corpus = real_corpus()
    playbooks = group(site_nav(corpus, REPO / "docs"), "Playbooks")
    shown = [next(iter(entry)) for entry in playbooks if isinstance(entry, dict)]
    used = {playbook.section for playbook in corpus.playbooks}
    assert shown == [section.title for section in corpus.catalog.sections if section.id in used]
    in_use = [section.id for section in corpus.catalog.sections if section.id in used]
    for entry, section_id in zip(playbooks[1:], in_use, strict=True):
        assert next(iter(entry.values()))[0] == f"playbooks/{layout.section_page(section_id)}"


def test_every_page_is_in_the_navigation_once():
    corpus = real_corpus()
    listed = list(pages_in(site_nav(corpus, REPO / "docs")))
    generated = {f"playbooks/{path}" for path in render_site(corpus) if path.endswith(".md")}
    docs = REPO / "docs"
    written = {
        path.relative_to(docs).as_posix()
        for path in docs.rglob("*.md")
        if not path.relative_to(docs).as_posix().startswith("playbooks/")
    }
    assert sorted(listed) == sorted(generated | written)


def test_each_audience_runs_from_its_list_through_its_checklists_to_its_binder():
    corpus = real_corpus()
    checklists = group(site_nav(corpus, REPO / "docs"), "Checklists")
    audience_of = {
        f"playbooks/{layout.checklist_page(playbook, checklist)}": checklist.audience
        for playbook in corpus.playbooks
        for checklist in playbook.checklists
    }
    groups = [entry for entry in checklists if isinstance(entry, dict)]
    assert [next(iter(entry)) for entry in groups] == [
        f"For {label.lower()}" for label in AUDIENCES.values()
    ]
    for audience, entry in zip(AUDIENCES, groups, strict=True):
        pages = list(pages_in(entry))
        assert pages[0] == f"playbooks/{layout.audience_checklists_page(audience)}"
        assert pages[-1] == f"playbooks/{layout.binder_page(audience)}"
        assert {audience_of[page] for page in pages[1:-1]} == {audience}


def test_a_checklists_previous_and_next_stay_with_its_audience(site):
    """The footer's links on every checklist page: a checklist of the same audience, or that
    audience's list of checklists or binder."""
    corpus = real_corpus()
    audience_of = {
        f"playbooks/{playbook.section}/{playbook.id}/{checklist.id}/": checklist.audience
        for playbook in corpus.playbooks
        for checklist in playbook.checklists
    }
    for url, audience in audience_of.items():
        html = (site.folder / url / "index.html").read_text(encoding="utf-8")
        links = re.findall(r'<a href="([^"]*)" class="md-footer__link md-footer__link--', html)
        assert len(links) == 2, url
        for href in links:
            target = posixpath.normpath(posixpath.join(url, href)) + "/"
            own = {
                layout.site_url_path(layout.binder_page(audience)),
                layout.site_url_path(layout.audience_checklists_page(audience)),
            }
            assert audience_of.get(target) == audience or target in own, (url, target)


def test_an_audiences_checklists_are_grouped_by_section_so_the_nav_grows_with_sections():
    """A checklist page's navigation then lists its own section's checklists, not every
    checklist of its audience: at 1,000 playbooks that would be a thousand links a page."""
    corpus = real_corpus()
    titles = {section.id: section.title for section in corpus.catalog.sections}
    section_of = {
        f"playbooks/{layout.checklist_page(playbook, checklist)}": titles[playbook.section]
        for playbook in corpus.playbooks
        for checklist in playbook.checklists
    }
    for entry in group(site_nav(corpus, REPO / "docs"), "Checklists")[1:]:
        [(_, pages)] = entry.items()
        sections = pages[1:-1]
        assert sections, "an audience with checklists but no section group"
        for section in sections:
            [(title, checklists)] = section.items()
            assert {section_of[page] for page in pages_in(checklists)} == {title}


def corpus_with_copies(copies: int) -> Corpus:
    """The real corpus plus ``copies`` copies of one of its playbooks, in that one's section:
    a section with about as many playbooks as copies."""
    corpus = real_corpus()
    original = corpus.playbooks[0]
    more = [
        original.model_copy(update={"id": f"{original.id}-{n}", "title": f"Copy {n}"})
        for n in range(copies)
    ]
    return Corpus(corpus.catalog, (*corpus.playbooks, *more))


def test_a_pages_navigation_does_not_grow_with_its_section():
    """Past GROUP_LIMIT, a section's group holds only its index page (which lists them all),
    and an audience's checklists of that section are left to the audience's page."""
    small, large = (corpus_with_copies(n) for n in (GROUP_LIMIT + 1, 4 * GROUP_LIMIT))
    navs = [site_nav(corpus, REPO / "docs") for corpus in (small, large)]
    assert len(list(pages_in(navs[0]))) == len(list(pages_in(navs[1])))
    for corpus, nav in zip((small, large), navs, strict=True):
        section = next(s for s in corpus.catalog.sections if s.id == corpus.playbooks[0].section)
        shown = next(
            e for e in group(nav, "Playbooks") if isinstance(e, dict) and section.title in e
        )
        assert list(pages_in(shown)) == [f"playbooks/{layout.section_page(section.id)}"]
    listed = set(pages_in(navs[1]))
    copy = large.playbooks[-1]
    assert f"playbooks/{layout.playbook_page(copy)}" not in listed
    for checklist in copy.checklists:
        assert f"playbooks/{layout.checklist_page(copy, checklist)}" not in listed


def test_a_section_within_the_limit_lists_every_playbook():
    corpus = corpus_with_copies(GROUP_LIMIT // 2)
    listed = set(pages_in(site_nav(corpus, REPO / "docs")))
    for playbook in corpus.playbooks:
        assert f"playbooks/{layout.playbook_page(playbook)}" in listed
