"""Run the static-site engine on the generated tree and swap the result in atomically.

The engine is a separate program reading ``mkdocs.yml``; the generator never imports it.
A build goes to a fresh sibling folder first; only a complete, warning-free build replaces
the previous site, so a failed or interrupted build leaves the last good site whole.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from generator.project import Project

ENGINES = ("mkdocs",)


class BuildFailed(Exception):
    """The engine refused the site; ``details`` are its warning and error lines."""

    def __init__(self, summary: str, details: list[str]) -> None:
        super().__init__(summary)
        self.details = details


def build_site(project: Project, site_dir: Path, engine: str = "mkdocs") -> None:
    """Strict build into ``site_dir``; on any failure the old ``site_dir`` is untouched."""
    site_dir = site_dir.resolve()
    staging = site_dir.with_name(f"{site_dir.name}.building-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        _run_engine(project, engine, staging)
        _swap_in(staging, site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def engine_command(project: Project, engine: str, site_dir: Path) -> list[str]:
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    return [
        sys.executable, "-m", "mkdocs", "build", "--strict",
        "--config-file", str(project.mkdocs_config), "--site-dir", str(site_dir),
    ]  # fmt: skip


def _run_engine(project: Project, engine: str, site_dir: Path) -> None:
    # Never pass --quiet: it hides warnings from MkDocs' strict-mode counter, and the build
    # then "passes" with broken links.
    result = subprocess.run(
        engine_command(project, engine, site_dir),
        cwd=project.root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]
    if result.returncode != 0:
        details = [line for line in lines if "WARNING" in line or "ERROR" in line] or lines[-5:]
        raise BuildFailed(f"{engine} build failed; the previous site was kept", details)


def _swap_in(staging: Path, site_dir: Path) -> None:
    """Replace ``site_dir`` with ``staging`` in two renames, never leaving no site at all."""
    retired = site_dir.with_name(f"{site_dir.name}.old-{os.getpid()}")
    if site_dir.exists():
        os.replace(site_dir, retired)
    os.replace(staging, site_dir)
    shutil.rmtree(retired, ignore_errors=True)
