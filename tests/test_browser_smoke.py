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


def test_page_scripts_run_once_the_page_is_parsed_and_in_order(site, browser):
    """The theme's bundle and checklist.js are deferred: run at the end of the page as the
    theme writes them, they could run before the first paint, and the search index was then
    fetched before the page's text was drawn (docs/project/performance.md)."""
    context = browser.new_context()
    page = context.new_page()

    def note_when_run(route):
        name = urlsplit(route.request.url).path.rsplit("/", 1)[-1]
        body = route.fetch().text()
        note = f"(window.__ran = window.__ran || []).push([{name!r}, document.readyState]);\n"
        route.fulfill(body=note + body, content_type="text/javascript")

    page.route("**/bundle.*.js", note_when_run)
    page.route("**/checklist.js", note_when_run)
    page.goto(site.url)
    page.wait_for_load_state("load")
    ran = page.evaluate("window.__ran")
    assert [state for _, state in ran] == ["interactive", "interactive"]  # parsed, not loading
    assert ran[0][0].startswith("bundle.") and ran[1][0] == "checklist.js"
    context.close()
