"""The site's navigation: the catalog's sections by their titles and in the catalog's order,
and every checklist grouped by its audience.

Left to itself, an engine lists folders by name in alphabetical order ("Marketplace"), and
puts a playbook's checklists under it, so the footer's "Next" on a seller checklist led to a
shopper's. The nav goes into the configuration the engine reads (:mod:`generator.engines`),
which MkDocs, ProperDocs and Zensical understand alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator import layout
from generator.backlinks import Backlinks, build_backlinks
from generator.corpus import Corpus
from generator.model import AUDIENCES, Checklist, Playbook

Nav = list[Any]
"""MkDocs' ``nav``: each entry a page path, or ``{title: path}``, or ``{title: Nav}``."""

GROUP_LIMIT = 30
"""The most playbooks a group of the navigation lists one by one. Material writes the whole
group of the open page into that page, so without a limit every page of a section with 400
playbooks carried 1,400 links (docs/project/performance.md). A larger group shows only the
page that lists its playbooks: the section's index, or the audience's list of checklists."""

LEFT_OUT = f"/{layout.OUTPUT_FOLDER}/"
"""The engines' ``not_in_nav``: generated pages that a summarised group leaves out are
expected there. Hand-written pages are all in the nav (see :func:`site_nav`)."""

_REFERENCE = [
    layout.FAQ,
    layout.HISTORY,
    layout.RECENT_CHANGES,
    layout.CAUSES,
    layout.MITIGATIONS,
    layout.SOURCES,
    layout.COVERAGE,
    layout.BINDERS,
]


def site_nav(corpus: Corpus, docs_dir: Path) -> Nav:
    """Home, the playbooks by section, the checklists by audience, the reference pages, then
    the hand-written folders (such as the project pages) under their index page's title.

    On a checklist page the footer's previous and next links follow this order, so they
    stay among the checklists of one audience, from that audience's list of checklists to
    its binder.
    """
    refs = build_backlinks(corpus)
    top_pages, folders = _hand_written(docs_dir)
    playbooks: Nav = [_generated(layout.OVERVIEW)]
    for section_id, section in refs.sections.items():
        listed = refs.playbooks_by_section.get(section_id, [])
        if listed:
            index = _generated(layout.section_page(section_id))
            pages = [_generated(layout.playbook_page(playbook)) for playbook in listed]
            playbooks.append(
                {section.title: [index, *pages] if len(pages) <= GROUP_LIMIT else [index]}
            )
    checklists: Nav = [_generated(layout.CHECKLISTS)]
    for audience, label in AUDIENCES.items():
        pairs = refs.checklists_by_audience.get(audience, [])
        binder = {f"All {label.lower()}' checklists in one binder": _binder(audience)}
        first = _generated(layout.audience_checklists_page(audience))
        by_section = _by_section(refs, pairs)
        checklists.append({f"For {label.lower()}": [first, *by_section, binder]})
    reference = [_generated(page) for page in _REFERENCE]
    return [
        *top_pages,
        {"Playbooks": playbooks},
        {"Checklists": checklists},
        {"Reference": reference},
        *folders,
    ]


def _by_section(refs: Backlinks, pairs: list[tuple[Playbook, Checklist]]) -> Nav:
    """One group per section, in the catalog's order, so that a checklist page's navigation
    lists its own section's checklists, not every checklist of the audience. A section with
    more than ``GROUP_LIMIT`` checklists is left to the audience's list of checklists."""
    entries: Nav = []
    for section_id, section in refs.sections.items():
        mine = [
            (playbook, checklist) for playbook, checklist in pairs if playbook.section == section_id
        ]
        if mine and len(mine) <= GROUP_LIMIT:
            entries.append({section.title: _by_playbook(mine)})
    return entries


def _by_playbook(pairs: list[tuple[Playbook, Checklist]]) -> Nav:
    """One entry per playbook, named after it: its checklist, or a group of them."""
    grouped: dict[str, tuple[Playbook, list[Checklist]]] = {}
    for playbook, checklist in pairs:
        grouped.setdefault(playbook.id, (playbook, []))[1].append(checklist)
    entries: Nav = []
    for playbook, checklists in grouped.values():
        pages = [_generated(layout.checklist_page(playbook, one)) for one in checklists]
        entries.append({playbook.title: pages[0] if len(pages) == 1 else pages})
    return entries


def _binder(audience: str) -> str:
    return _generated(layout.binder_page(audience))


def _generated(page: str) -> str:
    return f"{layout.OUTPUT_FOLDER}/{page}"


def _hand_written(docs_dir: Path) -> tuple[Nav, Nav]:
    """The pages at the top of ``docs/`` (the home page first), and each other folder of
    Markdown as a group titled after its index page."""
    top = sorted(docs_dir.glob("*.md"), key=lambda path: (path.name != "index.md", path.name))
    folders: Nav = []
    for folder in sorted(path for path in docs_dir.iterdir() if path.is_dir()):
        if folder.name == layout.OUTPUT_FOLDER:
            continue
        pages = sorted(folder.rglob("*.md"), key=lambda path: (path.name != "index.md", path))
        if pages:
            title = _title(pages[0]) or folder.name.replace("-", " ").capitalize()
            folders.append({title: [_relative(page, docs_dir) for page in pages]})
    return [_relative(page, docs_dir) for page in top], folders


def _title(page: Path) -> str | None:
    """The ``title:`` of a page's front matter, if it has one."""
    text = page.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return None
    front, _, _ = text[4:].partition("\n---")
    try:
        data = yaml.safe_load(front)
    except yaml.YAMLError:
        return None
    title = data.get("title") if isinstance(data, dict) else None
    return title if isinstance(title, str) else None


def _relative(page: Path, docs_dir: Path) -> str:
    return page.relative_to(docs_dir).as_posix()
