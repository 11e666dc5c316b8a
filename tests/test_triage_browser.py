"""The first hour on a phone: from the home page's "What is not working?" to a tickable step
of the matching seller checklist in one tap, without scrolling, with or without JavaScript;
and a search in a seller's own words that finds a seller checklist."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from generator import layout
from tests.support import real_corpus

PHONE = {"width": 390, "height": 844}


def triage_links(site: Any) -> list[str]:
    """The choices' targets, as the home page links them (relative to the site root)."""
    home = (site.folder / "index.html").read_text(encoding="utf-8")
    [triage] = re.findall(r'<div class="triage">(.*?)</div>', home, flags=re.S)
    return re.findall(r'<a href="([^"]+)"', triage)


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def on_screen(page: Any, locator: Any) -> bool:
    """Wholly inside the viewport and below Material's fixed header."""
    box = locator.bounding_box()
    header = page.locator(".md-header").bounding_box()
    return (
        bool(box and header)
        and header["height"] <= box["y"]
        and (box["y"] + box["height"] <= PHONE["height"])
    )


def test_the_home_page_offers_a_choice_for_each_kind_of_outage(site):
    links = triage_links(site)
    assert len(links) >= 8
    assert all(urlsplit(link).fragment in {"during", "after"} for link in links)


def test_each_choice_opens_a_tickable_step_in_one_tap_without_scrolling(site, phone):
    for index, link in enumerate(triage_links(site)):
        phone.goto(site.url)
        choice = phone.locator(".triage a").nth(index)
        assert on_screen(phone, choice), f"{link} needs scrolling on the home page"
        choice.click()
        phase = urlsplit(link).fragment
        phone.wait_for_url(f"**#{phase}")
        first = phone.locator(f'ul[data-phase="{phase}"] input[type="checkbox"]').first
        first.wait_for()
        phone.wait_for_timeout(300)  # the browser's scroll to the anchor settles
        assert on_screen(phone, first), f"{link}: the first step is not on screen"
        first.check()
        key = first.get_attribute("data-item")
        phone.goto(phone.url.split("#")[0])  # the full checklist, from its top
        assert phone.locator(f'input[data-item="{key}"]').is_checked(), link


def test_the_choices_are_plain_links_that_work_without_javascript(site, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        link = triage_links(site)[0]
        page.goto(site.url)
        page.locator(".triage a").first.click()
        page.wait_for_url(f"**#{urlsplit(link).fragment}")
        assert page.locator(f"#{urlsplit(link).fragment}").count() == 1
    finally:
        context.close()


def test_a_checklist_page_lets_you_jump_to_during(site, phone):
    for link in triage_links(site):
        if urlsplit(link).fragment != "during":
            continue
        phone.goto(site.url + link.split("#")[0].removeprefix("./"))
        jump = phone.locator(".checklist-jump a", has_text="During")
        assert on_screen(phone, jump)
        jump.click()
        first = phone.locator('ul[data-phase="during"] input[type="checkbox"]').first
        phone.wait_for_timeout(300)
        assert on_screen(phone, first)
        return


def seller_checklist_paths() -> set[str]:
    return {
        "/" + layout.site_url_path(layout.checklist_page(playbook, checklist))
        for playbook in real_corpus().playbooks
        for checklist in playbook.checklists
        if checklist.audience == "sellers"
    }


@pytest.mark.parametrize("query", ["ads", "prime day", "FBA inbound", "multichannel"])
def test_search_puts_a_seller_checklist_in_the_top_three(site, phone, query):
    phone.goto(f"{site.url}?q={quote(query)}")
    results = phone.locator(".md-search-result__item > a")
    results.first.wait_for()
    phone.wait_for_timeout(300)  # the worker fills the list in one go; let it settle
    top = [urlsplit(href).path for href in results.evaluate_all("as => as.map(a => a.href)")]
    assert seller_checklist_paths() & set(top[:3]), f"{query!r}: {top[:3]}"


def test_a_step_shows_the_message_it_needs_ready_to_copy(site, browser):
    playbook = next(p for p in real_corpus().playbooks if p.id == "marketplace-outages-explained")
    checklist = next(c for c in playbook.checklists if c.id == "seller-contingency")
    page_url = site.url + layout.site_url_path(layout.checklist_page(playbook, checklist))
    context = browser.new_context(viewport=PHONE, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto(page_url)
        step = page.locator('li.checklist-item:has(input[data-item$="/message-buyers"])')
        message = step.locator("details.checklist-template")
        text, box = step.locator("label").bounding_box(), message.bounding_box()
        assert text and box and text["width"] > PHONE["width"] / 2  # not squeezed aside
        assert abs(box["x"] - text["x"]) < 1  # the message sits under the step's text
        message.locator("summary").click()
        assert message.locator("mark", has_text="ORDER-NUMBER").count() == 1
        message.locator('button[data-md-type="copy"]').click()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith("Hello BUYER-NAME,") and "<mark>" not in copied
    finally:
        context.close()


def test_a_printed_checklist_carries_the_messages_its_steps_need(site, phone):
    """Paper cannot open a closed "Message to copy": in print, its text is shown."""
    phone.goto(contingency_url(site))
    message = phone.locator("details.checklist-template:not([open])").first
    assert not message.locator("pre").is_visible()
    phone.emulate_media(media="print")
    assert message.locator("pre").is_visible()
    assert "ORDER-NUMBER" in message.locator("pre").inner_text()


def checklist_url(site: Any, playbook_id: str, checklist_id: str) -> str:
    playbook = next(p for p in real_corpus().playbooks if p.id == playbook_id)
    checklist = next(c for c in playbook.checklists if c.id == checklist_id)
    return site.url + layout.site_url_path(layout.checklist_page(playbook, checklist))


def contingency_url(site: Any) -> str:
    return checklist_url(site, "marketplace-outages-explained", "seller-contingency")


def shown(page: Any, kind: str) -> int:
    return page.locator(f'li[data-fulfilment="{kind}"]:visible').count()


def test_the_fba_filter_hides_the_other_kind_of_step_and_is_remembered(site, phone):
    phone.goto(contingency_url(site))
    fba, own = (phone.locator(f'li[data-fulfilment="{kind}"]').count() for kind in ("fba", "self"))
    assert fba and own and shown(phone, "fba") == fba and shown(phone, "self") == own
    first_own = phone.locator('li[data-fulfilment="self"] input').first
    first_own.check()
    phone.get_by_label("I use FBA").check()
    assert shown(phone, "self") == 0 and shown(phone, "fba") == fba
    phone.reload()
    assert phone.get_by_label("I use FBA").is_checked() and shown(phone, "self") == 0
    phone.get_by_label("I ship myself").check()
    assert shown(phone, "fba") == 0 and shown(phone, "self") == own
    assert first_own.is_checked()  # filtering never touches a tick
    phone.get_by_label("Every seller").check()
    assert shown(phone, "fba") == fba and shown(phone, "self") == own


def test_a_part_whose_steps_the_filter_all_hides_says_so(site, phone):
    phone.goto(checklist_url(site, "fulfilment-network-disruption", "seller"))
    note = "Your choice above hides every step here."
    notes = """() => [...document.querySelectorAll('.checklist-items')].map(list => [
        list.querySelectorAll(':scope > li:not([hidden])').length,
        getComputedStyle(list, '::before').content])"""
    assert all(shown > 0 and content == "none" for shown, content in phone.evaluate(notes))
    phone.get_by_label("I ship myself").check()
    parts = phone.evaluate(notes)
    assert any(shown == 0 for shown, _ in parts)
    assert all((content == f'"{note}"') == (shown == 0) for shown, content in parts)


def test_without_javascript_every_step_shows_and_the_filter_does_not(site, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(contingency_url(site))
        assert page.locator("[data-fulfilment-filter]").is_hidden()
        assert shown(page, "fba") == page.locator('li[data-fulfilment="fba"]').count() > 0
        assert shown(page, "self") == page.locator('li[data-fulfilment="self"]').count() > 0
    finally:
        context.close()


def tagged(page: Any, marketplace: str, *, visible: bool = False) -> int:
    """Steps or answers tagged for this marketplace, alone or with others."""
    selector = f'[data-marketplaces~="{marketplace}"]'
    return page.locator(selector + (":visible" if visible else "")).count()


def where(page: Any, marketplace: str) -> Any:
    """A marketplace's box in the page's "I sell on" filter."""
    return page.locator("[data-marketplace-filter]").get_by_label(marketplace, exact=True)


UNTAGGED_STEPS = "li.checklist-item:not([data-marketplaces])"


def hidden(page: Any, selector: str) -> int:
    return page.locator(selector).count() - page.locator(f"{selector}:visible").count()


def test_choosing_where_you_sell_hides_other_marketplaces_steps_on_every_page(site, phone):
    every_channel = checklist_url(site, "ebay-etsy-shopify-outages", "every-channel")
    phone.goto(every_channel)
    ebay, etsy = tagged(phone, "ebay"), tagged(phone, "etsy")
    assert ebay > etsy > 0 and tagged(phone, "ebay", visible=True) == ebay
    ebay_only = phone.locator('li[data-marketplaces="ebay"] input').first
    key = ebay_only.get_attribute("data-item")
    ebay_only.check()
    progress = phone.locator("[data-checklist-progress]").inner_text()
    where(phone, "Etsy").check()
    assert tagged(phone, "ebay", visible=True) == tagged(phone, "etsy", visible=True) == etsy
    assert hidden(phone, UNTAGGED_STEPS) == 0
    assert phone.locator("[data-checklist-progress]").inner_text() == progress  # still counts
    phone.reload()
    assert where(phone, "Etsy").is_checked() and not where(phone, "eBay").is_checked()
    assert tagged(phone, "ebay", visible=True) == etsy
    assert phone.locator(f'input[data-item="{key}"]').is_checked()  # its tick, under its key

    phone.goto(contingency_url(site))  # Amazon's steps: the Etsy seller's choice hides them
    amazon = tagged(phone, "amazon")
    assert amazon and tagged(phone, "amazon", visible=True) == 0
    assert where(phone, "Etsy").is_checked() and hidden(phone, UNTAGGED_STEPS) == 0
    where(phone, "Amazon").check()
    assert tagged(phone, "amazon", visible=True) == amazon
    assert phone.evaluate("localStorage.getItem('outage-playbooks:marketplaces')") == "amazon etsy"
    where(phone, "Amazon").uncheck()
    where(phone, "Etsy").uncheck()  # nothing chosen: every step shows
    assert hidden(phone, "li.checklist-item") == 0

    phone.goto(every_channel)
    assert phone.locator(f'input[data-item="{key}"]').is_checked()
    assert tagged(phone, "ebay", visible=True) == ebay


def test_the_faq_hides_other_marketplaces_answers_and_their_empty_groups(site, phone):
    phone.goto(checklist_url(site, "ebay-etsy-shopify-outages", "ebay"))
    where(phone, "eBay").check()
    phone.goto(site.url + layout.site_url_path(layout.FAQ))
    assert where(phone, "eBay").is_checked()
    assert tagged(phone, "amazon") > 0 and tagged(phone, "amazon", visible=True) == 0
    assert tagged(phone, "ebay", visible=True) == tagged(phone, "ebay") > 0
    assert hidden(phone, ".faq-group > h3") == 0  # untagged answers
    assert phone.locator("h2#fba-inbound-stuck").is_hidden()  # every answer there is Amazon's
    assert phone.locator("h2#ebay-etsy-shopify-outages").is_visible()


def test_without_javascript_every_marketplace_shows_and_the_choice_does_not(site, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        for url in (contingency_url(site), site.url + layout.site_url_path(layout.FAQ)):
            page.goto(url)
            assert page.locator("[data-marketplace-filter]").is_hidden()
            assert tagged(page, "amazon", visible=True) == tagged(page, "amazon") > 0
    finally:
        context.close()


def test_next_and_previous_on_a_phone_stay_with_the_sellers(site, phone):
    """Walking a seller checklist's footer links, on a phone, meets only seller pages: the
    sellers' checklists, their list and their binder."""
    sellers = {
        layout.site_url_path(layout.checklist_page(playbook, checklist))
        for playbook in real_corpus().playbooks
        for checklist in playbook.checklists
        if checklist.audience == "sellers"
    }
    ends = {
        layout.site_url_path(layout.audience_checklists_page("sellers")),
        layout.site_url_path(layout.binder_page("sellers")),
    }
    start = next(iter(sorted(sellers)))
    seen: list[str] = []
    for direction in ("next", "prev"):
        phone.goto(site.url + start)
        while True:
            before = phone.url
            phone.locator(f"a.md-footer__link--{direction}").click()
            phone.wait_for_url(lambda url, before=before: url != before)
            here = urlsplit(phone.url).path.removeprefix(urlsplit(site.url).path)
            seen.append(here)
            assert here in sellers | ends, f"{direction} from a seller checklist led to {here}"
            if here in ends:
                break
    assert len(seen) >= 3, "the walk met no other seller checklist"
