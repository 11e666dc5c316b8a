"""axe-core on the pages readers use most, in light and dark mode: no serious violation."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from generator import layout
from tests.support import real_corpus

SEVERE = ("serious", "critical")


def _pages() -> list[str]:
    playbook = real_corpus().playbooks[0]
    return [
        "",
        "playbooks/faq/",
        layout.site_url_path(layout.checklist_page(playbook, playbook.checklists[0])),
        layout.site_url_path(layout.playbook_page(playbook)),
        layout.site_url_path(layout.binder_page("sellers")),
        layout.site_url_path(layout.COVERAGE),
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_axe_violation(site, browser, scheme):
    axe = Axe()
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    found = []
    for path in _pages():
        page.goto(site.url + path)
        violations = axe.run(page).response["violations"]
        found += [
            f"{path or '/'}: {v['id']} ({v['impact']}) at {v['nodes'][0]['target']}"
            for v in violations
            if v["impact"] in SEVERE
        ]
    context.close()
    assert found == []
