"""Where each generated page lives, and how one page links to another.

One place decides every path, so templates never build a URL by hand and a link can only
point at a page the renderer actually makes.
"""

from __future__ import annotations

import posixpath

from generator.model import AUDIENCES, Checklist, Playbook

OUTPUT_FOLDER = "playbooks"
"""The gitignored folder inside ``docs/`` that holds every generated page."""

OVERVIEW = "index.md"
FAQ = "faq.md"
HISTORY = "outage-history.md"
CAUSES = "causes.md"
MITIGATIONS = "mitigations.md"
CHECKLISTS = "checklists.md"
SOURCES = "sources.md"
COVERAGE = "coverage.md"
BINDERS = "binders/index.md"
RECENT_CHANGES = "recent-changes.md"
FEED = "feed.xml"
"""The Atom feed of the recent changes, at the site's root (see :mod:`generator.feed`); every
page's head links it (overrides/main.html)."""


def section_page(section_id: str) -> str:
    return f"{section_id}/index.md"


def playbook_page(playbook: Playbook) -> str:
    return _playbook_page(playbook.section, playbook.id)


def checklist_page(playbook: Playbook, checklist: Checklist) -> str:
    return _checklist_page(playbook.section, playbook.id, checklist.id)


def _playbook_page(section_id: str, playbook_id: str) -> str:
    return f"{section_id}/{playbook_id}/index.md"


def _checklist_page(section_id: str, playbook_id: str, checklist_id: str) -> str:
    return f"{section_id}/{playbook_id}/{checklist_id}.md"


def site_wide_pages() -> list[str]:
    """Every generated page that belongs to no section, in the order the site lists them."""
    pages = [OVERVIEW, FAQ, HISTORY, RECENT_CHANGES, CAUSES, MITIGATIONS, CHECKLISTS, SOURCES]
    pages += [COVERAGE, BINDERS]
    pages += [audience_checklists_page(audience) for audience in AUDIENCES]
    return pages + [binder_page(audience) for audience in AUDIENCES]


def site_page_taken_by_section(section_id: object) -> str | None:
    """The address of a site-wide page that a section with this id would take over (its pages
    live under the section's folder), or ``None`` when the id is free."""
    if not isinstance(section_id, str):
        return None
    folder = site_url_path(section_page(section_id))
    taken = (site_url_path(page) for page in site_wide_pages())
    return next((address for address in taken if address.startswith(folder)), None)


def checklist_takes_playbook_page(checklist_id: object) -> bool:
    """Whether a checklist with this id would be published at its playbook's own address."""
    if not isinstance(checklist_id, str):
        return False
    checklist = site_url_path(_checklist_page("section", "playbook", checklist_id))
    return checklist == site_url_path(_playbook_page("section", "playbook"))


def checklist_download(playbook: Playbook, checklist: Checklist) -> str:
    """The checklist as a Markdown file to keep. ``.txt``, because MkDocs would turn a ``.md``
    file in ``docs/`` into a page; the link's ``download`` attribute restores the name."""
    return f"{playbook.section}/{playbook.id}/{checklist.id}.txt"


def checklist_download_name(playbook: Playbook, checklist: Checklist) -> str:
    return f"{playbook.id}-{checklist.id}-checklist.md"


def binder_page(audience: str) -> str:
    return f"binders/{audience}.md"


def part_page(page: str, part_slug: str | None) -> str:
    """Where one part of a gathering page lives (``faq.md`` -> ``faq/<part>.md``), or the
    page itself when it is whole (``part_slug`` is ``None``)."""
    return page if part_slug is None else f"{page.removesuffix('.md')}/{part_slug}.md"


def audience_checklists_page(audience: str) -> str:
    """Every checklist for one audience: where that audience's group in the navigation
    starts, so a checklist's "Previous" never leads to another audience's page."""
    return f"checklists-for-{audience}.md"


def binder_anchor(playbook: Playbook, checklist: Checklist) -> str:
    """A checklist's heading in a binder; "--" as in :func:`faq_anchor`."""
    return f"{playbook.id}--{checklist.id}"


def site_url_path(page: str) -> str:
    """Where a generated page is served, relative to the site root, as MkDocs publishes it
    with directory URLs: ``a/index.md`` -> ``playbooks/a/``, ``a/b.md`` -> ``playbooks/a/b/``."""
    stem = page.removesuffix(".md").removesuffix("index")
    return f"{OUTPUT_FOLDER}/{stem.rstrip('/') + '/' if stem else ''}"


def checklist_key(playbook: Playbook, checklist: Checklist) -> str:
    """The public id of a checklist: ``playbook/checklist`` (see the DOM contract)."""
    return f"{playbook.id}/{checklist.id}"


def faq_anchor(playbook: Playbook, entry_id: str) -> str:
    # "--" cannot occur inside a slug, so the two ids can never run into another pair.
    return f"{playbook.id}--{entry_id}"


def relative_link(from_page: str, to_page: str, anchor: str | None = None) -> str:
    """A Markdown link target from one generated page to another, which MkDocs checks.

    Both paths are clean and relative to the output folder, so splitting strings gives what
    ``posixpath.relpath`` gives, without its two ``getcwd`` calls per link: at 1,000
    playbooks, those took 7 % of the generator's time.
    """
    here = from_page.split("/")[:-1]
    there = to_page.split("/")
    shared = 0
    while shared < min(len(here), len(there) - 1) and here[shared] == there[shared]:
        shared += 1
    target = "/".join([".."] * (len(here) - shared) + there[shared:])
    if target == posixpath.basename(from_page) and anchor:
        return f"#{anchor}"
    return f"{target}#{anchor}" if anchor else target
