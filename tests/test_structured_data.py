"""What search engines read: FAQPage JSON-LD, permalinks, meta descriptions, the sitemap."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from generator import layout
from generator.backlinks import build_backlinks
from generator.render import render_site
from generator.structured import faq_json_ld
from tests.htmlquery import find_all
from tests.support import real_corpus


def _faq_html(site) -> str:
    return (site.folder / "playbooks" / "faq" / "index.html").read_text(encoding="utf-8")


def test_faq_json_ld_is_an_faq_page_with_exactly_the_visible_questions(site):
    html = _faq_html(site)
    blocks = [
        s.text for s in find_all(html, "script") if s.attrs.get("type") == "application/ld+json"
    ]
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["@context"] == "https://schema.org" and data["@type"] == "FAQPage"
    visible = [h3.text for h3 in find_all(html, "h3")]
    questions = [entry["name"] for entry in data["mainEntity"]]
    assert questions == visible
    corpus = real_corpus()
    assert len(questions) == sum(len(p.faq) for p in corpus.playbooks) > 0
    for entry in data["mainEntity"]:
        assert entry["@type"] == "Question"
        assert entry["acceptedAnswer"]["@type"] == "Answer"
        assert entry["acceptedAnswer"]["text"].strip()


def test_every_question_has_a_permalink(site):
    html = _faq_html(site)
    corpus = real_corpus()
    permalinks = {
        a.attrs["href"] for a in find_all(html, "a") if "headerlink" in a.attrs.get("class", "")
    }
    for playbook in corpus.playbooks:
        for entry in playbook.faq:
            assert f"#{layout.faq_anchor(playbook, entry.id)}" in permalinks


def test_json_ld_cannot_close_its_script_element():
    corpus = real_corpus()
    playbook = next(p for p in corpus.playbooks if p.faq)
    entry = playbook.faq[0].model_copy(
        update={"answer": "</script><script>alert(1)</script> & <!--"}
    )
    markup = str(faq_json_ld([(playbook, entry)]))
    inner = markup.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in inner and ">" not in inner
    assert json.loads(inner)["mainEntity"][0]["acceptedAnswer"]["text"].startswith("</script>")


def test_faq_page_has_no_json_ld_without_questions():
    corpus = real_corpus()
    bare = corpus.__class__(
        corpus.catalog, tuple(p.model_copy(update={"faq": []}) for p in corpus.playbooks)
    )
    assert "application/ld+json" not in render_site(bare)[layout.FAQ]
    assert build_backlinks(bare).faq_entries == []


def test_playbook_pages_carry_their_summary_as_meta_description(site):
    for playbook in real_corpus().playbooks:
        page = layout.site_url_path(layout.playbook_page(playbook))
        html = (site.folder / page / "index.html").read_text(encoding="utf-8")
        metas = [m.attrs for m in find_all(html, "meta") if m.attrs.get("name") == "description"]
        assert [m["content"] for m in metas] == [" ".join(playbook.summary.split())]


def test_sitemap_lists_every_playbook_and_checklist_page(site):
    tree = ET.parse(site.folder / "sitemap.xml")
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = {loc.text for loc in tree.findall(".//s:loc", namespace)}
    for playbook in real_corpus().playbooks:
        assert site.url + layout.site_url_path(layout.playbook_page(playbook)) in urls
        for checklist in playbook.checklists:
            assert (
                site.url + layout.site_url_path(layout.checklist_page(playbook, checklist)) in urls
            )
