"""Helpers shared by the tests: project copies, in-process builds, loopback servers."""

from __future__ import annotations

import functools
import gzip
import http.server
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main as playbooks_main
from generator.corpus import Corpus, load_corpus

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def copy_project(destination: Path, playbooks: Path = REPO / "playbooks") -> Path:
    """The tracked inputs of a build: no .venv, no site, no generated pages.

    ``playbooks`` swaps in another content folder, such as a fixture.
    """
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "mkdocs.yml", destination / "mkdocs.yml")
    shutil.copytree(REPO / "hooks", destination / "hooks")
    shutil.copytree(playbooks, destination / "playbooks")
    shutil.copytree(REPO / "overrides", destination / "overrides")
    shutil.copytree(REPO / "docs", destination / "docs", ignore=_generated_pages)
    if playbooks != REPO / "playbooks":
        drop_triage(destination / "docs" / "index.md")
    return destination


GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_SYSTEM": os.devnull,
}
"""A git that reads no one's configuration and commits as the same person everywhere."""


def git(repo: Path, *args: str, when: str | None = None) -> None:
    """Run git in ``repo``; ``when`` (ISO 8601) dates a commit."""
    dates = {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when} if when else {}
    subprocess.run(
        ["git", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        env={**os.environ, **GIT_ENV, **dates},
    )


def commit_all(repo: Path, message: str, when: str) -> None:
    """Commit every change in ``repo`` (a new repository the first time) on day ``when``."""
    if not (repo / ".git").exists():
        git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", message, when=when)


def own_assets_gzipped() -> dict[str, int]:
    """Bytes readers download of the site's own scripts and styles (vendored code aside),
    gzipped as servers send them: the budget of docs/project/performance.md."""
    assets = REPO / "docs" / "assets"
    return {
        path.name: len(gzip.compress(path.read_bytes(), compresslevel=9))
        for path in sorted([*assets.glob("*.js"), *assets.glob("*.css")])
    }


def drop_triage(home: Path) -> None:
    """The home page's triage links the real playbooks, which a fixture corpus lacks."""
    text = home.read_text(encoding="utf-8")
    home.write_text(re.sub(r"<!-- triage:.*?<!-- /triage -->\n", "", text, flags=re.S))


def real_corpus() -> Corpus:
    """The repository's own playbooks, validated; what the ``site`` fixture builds."""
    corpus, problems = load_corpus(REPO / "playbooks", REPO)
    assert corpus is not None, problems
    return corpus


def corpus_with(tmp_path: Path, replacements: dict[str, str] | None = None) -> Corpus:
    """The minimal fixture corpus, validated, with each ``{old: new}`` text replaced."""
    folder = tmp_path / "playbooks"
    shutil.copytree(FIXTURES / "minimal", folder)
    path = folder / "minimal.yml"
    text = path.read_text(encoding="utf-8")
    for old, new in (replacements or {}).items():
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    corpus, problems = load_corpus(folder, tmp_path)
    assert corpus is not None, problems
    return corpus


def _generated_pages(folder: str, names: list[str]) -> list[str]:
    return ["playbooks"] if Path(folder) == REPO / "docs" else []


def build(root: Path, site: Path, *extra: str) -> int:
    """``playbooks build`` on a project copy, in-process; returns the exit code."""
    return playbooks_main(["--project", str(root), "build", "--site-dir", str(site), *extra])


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass
class Served:
    """A folder served on 127.0.0.1; ``url`` ends with a slash."""

    folder: Path
    url: str
    server: http.server.ThreadingHTTPServer

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def serve_folder(folder: Path) -> Served:
    """Serve ``folder`` (which may not exist yet) on loopback on a free port."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Served(folder, f"http://127.0.0.1:{server.server_address[1]}/", server)


def build_served(root: Path, served: Served, *extra: str) -> int:
    """Build into a served folder with ``site_url`` set to the server's address.

    The pages then name their real address (sitemap, canonical links). Building again into
    the same folder keeps the origin, and so the browser's localStorage.
    """
    previous = os.environ.get("SITE_URL")
    os.environ["SITE_URL"] = served.url
    try:
        return build(root, served.folder, *extra)
    finally:
        if previous is None:
            os.environ.pop("SITE_URL", None)
        else:
            os.environ["SITE_URL"] = previous


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    # Without these Chromium dials Google services at start-up, which this closed network
    # refuses; the tests must make no request outside 127.0.0.1.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium under Playwright; never a downloaded browser, never skipped."""
    if not Path(CHROMIUM).is_file():
        raise RuntimeError(f"Chromium not found at {CHROMIUM}: run `make browser` or set CHROMIUM")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def free_port() -> int:
    """A loopback port nobody is listening on now, for a server the test starts itself."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str, timeout: float = 5) -> str | None:
    """The page's HTML, or None when it is not served (yet, or any more)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(predicate: Any, limit: float = 30.0) -> Any:
    """Poll until ``predicate`` returns something truthy; a bound, not a timing assertion."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail("the awaited condition did not hold in time")
