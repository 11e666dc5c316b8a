"""Fixtures: a scratch copy of the project, and the real site built once and served."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import (
    FIXTURES,
    Served,
    build_served,
    copy_project,
    launch_chromium,
    serve_folder,
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test that drives Chromium is marked ``browser``, so that contributors can leave
    them out (``make check``); ``make test`` and CI run them all."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A private copy of the project that a test may edit freely."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The real corpus built once per session, served over HTTP as readers get it."""
    yield from _built_and_served(copy_project(tmp_path_factory.mktemp("built") / "project"))


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A site whose every text field tries to run script or break the page, built once."""
    folder = tmp_path_factory.mktemp("hostile") / "project"
    yield from _built_and_served(copy_project(folder, FIXTURES / "hostile" / "inert"))


def _built_and_served(root: Path) -> Iterator[Served]:
    """Build ``root`` and serve its site.

    The server starts first so the build can use its address as ``site_url``, as a
    published site's pages use theirs.
    """
    served = serve_folder(root / "site")
    assert build_served(root, served) == 0
    yield served
    served.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the whole session; each test opens its own context."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()
