"""How long after saving a playbook does the preview in the browser show the change?

    .venv/bin/python benchmarks/serve_latency.py [--edits 5]

Starts ``playbooks serve`` on a copy of the real project, opens the edited playbook's page in
Chromium (the live-reload script MkDocs injects reloads it), then saves a new title again and
again and times each save until the page in the browser shows it. It also adds a new playbook
and removes it again, and checks that the preview serves the new page, lists it in the
navigation of a page that did not change, and stops serving it once it is gone.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import synthetic  # noqa: F401  (puts the repository on sys.path, for tests.support)

from generator.corpus import playbook_files
from tests.support import copy_project, fetch, free_port, launch_chromium

POLL_SECONDS = 0.02
GIVE_UP_SECONDS = 60.0
_BUILT = re.compile(r"Documentation built in ([0-9.]+) seconds")
"""The line MkDocs logs at the end of each build: how long the engine's own part took."""


@dataclass
class ServeFigures:
    edit_seconds: list[float] = field(default_factory=list)
    """Save → the open page in the browser shows the new title, once per edit."""
    added_seconds: float = 0.0
    """Save a new playbook → its page is served and a sibling page's navigation lists it."""
    removed_seconds: float = 0.0
    """Delete that playbook → its address answers 404 and the navigation forgets it."""
    engine_seconds: list[float] = field(default_factory=list)
    """Each rebuild MkDocs made during the edits, as it reports it: the engine's share of
    ``edit_seconds`` (it rebuilds the whole site on every change)."""


def measure(edits: int = 5) -> ServeFigures:
    """Time ``edits`` title edits and one added and removed playbook on the real corpus."""
    from playwright.sync_api import sync_playwright

    figures = ServeFigures()
    with tempfile.TemporaryDirectory(prefix="playbooks-serve-") as scratch:
        root = copy_project(Path(scratch) / "project")
        port = free_port()
        base = f"http://127.0.0.1:{port}/"
        log_path = Path(scratch) / "serve.log"
        log = log_path.open("w")
        server = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--port", str(port)],
            cwd=root,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            path = playbook_files(root / "playbooks")[0]
            text = path.read_text(encoding="utf-8")
            section = _top_level(text, "section")
            page_url = f"{base}playbooks/{section}/{path.stem}/"
            _wait(lambda: fetch(page_url) is not None, "the preview to start")
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                page = browser.new_page()
                page.goto(page_url)
                builds_before = _engine_builds(log_path)
                for number in range(edits):
                    token = f"Benchmark edit {number}"
                    text = re.sub(r"^title:.*$", f"title: {token}", text, count=1, flags=re.M)
                    started = time.monotonic()
                    path.write_text(text, encoding="utf-8")
                    page.wait_for_function(
                        "token => document.title.includes(token)",
                        arg=token,
                        timeout=GIVE_UP_SECONDS * 1000,
                        polling=POLL_SECONDS * 1000,
                    )
                    figures.edit_seconds.append(time.monotonic() - started)
                    time.sleep(0.5)  # let the live-reload script settle before the next save
                figures.engine_seconds = _engine_builds(log_path)[len(builds_before) :]
                browser.close()
            figures.added_seconds, figures.removed_seconds = _add_and_remove(
                root, path, text, section, base
            )
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
    return figures


def _add_and_remove(
    root: Path, original: Path, text: str, section: str, base: str
) -> tuple[float, float]:
    new_id = "benchmark-added-playbook"
    added = root / "playbooks" / f"{new_id}.yml"
    new_url = f"{base}playbooks/{section}/{new_id}/"
    sibling_url = f"{base}playbooks/{section}/{original.stem}/"
    marker = f'href="../{new_id}/"'  # the sibling's navigation lists the new playbook
    text = re.sub(r"^id:.*$", f"id: {new_id}", text, count=1, flags=re.M)
    text = re.sub(r"^title:.*$", "title: Added by the benchmark", text, count=1, flags=re.M)
    started = time.monotonic()
    added.write_text(text, encoding="utf-8")
    _wait(
        lambda: fetch(new_url) is not None and marker in (fetch(sibling_url) or ""),
        "the added playbook to appear",
    )
    added_seconds = time.monotonic() - started
    started = time.monotonic()
    added.unlink()
    _wait(
        lambda: fetch(new_url) is None and marker not in (fetch(sibling_url) or marker),
        "the removed playbook to disappear",
    )
    return added_seconds, time.monotonic() - started


def _engine_builds(log_path: Path) -> list[float]:
    """The duration of every build MkDocs has logged so far."""
    return [float(seconds) for seconds in _BUILT.findall(log_path.read_text(encoding="utf-8"))]


def _top_level(text: str, key: str) -> str:
    match = re.search(rf"^{key}:\s*(\S+)\s*$", text, flags=re.M)
    if match is None:
        raise SystemExit(f"the first playbook has no one-line top-level '{key}:'")
    return match.group(1).strip("\"'")


def _wait(condition, what: str) -> None:
    deadline = time.monotonic() + GIVE_UP_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        time.sleep(POLL_SECONDS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=5)
    figures = measure(parser.parse_args().edits)
    print("edit → page updated in the browser (s):", [f"{s:.2f}" for s in figures.edit_seconds])
    edits = figures.edit_seconds
    print(f"median {statistics.median(edits):.2f} s, max {max(edits):.2f} s")
    builds = figures.engine_seconds
    if builds:
        median_build = statistics.median(builds)
        print(f"MkDocs rebuilt the whole site {len(builds)} times: median {median_build:.2f} s")
    print(f"new playbook served and in the nav: {figures.added_seconds:.2f} s")
    print(f"removed playbook gone (404, not in nav): {figures.removed_seconds:.2f} s")


if __name__ == "__main__":
    main()
