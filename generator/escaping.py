"""Make contributor text inert in the Markdown and HTML it lands in.

Contributor text is data. Text meant for one line (titles, list items, table cells) is
written with every Markdown or HTML special character as a numeric entity, which is valid
in both languages and displays as the character itself. Paragraph text (``Prose``) keeps a
small, harmless subset of Markdown (emphasis, one-line code spans, lists, links whose targets
the model checked) and loses everything that could add markup, structure or remote content.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from functools import lru_cache, partial
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from generator.model import ALLOWED_URL_SCHEMES


def _entity_writer(entities: dict[str, str]) -> Callable[[str], str]:
    """A function that writes each character ``entities`` names as its entity.

    Every output of every template is escaped (half a million times at 1,000 playbooks). A
    regular expression skips to the few special characters; ``str.translate`` looked up
    every character in a dictionary, which took nearly twice as long.
    """
    special = re.compile(f"[{re.escape(''.join(entities))}]")
    return partial(special.sub, lambda match: entities[match.group()])


_inline_entities = _entity_writer({c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+-.!|~^=<>&:\"'$%@?/"})
_prose_entities = _entity_writer(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "{": "&#123;",
        "}": "&#125;",
        "|": "&#124;",
        "!": "&#33;",
        "^": "&#94;",
        "~": "&#126;",
        "=": "&#61;",
        "#": "&#35;",
        "$": "&#36;",
        "%": "&#37;",
        "@": "&#64;",
        ":": "&#58;",
        "`": "&#96;",  # code spans are held first; any other backtick could open a fence
        # Links are held first too. Python-Markdown scans ahead from every "[" for its "]",
        # so a line of brackets cost minutes; as entities they cost nothing.
        "[": "&#91;",
        "]": "&#93;",
    }
)
_IDENTIFIER = re.compile(r"^[a-z0-9]+(-{1,2}[a-z0-9]+)*$")
_RULE_LINE = re.compile(r"^[\s*_-]+$")
"""Only dashes, stars and underscores: a rule, or (even one dash) a heading's underline."""
_LINE_START_MARKER = re.compile(r"^(\s*)(\?)")
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_LINK = re.compile(r"\[([^\[\]]*)\]\(([^)\s]*)\)")
_HOLD = "\x00"  # the model forbids control characters, so this cannot occur in prose
_HELD = re.compile(f"{_HOLD}([CL])(\\d+){_HOLD}")


def inline(text: object) -> str:
    """One line of text, with no Markdown or HTML meaning left in it."""
    return _inline_entities(" ".join(str(text).split()))


def prose(text: str) -> Markup:
    """Paragraphs with emphasis, code, lists and checked links; nothing else survives."""
    return Markup("\n".join(_prose_line(line) for line in str(text).strip().splitlines()))


def _prose_line(line: str) -> str:
    if _RULE_LINE.match(line):
        return inline(line)
    if "`" not in line and "](" not in line and "?" not in line:
        return _prose_entities(line)  # most lines: nothing to hold or to neutralise
    held: dict[str, list[str]] = {"C": [], "L": []}

    def hold(kind: str, markup: str) -> str:
        held[kind].append(markup)
        return f"{_HOLD}{kind}{len(held[kind]) - 1}{_HOLD}"

    def release(text: str) -> str:
        return _HELD.sub(lambda m: held[m.group(1)][int(m.group(2))], text)

    def keep_code(match: re.Match[str]) -> str:
        # Written as HTML with entities: a Markdown code span would show them as "&lt;".
        return hold("C", f"<code>{inline(match.group(2).strip())}</code>")

    def keep_link(match: re.Match[str]) -> str:
        text, target = match.groups()
        if not target.startswith(ALLOWED_URL_SCHEMES):
            return match.group(0)  # its brackets become entities below: plain text
        return hold("L", f"[{release(_prose_entities(text))}]({url(target)})")

    line = _LINK.sub(keep_link, _CODE_SPAN.sub(keep_code, line))
    escaped = _prose_entities(line)
    escaped = _LINE_START_MARKER.sub(lambda m: m.group(1) + f"&#{ord(m.group(2))};", escaped)
    return release(escaped)


@lru_cache(maxsize=4096)
def url(address: str) -> Markup:
    """A validated address, encoded so it cannot end a Markdown link or an HTML attribute.

    Cached: pages repeat the same few links (sources, the reference pages) many times over.
    """
    return Markup(quote(str(address), safe=":/?#[]@!$&*+,;=%-._~"))


def identifier(value: str) -> Markup:
    """An id the model validated as a slug, usable verbatim in anchors and attributes."""
    if not _IDENTIFIER.match(str(value)):
        raise ValueError(f"not an identifier: {value!r}")
    return Markup(value)


def attribute(text: str) -> Markup:
    """Text for an HTML attribute value in double quotes."""
    return Markup(html.escape(str(text), quote=True))


def code_block(text: str) -> Markup:
    """A fenced block that shows ``text`` exactly, whatever backticks it contains."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return Markup(f"{fence}text\n{text.rstrip()}\n{fence}")


_PLACEHOLDER = re.compile(r"\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*\b")
"""A word in capitals: the text a reader replaces before sending a template."""


def message_block(text: str) -> Markup:
    """A message template as a code block for HTML, with every placeholder marked, so that a
    stressed reader sees at once what to fill in; a copy of its text is what they send."""
    marked = _PLACEHOLDER.sub(_mark, html.escape(text.strip(), quote=False))
    return Markup(f'<pre class="message-template"><code>{marked}</code></pre>')


def _mark(match: re.Match[str]) -> str:
    word = match.group()
    return word if len(word) == 1 else f"<mark>{word}</mark>"  # "A" begins a sentence


def front_matter(
    title: str, description: str, search_boost: float | None = None, search_exclude: bool = False
) -> Markup:
    """YAML front matter for MkDocs.

    Material prints ``page.title | striptags`` into ``<title>`` and the navigation unescaped,
    and escapes it elsewhere (footer labels): so a title goes in as written, which is safe
    because the model refuses ``<``, ``>`` and entities in titles. ``page.meta.description``
    lands in an attribute unescaped, so it is escaped here. ``search_boost`` ranks the page
    higher in Material's search (its ``search.boost``); ``search_exclude`` leaves the page out
    of the search index (``search.exclude``), which every reader downloads on their first page.
    """
    fields: dict[str, Any] = {
        "title": str(title),
        "description": html.escape(" ".join(str(description).split()), quote=True),
    }
    if search_boost is not None:
        fields["search"] = {"boost": search_boost}
    if search_exclude:
        fields["search"] = {"exclude": True}
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()]
    return Markup("---\n" + "\n".join(lines) + "\n---")


def finalize(value: Any) -> str:
    """Jinja's hook on every ``{{ }}``, and the templates' only escaping: anything not
    marked safe (``Markup``) is written as one line of inert text."""
    if isinstance(value, Markup):
        return value
    return inline(value)
