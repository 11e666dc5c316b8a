"""End to end: the real corpus builds strictly into a complete, self-contained site."""

from __future__ import annotations

import subprocess

from generator.layout import checklist_key, faq_anchor
from tests.sitecheck import broken_internal_links, is_local, read_site
from tests.support import REPO, build, copy_project, real_corpus


def test_site_has_every_playbook_checklist_and_question(site):
    pages = read_site(site.folder)
    assert len(pages) >= 10
    html = {url: page.path.read_text(encoding="utf-8") for url, page in pages.items()}
    corpus = real_corpus()
    for playbook in corpus.playbooks:
        page = html[f"playbooks/{playbook.section}/{playbook.id}/"]
        assert "<h1" in page and playbook.id in page
        for checklist in playbook.checklists:
            checklist_html = html[f"playbooks/{playbook.section}/{playbook.id}/{checklist.id}/"]
            key = checklist_key(playbook, checklist)
            assert f'data-checklist="{key}"' in checklist_html
            for item in checklist.items():
                assert f'data-item="{key}/{item.id}"' in checklist_html
        for entry in playbook.faq:
            assert f'id="{faq_anchor(playbook, entry.id)}"' in html["playbooks/faq/"]


def test_every_internal_link_and_anchor_resolves(site):
    pages = read_site(site.folder)
    assert broken_internal_links(site.folder, pages) == []


def test_no_script_or_stylesheet_from_another_host(site):
    for page in read_site(site.folder).values():
        for reference in page.scripts + page.stylesheets:
            assert is_local(reference), f"{page.url} loads {reference}"
        text = page.path.read_text(encoding="utf-8")
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text


def test_build_leaves_git_status_clean(tmp_path):
    root = copy_project(tmp_path / "project")
    (root / ".gitignore").write_text((REPO / ".gitignore").read_text())
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "start"], cwd=root, check=True)
    assert build(root, root / "site") == 0
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True
    )
    assert status.stdout == ""


def test_link_checker_catches_missing_pages_and_anchors(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h1 id="top">A</h1><a href="../b/">b</a>')
    (tmp_path / "index.html").write_text(
        '<a href="a/#top">ok</a><a href="a/#nope">bad anchor</a><a href="c/">missing</a>'
    )
    broken = broken_internal_links(tmp_path, read_site(tmp_path))
    assert broken == ["a/ -> ../b/", " -> a/#nope (no such anchor)", " -> c/"]
