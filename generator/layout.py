"""Where each generated page lives, and how one page links to another.

One place decides every path, so templates never build a URL by hand and a link can only
point at a page the renderer actually makes.
"""

from __future__ import annotations

import posixpath

from generator.model import Checklist, Playbook

OUTPUT_FOLDER = "playbooks"
"""The gitignored folder inside ``docs/`` that holds every generated page."""

OVERVIEW = "index.md"
FAQ = "faq.md"
HISTORY = "outage-history.md"
CAUSES = "causes.md"
MITIGATIONS = "mitigations.md"
CHECKLISTS = "checklists.md"
SOURCES = "sources.md"


def section_page(section_id: str) -> str:
    return f"{section_id}/index.md"


def playbook_page(playbook: Playbook) -> str:
    return f"{playbook.section}/{playbook.id}/index.md"


def checklist_page(playbook: Playbook, checklist: Checklist) -> str:
    return f"{playbook.section}/{playbook.id}/{checklist.id}.md"


def checklist_key(playbook: Playbook, checklist: Checklist) -> str:
    """The public id of a checklist: ``playbook/checklist`` (see the DOM contract)."""
    return f"{playbook.id}/{checklist.id}"


def faq_anchor(playbook: Playbook, entry_id: str) -> str:
    # "--" cannot occur inside a slug, so the two ids can never run into another pair.
    return f"{playbook.id}--{entry_id}"


def relative_link(from_page: str, to_page: str, anchor: str | None = None) -> str:
    """A Markdown link target from one generated page to another, which MkDocs checks."""
    target = posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
    if target == posixpath.basename(from_page) and anchor:
        return f"#{anchor}"
    return f"{target}#{anchor}" if anchor else target
