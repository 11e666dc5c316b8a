"""Every kind of mistake is reported at its line, all in one run, as text and as annotations.

tests/fixtures/broken/ holds one broken playbook per kind of mistake (its second line says
which) and expected.txt, the exact output of `playbooks validate` over that folder. After an
intended change of wording, regenerate it and review the diff:

    mkdir -p /tmp/b/playbooks && cp tests/fixtures/broken/*.yml /tmp/b/playbooks/ &&
    echo "site_name: b" > /tmp/b/mkdocs.yml && .venv/bin/playbooks --project /tmp/b validate \
      2>&1 | grep -v "^playbooks: " > tests/fixtures/broken/expected.txt
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from tests.support import FIXTURES

BROKEN = FIXTURES / "broken"
EXPECTED = (BROKEN / "expected.txt").read_text(encoding="utf-8").splitlines()
CASES = sorted(path.name for path in BROKEN.glob("*.yml") if path.name != "_catalog.yml")
_TEXT_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): error: (?P<message>.*)$")

# What the issue promises, each with the fixture that shows it and words the message must say.
PROMISED = [
    ("syntax-error.yml", 8, 9, "YAML syntax error"),
    ("tab-indent.yml", 13, 1, "indent with spaces, not tabs"),
    ("misspelt-key.yml", 13, 5, "did you mean 'likelihood'?"),
    ("unknown-key.yml", 9, 1, "allowed keys: id, title"),
    ("wrong-type.yml", 7, 12, "expected a list"),
    ("missing-field.yml", 9, 5, "missing required key 'kind'"),
    ("duplicate-id.yml", 37, 13, "first used at line 34"),
    ("dangling-reference.yml", 27, 26, "unknown cause 'a-cuase'; did you mean: a-cause"),
    ("dangling-reference.yml", 5, 10, "valid ids: basics"),
    ("duplicate-key.yml", 22, 5, "duplicate key 'summary' (first defined at line 21)"),
]


@pytest.fixture
def broken_project(tmp_path: Path) -> Path:
    """A project whose playbooks are the broken fixtures and their (valid) catalog."""
    (tmp_path / "mkdocs.yml").write_text("site_name: Broken\n", encoding="utf-8")
    shutil.copytree(BROKEN, tmp_path / "playbooks", ignore=shutil.ignore_patterns("*.txt"))
    return tmp_path


def validate(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[str]:
    assert main(["--project", str(project), "validate", *args]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return captured.err.splitlines()


def test_every_problem_in_one_run_exactly_as_expected(broken_project, capsys):
    lines = validate(broken_project, capsys)
    assert lines[:-1] == EXPECTED
    assert lines[-1] == f"playbooks: {len(EXPECTED)} problems in playbooks; nothing built"


@pytest.mark.parametrize("name", CASES)
def test_each_fixture_is_reported(name):
    assert any(line.startswith(f"playbooks/{name}:") for line in EXPECTED), name


@pytest.mark.parametrize(("name", "line", "col", "words"), PROMISED)
def test_promised_kind_of_mistake_at_its_line(name, line, col, words):
    assert any(
        row.startswith(f"playbooks/{name}:{line}:{col}: error: ") and words in row
        for row in EXPECTED
    )
    # The position is that of the offending key or value, not of its parent.
    text = (BROKEN / name).read_text(encoding="utf-8").splitlines()
    assert text[line - 1][col - 1 :].strip(), "the column points at text, not past the line"


def test_github_annotations_carry_the_same_positions(broken_project, capsys):
    lines = validate(broken_project, capsys, "--format", "github")
    expected = []
    for row in EXPECTED:
        match = _TEXT_LINE.match(row)
        assert match, row
        where = f"file={match['path']},line={match['line']},col={match['col']}"
        expected.append(f"::error {where}::{match['message']}")
    assert lines[:-1] == expected


def test_valid_files_beside_broken_ones_are_not_blamed(broken_project, capsys):
    shutil.copy(FIXTURES / "minimal" / "minimal.yml", broken_project / "playbooks")
    errors = [line for line in validate(broken_project, capsys) if ": error: " in line]
    assert errors == EXPECTED
