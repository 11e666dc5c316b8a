"""Contributor text stays text, whatever Markdown, HTML or template syntax it holds."""

from __future__ import annotations

import markdown
import pytest

from generator.escaping import code_block, front_matter, inline, message_block, prose

EXTENSIONS = ["toc", "attr_list", "md_in_html", "admonition", "tables"]


def to_html(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "# Not a heading",
    "| a | b |",
    "{{ 7*7 }} {% if x %}",
    "[link](javascript:alert(1))",
    "![remote](https://tracker.example/pixel.png)",
    "text {: onclick='alert(1)' }",
    "!!! danger",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_inline_text_renders_as_itself(text):
    html = to_html(f"- {inline(text)}")
    assert "<script" not in html and "<img" not in html and "<h1" not in html
    assert "onclick=" not in html
    assert "javascript:" not in html.replace("javascript&#58;", "")
    assert "<table" not in html and "admonition" not in html


@pytest.mark.parametrize("text", HOSTILE)
def test_prose_keeps_no_markup(text):
    html = to_html(str(prose(text)))
    assert "<script" not in html and "<img" not in html and "<h1" not in html
    assert 'href="javascript' not in html and "<table" not in html
    assert "admonition" not in html and "onclick=" not in html


def test_prose_keeps_harmless_markdown():
    html = to_html(str(prose("Use **bold**, *em* and [a link](https://example.org/a_b).\n\n- one")))
    assert "<strong>bold</strong>" in html and "<em>em</em>" in html
    assert '<a href="https://example.org/a_b">a link</a>' in html
    assert "<li>one</li>" in html


def test_prose_cannot_make_a_setext_heading():
    html = to_html(str(prose("Title\n---")))
    assert "<h2" not in html


def test_unicode_survives():
    text = "Ça marche 🚚 配送 مرحبا"
    assert text in to_html(str(inline(text)))
    assert text in to_html(str(prose(text)))


def test_code_block_fence_outgrows_backticks():
    block = str(code_block("a\n```\nb"))
    assert block.startswith("````text\n") and block.endswith("\n````")


def test_front_matter_keeps_title_and_escapes_description():
    block = str(front_matter('Q&A: "quoted"', 'say "hi"><script>'))
    assert 'title: "Q&A: \\"quoted\\""' in block
    assert "<script>" not in block and "&quot;" in block


@pytest.mark.parametrize("text", ["Title\n-", "Title\n--", "- item\n-", "[TOC]", "```\n<b>\n```"])
def test_prose_cannot_smuggle_a_heading_a_toc_or_a_fence(text):
    html = to_html(str(prose(text)))
    assert "<h2" not in html and "toc" not in html and "<pre" not in html


def test_prose_code_spans_show_their_text():
    html = to_html(str(prose("Type `<b>{x}</b>` or ``a`b`` here")))
    assert "<code>&#60;b&#62;&#123;x&#125;&#60;&#47;b&#62;</code>" in html
    assert "<code>a&#96;b</code>" in html and "&amp;" not in html


@pytest.mark.parametrize(
    "text",
    [
        "[" * 6000,
        "![" * 3000,
        "[a " * 2000,
        "[" * 3000 + "]" * 3000,
        "See [the guide](https://example.org/a) and [[not a link]] or [x](javascript:y).",
    ],
)
def test_prose_leaves_no_bracket_for_markdown_to_scan_but_its_links(text):
    """Python-Markdown looks for a closing bracket from every "[": thousands of them made one
    valid playbook take minutes to build. Only the brackets of a kept link may remain."""
    escaped = str(prose(text))
    kept_links = escaped.count("](https://")
    assert escaped.count("[") == escaped.count("]") == kept_links
    assert "&#91;" in escaped


def test_prose_links_keep_their_text_escaped_and_their_code():
    escaped = str(prose("Read [the `<b>` guide](https://example.org/a) now."))
    assert escaped == "Read [the <code>&#60;b&#62;</code> guide](https://example.org/a) now."
    html = markdown.markdown(escaped)
    assert '<a href="https://example.org/a">the <code>&#60;b&#62;</code> guide</a>' in html


def test_message_templates_mark_their_placeholders_and_stay_inert():
    block = str(message_block("A note to BUYER-NAME: <b>late</b> & sorry, ORDER-NUMBER.\n"))
    assert block.startswith('<pre class="message-template"><code>A note to <mark>BUYER-NAME')
    assert "&lt;b&gt;late&lt;/b&gt; &amp; sorry, <mark>ORDER-NUMBER</mark>." in block
    assert "<mark>A</mark>" not in block
