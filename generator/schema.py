"""The JSON Schemas that editors use, exported from the pydantic models.

The models in :mod:`generator.model` are the source of truth; these files only let an editor
(anything using yaml-language-server) complete and check fields as a contributor types.
yaml-language-server implements JSON Schema draft-07, so the export speaks draft-07:
definitions live under ``definitions`` and the schema says which draft it is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema

from generator.corpus import CATALOG_FILE
from generator.model import (
    AUDIENCES,
    CAUSE_KINDS,
    LEVELS,
    MITIGATION_KINDS,
    SOURCE_KINDS,
    STAKEHOLDERS,
    Catalog,
    Playbook,
)
from generator.problems import Problem

SCHEMA_FOLDER = "schema"
DRAFT_07 = "http://json-schema.org/draft-07/schema#"
_LABELS = (CAUSE_KINDS, STAKEHOLDERS, MITIGATION_KINDS, AUDIENCES, LEVELS, SOURCE_KINDS)
"""Label dictionaries whose keys are enum values: shown by editors when hovering a value."""


@dataclass(frozen=True)
class EditorSchema:
    """One committed schema file and the model it is exported from."""

    file_name: str
    model: type[BaseModel]

    def modeline(self) -> str:
        """The first line of every YAML file it governs (files live one folder below root)."""
        return f"# yaml-language-server: $schema=../{SCHEMA_FOLDER}/{self.file_name}"

    def render(self) -> str:
        """The schema as committed: stable key order, two-space indent, final newline."""
        schema = self.model.model_json_schema(
            ref_template="#/definitions/{model}", schema_generator=_Draft07
        )
        return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


PLAYBOOK_SCHEMA = EditorSchema("playbook.schema.json", Playbook)
CATALOG_SCHEMA = EditorSchema("catalog.schema.json", Catalog)
SCHEMAS = (PLAYBOOK_SCHEMA, CATALOG_SCHEMA)


def write_schemas(root: Path) -> list[Path]:
    """Rewrite the committed schemas that differ from the models; returns those written."""
    folder = root / SCHEMA_FOLDER
    folder.mkdir(exist_ok=True)
    written = []
    for schema in SCHEMAS:
        path = folder / schema.file_name
        text = schema.render()
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def stale_schemas(root: Path) -> list[str]:
    """File names of committed schemas that no longer match the models (or are missing)."""
    stale = []
    for schema in SCHEMAS:
        path = root / SCHEMA_FOLDER / schema.file_name
        if not path.is_file() or path.read_text(encoding="utf-8") != schema.render():
            stale.append(schema.file_name)
    return stale


def schema_for(file_name: str) -> EditorSchema:
    """The catalog has its own schema; every other YAML file is a playbook."""
    return CATALOG_SCHEMA if file_name == CATALOG_FILE else PLAYBOOK_SCHEMA


def modeline_problem(path: Path, display: str) -> Problem | None:
    """A warning when a YAML file does not start with its schema modeline, else None."""
    expected = schema_for(path.name).modeline()
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as file:
            first = file.readline().rstrip("\r\n")
    except OSError:
        return None  # unreadable files are reported by the loader
    if first == expected:
        return None
    return Problem(
        display,
        1,
        1,
        f"the first line should be `{expected}` so that editors check this file as you type",
        "warning",
    )


class _Draft07(GenerateJsonSchema):
    """Pydantic's generator, adjusted to what yaml-language-server reads."""

    def generate(self, schema: Any, mode: Any = "validation") -> dict[str, Any]:
        result = super().generate(schema, mode=mode)
        if "$defs" in result:
            result["definitions"] = result.pop("$defs")
        _describe_enums(result)
        return {"$schema": DRAFT_07, **result}


def _describe_enums(node: Any) -> None:
    """Give every enum its labels as ``enumDescriptions``, which editors show on hover."""
    if isinstance(node, dict):
        values = node.get("enum")
        for labels in _LABELS:
            if values == list(labels):
                node["enumDescriptions"] = list(labels.values())
        for child in node.values():
            _describe_enums(child)
    elif isinstance(node, list):
        for child in node:
            _describe_enums(child)
