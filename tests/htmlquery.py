"""Read parts of one built page: elements' attributes and text, as a browser would see them."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

_VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"]
)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    parts: list[str] = field(default_factory=list)


class _Query(HTMLParser):
    """Collects every ``tag`` element with its text; a permalink's "¶" is not text."""

    def __init__(self, tag: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tag = tag
        self.found: list[Element] = []
        self.open: list[Element] = []
        self.skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == self.tag:
            element = Element(tag, values)
            self.found.append(element)
            if tag not in _VOID:
                self.open.append(element)
        elif self.open and tag == "a" and "headerlink" in values.get("class", "").split():
            self.skip_depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.skip_depth and tag == "a":
            self.skip_depth = 0
        elif tag == self.tag and self.open:
            element = self.open.pop()
            element.text = " ".join("".join(element.parts).split())

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            for element in self.open:
                element.parts.append(data)


def find_all(html: str, tag: str) -> list[Element]:
    query = _Query(tag)
    query.feed(html)
    query.close()
    return query.found
