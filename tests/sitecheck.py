"""Read a built site's HTML: links, anchors and assets, for checks that span pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit


@dataclass
class Page:
    path: Path
    url: str
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    stylesheets: list[str] = field(default_factory=list)


class _Collector(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.page.ids.add(values["id"])
        if tag == "a" and "href" in values:
            self.page.links.append(values["href"])
        elif tag == "script" and "src" in values:
            self.page.scripts.append(values["src"])
        elif tag == "link" and "stylesheet" in values.get("rel", "").split():
            self.page.stylesheets.append(values.get("href", ""))


def read_site(site: Path) -> dict[str, Page]:
    """Every HTML page of the site, keyed by its URL path relative to the root."""
    pages = {}
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site).as_posix()
        url = relative[: -len("index.html")] if relative.endswith("index.html") else relative
        page = Page(path, url)
        _Collector(page).feed(path.read_text(encoding="utf-8"))
        pages[url] = page
    return pages


def broken_internal_links(site: Path, pages: dict[str, Page]) -> list[str]:
    """``page -> link`` for each same-site link whose page or anchor does not exist."""
    broken = []
    for page in pages.values():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("mailto:"):
                continue
            target_url = urlsplit(urljoin("/" + page.url, link))
            target_path = unquote(target_url.path).lstrip("/")
            target = pages.get(target_path)
            if target is None and not (site / target_path).is_file():
                broken.append(f"{page.url} -> {link}")
            elif target and parts.fragment and unquote(parts.fragment) not in target.ids:
                broken.append(f"{page.url} -> {link} (no such anchor)")
    return broken


def is_local(reference: str) -> bool:
    parts = urlsplit(reference)
    return not parts.scheme and not parts.netloc
