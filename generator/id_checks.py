"""Id checks: unique ids, and every reference by id pointing at something real.

They read the YAML data as parsed, not the validated model, so that they run even when the
schema refuses part of a file: a misspelt key and a duplicate id in one file are reported in
the same run. Entries the schema refuses (an item that is not a mapping, an id that is not
text) are skipped here; the schema has reported them already.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from generator import layout
from generator.model import PHASES, SLUG, Catalog, Playbook
from generator.problems import Problem
from generator.yamlsource import Loc, SourceMap

_PLAYBOOK_ENTITIES = ("causes", "impacts", "mitigations", "checklists", "faq", "templates")
"""A playbook's lists whose ids share one namespace (they become anchors on one page)."""


@dataclass(frozen=True)
class CatalogIds:
    """What a playbook may refer to in the catalog."""

    sections: frozenset[str]
    sources: frozenset[str]
    incidents: frozenset[str]
    marketplaces: frozenset[str]

    @classmethod
    def of(cls, catalog: Catalog) -> CatalogIds:
        return cls(
            frozenset(section.id for section in catalog.sections),
            frozenset(source.id for source in catalog.sources),
            frozenset(incident.id for incident in catalog.incidents),
            frozenset(marketplace.id for marketplace in catalog.marketplaces),
        )


def check_catalog(data: Any, source: SourceMap) -> list[Problem]:
    """Catalog ids are unique per kind, sections leave the site's own pages alone, and
    incidents cite known sources."""
    if not isinstance(data, dict):
        return []
    problems: list[Problem] = []
    for kind in ("sections", "sources", "incidents", "marketplaces"):
        problems += _unique_ids(source, [((kind,), data.get(kind))])
    for index, section in _entries(data.get("sections")):
        page = layout.site_page_taken_by_section(_id(section))
        if page is not None:
            problems.append(
                source.problem(
                    ("sections", index, "id"),
                    f"section id '{section['id']}' would take the address of the site's own "
                    f"page {page}; choose another id",
                )
            )
    source_ids = {_id(entry) for _, entry in _entries(data.get("sources"))}
    for index, incident in _entries(data.get("incidents")):
        loc = ("incidents", index, "sources")
        problems += _known(source, loc, incident.get("sources"), source_ids, "source")
    return problems


def check_playbook(
    data: Any, catalog: CatalogIds | None, source: SourceMap, file_stem: str
) -> list[Problem]:
    """Everything a playbook refers to exists, and its ids are unique where they must be.
    Without a catalog (it is broken), only the playbook's own ids are checked."""
    if not isinstance(data, dict):
        return []
    problems: list[Problem] = []
    playbook_id = _id(data)
    if playbook_id is not None and playbook_id != file_stem:
        problems.append(
            source.problem(
                ("id",), f"id '{playbook_id}' must match the file name '{file_stem}.yml'"
            )
        )
    problems += _unique_ids(source, [((field,), data.get(field)) for field in _PLAYBOOK_ENTITIES])
    cause_ids = {_id(cause) for _, cause in _entries(data.get("causes"))}
    loc: Loc
    for index, mitigation in _entries(data.get("mitigations")):
        loc = ("mitigations", index, "addresses")
        problems += _known(source, loc, mitigation.get("addresses"), cause_ids, "cause")
    template_ids = {_id(template) for _, template in _entries(data.get("templates"))}
    for index, checklist in _entries(data.get("checklists")):
        problems += _check_checklist(source, ("checklists", index), checklist)
        for phase, position, item in _checklist_items(checklist):
            loc = ("checklists", index, phase, position, "templates")
            problems += _known(source, loc, item.get("templates"), template_ids, "template")
    if catalog is not None:
        problems += _check_catalog_refs(data, catalog, source)
    return problems


def uncovered_causes(playbook: Playbook) -> list[str]:
    """Causes no mitigation addresses: worth a warning, since readers get no advice for them."""
    addressed = {cause for mitigation in playbook.mitigations for cause in mitigation.addresses}
    return [cause.id for cause in playbook.causes if cause.id not in addressed]


def _check_catalog_refs(
    data: Mapping[str, Any], catalog: CatalogIds, source: SourceMap
) -> list[Problem]:
    problems: list[Problem] = []
    section = data.get("section")
    if _is_slug(section) and section not in catalog.sections:
        message = _unknown("section", section, catalog.sections)
        problems.append(source.problem(("section",), message))
    problems += _known(source, ("incidents",), data.get("incidents"), catalog.incidents, "incident")
    loc: Loc
    for field in _PLAYBOOK_ENTITIES:
        for index, entry in _entries(data.get(field)):
            loc = (field, index, "sources")
            problems += _known(source, loc, entry.get("sources"), catalog.sources, "source")
    for field in ("faq", "templates"):
        for index, entry in _entries(data.get(field)):
            problems += _known_marketplaces(source, (field, index), entry, catalog)
    for index, cause in _entries(data.get("causes")):
        loc = ("causes", index, "incidents")
        problems += _known(source, loc, cause.get("incidents"), catalog.incidents, "incident")
    for index, checklist in _entries(data.get("checklists")):
        for phase, position, item in _checklist_items(checklist):
            loc = ("checklists", index, phase, position)
            refs = item.get("sources")
            problems += _known(source, (*loc, "sources"), refs, catalog.sources, "source")
            problems += _known_marketplaces(source, loc, item, catalog)
    return problems


def _known_marketplaces(
    source: SourceMap, loc: Loc, entry: Mapping[str, Any], catalog: CatalogIds
) -> list[Problem]:
    """A step, answer or message names only marketplaces the catalog knows."""
    refs = entry.get("marketplaces")
    return _known(source, (*loc, "marketplaces"), refs, catalog.marketplaces, "marketplace")


def _check_checklist(source: SourceMap, loc: Loc, checklist: Mapping[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    checklist_id = _id(checklist)
    if not any(_entries(checklist.get(phase)) for phase in PHASES):
        problems.append(
            source.problem(
                loc,
                f"checklist '{checklist_id}' has no items; add some under before, during or after",
            )
        )
    elif layout.checklist_takes_playbook_page(checklist_id):
        problems.append(
            source.problem(
                (*loc, "id"),
                f"checklist id '{checklist_id}' would take the address of the playbook's own "
                "page; choose another id",
            )
        )
    problems += _unique_ids(source, [((*loc, phase), checklist.get(phase)) for phase in PHASES])
    live = {_id(item) for _, _, item in _checklist_items(checklist)}
    former: dict[str, str | None] = {}
    for phase, index, item in _checklist_items(checklist):
        for position, old in _texts(item.get("renamed_from")):
            where = (*loc, phase, index, "renamed_from", position)
            if old in live:
                problems.append(
                    source.problem(
                        where, f"'{old}' is still the id of an item; renamed_from lists old ids"
                    )
                )
            elif old in former:
                problems.append(
                    source.problem(
                        where, f"'{old}' is already listed as a former id of '{former[old]}'"
                    )
                )
            former.setdefault(old, _id(item))
    for position, retired in _texts(checklist.get("retired")):
        if retired in live or retired in former:
            problems.append(
                source.problem(
                    (*loc, "retired", position),
                    f"'{retired}' is retired but still used as an item id or a former id",
                )
            )
    return problems


def _checklist_items(checklist: Mapping[str, Any]) -> Iterator[tuple[str, int, Mapping]]:
    for phase in PHASES:
        for index, item in _entries(checklist.get(phase)):
            yield phase, index, item


def _entries(value: Any) -> list[tuple[int, Mapping[str, Any]]]:
    """The mappings of a YAML list, with their positions; anything else the schema reports.
    (yamlsource makes every mapping a ``dict``: testing for ``dict`` rather than the
    ``Mapping`` ABC spares an ABC check per entry.)"""
    if not isinstance(value, list):
        return []
    return [(index, entry) for index, entry in enumerate(value) if isinstance(entry, dict)]


def _texts(value: Any) -> list[tuple[int, str]]:
    """The well-formed ids of a YAML list, with their positions."""
    if not isinstance(value, list):
        return []
    return [(index, entry) for index, entry in enumerate(value) if _is_slug(entry)]


def _id(entry: Mapping[str, Any]) -> str | None:
    value = entry.get("id")
    return value if _is_slug(value) else None


def _is_slug(value: Any) -> TypeGuard[str]:
    """Only well-formed ids take part: the schema has already reported any other value."""
    return isinstance(value, str) and SLUG.fullmatch(value) is not None


def _unique_ids(source: SourceMap, groups: Iterable[tuple[Loc, Any]]) -> list[Problem]:
    """Ids must be unique across all ``groups``; the message names where the first one is."""
    first: dict[str, Loc] = {}
    problems = []
    for group_loc, items in groups:
        for index, item in _entries(items):
            item_id = _id(item)
            if item_id is None:
                continue
            item_loc = (*group_loc, index, "id")
            if item_id in first:
                line = source.position(first[item_id])[0]
                message = f"duplicate id '{item_id}' (first used at line {line})"
                problems.append(source.problem(item_loc, message))
            else:
                first[item_id] = item_loc
    return problems


def _known(
    source: SourceMap, loc: Loc, refs: Any, valid: Collection[str | None], kind: str
) -> list[Problem]:
    if not refs:  # most entries refer to nothing: spare building the list of their ids
        return []
    return [
        source.problem((*loc, index), _unknown(kind, ref, [v for v in valid if v is not None]))
        for index, ref in _texts(refs)
        if ref not in valid
    ]


def _unknown(kind: str, ref: str, valid: Iterable[str]) -> str:
    ordered = sorted(valid)
    close = difflib.get_close_matches(ref, ordered, n=3, cutoff=0.5)
    listed = close or ordered[:12]
    more = "" if close or len(ordered) <= 12 else f" (and {len(ordered) - 12} more)"
    label = "did you mean" if close else "valid ids"
    return f"unknown {kind} '{ref}'; {label}: {', '.join(listed) or 'none defined'}{more}"
