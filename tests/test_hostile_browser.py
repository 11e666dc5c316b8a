"""Hostile text in a real browser: nothing from content runs, and it reads as written.

Every payload in ``fixtures/hostile/inert`` would set ``window.__pwned`` or open an
``alert()`` if it ever became markup. Each test drives the page the way a reader does (load,
hover, focus, tick, search, navigate) and then checks that neither happened.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.sitecheck import read_site

PLAYBOOK = "playbooks/basics/inert-text/"
CHECKLIST = "playbooks/basics/inert-text/seller/"

# Hover, focus and click everything in the content, in case a handler slipped into an
# attribute; links and the checklist's own buttons (which ask before unticking) are not clicked.
PROVOKE = """() => {
  for (const el of document.querySelectorAll("article *")) {
    for (const type of ["mouseover", "mouseenter", "focus", "click"]) {
      if (type === "click" && el.closest("a, button")) continue;
      el.dispatchEvent(new Event(type, { bubbles: true }));
    }
  }
}"""


@dataclass
class Watched:
    """A page with every dialog and script error it produces recorded."""

    page: Any
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def assert_nothing_ran(self) -> None:
        assert self.page.evaluate("typeof window.__pwned") == "undefined"
        assert self.dialogs == []
        assert self.errors == []


@pytest.fixture
def watched(browser) -> Iterator[Watched]:
    context = browser.new_context()
    watched = Watched(context.new_page())

    def on_dialog(dialog: Any) -> None:
        watched.dialogs.append(dialog.message)
        dialog.dismiss()

    watched.page.on("dialog", on_dialog)
    watched.page.on("pageerror", lambda error: watched.errors.append(str(error)))
    yield watched
    context.close()


def test_no_page_runs_anything_from_content(hostile_site, watched):
    pages = read_site(hostile_site.folder)
    assert PLAYBOOK in pages and CHECKLIST in pages
    for url in pages:
        watched.page.goto(hostile_site.url + url)
        watched.page.wait_for_load_state("networkidle")
        watched.page.evaluate(PROVOKE)
        watched.assert_nothing_ran()


def test_hostile_text_reads_as_written(hostile_site, watched):
    page = watched.page
    page.goto(hostile_site.url + PLAYBOOK)
    assert page.title() == (
        "\"Quotes\" & 'apostrophes' {{ 7*7 }} {% if true %}jinja{% endif %} # | 🚚 配送 مرحبا"
        " - Outage Resilience Playbooks"
    )
    heading = page.locator("article h1").inner_text()
    assert heading.startswith("\"Quotes\" & 'apostrophes' {{ 7*7 }} {% if true %}jinja")
    overview = page.locator("article h2#overview + p").inner_text()
    assert overview == " ".join(
        [
            '<script>window.__pwned = "overview"; alert("overview")</script>',
            "<img src=x onerror=\"window.__pwned='overview-img'\">",
            "# A smuggled heading",
            "Setext heading",
            "-",
            "| table | row |",
            "| --- | --- |",
            '!!! danger "Smuggled admonition"',
            "{: onclick=\"window.__pwned='attr-list'\" }",
            "[TOC]",
            '<div markdown="1" onclick="window.__pwned=\'md-in-html\'">html block</div>',
            "Jinja {{ 7*7 }} and {% for x in range(3) %}{{ x }}{% endfor %} stay literal.",
            "Emoji 🚚📦, CJK 配送が遅れています, right-to-left مرحبا بالعالم and שלום.",
        ]
    )  # one paragraph: its line breaks are spaces
    assert page.locator("article code", has_text="window.__pwned='code'").count() == 1
    template = page.locator("article pre").last.inner_text()
    assert '</code></pre><script>window.__pwned = "template"' in template
    watched.assert_nothing_ran()


def test_ticking_hostile_items_runs_nothing(hostile_site, watched):
    page = watched.page
    page.goto(hostile_site.url + CHECKLIST)
    boxes = page.locator("input[type=checkbox][data-item]")
    assert boxes.count() == 2
    for index in range(boxes.count()):
        boxes.nth(index).check()
    page.reload()
    labels = page.locator("article label").all_inner_texts()
    assert "<img src=x onerror=\"window.__pwned='item'; alert('item')\"> {{ 7*7 }}" in labels
    watched.assert_nothing_ran()


def test_search_and_following_a_result_run_nothing(hostile_site, watched):
    page = watched.page
    page.goto(hostile_site.url)
    page.wait_for_load_state("networkidle")
    page.keyboard.press("/")
    page.keyboard.type("onerror")
    results = page.locator(".md-search-result__item")
    results.first.wait_for()
    assert "<img src=x onerror=" in page.locator(".md-search-result").inner_text()
    watched.assert_nothing_ran()
    results.first.locator("a").first.click()
    page.wait_for_url(f"**/{PLAYBOOK}**")
    page.locator(".md-content article > h1").wait_for()  # a playbook or one of its checklists
    page.evaluate(PROVOKE)
    watched.assert_nothing_ran()
