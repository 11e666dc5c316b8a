"""The renderer: one page per entity, stable output, contributor text as inert data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment, UndefinedError
from markupsafe import Markup

from generator import layout, render
from generator.render import make_environment, render_site
from tests.support import corpus_with


def test_every_page_type_is_rendered(tmp_path):
    pages = render_site(corpus_with(tmp_path))
    assert set(pages) == {
        "index.md",
        "basics/index.md",
        "basics/minimal/index.md",
        "basics/minimal/seller.md",
        "basics/minimal/seller.txt",
        layout.FAQ,
        layout.HISTORY,
        layout.RECENT_CHANGES,
        layout.CAUSES,
        layout.MITIGATIONS,
        layout.CHECKLISTS,
        layout.SOURCES,
        layout.COVERAGE,
        layout.BINDERS,
        "binders/sellers.md",
        "binders/shoppers.md",
        "binders/platform-teams.md",
        "checklists-for-sellers.md",
        "checklists-for-shoppers.md",
        "checklists-for-platform-teams.md",
    }


def test_rendering_is_deterministic(tmp_path):
    corpus = corpus_with(tmp_path)
    assert render_site(corpus) == render_site(corpus)


def test_links_between_pages_are_relative_and_anchored(tmp_path):
    page = render_site(corpus_with(tmp_path))["basics/minimal/index.md"]
    assert "](../../outage-history.md#incident-example-incident)" in page
    assert "](seller.md)" in page
    assert "](../../faq.md#minimal--a-question)" in page


def test_template_syntax_in_content_stays_literal(tmp_path):
    corpus = corpus_with(
        tmp_path,
        {
            "summary: A bug.": "summary: 'Try {{ 7*7 }} and {% raw %}'",
            "text: Do the first thing.": "text: '{{ config }} # not a heading'",
        },
    )
    pages = render_site(corpus)
    assert (
        "Try &#123;&#123; 7*7 &#125;&#125; and &#123;&#37; raw &#37;&#125;"
        in pages["basics/minimal/index.md"]
    )
    checklist = pages["basics/minimal/seller.md"]
    assert "&#123;&#123; config &#125;&#125; &#35; not a heading" in checklist
    assert "49" not in pages["basics/minimal/index.md"]


def test_title_reaches_front_matter_and_heading(tmp_path):
    corpus = corpus_with(tmp_path, {"title: A minimal playbook": "title: Q&A for sellers"})
    page = render_site(corpus)["basics/minimal/index.md"]
    assert page.startswith('---\ntitle: "Q&A for sellers"\n')
    assert "\n# Q&#38;A for sellers\n" in page


def test_every_output_is_escaped_unless_marked_safe():
    """Escaping is ``finalize``'s alone: a value, a joined list or a string built in the
    template comes out inert; only ``Markup`` passes as written."""
    env = make_environment()
    env.loader = DictLoader(
        {"page.md.j2": "{{ a }}|{{ ['<b>', b]|join(' ') }}|{{ 'x ' ~ b }}|{{ b|attr }}|{{ c }}"}
    )
    page = env.get_template("page.md.j2").render(a="# <script>", b="[x](y)", c=Markup("<i>"))
    assert page == (
        "&#35; &#60;script&#62;|&#60;b&#62; &#91;x&#93;&#40;y&#41;|x &#91;x&#93;&#40;y&#41;"
        "|[x](y)|<i>"
    )


def test_templates_mark_safe_only_their_own_macros():
    """A ``|safe`` on anything but one of the templates' macros (whose own outputs are
    escaped) would let contributor text through as markup."""
    templates = Path(render.__file__).parent / "templates"
    marked = [
        (template.name, expression.strip())
        for template in sorted(templates.glob("*.j2"))
        for expression in re.findall(r"\{\{(.*?)\}\}", template.read_text(encoding="utf-8"))
        if re.search(r"\|\s*safe\b", expression)
    ]
    assert marked, "the templates call their macros with |safe"
    for name, expression in marked:
        assert re.fullmatch(r"m\.[a-z_]+\(.*\)\|safe", expression), (name, expression)


def test_undefined_names_fail_loudly():
    env = make_environment()
    env.loader = DictLoader({"broken.md.j2": "{{ no_such_name }}"})
    with pytest.raises(UndefinedError):
        env.get_template("broken.md.j2").render()


def test_compiled_templates_come_back_only_under_the_same_options(tmp_path):
    """Jinja keys its bytecode cache by template alone; code compiled under other whitespace
    options must not come back."""

    def rendered(trimmed: bool) -> str:
        env = Environment(
            loader=DictLoader({"page": "{% if true %}\n  kept\n{% endif %}\n"}),
            trim_blocks=trimmed,
            lstrip_blocks=trimmed,
            bytecode_cache=render._BestEffortBytecodeCache(str(tmp_path)),
        )
        return env.get_template("page").render()

    assert rendered(trimmed=True) == "  kept\n"
    assert rendered(trimmed=False) == "\n  kept\n"
    assert rendered(trimmed=True) == "  kept\n"
    assert len(list(tmp_path.iterdir())) == 2  # one compiled copy for each set of options


def test_pages_show_when_a_playbook_was_reviewed_and_a_source_checked(tmp_path):
    pages = render_site(corpus_with(tmp_path, {"reviewed: 2026-11-01": "reviewed: 2026-03-07"}))
    assert "**Last reviewed:** 7 March 2026" in pages["basics/minimal/index.md"]
    assert (
        "[Example](https://example.org/source) · checked 1 November 2026" in pages[layout.SOURCES]
    )


SECOND_STEP = "        text: Do the second thing.\n"


def with_second_step(tmp_path, line: str, replacements: dict[str, str] | None = None):
    """The minimal corpus, with one more field on its second checklist step."""
    return corpus_with(
        tmp_path, {SECOND_STEP: f"{SECOND_STEP}        {line}\n", **(replacements or {})}
    )


def test_a_step_shows_the_messages_it_uses_on_its_page_in_the_binder_and_the_download(tmp_path):
    message = (
        "incidents: [example-incident]\ntemplates:\n  - id: delay-note\n"
        "    title: Delay note\n    use_when: An order is late.\n"
        "    body: Hello BUYER-NAME, your order ships on DATE.\n"
    )
    corpus = with_second_step(
        tmp_path, "templates: [delay-note]", {"incidents: [example-incident]\n": message}
    )
    pages = render_site(corpus)
    marked = "Hello <mark>BUYER-NAME</mark>, your order ships on <mark>DATE</mark>."
    checklist = pages["basics/minimal/seller.md"]
    assert '<details class="checklist-template"><summary>Message to copy: Delay note' in checklist
    assert marked in checklist
    assert marked in pages["binders/sellers.md"]
    download = pages["basics/minimal/seller.txt"]
    assert (
        "  Message to copy: Delay note\n\n      Hello BUYER-NAME, your order ships on DATE.\n"
        in (download)
    )


def test_steps_say_whom_they_are_for_and_only_then_the_page_offers_the_filter(tmp_path):
    plain = render_site(corpus_with(tmp_path / "plain"))["basics/minimal/seller.md"]
    assert "data-fulfilment" not in plain
    marked = with_second_step(tmp_path / "marked", "fulfilment: fba")
    page = render_site(marked)["basics/minimal/seller.md"]
    assert '<li class="checklist-item" data-fulfilment="fba">' in page
    assert '<span class="checklist-tag">FBA</span> Do the second thing' in page
    assert '<fieldset class="checklist-filter" data-fulfilment-filter>' in page


def test_no_marketplace_tag_no_marketplace_filter(tmp_path):
    pages = render_site(corpus_with(tmp_path))
    for path in ("basics/minimal/seller.md", layout.FAQ):
        assert "data-marketplace" not in pages[path] and "checklist-tag" not in pages[path]


def test_a_step_says_which_marketplaces_it_is_for_wherever_it_is_shown(tmp_path):
    message = (
        "incidents: [example-incident]\ntemplates:\n  - id: delay-note\n"
        "    title: Delay note\n    use_when: An order is late.\n"
        "    body: Hello BUYER-NAME.\n    marketplaces: [ebay]\n"
    )
    corpus = with_second_step(
        tmp_path,
        "marketplaces: [amazon, ebay]\n        templates: [delay-note]",
        {"incidents: [example-incident]\n": message},
    )
    pages = render_site(corpus)
    tags = '<span class="checklist-tag">Amazon</span> <span class="checklist-tag">eBay</span> '
    page = pages["basics/minimal/seller.md"]
    assert '<li class="checklist-item" data-marketplaces="amazon ebay">' in page
    assert f"{tags}Do the second thing" in page
    assert '<summary>Message to copy: <span class="checklist-tag">eBay</span> Delay note' in page
    choice = page.split('<fieldset class="checklist-filter" data-marketplace-filter>')[1]
    choice = choice.split("</fieldset>")[0]
    assert "<legend>I sell on</legend>" in choice
    for box in ('value="amazon"> Amazon</label>', 'value="ebay"> eBay</label>'):
        assert f'<label><input type="checkbox" name="marketplaces" {box}' in choice
    assert f"<li>{tags}Do the second thing" in pages["binders/sellers.md"]
    download = pages["basics/minimal/seller.txt"]
    assert "- [ ] Do the second thing.\n  Marketplaces: Amazon, eBay\n" in download
    assert "  Message to copy: Delay note (eBay)\n" in download
    playbook = pages["basics/minimal/index.md"]
    assert '<span class="checklist-tag">eBay</span> *Use when:* An order is late' in playbook


def test_an_answer_says_which_marketplaces_it_is_for_and_the_faq_offers_the_filter(tmp_path):
    corpus = corpus_with(
        tmp_path, {"    answer: Because.\n": "    answer: Because.\n    marketplaces: [ebay]\n"}
    )
    faq = render_site(corpus)[layout.FAQ]
    answer = faq[faq.index('<div data-marketplaces="ebay" markdown>') :]
    assert answer.index("### Why&#63;") < answer.index('<span class="checklist-tag">eBay</span>')
    assert answer.index("Because.") < answer.index("</div>")
    assert '<fieldset class="checklist-filter" data-marketplace-filter>' in faq
    assert "<legend>I sell or shop on</legend>" in faq


def test_steps_to_take_now_come_first_and_say_so(tmp_path):
    third = "      - id: third-step\n        text: Do the third thing.\n        when: now"
    corpus = with_second_step(tmp_path, f"when: today\n{third}")
    page = render_site(corpus)["basics/minimal/seller.md"]
    during = page[page.index('data-phase="during"') :]
    assert during.index("Do the third thing") < during.index("Do the second thing")
    assert '<span class="checklist-when checklist-when--now">Now</span> Do the third' in during
    assert '<span class="checklist-when checklist-when--today">Today</span> Do the second' in (
        during
    )
