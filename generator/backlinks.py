"""The back-link index: every cross-reference map (which playbooks cite a source or recall
an incident, which checklists serve an audience), computed once, so each page gets its
back-links for free."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from generator.corpus import Corpus
from generator.id_checks import uncovered_causes
from generator.model import (
    AUDIENCES,
    CAUSE_KINDS,
    MITIGATION_KINDS,
    Cause,
    Checklist,
    FaqEntry,
    Impact,
    Incident,
    Marketplace,
    Mitigation,
    Playbook,
    Section,
    Source,
)


@dataclass(frozen=True)
class Backlinks:
    sections: dict[str, Section]
    sources: dict[str, Source]
    incidents: dict[str, Incident]
    marketplaces: dict[str, Marketplace]
    playbooks_by_section: dict[str, list[Playbook]]
    causes_by_kind: dict[str, list[tuple[Playbook, Cause]]]
    mitigations_by_kind: dict[str, list[tuple[Playbook, Mitigation]]]
    checklists_by_audience: dict[str, list[tuple[Playbook, Checklist]]]
    playbooks_citing: dict[str, list[Playbook]]
    playbooks_by_incident: dict[str, list[Playbook]]
    sources_of: dict[str, list[Source]]
    incidents_of: dict[str, list[Incident]]
    mitigations_of_cause: dict[str, dict[str, list[Mitigation]]]
    """playbook id -> cause id -> the mitigations that address it (the coverage page)."""
    uncovered: list[tuple[Playbook, Cause]]
    """Causes no mitigation addresses: the same rule ``validate`` warns on."""
    faq_entries: list[tuple[Playbook, FaqEntry]]
    """Every question in the order the FAQ page shows them."""
    binder_sources: dict[str, list[Source]]
    """audience -> status pages and help pages cited by that audience's playbooks."""


def build_backlinks(corpus: Corpus) -> Backlinks:
    catalog = corpus.catalog
    sources = {source.id: source for source in catalog.sources}
    incidents = {incident.id: incident for incident in catalog.incidents}
    by_section: dict[str, list[Playbook]] = defaultdict(list)
    causes: dict[str, list[tuple[Playbook, Cause]]] = {kind: [] for kind in CAUSE_KINDS}
    mitigations: dict[str, list[tuple[Playbook, Mitigation]]] = {k: [] for k in MITIGATION_KINDS}
    checklists: dict[str, list[tuple[Playbook, Checklist]]] = defaultdict(list)
    citing: dict[str, list[Playbook]] = defaultdict(list)
    by_incident: dict[str, list[Playbook]] = defaultdict(list)
    sources_of: dict[str, list[Source]] = {}
    incidents_of: dict[str, list[Incident]] = {}
    for playbook in sorted(corpus.playbooks, key=lambda p: p.title.casefold()):
        by_section[playbook.section].append(playbook)
        for cause in playbook.causes:
            causes[cause.kind].append((playbook, cause))
        for mitigation in playbook.mitigations:
            mitigations[mitigation.kind].append((playbook, mitigation))
        for checklist in playbook.checklists:
            checklists[checklist.audience].append((playbook, checklist))
        cited = _cited_source_ids(playbook)
        sources_of[playbook.id] = [sources[source_id] for source_id in cited]
        for source_id in cited:
            citing[source_id].append(playbook)
        incident_ids = dict.fromkeys(
            [*playbook.incidents, *(i for cause in playbook.causes for i in cause.incidents)]
        )
        incidents_of[playbook.id] = sorted(
            (incidents[i] for i in incident_ids), key=lambda incident: incident.date
        )
        for incident_id in incident_ids:
            by_incident[incident_id].append(playbook)
    sections = {section.id: section for section in catalog.sections}
    return Backlinks(
        sections=sections,
        sources=sources,
        incidents=incidents,
        marketplaces={marketplace.id: marketplace for marketplace in catalog.marketplaces},
        playbooks_by_section=dict(by_section),
        causes_by_kind=causes,
        mitigations_by_kind=mitigations,
        checklists_by_audience=dict(checklists),
        playbooks_citing=dict(citing),
        playbooks_by_incident=dict(by_incident),
        sources_of=sources_of,
        incidents_of=incidents_of,
        mitigations_of_cause={p.id: _mitigations_of_cause(p) for p in corpus.playbooks},
        uncovered=[(p, cause) for p in corpus.playbooks for cause in _uncovered(p)],
        faq_entries=[
            (playbook, entry)
            for section_id in sections
            for playbook in by_section.get(section_id, [])
            for entry in playbook.faq
        ],
        binder_sources={
            audience: _binder_sources(corpus, audience, sources_of) for audience in AUDIENCES
        },
    )


def _mitigations_of_cause(playbook: Playbook) -> dict[str, list[Mitigation]]:
    return {
        cause.id: [m for m in playbook.mitigations if cause.id in m.addresses]
        for cause in playbook.causes
    }


def _uncovered(playbook: Playbook) -> list[Cause]:
    ids = set(uncovered_causes(playbook))
    return [cause for cause in playbook.causes if cause.id in ids]


def _binder_sources(
    corpus: Corpus, audience: str, sources_of: dict[str, list[Source]]
) -> list[Source]:
    """What a reader should have on paper: status pages first, then where to get help."""
    cited = {
        source.id: source
        for playbook in corpus.playbooks
        if audience in playbook.audiences
        for source in sources_of[playbook.id]
        if source.kind != "reference"
    }
    return sorted(cited.values(), key=lambda s: (s.kind != "status", s.title.casefold()))


def _cited_source_ids(playbook: Playbook) -> list[str]:
    """Source ids in the order a reader meets them on the page, each once."""
    groups: list[Sequence[Cause | Impact | Mitigation | FaqEntry]] = [
        playbook.causes, playbook.impacts, playbook.mitigations, playbook.faq
    ]  # fmt: skip
    ids = [source for group in groups for entity in group for source in entity.sources]
    ids += [
        source
        for checklist in playbook.checklists
        for item in checklist.items()
        for source in item.sources
    ]
    return list(dict.fromkeys(ids))
