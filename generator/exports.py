"""Machine-readable and take-away copies of the content: the JSON API and checklist files.

The JSON carries the validated model exactly as the pages use it, plus where each page is,
under a format version that changes only when a consumer would have to change too. It is
published next to the JSON Schemas committed in schema/, so consumers can validate it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from generator import escaping, layout
from generator.corpus import Corpus
from generator.crossrefs import CrossRefs
from generator.model import PHASES, Checklist, Playbook
from generator.schema import CATALOG_SCHEMA, PLAYBOOK_SCHEMA, SCHEMAS

FORMAT_VERSION = 1
"""Bump on any change that could break a consumer (a field removed, renamed or retyped)."""
API_FOLDER = "api/v1"
PLAYBOOKS_JSON = f"{API_FOLDER}/playbooks.json"

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def api_files(corpus: Corpus) -> dict[str, str]:
    """Files to publish under the site root: ``{relative path: text}``."""
    files = {PLAYBOOKS_JSON: _json(playbooks_document(corpus))}
    for schema in SCHEMAS:  # the same text as the committed schema/ files
        files[f"{API_FOLDER}/{schema.file_name}"] = schema.render()
    return files


def playbooks_document(corpus: Corpus) -> dict[str, Any]:
    """The catalog and every playbook, each valid against its published schema, and where
    the site shows them (paths from the site root)."""
    return {
        "format_version": FORMAT_VERSION,
        "schemas": {"playbook": PLAYBOOK_SCHEMA.file_name, "catalog": CATALOG_SCHEMA.file_name},
        "catalog": corpus.catalog.model_dump(mode="json"),
        "playbooks": [playbook.model_dump(mode="json") for playbook in corpus.playbooks],
        "pages": {playbook.id: _pages(playbook) for playbook in corpus.playbooks},
    }


def _pages(playbook: Playbook) -> dict[str, Any]:
    return {
        "page": layout.site_url_path(layout.playbook_page(playbook)),
        "checklists": {
            checklist.id: {
                "page": layout.site_url_path(layout.checklist_page(playbook, checklist)),
                "markdown": f"{layout.OUTPUT_FOLDER}/"
                + layout.checklist_download(playbook, checklist),
            }
            for checklist in playbook.checklists
        },
    }


def checklist_markdown(playbook: Playbook, checklist: Checklist, refs: CrossRefs) -> str:
    """A checklist as a Markdown task list, to paste into notes, a ticket or a wiki."""
    lines = [
        f"# {_md(checklist.title)}",
        "",
        _md(checklist.summary),
        "",
        f"From the playbook “{_md(playbook.title)}” of Outage Resilience Playbooks "
        "(content licensed CC BY 4.0).",
    ]
    for phase, items in checklist.phases():
        lines += ["", f"## {PHASES[phase]}", ""]
        for item in items:
            lines.append(f"- [ ] {_md(item.text)}")
            if item.why:
                lines.append(f"  Why: {_md(item.why)}")
            for source_id in item.sources:
                source = refs.sources[source_id]
                lines.append(f"  Source: [{_md(source.title)}]({escaping.url(source.url)})")
            for template_id in item.templates:
                message = playbook.template(template_id)
                lines += ["", f"  Message to copy: {_md(message.title)}", ""]
                lines += [f"      {line}".rstrip() for line in message.body.strip().splitlines()]
                lines.append("")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Contributor text, made inert for a Markdown reader with readable backslash escapes."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
