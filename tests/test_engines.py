"""The other engines: ProperDocs and Zensical build the same pages with the same links as
MkDocs, and report problems at their lines."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from generator import engines, layout, leftovers
from generator.engines import ConfigUnreadable, site_addresses
from generator.publish import OFFLINE_ZIP
from tests.sitecheck import is_local, read_site
from tests.support import build, real_corpus

DERIVED_HEADER = "# Written by `playbooks build` for one build; safe to delete.\n"
THEME_ANCHORS = {"__skip"}
"""Zensical's theme adds a skip link to an anchor of its own; it is not the content's."""


def site_links(site: Path) -> dict[str, set[str]]:
    """Each HTML page of a built site, with the pages and anchors of the site it links to."""
    links = {}
    for url, page in read_site(site).items():
        targets = set()
        for link in page.links:
            if not is_local(link) or link.startswith("mailto:"):
                continue
            target = urlsplit(urljoin("/" + url, link))
            if target.fragment not in THEME_ANCHORS:
                targets.add(unquote(target.path) + (f"#{target.fragment}" * bool(target.fragment)))
        links[url] = targets
    return links


@pytest.mark.parametrize("engine", ["properdocs", "zensical"])
def test_each_engine_makes_the_pages_and_links_that_mkdocs_makes(site, project, engine, capsys):
    built = project / "site"
    assert build(project, built, "--engine", engine) == 0, capsys.readouterr().err
    assert site_links(built) == site_links(site.folder)


def test_properdocs_makes_its_own_offline_copy(project, capsys):
    built = project / "site"
    assert build(project, built, "--engine", "properdocs") == 0, capsys.readouterr().err
    with zipfile.ZipFile(built / OFFLINE_ZIP) as archive:
        home = archive.read("outage-playbooks/index.html").decode("utf-8")
    assert '<meta name="generator" content="mkdocs-ProperDocs ' in home


def test_zensical_builds_the_same_sources(project, capsys):
    killed = project / ".playbooks-build-zensical-site-999999"  # as a killed build leaves it
    leftovers.make_marked(killed)
    stale_config = project / ".playbooks-build-mkdocs-999999.yml"
    stale_config.write_text(DERIVED_HEADER + "INHERIT: mkdocs.yml\n")
    theirs = [project / ".playbooks-build-notes", project / ".playbooks-build-todo.yml"]
    theirs[0].mkdir()
    theirs[1].write_text("someone's own file, named like ours\n")
    site = project / "site"
    assert build(project, site, "--engine", "zensical") == 0, capsys.readouterr().err
    assert not killed.exists() and not stale_config.exists()
    assert all(path.exists() for path in theirs)
    for path in theirs:  # the checks below look for anything left with our prefix
        if path.is_dir():
            path.rmdir()
        else:
            path.unlink()
    for playbook in real_corpus().playbooks:
        html = site / layout.site_url_path(layout.playbook_page(playbook)) / "index.html"
        text = html.read_text(encoding="utf-8")
        assert playbook.title in text and 'role="img"' in text
    assert (site / "playbooks" / "faq" / "index.html").is_file()
    assert (site / "api" / "v1" / "playbooks.json").is_file()
    assert (site / "downloads" / "outage-playbooks-offline.zip").is_file()
    assert [p.name for p in project.iterdir() if p.name.startswith(".playbooks-build-")] == []


def test_zensical_problems_name_file_line_and_column(project, capsys):
    about = project / "docs" / "project" / "index.md"
    about.write_text(about.read_text() + "\nSee [nothing](missing-page.md).\n")
    line = len(about.read_text().splitlines())
    site = project / "site"
    assert build(project, site, "--engine", "zensical") == 1
    error = capsys.readouterr().err
    # Zensical points at the link target, which starts at column 15.
    assert f"docs/project/index.md:{line}:15: warning: page does not exist" in error
    assert "previous site was kept" in error and "Traceback" not in error
    assert not site.exists()


def test_offline_copy_needs_mkdocs(project, capsys):
    assert build(project, project / "site", "--offline", "--engine", "zensical") == 2
    assert "offline copy is built with MkDocs" in capsys.readouterr().err


def test_missing_zensical_says_how_to_install_it(project, capsys, monkeypatch):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == "zensical" else real_find_spec(name, *args),
    )
    assert build(project, project / "site", "--engine", "zensical") == 2
    assert engines.ZENSICAL_INSTALL in capsys.readouterr().err


def test_site_addresses_read_env_tags_as_the_engines_do(tmp_path, monkeypatch):
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_url: !ENV [UNSET_ONE, SITE_URL, 'https://default.example/']\n"
        "extra:\n  repository: !ENV PLAYBOOKS_REPOSITORY\n",
        encoding="utf-8",
    )
    for name in ("UNSET_ONE", "SITE_URL", "PLAYBOOKS_REPOSITORY"):
        monkeypatch.delenv(name, raising=False)
    assert site_addresses(config) == ("https://default.example/", None)
    monkeypatch.setenv("SITE_URL", "https://set.example/")
    monkeypatch.setenv("PLAYBOOKS_REPOSITORY", "https://github.com/owner/name")
    assert site_addresses(config) == ("https://set.example/", "https://github.com/owner/name")
    config.write_text("site_url: !ENV {SITE_URL: x}\n", encoding="utf-8")
    with pytest.raises(ConfigUnreadable, match=r"mkdocs\.yml:1:11: !ENV takes a variable.s name"):
        site_addresses(config)
