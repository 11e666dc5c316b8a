"""The command line: exit codes, one-line failures, and problems in both formats."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.cli import main


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
