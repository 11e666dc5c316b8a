"""Pages stay light as the corpus grows: the navigation on every page carries no dead weight."""

from __future__ import annotations

import json
import re

from generator import layout
from generator.model import AUDIENCES
from tests.sitecheck import read_site
from tests.support import real_corpus

NAV_START = '<nav class="md-nav md-nav--primary"'
NAV_END = 'class="md-sidebar md-sidebar--secondary"'
MAX_BYTES_PER_NAV_LINK = 400
"""Material's templates as written cost about 600-950 bytes per entry, mostly indentation;
hooks/compact_theme.py brings that to about 250. With forty sections in the navigation, the
difference is the 60 KB budget of a playbook page (docs/project/performance.md)."""


def test_navigation_costs_few_bytes_per_link(site):
    pages = read_site(site.folder)
    checked = 0
    for url, page in pages.items():
        if not re.fullmatch(r"playbooks/[^/]+/[^/]+/", url):
            continue
        html = page.path.read_text(encoding="utf-8")
        start = html.index(NAV_START)
        navigation = html[start : html.index(NAV_END, start)]
        links = navigation.count("<a ")
        assert len(navigation) / links <= MAX_BYTES_PER_NAV_LINK, url
        checked += 1
    assert checked >= 1


def test_the_search_index_leaves_out_pages_that_repeat_others(site):
    """Every reader downloads the search index with their first page. The binders repeat
    every checklist step and coverage every cause; a search should land on the checklist
    or the playbook itself."""
    index = json.loads((site.folder / "search" / "search_index.json").read_text("utf-8"))
    pages = {entry["location"].split("#")[0] for entry in index["docs"]}
    left_out = [layout.binder_page(audience) for audience in AUDIENCES] + [layout.COVERAGE]
    for page in left_out:
        assert layout.site_url_path(page) not in pages
    corpus = real_corpus()
    for playbook in corpus.playbooks:
        assert layout.site_url_path(layout.playbook_page(playbook)) in pages
        for checklist in playbook.checklists:
            assert layout.site_url_path(layout.checklist_page(playbook, checklist)) in pages
