"""Rules that span entities: unique ids, and every reference by id pointing at something real."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from generator.model import Catalog, Checklist, Playbook
from generator.problems import Problem
from generator.yamlsource import Loc, SourceMap


def check_catalog(catalog: Catalog, source: SourceMap) -> list[Problem]:
    """Catalog ids are unique per kind and incidents cite known sources."""
    problems = [
        *_unique_ids(source, [(("sections",), catalog.sections)]),
        *_unique_ids(source, [(("sources",), catalog.sources)]),
        *_unique_ids(source, [(("incidents",), catalog.incidents)]),
    ]
    source_ids = {entry.id for entry in catalog.sources}
    for index, incident in enumerate(catalog.incidents):
        problems += _known(
            source, ("incidents", index, "sources"), incident.sources, source_ids, "source"
        )
    return problems


def check_playbook(
    playbook: Playbook, catalog: Catalog, source: SourceMap, file_stem: str
) -> list[Problem]:
    """Everything a playbook refers to exists, and its ids are unique where they must be."""
    problems: list[Problem] = []
    if playbook.id != file_stem:
        problems.append(
            source.problem(
                ("id",), f"id '{playbook.id}' must match the file name '{file_stem}.yml'"
            )
        )
    section_ids = {section.id for section in catalog.sections}
    if playbook.section not in section_ids:
        problems.append(
            source.problem(("section",), _unknown("section", playbook.section, section_ids))
        )
    entities: list[tuple[str, Sequence]] = [
        ("causes", playbook.causes),
        ("impacts", playbook.impacts),
        ("mitigations", playbook.mitigations),
        ("checklists", playbook.checklists),
        ("faq", playbook.faq),
        ("templates", playbook.templates),
    ]
    problems += _unique_ids(source, [((field,), items) for field, items in entities])
    source_ids = {entry.id for entry in catalog.sources}
    incident_ids = {entry.id for entry in catalog.incidents}
    cause_ids = {cause.id for cause in playbook.causes}
    problems += _known(source, ("incidents",), playbook.incidents, incident_ids, "incident")
    for field, items in entities:
        for index, item in enumerate(items):
            if hasattr(item, "sources"):
                problems += _known(
                    source, (field, index, "sources"), item.sources, source_ids, "source"
                )
    for index, cause in enumerate(playbook.causes):
        problems += _known(
            source, ("causes", index, "incidents"), cause.incidents, incident_ids, "incident"
        )
    for index, mitigation in enumerate(playbook.mitigations):
        problems += _known(
            source, ("mitigations", index, "addresses"), mitigation.addresses, cause_ids, "cause"
        )
    for index, checklist in enumerate(playbook.checklists):
        problems += _check_checklist(source, ("checklists", index), checklist, source_ids)
    return problems


def uncovered_causes(playbook: Playbook) -> list[str]:
    """Causes no mitigation addresses: worth a warning, since readers get no advice for them."""
    addressed = {cause for mitigation in playbook.mitigations for cause in mitigation.addresses}
    return [cause.id for cause in playbook.causes if cause.id not in addressed]


def _check_checklist(
    source: SourceMap, loc: Loc, checklist: Checklist, source_ids: set[str]
) -> list[Problem]:
    problems: list[Problem] = []
    phases = checklist.phases()
    if not phases:
        problems.append(
            source.problem(
                loc,
                f"checklist '{checklist.id}' has no items; add some under before, during or after",
            )
        )
    problems += _unique_ids(source, [((*loc, name), items) for name, items in phases])
    live = {item.id for item in checklist.items()}
    former: dict[str, str] = {}
    for name, items in phases:
        for index, item in enumerate(items):
            item_loc = (*loc, name, index)
            problems += _known(source, (*item_loc, "sources"), item.sources, source_ids, "source")
            for position, old in enumerate(item.renamed_from):
                where = (*item_loc, "renamed_from", position)
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
                former.setdefault(old, item.id)
    for position, retired in enumerate(checklist.retired):
        if retired in live or retired in former:
            problems.append(
                source.problem(
                    (*loc, "retired", position),
                    f"'{retired}' is retired but still used as an item id or a former id",
                )
            )
    return problems


def _unique_ids(source: SourceMap, groups: Iterable[tuple[Loc, Sequence]]) -> list[Problem]:
    """Ids must be unique across all ``groups``; the message names where the first one is."""
    first: dict[str, Loc] = {}
    problems = []
    for group_loc, items in groups:
        for index, item in enumerate(items):
            item_loc = (*group_loc, index, "id")
            if item.id in first:
                line = source.position(first[item.id])[0]
                problems.append(
                    source.problem(
                        item_loc, f"duplicate id '{item.id}' (first used at line {line})"
                    )
                )
            else:
                first[item.id] = item_loc
    return problems


def _known(
    source: SourceMap, loc: Loc, refs: Sequence[str], valid: set[str], kind: str
) -> list[Problem]:
    return [
        source.problem((*loc, index), _unknown(kind, ref, valid))
        for index, ref in enumerate(refs)
        if ref not in valid
    ]


def _unknown(kind: str, ref: str, valid: set[str]) -> str:
    close = difflib.get_close_matches(ref, sorted(valid), n=3, cutoff=0.5)
    listed = close or sorted(valid)[:12]
    more = "" if close or len(valid) <= 12 else f" (and {len(valid) - 12} more)"
    label = "did you mean" if close else "valid ids"
    return f"unknown {kind} '{ref}'; {label}: {', '.join(listed) or 'none defined'}{more}"
