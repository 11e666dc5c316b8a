"""Pages that gather something from every playbook (the FAQ, the binders, causes, coverage...)
cut into parts, so that no page grows with the corpus.

A small corpus keeps each such page whole. From ``PART_SIZE`` playbooks on, the page becomes
an index of parts: one per section, and a large section is cut into several, each holding
at most ``PART_SIZE`` playbooks in the section's order. A part is rendered by the page's own
template, given the back-link index of the part's playbooks alone, so a part looks like the
whole page of a smaller site.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.backlinks import Backlinks, build_backlinks
from generator.corpus import Corpus
from generator.model import Playbook, Section

PART_SIZE = 20
"""Playbooks per part. At 1,000 playbooks the heaviest page of the site was a FAQ part, at
434 KB (docs/project/performance.md); the budget is 500 KB."""


@dataclass(frozen=True)
class Part:
    """Up to ``PART_SIZE`` playbooks of one section, numbered from 1 within it."""

    section: Section
    number: int
    of: int
    playbooks: tuple[Playbook, ...]
    refs: Backlinks
    """The back-link index of this part's playbooks alone."""

    @property
    def slug(self) -> str:
        """The part's name in addresses: ``--`` cannot occur inside a section id."""
        return self.section.id if self.number == 1 else f"{self.section.id}--{self.number}"

    @property
    def label(self) -> str:
        """What readers call it: the section's title, and which part when there are several."""
        title = self.section.title
        return title if self.of == 1 else f"{title}, part {self.number} of {self.of}"


def cut_into_parts(corpus: Corpus, refs: Backlinks) -> list[Part]:
    """The parts of every gathering page, in the catalog's order; none for a small corpus."""
    if len(corpus.playbooks) <= PART_SIZE:
        return []
    parts = []
    for section_id, section in refs.sections.items():
        playbooks = refs.playbooks_by_section.get(section_id, [])
        chunks = [tuple(playbooks[i : i + PART_SIZE]) for i in range(0, len(playbooks), PART_SIZE)]
        for number, chunk in enumerate(chunks, start=1):
            part_refs = build_backlinks(Corpus(corpus.catalog, chunk))
            parts.append(Part(section, number, len(chunks), chunk, part_refs))
    return parts


def parts_by_playbook(parts: list[Part]) -> dict[str, Part]:
    """Playbook id -> the part that holds it; empty when pages are whole."""
    return {playbook.id: part for part in parts for playbook in part.playbooks}


def titled(title: str, part: Part | None) -> str:
    """A gathering page's title, naming the part when it is one."""
    return title if part is None else f"{title}: {part.label}"
