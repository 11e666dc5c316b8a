"""The editors' JSON Schemas: exported from the models, current, and true to every real file.

Editors read YAML the way yaml-language-server does (YAML 1.2): an unquoted 2021-12-07 or
`yes` stays text. The files are loaded that way here, so the schema is checked against what
a contributor's editor sees, not against what PyYAML makes of it.
"""

from __future__ import annotations

import json
import re
import shutil
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from generator.cli import main
from generator.corpus import CATALOG_FILE
from generator.schema import CATALOG_SCHEMA, PLAYBOOK_SCHEMA, SCHEMAS, schema_for
from tests.support import FIXTURES, REPO

YAML_FILES = sorted((REPO / "playbooks").glob("*.yml"))
_TEXT_IN_YAML_12 = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool"}


class EditorView(yaml.SafeLoader):
    """YAML 1.2 core schema, as yaml-language-server reads it: dates and yes/no stay text."""


EditorView.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _TEXT_IN_YAML_12]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
EditorView.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def editor_errors(text: str, schema_text: str) -> list[str]:
    """What an editor would underline in ``text``: schema errors, as dotted paths."""
    validator = Draft7Validator(
        json.loads(schema_text), format_checker=Draft7Validator.FORMAT_CHECKER
    )
    data: Any = yaml.load(text, Loader=EditorView)  # a SafeLoader subclass: safe
    return [
        f"{'.'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(data)
    ]


def committed(schema_name: str) -> str:
    return (REPO / "schema" / schema_name).read_text(encoding="utf-8")


def test_committed_schemas_match_the_models():
    for schema in SCHEMAS:
        assert committed(schema.file_name) == schema.render(), (
            f"schema/{schema.file_name} is stale: run `playbooks schema` and commit it"
        )


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda schema: schema.file_name)
def test_schemas_are_valid_draft_07(schema):
    document = json.loads(committed(schema.file_name))
    Draft7Validator.check_schema(document)
    assert document["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "$defs" not in json.dumps(document), "draft-07 editors resolve only #/definitions"


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda path: path.name)
def test_every_yaml_file_starts_with_its_modeline(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == schema_for(path.name).modeline()
    target = first.split("$schema=", 1)[1]
    assert (path.parent / target).resolve() == REPO / "schema" / schema_for(path.name).file_name


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda path: path.name)
def test_every_yaml_file_validates_against_its_schema(path):
    schema = schema_for(path.name)
    assert editor_errors(path.read_text(encoding="utf-8"), committed(schema.file_name)) == []


def test_real_files_exist_for_both_schemas():
    names = {path.name for path in YAML_FILES}
    assert CATALOG_FILE in names and len(names) >= 2


def test_dates_are_text_with_a_date_format():
    catalog = (FIXTURES / "minimal" / CATALOG_FILE).read_text(encoding="utf-8")
    assert "date: 2021-12-07" in catalog  # unquoted: PyYAML makes a date, editors a string
    schema = committed(CATALOG_SCHEMA.file_name)
    assert editor_errors(catalog, schema) == []
    [error] = editor_errors(catalog.replace("2021-12-07", "2021-13-45"), schema)
    assert error.startswith("incidents.0.date:") and "is not a 'date'" in error


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        ("    likelihood: low", "    likelyhood: low", "causes.0"),
        ("audiences: [sellers]", "audiences: sellers", "audiences"),
        ("kind: redundancy", "kind: hope", "mitigations.0.kind"),
        ("id: first-step", "id: First Step", "checklists.0.before.0.id"),
    ],
)
def test_the_schema_underlines_what_the_validator_rejects(old, new, path):
    minimal = (FIXTURES / "minimal" / "minimal.yml").read_text(encoding="utf-8")
    schema = committed(PLAYBOOK_SCHEMA.file_name)
    assert editor_errors(minimal, schema) == []
    errors = editor_errors(minimal.replace(old, new), schema)
    assert [error for error in errors if error.startswith(f"{path}:")], errors


def test_enum_values_carry_their_labels_for_hovers():
    schema = json.loads(committed(PLAYBOOK_SCHEMA.file_name))
    kind = schema["definitions"]["Cause"]["properties"]["kind"]
    assert len(kind["enumDescriptions"]) == len(kind["enum"])
    assert kind["enumDescriptions"][kind["enum"].index("attack")] == "Attacks, including DDoS"


def test_schema_command_rewrites_stale_files(tmp_path, capsys):
    (tmp_path / "mkdocs.yml").write_text("site_name: T\n", encoding="utf-8")
    shutil.copytree(FIXTURES / "minimal", tmp_path / "playbooks")
    shutil.copytree(REPO / "schema", tmp_path / "schema")
    project = ["--project", str(tmp_path)]
    assert main([*project, "schema", "--check"]) == 0
    stale = tmp_path / "schema" / PLAYBOOK_SCHEMA.file_name
    stale.write_text("{}\n", encoding="utf-8")
    assert main([*project, "schema", "--check"]) == 1
    assert "playbook.schema.json; run `playbooks schema`" in capsys.readouterr().err
    assert stale.read_text(encoding="utf-8") == "{}\n", "--check never writes"
    assert main([*project, "schema"]) == 0
    assert stale.read_text(encoding="utf-8") == PLAYBOOK_SCHEMA.render()
    assert main([*project, "schema", "--check"]) == 0


def test_validate_warns_about_a_missing_modeline(tmp_path, capsys):
    (tmp_path / "mkdocs.yml").write_text("site_name: T\n", encoding="utf-8")
    shutil.copytree(FIXTURES / "minimal", tmp_path / "playbooks")
    minimal = tmp_path / "playbooks" / "minimal.yml"
    minimal.write_text(
        PLAYBOOK_SCHEMA.modeline() + "\n" + minimal.read_text(encoding="utf-8"), encoding="utf-8"
    )
    assert main(["--project", str(tmp_path), "validate", "--format", "github"]) == 0
    warnings = capsys.readouterr().err.splitlines()
    assert warnings == [
        "::warning file=playbooks/_catalog.yml,line=1,col=1::the first line should be "
        f"`{CATALOG_SCHEMA.modeline()}` so that editors check this file as you type"
    ]


def test_editor_view_reads_like_yaml_1_2():
    data = yaml.load("a: 2021-12-07\nb: yes\nc: true\nd: 3\n", Loader=EditorView)
    assert data == {"a": "2021-12-07", "b": "yes", "c": True, "d": 3}
