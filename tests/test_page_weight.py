"""Pages stay light as the corpus grows: the navigation on every page carries no dead weight."""

from __future__ import annotations

import re

from tests.sitecheck import read_site

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
