"""The JSON API: the content in machine-readable form, published under ``api/v1/``.

The JSON carries the validated model exactly as the pages use it, plus where each page is,
under a format version that changes only when a consumer would have to change too. It is
published next to the JSON Schemas committed in schema/, so consumers can validate it.
"""

from __future__ import annotations

import json
from typing import Any

from generator import layout
from generator.corpus import Corpus
from generator.model import Playbook
from generator.schema import CATALOG_SCHEMA, PLAYBOOK_SCHEMA, SCHEMAS

FORMAT_VERSION = 1
"""Bump on any change that could break a consumer (a field removed, renamed or retyped)."""
API_FOLDER = "api/v1"
PLAYBOOKS_JSON = f"{API_FOLDER}/playbooks.json"


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


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
