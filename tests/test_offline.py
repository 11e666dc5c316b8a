"""The offline copy, as readers get it: the zip from the online site, opened from file://."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from generator import layout
from generator.publish import OFFLINE_FOLDER, OFFLINE_ZIP
from tests.sitecheck import broken_internal_links, is_local, read_site
from tests.support import build, real_corpus


@pytest.fixture(scope="module")
def offline_copy(site, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The zip that the online site offers, unpacked as a reader would."""
    folder = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(site.folder / OFFLINE_ZIP) as archive:
        assert {name.split("/")[0] for name in archive.namelist()} == {OFFLINE_FOLDER}
        archive.extractall(folder)
    return folder / OFFLINE_FOLDER


def _checklist_file(offline_copy: Path) -> Path:
    playbook = real_corpus().playbooks[0]
    page = layout.checklist_page(playbook, playbook.checklists[0]).removesuffix(".md")
    return offline_copy / layout.OUTPUT_FOLDER / f"{page}.html"


def test_offline_copy_is_complete_and_self_contained(offline_copy):
    pages = read_site(offline_copy)
    assert (offline_copy / "search" / "search_index.js").is_file()
    assert (offline_copy / "assets" / "vendor" / "iframe-worker" / "shim.js").is_file()
    assert (offline_copy / "api" / "v1" / "playbooks.json").is_file()
    for page in pages.values():
        for reference in page.scripts + page.stylesheets:
            assert is_local(reference), f"{page.url} loads {reference}"
        assert "unpkg.com" not in page.path.read_text(encoding="utf-8")
    # Pages link each other as files (no directory URLs), so they resolve without a server.
    # The one dead link is the download of the copy itself, which only the online site has.
    assert broken_internal_links(offline_copy, pages) == [f" -> {OFFLINE_ZIP}"]


def test_offline_copy_works_from_file_urls_with_no_network(offline_copy, browser):
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(_checklist_file(offline_copy).as_uri())
    # Material's document$ is what page scripts (the checklists) attach to.
    assert page.evaluate("new Promise(done => document$.subscribe(() => done(true)))")
    page.locator("input.md-search__input").click()
    page.keyboard.type("shipment")
    page.locator(".md-search-result__meta", has_text="matching").wait_for()
    result = page.locator("a.md-search-result__link").first
    target = result.get_attribute("href")
    result.click()
    page.wait_for_url(lambda url: url != _checklist_file(offline_copy).as_uri())
    assert page.url.startswith("file://") and ".html" in target
    context.close()
    assert requests and [url for url in requests if not url.startswith("file://")] == []


def test_ticks_survive_a_reload_in_the_offline_copy(offline_copy, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(_checklist_file(offline_copy).as_uri())
    box = page.locator("input[data-item]").first
    item = box.get_attribute("data-item")
    box.check()
    page.reload()
    assert page.locator(f'input[data-item="{item}"]').is_checked()
    context.close()


def test_a_changed_step_is_marked_in_the_offline_copy(offline_copy, browser):
    """The marks of a return visit need no server: a step ticked under other words (its
    recorded fingerprint differs from the page's) is marked changed from file:// too."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(_checklist_file(offline_copy).as_uri())
    box = page.locator("input[data-item]").first
    key, item = box.get_attribute("data-item").rsplit("/", 1)
    stored = {"ticked": [item], "seen": {item: "00000000"}, "tickedAs": {item: "00000000"}}
    page.evaluate(
        "([key, value]) => localStorage.setItem(key, value)",
        [f"outage-playbooks:v1:{key}", json.dumps(stored)],
    )
    page.reload()
    assert page.locator(f'li[data-changed] input[data-item="{key}/{item}"]').is_checked()
    assert "1 step changed" in page.locator("[data-checklist-changes]").inner_text()
    context.close()


def test_build_offline_makes_the_copy_itself(project):
    site = project / "site"
    assert build(project, site, "--offline") == 0
    assert (site / "search" / "search_index.js").is_file()
    assert (site / "playbooks" / "faq.html").is_file()
    assert (site / "api" / "v1" / "playbooks.json").is_file()
    assert not (site / "downloads").exists(), "the copy does not contain a zip of itself"
    assert "navigation.sections" in (site / "index.html").read_text(encoding="utf-8")
