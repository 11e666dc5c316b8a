"""The command line: exit codes, one-line failures, and problems in both formats."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.cli import main
from tests.support import FIXTURES, copy_project


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True
    )


def test_validate_ok(project):
    result = run("validate", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "playbooks valid" in result.stdout


def test_validate_reports_each_problem_with_position(project):
    path = project / "playbooks" / "cloud-region-outage.yml"
    text = path.read_text().replace("    likelihood: low\n", "    likelyhood: low\n", 1)
    path.write_text(text)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "likelyhood" in row)
    result = run("validate", cwd=project)
    assert result.returncode == 1
    assert f"playbooks/cloud-region-outage.yml:{line}:5: error: unknown key 'likelyhood'" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    github = run("validate", "--format", "github", cwd=project)
    assert f"::error file=playbooks/cloud-region-outage.yml,line={line},col=5::" in github.stderr


def test_generate_then_noop_generate_writes_nothing(project):
    assert main(["--project", str(project), "generate"]) == 0
    result = run("generate", cwd=project)
    assert result.returncode == 0
    assert " 0 pages written" in result.stdout and "0 removed" in result.stdout


def test_outside_a_project_is_a_usage_error(tmp_path):
    result = run("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("playbooks: no project found")
    assert len(result.stderr.splitlines()) <= 2


def test_failed_build_keeps_the_previous_site(project):
    site = project / "site"
    assert main(["--project", str(project), "build", "--site-dir", str(site)]) == 0
    (project / "docs" / "project" / "index.md").write_text("# About\n\n[broken](missing-page.md)\n")
    result = run("build", "--site-dir", str(site), cwd=project)
    assert result.returncode == 1
    assert "previous site was kept" in result.stderr
    assert "missing-page.md" in result.stderr
    assert (site / "index.html").is_file() and (site / "project" / "index.html").is_file()
    assert not list(project.glob("site.*"))


def run_unprivileged(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``playbooks ARGS`` bound by file permissions. Root is not, so as root it runs in a new
    user namespace, where it keeps its user id but loses the power to override them."""
    command = [sys.executable, "-m", "generator", *args]
    if os.geteuid() == 0:
        command = ["unshare", "--user", *command]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True)


@pytest.fixture
def small_project(tmp_path: Path) -> Iterator[Path]:
    root = copy_project(tmp_path / "project", FIXTURES / "minimal")
    yield root
    for path in [root, *root.rglob("*")]:  # let pytest clear it away
        if path.is_dir():
            path.chmod(0o755)


@pytest.mark.parametrize(
    ("command", "unreadable"),
    [
        *((command, "playbooks") for command in ("validate", "generate", "build")),
        *((command, "playbooks/minimal.yml") for command in ("validate", "generate", "build")),
        *((command, "docs") for command in ("generate", "build")),  # validate reads no docs
    ],
)
def test_an_unreadable_folder_or_file_is_one_line_and_exit_2(small_project, command, unreadable):
    (small_project / unreadable).chmod(0)
    result = run_unprivileged(command, cwd=small_project)
    assert "Traceback" not in result.stderr
    if unreadable.endswith(".yml"):  # one file: a content problem at its path, like any other
        assert result.returncode == 1
        assert "playbooks/minimal.yml: error:" in result.stderr
        return
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"playbooks: {small_project / unreadable}") and "denied" in line


def test_a_symbolic_link_in_the_published_folders_is_refused(project, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the site")
    (project / "docs" / "assets" / "notes.txt").symlink_to(secret)
    (project / "overrides" / "linked").symlink_to(tmp_path, target_is_directory=True)
    for command in ("validate", "build"):
        result = run(command, cwd=project)
        assert result.returncode == 1
        assert "docs/assets/notes.txt: error: is a symbolic link" in result.stderr
        assert "overrides/linked: error: is a symbolic link" in result.stderr
    assert not (project / "site").exists()


def test_an_unreadable_mkdocs_yml_stops_an_offline_build_in_one_line(project):
    config = project / "mkdocs.yml"
    config.write_text(config.read_text() + "theme: [broken\n")
    result = run("build", "--offline", cwd=project)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("playbooks: build failed: mkdocs.yml:")
