"""The live preview answers on 127.0.0.1 and shows a YAML edit without a restart."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

from watchdog.observers import Observer

from generator.cache import GenerateCache
from generator.engines import PREVIEW_CONFIG, PREVIEW_NAV, write_preview_config
from generator.pipeline import preview
from generator.project import Project
from generator.serve import PlaybookChanges
from tests.support import fetch, free_port, wait_for


def test_serve_regenerates_on_yaml_edit(project):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--port", str(port)],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    page = f"http://127.0.0.1:{port}/playbooks/infrastructure/cloud-region-outage/"
    try:
        assert "A cloud region goes down" in wait_for(lambda: fetch(page))
        path = project / "playbooks" / "cloud-region-outage.yml"
        path.write_text(path.read_text().replace("A cloud region goes down", "Region is down"))
        wait_for(lambda: "Region is down" in (fetch(page) or ""))
        # Only the navigation and the footer name it on the next seller checklist.
        other = (
            f"http://127.0.0.1:{port}/playbooks/infrastructure/payment-processing-outage/seller/"
        )
        wait_for(lambda: "Region is down" in (fetch(other) or ""))
        path.write_text(path.read_text().replace("audiences: [", "audiences: [[["))
        time.sleep(1.5)
        assert "Region is down" in (fetch(page) or "")
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert "keeps the last good pages" in errors
    assert not (project / PREVIEW_CONFIG).exists(), "the preview's config outlived it"
    assert not (project / PREVIEW_NAV).exists(), "the preview's nav outlived it"


def test_a_save_that_changes_the_nav_changes_no_file_the_engine_watches_but_the_pages(project):
    """MkDocs polls each path it watches on its own clock. With the nav in the config it
    serves, a renamed playbook changed that config and docs/, MkDocs saw one change while
    rebuilding for the other, and rebuilt the whole site twice. The nav now sits in a file
    the served config inherits, written before the pages, so the pages start one rebuild
    that reads the new nav."""
    playbooks = Project(project)
    served = write_preview_config(playbooks)
    cache = GenerateCache()
    preview(playbooks, cache)
    before = served.read_bytes(), served.stat().st_mtime_ns
    path = project / "playbooks" / "cloud-region-outage.yml"
    path.write_text(path.read_text().replace("title: A cloud region goes down", "title: Zebra"))
    generated = preview(playbooks, cache)
    assert (served.read_bytes(), served.stat().st_mtime_ns) == before
    nav = project / PREVIEW_NAV
    assert "- Zebra: playbooks/infrastructure/cloud-region-outage/seller.md" in nav.read_text()
    pages = [playbooks.output_dir / name for name in generated.written.written]
    assert pages, "renaming a playbook rewrites the pages that list it"
    assert nav.stat().st_mtime_ns <= min(page.stat().st_mtime_ns for page in pages)


def start_serve(project: Path, port: int, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--port", str(port), *extra],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_reading_a_playbook_is_not_a_change_but_saving_one_is(tmp_path):
    """The generator opens every playbook when it regenerates; if opening counted as a
    change, the preview would regenerate for ever."""
    playbook = tmp_path / "a.yml"
    playbook.write_text("id: a\n")
    changes = PlaybookChanges()
    observer = Observer()
    observer.schedule(changes, str(tmp_path), recursive=True)
    observer.start()
    try:
        time.sleep(0.2)
        for _ in range(3):
            playbook.read_text()
        assert not changes.event.wait(timeout=1.0)
        playbook.write_text("id: b\n")
        assert changes.event.wait(timeout=5.0)
        changes.event.clear()
        playbook.rename(tmp_path / "b.yml")
        assert changes.event.wait(timeout=5.0)
    finally:
        observer.stop()
        observer.join(timeout=5)


def test_the_preview_rests_after_a_save_and_prints_a_problem_once(project):
    port = free_port()
    server = start_serve(project, port)
    home = f"http://127.0.0.1:{port}/"
    try:
        page = wait_for(lambda: fetch(home))
        assert "Live preview: the offline copy (zip) and the JSON API" in page
        path = project / "playbooks" / "cloud-region-outage.yml"
        broken = path.read_text().replace("audiences: [", "audiences: [[[")
        path.write_text(broken)
        time.sleep(3)
        path.write_text(broken)  # saved again, still broken
        time.sleep(3)
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    regenerations = [line for line in errors.splitlines() if line.startswith("playbooks: ")]
    # The first generate, the first broken save, the second: nothing else.
    assert len(regenerations) == 3, errors
    assert "the same problems remain" in regenerations[-1]
    assert "NO_MKDOCS_2_WARNING" not in errors  # Material's notice box, quiet as in build
    assert sum("cloud-region-outage.yml:" in line for line in errors.splitlines()) == 1


def test_a_busy_port_is_one_line_and_exit_2(project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = start_serve(project, port)
        _, errors = server.communicate(timeout=60)
    assert server.returncode == 2
    assert errors.strip().splitlines() == [
        f"playbooks: port {port} on 127.0.0.1 is in use; stop what uses it, or choose another "
        f"port: make serve PORT={port + 1}"
    ]


def test_a_broken_mkdocs_yml_is_one_line_and_exit_2(project):
    config = project / "mkdocs.yml"
    config.write_text(config.read_text() + "theme: [broken\n")
    server = start_serve(project, free_port())
    _, errors = server.communicate(timeout=60)
    assert server.returncode == 2
    [line] = errors.strip().splitlines()
    assert line.startswith("playbooks: cannot preview: mkdocs.yml:") and "Traceback" not in errors


def test_a_server_that_stops_by_itself_is_one_line_and_exit_2(project):
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("  - search\n", "  - no-such-plugin\n"))
    server = start_serve(project, free_port())
    _, errors = server.communicate(timeout=60)
    assert server.returncode == 2
    assert "Traceback" not in errors
    assert errors.strip().splitlines()[-1].startswith("playbooks: the preview server stopped: ")


def test_properdocs_serves_the_preview_too(project):
    port = free_port()
    server = start_serve(project, port, "--engine", "properdocs")
    try:
        page = wait_for(lambda: fetch(f"http://127.0.0.1:{port}/"))
        assert "Live preview" in page and 'content="mkdocs-ProperDocs ' in page
    finally:
        server.terminate()
        server.communicate(timeout=30)
