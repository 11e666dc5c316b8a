"""What machines and take-away readers get: the JSON API and checklists as Markdown files."""

from __future__ import annotations

import json
from urllib.parse import urljoin

import jsonschema

from generator import layout
from generator.backlinks import build_backlinks
from generator.checklist_markdown import checklist_markdown
from generator.exports import FORMAT_VERSION
from tests.htmlquery import find_all
from tests.support import real_corpus


def test_json_export_lists_every_playbook_valid_against_the_published_schemas(site):
    api = site.folder / "api" / "v1"
    document = json.loads((api / "playbooks.json").read_text(encoding="utf-8"))
    corpus = real_corpus()
    assert document["format_version"] == FORMAT_VERSION
    assert [entry["id"] for entry in document["playbooks"]] == [p.id for p in corpus.playbooks]
    playbook_schema = json.loads((api / document["schemas"]["playbook"]).read_text())
    catalog_schema = json.loads((api / document["schemas"]["catalog"]).read_text())
    for entry in document["playbooks"]:
        jsonschema.validate(entry, playbook_schema)
    jsonschema.validate(document["catalog"], catalog_schema)
    first = corpus.playbooks[0]
    exported = document["playbooks"][0]
    assert exported["title"] == first.title
    assert exported["reviewed"] == first.reviewed.isoformat()
    checked = {source["id"]: source["checked"] for source in document["catalog"]["sources"]}
    assert checked == {source.id: source.checked.isoformat() for source in corpus.catalog.sources}
    marketplaces = [marketplace["id"] for marketplace in document["catalog"]["marketplaces"]]
    assert marketplaces == [marketplace.id for marketplace in corpus.catalog.marketplaces]
    assert [c["id"] for c in exported["causes"]] == [c.id for c in first.causes]


def test_json_export_says_where_each_page_and_download_is(site):
    document = json.loads((site.folder / "api/v1/playbooks.json").read_text(encoding="utf-8"))
    for playbook in real_corpus().playbooks:
        pages = document["pages"][playbook.id]
        assert (site.folder / pages["page"] / "index.html").is_file()
        for checklist in playbook.checklists:
            entry = pages["checklists"][checklist.id]
            assert (site.folder / entry["page"] / "index.html").is_file()
            assert (site.folder / entry["markdown"]).is_file()


def test_each_checklist_page_links_its_markdown_download(site):
    for playbook in real_corpus().playbooks:
        for checklist in playbook.checklists:
            page = layout.site_url_path(layout.checklist_page(playbook, checklist))
            html = (site.folder / page / "index.html").read_text(encoding="utf-8")
            name = layout.checklist_download_name(playbook, checklist)
            links = [a for a in find_all(html, "a") if a.attrs.get("download") == name]
            assert len(links) == 1, f"{page} has no download link"
            target = urljoin(f"/{page}", links[0].attrs["href"]).lstrip("/")
            text = (site.folder / target).read_text(encoding="utf-8")
            assert text.startswith(f"# {checklist.title}\n")
            for item in checklist.items():
                assert f"- [ ] {item.text}" in text.replace("\\", "")


def test_checklist_markdown_keeps_contributor_text_inert():
    corpus = real_corpus()
    playbook = corpus.playbooks[0]
    checklist = playbook.checklists[0]
    item = checklist.items()[0].model_copy(
        update={"text": "Open <b>[the portal](https://x.test)</b>"}
    )
    hostile = checklist.model_copy(update={"before": [item], "during": [], "after": []})
    text = checklist_markdown(playbook, hostile, build_backlinks(corpus))
    assert r"- [ ] Open \<b\>\[the portal\](https://x.test)\</b\>" in text
