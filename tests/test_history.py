"""What changed and when: the playbooks' history from git, on their pages, on the Recent
changes page and in the Atom feed; and a site built without git that leaves it all out."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator import history as history_module
from generator import layout, pipeline
from generator.cache import GenerateCache
from generator.cli import main
from generator.feed import site_feed
from generator.history import SHOWN_PER_PLAYBOOK, Change, History, read_history
from generator.project import Project
from generator.render import SiteRenderer, render_site
from tests.support import (
    FIXTURES,
    build_served,
    commit_all,
    copy_project,
    corpus_with,
    git,
    serve_folder,
)

ATOM = "{http://www.w3.org/2005/Atom}"
PAGE = "basics/minimal/index.md"
SITE_URL = "https://playbooks.example.org/"
REPOSITORY = "https://github.com/example/playbooks"


def edit(playbooks: Path, old: str, new: str) -> None:
    path = playbooks / "minimal.yml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose project sits in a subfolder, with three commits: the playbook
    added, the catalog edited (not a playbook), the playbook reworded."""
    project = tmp_path / "repo" / "site"
    playbooks = project / "playbooks"
    shutil.copytree(FIXTURES / "minimal", playbooks)
    (project / "mkdocs.yml").write_text("site_name: T\n", encoding="utf-8")
    commit_all(tmp_path / "repo", "Add the minimal playbook", "2026-03-01T09:00:00+00:00")
    catalog = playbooks / "_catalog.yml"
    catalog.write_text(catalog.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    commit_all(tmp_path / "repo", "Catalog: a blank line", "2026-03-02T09:00:00+00:00")
    edit(playbooks, "Do the first thing.", "Do the first thing, now reworded.")
    commit_all(tmp_path / "repo", "Reword <the> first *step*", "2026-03-07T10:30:00+01:00")
    return project


def test_one_git_log_gives_each_playbook_its_changes_newest_first(repo: Path):
    found = read_history(repo / "playbooks", REPOSITORY + "/")
    assert found is not None
    assert [(c.playbook, c.message) for c in found.changes] == [
        ("minimal", "Reword <the> first *step*"),
        ("minimal", "Add the minimal playbook"),
    ]
    assert found.changes[0].when == datetime(2026, 3, 7, 9, 30, tzinfo=UTC)
    assert len(found.changes[0].commit) == 40
    assert found.of("minimal") == found.changes
    assert found.of("unknown") == ()
    assert found.full_history_url("minimal") == (
        f"{REPOSITORY}/commits/HEAD/site/playbooks/minimal.yml"
    )
    assert read_history(repo / "playbooks").full_history_url("minimal") is None  # type: ignore[union-attr]


def test_a_playbook_page_shows_its_latest_changes_only():
    changes = tuple(
        Change("minimal", f"{n:040x}", datetime(2026, 3, n, tzinfo=UTC), f"Change {n}")
        for n in range(9, 0, -1)
    )
    assert History(changes).of("minimal") == changes[:SHOWN_PER_PLAYBOOK]


def test_without_a_repository_git_or_full_clone_there_is_no_history(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    outside = tmp_path / "outside"
    shutil.copytree(repo / "playbooks", outside)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert read_history(outside) is None

    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "--quiet", "--depth", "1", (tmp_path / "repo").as_uri(), str(shallow))
    assert read_history(shallow / "site" / "playbooks") is None

    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    assert read_history(repo / "playbooks") is None


def test_a_playbook_not_yet_committed_has_no_changes(repo: Path):
    new = repo / "playbooks" / "second.yml"
    new.write_text((repo / "playbooks" / "minimal.yml").read_text(encoding="utf-8"))
    found = read_history(repo / "playbooks")
    assert found is not None and found.of("second") == ()


def test_the_log_parser_skips_what_it_cannot_read():
    log = (
        "\x1eabc\x1f2026-03-07T10:30:00+00:00\x1fA subject\x07 with a bell\n\n"
        "minimal.yml\n_catalog.yml\nnotes/other.yml\nREADME.md\n"
        "\x1ea stray record separator in a subject\n"
    )
    [change] = history_module.parse_log(log)
    assert (change.playbook, change.commit, change.message) == (
        "minimal",
        "abc",
        "A subject with a bell",
    )


def history_of(tmp_path: Path) -> History:
    return History(
        (
            Change("minimal", "b" * 40, datetime(2026, 3, 7, 9, 30, tzinfo=UTC), "Reword <b>"),
            Change("gone", "b" * 40, datetime(2026, 3, 7, 9, 30, tzinfo=UTC), "A removed one"),
            Change("minimal", "a" * 40, datetime(2026, 3, 1, tzinfo=UTC), "Add it"),
        ),
        f"{REPOSITORY}/commits/HEAD/playbooks/",
    )


def test_pages_show_the_history_escaped_with_a_link_to_the_rest(tmp_path: Path):
    pages = render_site(corpus_with(tmp_path), history=history_of(tmp_path), site_url=SITE_URL)
    page = pages[PAGE]
    section = page[page.index("## Changes to this playbook {#changes}") :]
    assert "- 7 March 2026: Reword &#60;b&#62;" in section
    assert section.index("7 March 2026") < section.index("1 March 2026: Add it")
    assert (
        f"[Every change, in the repository]({REPOSITORY}/commits/HEAD/playbooks/minimal.yml)"
        in (section)
    )
    recent = pages[layout.RECENT_CHANGES]
    assert (
        "| 7 March 2026 | [A minimal playbook](basics/minimal/index.md#changes) "
        "| Reword &#60;b&#62; |" in recent
    )
    assert "A removed one" not in recent  # its page is gone
    assert f"[Atom feed]({SITE_URL}feed.xml)" in recent


def test_the_feed_parses_and_holds_the_latest_change_first(tmp_path: Path):
    feed = ET.fromstring(site_feed(corpus_with(tmp_path), history_of(tmp_path), SITE_URL))
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}updated") == "2026-03-07T09:30:00+00:00"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == SITE_URL + "feed.xml"
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "A minimal playbook: Reword <b>",
        "A minimal playbook: Add it",
    ]
    latest = entries[0]
    assert latest.find(f"{ATOM}link").get("href") == SITE_URL + "playbooks/basics/minimal/"
    assert latest.findtext(f"{ATOM}updated") == "2026-03-07T09:30:00+00:00"
    assert latest.findtext(f"{ATOM}id").startswith("urn:uuid:")


def test_without_history_the_pages_say_so_and_the_feed_is_empty_but_valid(tmp_path: Path):
    corpus = corpus_with(tmp_path)
    pages = render_site(corpus)
    assert "{#changes}" not in pages[PAGE]
    assert "history of changes is unavailable" in pages[layout.RECENT_CHANGES]
    feed = ET.fromstring(site_feed(corpus, None, ""))
    assert feed.findall(f"{ATOM}entry") == []
    assert feed.findtext(f"{ATOM}updated") == "2026-11-01T00:00:00+00:00"  # the newest review
    # Without site_url the links are relative to the feed, which sits at the site's root.
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href") == "playbooks/recent-changes/"
    empty = render_site(corpus, history=History(()))
    assert "No change to a playbook has been committed yet." in empty[layout.RECENT_CHANGES]
    assert "{#changes}" not in empty[PAGE]


def test_a_corpus_without_playbooks_has_a_valid_empty_feed(tmp_path: Path):
    corpus = corpus_with(tmp_path)
    empty = site_feed(replace(corpus, playbooks=()), None, "")
    assert ET.fromstring(empty).findtext(f"{ATOM}updated").startswith("1970-01-01")


def test_the_live_previews_memo_renders_a_playbook_again_when_its_history_changes(
    tmp_path: Path,
):
    corpus = corpus_with(tmp_path)
    cache = GenerateCache()
    before = pipeline.remembered_pages(SiteRenderer(corpus, history=History(())), cache)
    assert "{#changes}" not in before[PAGE]
    after = pipeline.remembered_pages(SiteRenderer(corpus, history=history_of(tmp_path)), cache)
    assert "Reword &#60;b&#62;" in after[PAGE]


def test_a_build_in_a_repository_publishes_history_and_feed(repo: Path, monkeypatch):
    monkeypatch.setenv("SITE_URL", SITE_URL)
    monkeypatch.setenv("PLAYBOOKS_REPOSITORY", REPOSITORY)
    (repo / "mkdocs.yml").write_text(
        "site_name: T\nsite_url: !ENV [SITE_URL, 'http://127.0.0.1:8000/']\n"
        "extra:\n  repository: !ENV [PLAYBOOKS_REPOSITORY, null]\n",
        encoding="utf-8",
    )
    assert main(["--project", str(repo), "generate"]) == 0
    generated = repo / "docs" / layout.OUTPUT_FOLDER
    page = (generated / PAGE).read_text(encoding="utf-8")
    assert "7 March 2026: Reword &#60;the&#62; first &#42;step&#42;" in page
    assert f"{REPOSITORY}/commits/HEAD/site/playbooks/minimal.yml" in page
    project = Project(repo)  # what `playbooks build` publishes at the site's root
    history, site_url = pipeline.site_history(project)
    feed = ET.fromstring(site_feed(pipeline.load(project)[0], history, site_url))
    assert (
        feed.find(f"{ATOM}entry/{ATOM}link").get("href") == SITE_URL + "playbooks/basics/minimal/"
    )


def test_the_site_built_without_git_leaves_history_out_and_links_the_feed(site):
    """The session's site is built from a copy of the project that is no repository."""
    recent = (site.folder / "playbooks" / "recent-changes" / "index.html").read_text("utf-8")
    assert "history of changes is unavailable" in recent
    feed = ET.parse(site.folder / layout.FEED).getroot()
    assert feed.findall(f"{ATOM}entry") == []
    for page in ["index.html", "playbooks/faq/index.html"]:
        html = (site.folder / page).read_text(encoding="utf-8")
        assert 'rel="alternate" type="application/atom+xml"' in html, page
    playbook = next((site.folder / "playbooks").glob("*/*/index.html"))
    assert 'id="changes"' not in playbook.read_text(encoding="utf-8")


def test_a_reader_finds_the_feed_from_a_page_and_its_latest_entry_leads_to_the_change(
    browser, tmp_path: Path
):
    root = copy_project(tmp_path / "project", FIXTURES / "minimal")
    commit_all(root, "Add the minimal playbook", "2026-03-01T09:00:00+00:00")
    edit(root / "playbooks", "Do the first thing.", "Do the first thing, now reworded.")
    commit_all(root, "Reword the first step", "2026-03-07T10:30:00+00:00")
    served = serve_folder(root / "site")
    context = browser.new_context()
    try:
        assert build_served(root, served) == 0
        page = context.new_page()
        failed: list[str] = []
        page.on("response", lambda response: response.ok or failed.append(response.url))
        page.goto(served.url + "playbooks/faq/")
        page.wait_for_load_state("networkidle")
        # Material fetches sitemap.xml beside each rel="alternate" link (generator/feed.py).
        assert failed == []
        link = page.locator('head link[rel="alternate"][type="application/atom+xml"]')
        feed_url = page.evaluate("link => link.href", link.element_handle())
        assert feed_url == served.url + layout.FEED
        feed = ET.fromstring(page.request.get(feed_url).text())
        latest = feed.findall(f"{ATOM}entry")[0]
        assert latest.findtext(f"{ATOM}title") == "A minimal playbook: Reword the first step"
        page.goto(latest.find(f"{ATOM}link").get("href"))
        changes = page.locator("h2#changes + p + ul li")
        assert changes.all_inner_texts() == [
            "7 March 2026: Reword the first step",
            "1 March 2026: Add the minimal playbook",
        ]
    finally:
        context.close()
        served.stop()
