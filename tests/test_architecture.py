"""The shape of the code: imports that only point down the pipeline, one family of errors,
and a bug that shows itself as a bug."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

from generator import pipeline
from generator.cli import BUG, main
from generator.errors import PlaybooksError
from tests.support import FIXTURES, REPO, copy_project

GENERATOR = REPO / "generator"
MODULES = sorted(path.stem for path in GENERATOR.glob("*.py") if path.stem != "__init__")
LIBRARY = [module for module in MODULES if module != "__main__"]
"""Every module but the entry point, which runs the command when imported."""

ONLY_THE_PIPELINE = {"generator.cache"}
"""What remembers work between runs is the pipeline's decision (and the CLI's, which keeps
the live preview's memory); no stage may reach for it."""
PROCESSES = {"multiprocessing", "concurrent.futures"}
"""Whether to share work over processes is the pipeline's decision alone."""
THREADS_ALLOWED = {"serve", "publish"}
"""``serve`` relays the engine's output on a thread; ``publish`` asks whether it runs on the
main thread before it touches signal handlers. No other module uses threads."""


def imports_of(module: str) -> set[str]:
    tree = ast.parse((GENERATOR / f"{module}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module == "generator":
                found |= {f"generator.{alias.name}" for alias in node.names}
    return found


def test_the_import_graph_has_no_cycles():
    graph = {
        module: {name.removeprefix("generator.") for name in imports_of(module)} & set(MODULES)
        for module in MODULES
    }
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        pytest.fail(f"import cycle: {error.args[1]}")
    assert order.index("pipeline") > max(
        order.index(stage) for stage in ("corpus", "render", "writer", "publish")
    )


def test_nothing_below_the_command_line_imports_it_or_the_pipeline():
    for module in MODULES:
        imported = imports_of(module)
        if module not in {"__main__"}:
            assert "generator.cli" not in imported, module
        if module not in {"cli"}:
            assert "generator.pipeline" not in imported, module


def test_stages_know_nothing_of_memos_or_processes():
    for module in MODULES:
        imported = imports_of(module)
        if module not in {"pipeline", "cli"}:
            assert not imported & ONLY_THE_PIPELINE, module
        if module != "pipeline":
            assert not imported & PROCESSES, module
        if module not in THREADS_ALLOWED:
            assert "threading" not in imported, module
        assert "os.fork" not in (GENERATOR / f"{module}.py").read_text(encoding="utf-8")


def test_every_error_the_generator_raises_on_purpose_belongs_to_the_family():
    """A public exception class outside the family would reach the user as a "bug"."""
    strays = []
    for module in LIBRARY:
        loaded = importlib.import_module(f"generator.{module}")
        for name, value in vars(loaded).items():
            if (
                inspect.isclass(value)
                and issubclass(value, Exception)
                and value.__module__ == loaded.__name__
                and not name.startswith("_")
                and not issubclass(value, PlaybooksError)
            ):
                strays.append(f"{module}.{name}")
    assert strays == []


def test_a_bug_shows_a_traceback_and_asks_for_a_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    root = copy_project(tmp_path / "project", FIXTURES / "minimal")

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("a key the code forgot")

    monkeypatch.setattr(pipeline, "render_and_write", broken)
    assert main(["--project", str(root), "build", "--site-dir", str(tmp_path / "site")]) == BUG
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert "KeyError: 'a key the code forgot'" in err
    assert "this is a bug in the generator" in err.splitlines()[-1]
    assert "build failed" not in err


def test_no_test_module_imports_another():
    """Shared helpers live in tests/support.py or conftest.py, where every test can see them."""
    for path in sorted((REPO / "tests").glob("test_*.py")):
        assert not re.search(r"^from tests\.test_|^import tests\.test_", path.read_text(), re.M), (
            path.name
        )


def test_the_readme_names_every_generator_module():
    """The "How it works" table is the map a newcomer reads first."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("## How it works", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`(?:generator/)?(\w+)\.py`", table))
    assert named == set(MODULES)
