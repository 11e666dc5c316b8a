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
from tests.support import FIXTURES, REPO

BIN = Path(sys.executable).parent
WORKFLOWS = REPO / ".github" / "workflows"
LINT_CONFIG = REPO / ".github" / "jactionlint.yaml"

# The first major release of each action the workflows use whose action.yml declares
# `runs.using: node24`; every older major declares node20 or older, which GitHub removed from
# its runners on 2026-09-23. Where each was read:
NODE24_SINCE = {
    # actions/checkout CHANGELOG.md at v5.0.0 (08c6903c): "Update actions checkout to use node 24"
    "actions/checkout": 5,
    # actions/setup-python v6.0.0 release notes, Breaking Changes: "Upgrade to node 24" (#1164)
    "actions/setup-python": 6,
    # actions/upload-artifact v6.0.0 release notes: "now runs on Node.js 24 (runs.using:
    # node24)"; v5 could run on Node.js 24 but still declared node20
    "actions/upload-artifact": 6,
    # actions/configure-pages v6.0.0 = #186, "Update Node version from 20 to 24 in action.yml"
    "actions/configure-pages": 6,
    # A composite action: v5.0.0 runs actions/upload-artifact v7.0.0 (node24), v4 runs v4 (node20)
    "actions/upload-pages-artifact": 5,
    # actions/deploy-pages action.yml at v5.0.0 (cd2ce8fc): `using: 'node24'` (#404)
    "actions/deploy-pages": 5,
}
USES = re.compile(
    r"^[ \t-]*uses:\s*(?P<action>[^@\s]+)@(?P<ref>[^\s#]+)[ \t]*(?:#[ \t]*(?P<note>.*))?$"
)
SHA = re.compile(r"[0-9a-f]{40}")
RELEASE = re.compile(r"v(?P<major>\d+)(?:\.\d+){0,2}")


def lint(folder: Path) -> subprocess.CompletedProcess[str]:
    """actionlint's checks (jactionlint's "correctness" profile), shell scripts included, and
    the pins: .github/jactionlint.yaml adds unpinned-uses, missing-version-comment and
    deprecated-node-runtime."""
    return subprocess.run(
        [
            str(BIN / "jactionlint"),
            f"--config-file={LINT_CONFIG}",
            "--no-hints",
            "--no-color",
            f"--shellcheck={BIN / 'shellcheck'}",
            *sorted(str(path) for path in folder.glob("*.yml")),
        ],
        cwd=folder,
        capture_output=True,
        text=True,
    )


def pin_problems(folder: Path) -> list[str]:
    """Every `uses:` of the workflows in folder that is not pinned to a full commit SHA with its
    release in a comment (`@<sha> # v1.2.3`), or whose release is older than NODE24_SINCE says.
    Needs no network and no linter: the table above is the record."""
    problems = []
    for path in sorted(folder.glob("*.yml")):
        text = path.read_text(encoding="utf-8")
        found = 0
        for number, line in enumerate(text.splitlines(), start=1):
            if not (match := USES.match(line)):
                continue
            found += 1
            action, ref, note = match["action"], match["ref"], (match["note"] or "").strip()
            where = f"{path.name}:{number}: {action}@{ref}"
            if action.startswith(("./", "docker://")):
                continue
            if not SHA.fullmatch(ref):
                problems.append(f"{where} is not pinned to a full commit SHA")
            release = RELEASE.match(note) if SHA.fullmatch(ref) else RELEASE.fullmatch(ref)
            if SHA.fullmatch(ref) and not (release and note.split()[0] == release[0]):
                problems.append(f"{where} has no version comment such as `# v1.2.3`")
            repository = "/".join(action.split("/")[:2])
            if repository not in NODE24_SINCE:
                problems.append(f"{where}: add {repository} to NODE24_SINCE, with its source")
            elif release and int(release["major"]) < NODE24_SINCE[repository]:
                problems.append(
                    f"{where} ({release[0]}) runs on node20 or older: "
                    f"use v{NODE24_SINCE[repository]} or newer, which runs on node24"
                )
        jobs = yaml.safe_load(text)["jobs"].values()
        uses = [step for job in jobs for step in [job, *job.get("steps", [])] if "uses" in step]
        assert found == len(uses), f"{path.name}: a `uses:` that pin_problems cannot read"
    return problems


def workflow(name: str) -> dict[str, Any]:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def steps(name: str, job: str) -> list[dict[str, Any]]:
    return workflow(name)["jobs"][job]["steps"]


def test_workflows_pass_the_linter():
    result = lint(WORKFLOWS)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_the_linter_catches_a_broken_workflow(tmp_path):
    text = (WORKFLOWS / "pages.yml").read_text(encoding="utf-8")
    # A wrong step id. (A wrong output name is not caught: an action pinned to a SHA gets no
    # typed outputs, only its inputs are checked against the release in the comment.)
    broken = text.replace("steps.pages.outputs.base_url", "steps.page.outputs.base_url")
    (tmp_path / "pages.yml").write_text(broken.replace("run: make build", "run: make $GOAL"))
    result = lint(tmp_path)
    assert result.returncode == 1
    assert 'property "page" is not defined' in result.stdout
    assert "SC2086" in result.stdout, "shellcheck checks the run: scripts"


def test_workflows_pin_actions_that_run_on_node24():
    assert pin_problems(WORKFLOWS) == []


OLD_WORKFLOWS = FIXTURES / "old-workflows"
"""The workflows as they were on 2026-11-27: tags only, and four releases on node20."""


def unnumbered(problems: list[str]) -> list[str]:
    """The problems without their line numbers: `ci.yml: actions/...`."""
    return [re.sub(r"^([^:]+):\d+: ", r"\1: ", problem) for problem in problems]


def test_the_pin_checks_catch_the_old_workflows():
    problems = unnumbered(pin_problems(OLD_WORKFLOWS))
    assert "ci.yml: actions/upload-artifact@v5 is not pinned to a full commit SHA" in problems
    assert [problem for problem in problems if "node20" in problem] == [
        "ci.yml: actions/upload-artifact@v5 (v5) runs on node20 or older: "
        "use v6 or newer, which runs on node24",
        "pages.yml: actions/configure-pages@v5 (v5) runs on node20 or older: "
        "use v6 or newer, which runs on node24",
        "pages.yml: actions/upload-pages-artifact@v4 (v4) runs on node20 or older: "
        "use v5 or newer, which runs on node24",
        "pages.yml: actions/deploy-pages@v4 (v4) runs on node20 or older: "
        "use v5 or newer, which runs on node24",
    ]
    assert len(problems) == 8 + 4, "8 tags, 4 of them on node20"
    # jactionlint, with .github/jactionlint.yaml, fails them too (its data does not cover the
    # composite upload-pages-artifact: the table above does).
    result = lint(OLD_WORKFLOWS)
    assert result.returncode == 1
    assert result.stdout.count("[unpinned-uses]") == 8
    assert 'action "actions/upload-artifact@v5" declares the Node.js runtime "node20"' in (
        result.stdout
    )
    assert result.stdout.count("[deprecated-node-runtime]") == 3


def test_the_pin_checks_read_the_version_comment(tmp_path):
    text = (WORKFLOWS / "ci.yml").read_text(encoding="utf-8")
    upload = next(line for line in text.splitlines() if "actions/upload-artifact@" in line)
    sha = USES.match(upload)["ref"]
    release = USES.match(upload)["note"]
    (tmp_path / "ci.yml").write_text(text.replace(upload, upload.replace(release, "v5.0.0")))
    assert unnumbered(pin_problems(tmp_path)) == [
        f"ci.yml: actions/upload-artifact@{sha} (v5.0.0) runs on node20 or older: "
        "use v6 or newer, which runs on node24"
    ]
    assert "[deprecated-node-runtime]" in lint(tmp_path).stdout
    (tmp_path / "ci.yml").write_text(text.replace(upload, upload.split(" #")[0]))
    assert unnumbered(pin_problems(tmp_path)) == [
        f"ci.yml: actions/upload-artifact@{sha} has no version comment such as `# v1.2.3`"
    ]
    assert "[missing-version-comment]" in lint(tmp_path).stdout


def test_dependabot_updates_actions_and_pip_weekly(tmp_path):
    path = REPO / ".github" / "dependabot.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    updates = {update["package-ecosystem"]: update for update in config["updates"]}
    assert sorted(updates) == ["github-actions", "pip"]
    for update in updates.values():
        assert update["directory"] == "/" and update["schedule"]["interval"] == "weekly"
    result = lint(path.parent)  # jactionlint knows .github/dependabot.yml by its path
    assert (result.returncode, result.stdout + result.stderr) == (0, "")
    (tmp_path / ".github").mkdir()
    broken = path.read_text(encoding="utf-8").replace("weekly", "fortnightly")
    (tmp_path / ".github" / "dependabot.yml").write_text(broken, encoding="utf-8")
    assert "[dependabot-syntax]" in lint(tmp_path / ".github").stdout


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
