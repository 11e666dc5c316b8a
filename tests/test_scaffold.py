"""`playbooks new`: a file that validates at once, shows every field, and never overwrites."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from generator.cli import main
from generator.model import Catalog, Playbook
from generator.scaffold import scaffold_problems, scaffold_text
from generator.schema import PLAYBOOK_SCHEMA
from generator.yamlsource import parse_yaml
from tests.modelwalk import all_models, nested_model
from tests.support import FIXTURES


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "mkdocs.yml").write_text("site_name: T\n", encoding="utf-8")
    shutil.copytree(FIXTURES / "minimal", tmp_path / "playbooks")
    return tmp_path


def run(project: Path, *args: str) -> int:
    return main(["--project", str(project), *args])


def test_new_then_validate_passes(project, capsys):
    assert run(project, "new", "payment-provider-outage") == 0
    created = project / "playbooks" / "payment-provider-outage.yml"
    assert "created playbooks/payment-provider-outage.yml" in capsys.readouterr().out
    text = created.read_text(encoding="utf-8")
    assert text.splitlines()[0] == PLAYBOOK_SCHEMA.modeline()
    assert "id: payment-provider-outage\n" in text and "section: basics\n" in text
    assert run(project, "validate") == 0
    output = capsys.readouterr()
    assert "2 playbooks valid" in output.out
    errors = [line for line in output.err.splitlines() if ": error: " in line]
    assert errors == []
    placeholders = [line for line in output.err.splitlines() if "placeholder 'TODO'" in line]
    assert placeholders and all(
        line.startswith("playbooks/payment-provider-outage.yml:") for line in placeholders
    )


def test_new_with_section_and_a_title_that_needs_quoting(project):
    catalog = project / "playbooks" / "_catalog.yml"
    catalog.write_text(
        catalog.read_text(encoding="utf-8").replace(
            "sections:\n",
            "sections:\n  - id: extra\n    title: Extra\n    summary: Another section.\n",
        ),
        encoding="utf-8",
    )
    title = 'Payments: "down" # not a comment, ünïcode'
    assert run(project, "new", "payments", "--section", "basics", "--title", title) == 0
    document, problems = parse_yaml((project / "playbooks" / "payments.yml").read_bytes(), "p")
    assert problems == [] and document is not None
    assert document.data["title"] == title
    assert document.data["section"] == "basics"
    assert run(project, "validate") == 0


def _fields_never_shown(model: type[BaseModel], data: dict[str, Any]) -> list[str]:
    """``Model.field`` for every field that no entry of that model in ``data`` uses."""
    entries: dict[type[BaseModel], list[dict[str, Any]]] = {model: [data]}
    for current in all_models(model):  # parents before children, so entries are complete
        for name, field in current.model_fields.items():
            nested = nested_model(field.annotation)
            if nested is not None:
                found = [
                    item for entry in entries.get(current, []) for item in entry.get(name) or []
                ]
                entries.setdefault(nested, []).extend(found)
    return [
        f"{kind.__name__}.{name}"
        for kind, seen in entries.items()
        for name in kind.model_fields
        if not any(name in entry for entry in seen)
    ]


def _example_catalog() -> Catalog:
    """A catalog holding the ids that the scaffold's examples cite."""
    return Catalog.model_validate(
        {
            "sections": [{"id": "basics", "title": "B", "summary": "S."}],
            "sources": [
                {
                    "id": "some-source",
                    "title": "S",
                    "publisher": "P",
                    "url": "https://e.org",
                    "checked": "2026-11-01",
                }
            ],
            "incidents": [
                {
                    "id": "some-incident",
                    "date": "2021-12-07",
                    "title": "I",
                    "provider": "P",
                    "duration": "D",
                    "cause_kind": "capacity",
                    "cause": "C.",
                    "hit": "H.",
                    "sources": ["some-source"],
                }
            ],
            "marketplaces": [{"id": "amazon", "title": "Amazon"}],
        }
    )


def test_every_field_has_an_example_and_every_example_is_valid():
    text = scaffold_text("new-one", "New one", "basics", ["basics"], examples=True)
    assert scaffold_problems(text, "playbooks/new-one.yml", _example_catalog()) == []
    document, _ = parse_yaml(text.encode(), "p")
    assert document is not None
    assert _fields_never_shown(Playbook, document.data) == []


def test_optional_examples_are_commented_out():
    plain = scaffold_text("new-one", "New one", "basics", ["basics"])
    examples = scaffold_text("new-one", "New one", "basics", ["basics"], examples=True)
    assert "#?" not in plain and "#?" not in examples
    changed = [
        (a, b) for a, b in zip(plain.splitlines(), examples.splitlines(), strict=True) if a != b
    ]
    assert changed, "there are optional examples"
    for commented, live in changed:
        assert commented.lstrip().startswith("# ") and commented.replace("# ", "", 1) == live
    document, _ = parse_yaml(plain.encode(), "p")
    assert document is not None
    assert not {"faq", "templates", "incidents", "signs"} & set(document.data)


def test_an_existing_playbook_is_never_overwritten(project, capsys):
    existing = project / "playbooks" / "minimal.yml"
    before = existing.read_bytes()
    assert run(project, "new", "minimal") == 2
    assert "minimal.yml already exists" in capsys.readouterr().err
    assert existing.read_bytes() == before


@pytest.mark.parametrize(
    "bad_id", ["../escape", "Upper-Case", "two--hyphens", "_catalog", "with space", "a" * 65, ""]
)
def test_ids_that_are_not_slugs_are_refused(project, capsys, bad_id):
    before = sorted(path.name for path in project.rglob("*"))
    assert run(project, "new", bad_id) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"playbooks: cannot use {bad_id!r} as the id: ")
    assert len(error.splitlines()) == 1
    assert sorted(path.name for path in project.rglob("*")) == before


def test_unknown_section_lists_the_valid_ones(project, capsys):
    assert run(project, "new", "fine-id", "--section", "nowhere") == 2
    assert "unknown section 'nowhere'; choose one of basics" in capsys.readouterr().err
    assert not (project / "playbooks" / "fine-id.yml").exists()


def test_a_title_the_model_refuses_is_refused_up_front(project, capsys):
    assert run(project, "new", "fine-id", "--title", "A <b> title") == 2
    assert "cannot use 'A <b> title' as the title: titles cannot contain" in (
        capsys.readouterr().err
    )
    assert not (project / "playbooks" / "fine-id.yml").exists()


def test_a_broken_catalog_stops_the_scaffold(project, capsys):
    (project / "playbooks" / "_catalog.yml").write_text("sections: [\n", encoding="utf-8")
    assert run(project, "new", "fine-id") == 1
    error = capsys.readouterr().err
    assert "playbooks/_catalog.yml:2:1: error: YAML syntax error" in error
    assert "no playbook was created" in error
    assert not (project / "playbooks" / "fine-id.yml").exists()
