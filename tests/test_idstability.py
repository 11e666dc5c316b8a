"""Readers' ticks survive pull requests: ids that vanish since the base are caught at their line.

Each test commits the minimal fixture to a fresh git repository, edits the working tree the
way a contributor would, and compares with the commit.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.idstability import BaseUnavailable, check_id_stability
from generator.problems import Problem
from tests.support import FIXTURES, git


def make_repo(repo: Path, project: Path) -> Path:
    """A git repository whose one commit holds the minimal project at ``project``."""
    project.mkdir(parents=True, exist_ok=True)
    (project / "mkdocs.yml").write_text("site_name: T\n", encoding="utf-8")
    shutil.copytree(FIXTURES / "minimal", project / "playbooks")
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", ".")
    git(repo, "commit", "--quiet", "-m", "base")
    return project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_repo(tmp_path, tmp_path)


def edit(project: Path, old: str, new: str, name: str = "minimal.yml") -> str:
    path = project / "playbooks" / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text.replace(old, new)


def check(project: Path) -> list[Problem]:
    return check_id_stability(project, project / "playbooks", "main")


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_no_change_no_problem(project):
    assert check(project) == []


def test_reordering_and_changing_phase_keeps_ticks(project):
    edit(
        project,
        "    before:\n      - id: first-step\n        text: Do the first thing.\n"
        "    during:\n      - id: second-step\n        text: Do the second thing.\n",
        "    during:\n      - id: second-step\n        text: Do the second thing, reworded.\n"
        "      - id: first-step\n        text: Do the first thing.\n",
    )
    assert check(project) == []


def test_a_renamed_item_is_an_error_at_the_new_id(project):
    text = edit(project, "id: first-step", "id: first-move")
    [problem] = check(project)
    assert problem.severity == "error"
    assert (problem.path, problem.line, problem.col) == (
        "playbooks/minimal.yml",
        line_of(text, "id: first-move"),
        13,
    )
    assert "looks like a rename of 'first-step' (at main)" in problem.message
    assert "add `renamed_from: [first-step]` to this item" in problem.message


def test_renamed_from_keeps_the_ticks(project):
    edit(project, "id: first-step", "id: first-move\n        renamed_from: [first-step]")
    assert check(project) == []


def test_a_removed_item_is_an_error_at_its_checklist(project):
    text = edit(project, "      - id: second-step\n        text: Do the second thing.\n", "")
    text = edit(project, "    during:\n", "")
    [problem] = check(project)
    assert problem.line == line_of(text, "- id: seller") and problem.col == 9
    assert problem.message.startswith(
        "item 'second-step' of checklist 'seller' was removed or renamed since main"
    )
    assert "add `retired: [second-step]` to this checklist" in problem.message


def test_retired_keeps_the_check_quiet(project):
    edit(project, "      - id: second-step\n        text: Do the second thing.\n", "")
    edit(project, "    during:\n", "    retired: [second-step]\n")
    assert check(project) == []


def test_a_removed_checklist_is_a_warning_for_reviewers(project):
    text = edit(project, "checklists:\n  - id: seller\n", "checklists:\n  - id: other\n")
    edit(project, "Do the first thing.", "Something else.")
    edit(project, "id: first-step", "id: unrelated")
    edit(project, "id: second-step", "id: unrelated-too")
    edit(project, "Do the second thing.", "Nothing alike.")
    [problem] = check(project)
    assert problem.severity == "warning"
    assert problem.line == line_of(text, "checklists:") and problem.col == 1
    assert problem.message == (
        "checklist 'seller' was removed since main; readers' ticks on its 2 items are lost"
    )


def test_a_renamed_checklist_is_named(project):
    text = edit(project, "  - id: seller\n", "  - id: sellers\n")
    [problem] = check(project)
    assert problem.severity == "warning"
    assert problem.line == line_of(text, "- id: sellers")
    assert "checklist id changed from 'seller' (at main) to 'sellers'" in problem.message


def test_a_deleted_playbook_is_a_warning(project):
    (project / "playbooks" / "minimal.yml").unlink()
    [problem] = check(project)
    assert (problem.path, problem.line, problem.severity) == (
        "playbooks/minimal.yml",
        0,
        "warning",
    )
    assert "playbook 'minimal' was removed since main" in problem.message


def test_a_renamed_playbook_is_named_at_its_new_id(project):
    old = project / "playbooks" / "minimal.yml"
    new = project / "playbooks" / "smallest.yml"
    new.write_text(
        old.read_text(encoding="utf-8").replace("id: minimal", "id: smallest"), encoding="utf-8"
    )
    old.unlink()
    [problem] = check(project)
    assert (problem.path, problem.line, problem.severity) == (
        "playbooks/smallest.yml",
        1,
        "warning",
    )
    assert "playbook id changed from 'minimal' (at main) to 'smallest'" in problem.message


def test_a_file_broken_now_is_left_to_the_validator(project):
    edit(project, "audiences: [sellers]", "audiences: [sellers")
    assert check(project) == []


def test_a_project_inside_a_larger_repository(tmp_path):
    project = make_repo(tmp_path, tmp_path / "site" / "content")
    edit(project, "id: first-step", "id: first-move")
    [problem] = check(project)
    assert problem.path == "playbooks/minimal.yml"


def test_an_unknown_ref_is_a_usage_error(project, capsys):
    with pytest.raises(BaseUnavailable, match="git knows no commit 'origin/nowhere'"):
        check_id_stability(project, project / "playbooks", "origin/nowhere")
    assert main(["--project", str(project), "validate", "--base", "origin/nowhere"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("playbooks: git knows no commit 'origin/nowhere'")
    assert "fetch-depth: 0" in error and "Traceback" not in error


def test_a_ref_that_git_would_read_as_an_option_is_refused(project, tmp_path):
    with pytest.raises(BaseUnavailable, match="is not a git ref"):
        check_id_stability(project, project / "playbooks", f"--output={tmp_path / 'x'}")
    assert not (tmp_path / "x").exists()


def test_outside_git_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "mkdocs.yml").write_text("site_name: T\n", encoding="utf-8")
    shutil.copytree(FIXTURES / "minimal", tmp_path / "playbooks")
    env_dir = os.environ.get("GIT_CEILING_DIRECTORIES")
    os.environ["GIT_CEILING_DIRECTORIES"] = str(tmp_path.parent)
    try:
        assert main(["--project", str(tmp_path), "validate", "--base", "main"]) == 2
    finally:
        if env_dir is None:
            os.environ.pop("GIT_CEILING_DIRECTORIES")
        else:
            os.environ["GIT_CEILING_DIRECTORIES"] = env_dir
    assert "cannot read the base from git: fatal: not a git repository" in capsys.readouterr().err


def test_validate_with_base_annotates_the_pull_request(project, capsys):
    text = edit(project, "id: first-step", "id: first-move")
    assert (
        main(["--project", str(project), "validate", "--format", "github", "--base", "main"]) == 1
    )
    line = line_of(text, "id: first-move")
    err = capsys.readouterr().err
    assert f"::error file=playbooks/minimal.yml,line={line},col=13::item id 'first-move'" in err
    edit(project, "id: first-move", "id: first-move\n        renamed_from: [first-step]")
    assert main(["--project", str(project), "validate", "--base", "main"]) == 0
    assert "1 playbooks valid; ids stable since main" in capsys.readouterr().out
