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
