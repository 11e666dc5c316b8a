"""The built site in a real browser: it renders, and it asks nothing of other hosts."""

from __future__ import annotations

from urllib.parse import urlsplit


def test_pages_load_with_no_request_outside_the_origin(site, browser):
    context = browser.new_context()
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    for path in ["", "playbooks/", "playbooks/faq/", "playbooks/checklists/"]:
        page.goto(site.url + path)
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").first.is_visible()
    context.close()
    origin = urlsplit(site.url).netloc
    foreign = [url for url in requests if urlsplit(url).netloc not in (origin, "")]
    assert requests and foreign == []


def test_the_colour_scheme_follows_the_system_from_the_first_paint(site, browser):
    """Dark-mode readers never see the light page first: the scheme is set while the page
    is parsed, before Material's script (blocked here) has run, and follows a change."""
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.route("**/bundle.*.js", lambda route: route.abort())
    page.goto(site.url)

    assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    assert page.evaluate("getComputedStyle(document.body).colorScheme") == "dark"
    page.emulate_media(color_scheme="light")
    page.wait_for_function("document.body.dataset.mdColorScheme === 'default'", timeout=5000)
    assert page.locator('[data-md-component="palette"]').count() == 0  # no toggle to restyle
    context.close()
