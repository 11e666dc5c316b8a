"""Repository conventions: workflows that lint clean and do what CONTRIBUTING.md promises, a
pre-commit hook that runs the validator, and a contributor guide that covers every field."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from generator.model import Catalog, Playbook
from tests.modelwalk import all_models
from tests.support import REPO

BIN = Path(sys.executable).parent
WORKFLOWS = REPO / ".github" / "workflows"


def lint(folder: Path) -> subprocess.CompletedProcess[str]:
    """actionlint's checks (jactionlint's "correctness" profile), shell scripts included."""
    return subprocess.run(
        [
            str(BIN / "jactionlint"),
            "--profile=correctness",
            "--no-hints",
            "--no-color",
            f"--shellcheck={BIN / 'shellcheck'}",
            *sorted(str(path) for path in folder.glob("*.yml")),
        ],
        cwd=folder,
        capture_output=True,
        text=True,
    )


def workflow(name: str) -> dict[str, Any]:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def steps(name: str, job: str) -> list[dict[str, Any]]:
    return workflow(name)["jobs"][job]["steps"]


def test_workflows_pass_the_linter():
    result = lint(WORKFLOWS)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_the_linter_catches_a_broken_workflow(tmp_path):
    text = (WORKFLOWS / "pages.yml").read_text(encoding="utf-8")
    broken = text.replace("steps.pages.outputs.base_url", "steps.pages.outputs.base_uri")
    (tmp_path / "pages.yml").write_text(broken.replace("run: make build", "run: make $GOAL"))
    result = lint(tmp_path)
    assert result.returncode == 1
    assert 'property "base_uri" is not defined' in result.stdout
    assert "SC2086" in result.stdout, "shellcheck checks the run: scripts"


def test_ci_runs_tests_annotations_id_check_and_keeps_the_site():
    ci = steps("ci.yml", "test")
    runs = [step.get("run", "") for step in ci]
    assert "make test" in runs
    assert any("playbooks validate --format github" in run for run in runs)
    [checkout] = [step for step in ci if step.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"]["fetch-depth"] == 0, "the id check needs the base branch"
    [ids] = [step for step in ci if "--base" in step.get("run", "")]
    assert ids["if"] == "${{ !cancelled() && github.event_name == 'pull_request' }}"
    assert ids["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    assert any("playbooks build --site-dir site" in run for run in runs)
    [upload] = [step for step in ci if step.get("uses", "").startswith("actions/upload-artifact@")]
    assert upload["with"]["path"] == "site/"


def test_pages_deploys_main_with_the_official_actions():
    pages = workflow("pages.yml")
    assert pages[True]["push"]["branches"] == ["main"]  # PyYAML reads the `on` key as True
    build = steps("pages.yml", "build")
    uses = [step.get("uses", "").split("@")[0] for step in build]
    assert "actions/configure-pages" in uses and "actions/upload-pages-artifact" in uses
    [make] = [step for step in build if step.get("run") == "make build"]
    assert make["env"]["SITE_URL"] == "${{ steps.pages.outputs.base_url }}/"
    deploy = pages["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["if"] == "github.ref == 'refs/heads/main'"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_pre_commit_runs_the_validator():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [local] = [repo for repo in config["repos"] if repo["repo"] == "local"]
    hooks = {hook["id"]: hook for hook in local["hooks"]}
    validate = hooks["playbooks-validate"]
    assert validate["entry"] == "make --silent validate" and validate["pass_filenames"] is False
    assert re.search(validate["files"], "playbooks/cloud-region-outage.yml")
    assert re.search(hooks["playbooks-schema"]["files"], "generator/model.py")
    make = subprocess.run(["make", "-n", "validate", "schema"], cwd=REPO, capture_output=True)
    assert make.returncode == 0, "the hooks' make targets exist"


def test_pull_request_template_asks_for_the_checks():
    text = (REPO / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    for promise in ("playbooks validate", "source", "renamed_from", "make serve"):
        assert promise in text


def test_contributing_guide_names_every_field():
    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    missing = [
        f"{model.__name__}.{name}"
        for model in all_models(Playbook, Catalog)
        for name in model.model_fields
        if f"`{name}`" not in guide
    ]
    assert missing == [], "add these fields to CONTRIBUTING.md's field reference"
