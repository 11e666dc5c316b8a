"""Printable binders: one page per audience with its checklists, status pages and contacts."""

from __future__ import annotations

from generator import layout
from generator.backlinks import build_backlinks
from generator.model import AUDIENCES
from tests.htmlquery import find_all
from tests.support import real_corpus


def _binder(site, audience: str) -> str:
    page = layout.site_url_path(layout.binder_page(audience))
    return (site.folder / page / "index.html").read_text(encoding="utf-8")


def test_each_binder_gathers_exactly_its_audiences_checklists(site):
    """Every step of an audience's checklists, after the marketplaces it is for alone."""
    corpus = real_corpus()
    titles = {marketplace.id: marketplace.title for marketplace in corpus.catalog.marketplaces}
    for audience in AUDIENCES:
        html = _binder(site, audience)
        printed = [li.text for li in find_all(html, "li") if li.attrs == {}]
        headings = [h2.text for h2 in find_all(html, "h2")]
        for playbook in corpus.playbooks:
            for checklist in playbook.checklists:
                mine = checklist.audience == audience
                assert (checklist.title in headings) == mine, (audience, checklist.id)
                for item in checklist.items() if mine else []:
                    step = " ".join(
                        [*(titles[marketplace] for marketplace in item.marketplaces), item.text]
                    )
                    assert any(text.startswith(step) for text in printed), item.id


def test_binders_print_status_pages_and_help_with_visible_addresses(site):
    refs = build_backlinks(real_corpus())
    assert any(refs.binder_sources.values()), "the catalog marks no status or help page"
    for audience in AUDIENCES:
        cells = [td.text for td in find_all(_binder(site, audience), "td")]
        for source in refs.binder_sources[audience]:
            assert source.url in cells, (audience, source.id)


def test_binder_prints_without_header_navigation_or_footer(site, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site.url + layout.site_url_path(layout.binder_page("sellers")))
    page.emulate_media(media="print")
    for chrome in [".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer"]:
        assert page.locator(chrome).first.is_hidden(), f"{chrome} is printed"
    assert page.locator("h1").first.is_visible()
    assert page.locator("ul.binder-items li").first.is_visible()
    page.emulate_media(media="screen")
    assert page.locator(".md-header").first.is_visible()
    context.close()
