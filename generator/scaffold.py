"""``playbooks new``: a playbook file that validates from the first save.

The file carries the schema modeline, the required fields with placeholder text, and a
commented example of every optional field, so a contributor learns the format by filling it
in. Lines written as ``#? `` in the template are optional examples: commented out in the file,
and switched on by :func:`scaffold_text` ``(examples=True)`` so a test can prove that they are
valid too.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from string import Template
from typing import Any

from pydantic import TypeAdapter, ValidationError

from generator.errors import UsageError
from generator.id_checks import CatalogIds, check_playbook
from generator.model import (
    AUDIENCES,
    CAUSE_KINDS,
    MITIGATION_KINDS,
    STAKEHOLDERS,
    Catalog,
    Playbook,
    Slug,
    Title,
)
from generator.problems import Problem, format_problems, has_errors
from generator.schema import PLAYBOOK_SCHEMA
from generator.validation import validate_model
from generator.yamlsource import parse_yaml

PLACEHOLDER = "TODO"
_PLACEHOLDER = re.compile(rf"\b{PLACEHOLDER}\b")
_EXAMPLE = re.compile(r"^(\s*)#\? ?", re.MULTILINE)

_TEMPLATE = Template("""\
$modeline
# A new playbook. Replace every TODO, delete the hints you no longer need, and run
# `playbooks validate` (or `make serve`, which shows the page as you save).
# Lines starting with "# " below are optional examples: uncomment the ones you use.
# Every fact needs a source: add it under `sources:` in playbooks/_catalog.yml, then cite
# its id here with `sources: [its-id]`. CONTRIBUTING.md explains every field.

# The id is the file name and part of every link to this page: it cannot change later.
id: $id
title: $title
# The navigation section, one of: $sections
section: $section
# The day you last checked every fact here against its source; update it when you do again.
reviewed: $today
# One line for lists and search results.
summary: $todo say in one sentence what fails and what this playbook helps readers do.
# Who it is for: $audiences
audiences: [sellers]
# A few short paragraphs. Markdown works: *emphasis*, lists, [links](https://example.org).
overview: |
  $todo explain the situation in plain words, for a reader who is stressed and short of time.

# What readers notice while it happens.
#? signs:
#?   - $todo a symptom readers can see, such as pages that load but cannot save.

# Why it happens. likelihood and impact: low, medium or high. kind, one of:
# $cause_kinds
causes:
  - id: todo-cause
    title: $todo name the cause
    kind: dependency
    likelihood: medium
    impact: high
    summary: $todo explain how this leads to the outage.
    #? sources: [some-source]
    #? incidents: [some-incident]

# Who gets hurt, and how. stakeholder, one of:
# $stakeholders
impacts:
  - id: todo-impact
    stakeholder: sellers
    title: $todo name the harm
    summary: $todo say what this group loses, and for how long.
    #? sources: [some-source]

# What helps. addresses: ids of the causes above that this measure helps against. kind:
# $mitigation_kinds
mitigations:
  - id: todo-mitigation
    kind: preparation
    title: $todo name the measure
    summary: $todo say what to do and why it helps.
    addresses: [todo-cause]
    #? sources: [some-source]

# Checklists that readers tick off, in phases: before, during and after.
# Readers' ticks are saved under the item ids: once published, rename an item only with
# `renamed_from: [old-id]`, and list removed ones under the checklist's `retired:`.
checklists:
  - id: todo-checklist
    title: $todo name the checklist
    audience: sellers
    summary: $todo say when to use it.
    before:
      - id: todo-prepare
        text: $todo one thing to do before an outage.
        #? why: $todo why it matters, in one line.
        #? sources: [some-source]
    during:
      - id: todo-respond
        text: $todo one thing to do while it is down.
        #? templates: [todo-message]
        #? fulfilment: fba
        #? marketplaces: [amazon]
        #? when: now
    #? after:
    #?   - id: todo-recover
    #?     text: $todo one thing to do once it is over.
    #?     renamed_from: [old-item-id]
    #? retired: [removed-item-id]

# Questions readers ask, answered briefly.
#? faq:
#?   - id: todo-question
#?     question: $todo a question readers ask?
#?     answer: $todo a short answer.
#?     sources: [some-source]
#?     marketplaces: [amazon]

# Messages readers can copy, adapt and send.
#? templates:
#?   - id: todo-message
#?     title: $todo name the message
#?     use_when: $todo when to send it.
#?     body: |
#?       $todo the message, with NAME and DATE for the reader to fill in.
#?     marketplaces: [amazon]

# Real outages of this kind, by their id in playbooks/_catalog.yml. Never invent one.
#? incidents: [some-incident]
""")


class ScaffoldRefused(UsageError):
    """The playbook cannot be created as asked; the message says why and what to do."""


def new_playbook(
    playbooks_dir: Path,
    playbook_id: str,
    catalog: Catalog,
    *,
    section: str | None = None,
    title: str | None = None,
) -> Path:
    """Write ``playbooks_dir/<id>.yml``; never overwrites, never writes an invalid file."""
    _check(Slug, playbook_id, "id")
    if title is not None:
        _check(Title, title, "title")
    path = playbooks_dir / f"{playbook_id}.yml"
    if path.exists():
        raise ScaffoldRefused(f"{path.name} already exists; choose another id or edit that file")
    section_ids = [entry.id for entry in catalog.sections]
    section = section or section_ids[0]
    if section not in section_ids:
        raise ScaffoldRefused(
            f"unknown section '{section}'; choose one of {', '.join(section_ids)}"
        )
    text = scaffold_text(playbook_id, title or _title_from(playbook_id), section, section_ids)
    problems = scaffold_problems(text, f"{playbooks_dir.name}/{path.name}", catalog)
    if has_errors(problems):
        raise ScaffoldRefused("the new playbook would not validate:\n" + format_problems(problems))
    try:
        with path.open("x", encoding="utf-8") as file:  # "x": fail rather than overwrite
            file.write(text)
    except FileExistsError as error:
        raise ScaffoldRefused(f"{path.name} already exists; choose another id") from error
    return path


def scaffold_text(
    playbook_id: str,
    title: str,
    section: str,
    sections: list[str],
    *,
    examples: bool = False,
) -> str:
    """The new file's text; with ``examples``, every optional example is switched on."""
    text = _TEMPLATE.substitute(
        modeline=PLAYBOOK_SCHEMA.modeline(),
        id=playbook_id,
        title=_yaml_string(title),
        section=section,
        sections=", ".join(sections),
        today=date.today().isoformat(),
        todo=PLACEHOLDER,
        audiences=", ".join(AUDIENCES),
        cause_kinds=", ".join(CAUSE_KINDS),
        stakeholders=", ".join(STAKEHOLDERS),
        mitigation_kinds=", ".join(MITIGATION_KINDS),
    )
    return _EXAMPLE.sub(r"\1" if examples else r"\1# ", text)


def scaffold_problems(text: str, display: str, catalog: Catalog) -> list[Problem]:
    """Every problem the validator would report for ``text`` saved as ``display``."""
    document, problems = parse_yaml(text.encode("utf-8"), display)
    if document is None:
        return problems
    _, model_problems = validate_model(Playbook, document.data, document.source)
    stem = Path(display).stem
    references = check_playbook(document.data, CatalogIds.of(catalog), document.source, stem)
    return problems + model_problems + references


def placeholder_problems(path: Path, display: str) -> list[Problem]:
    """Warnings for placeholder text that ``playbooks new`` left and nobody replaced yet."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return []  # the loader reports unreadable files
    return [
        Problem(
            display,
            number,
            match.start() + 1,
            f"placeholder '{PLACEHOLDER}' left from `playbooks new`; write the real text",
            "warning",
        )
        for number, line in enumerate(lines, 1)
        if not line.lstrip().startswith("#")
        for match in [_PLACEHOLDER.search(line)]
        if match
    ]


def _check(kind: Any, value: str, name: str) -> None:
    """The model's own rule for ``value``, refused up front with the model's own words."""
    try:
        TypeAdapter(kind).validate_python(value)
    except ValidationError as error:
        reason = str(error.errors()[0]["msg"]).removeprefix("Value error, ")
        raise ScaffoldRefused(f"cannot use {value!r} as the {name}: {reason}") from None


def _title_from(playbook_id: str) -> str:
    """``payment-provider-outage`` → ``Payment provider outage``: a start, not a final title."""
    return playbook_id.replace("-", " ").capitalize()


def _yaml_string(text: str) -> str:
    """A YAML double-quoted scalar; JSON's escaping is a subset of YAML's."""
    return json.dumps(text, ensure_ascii=False)
