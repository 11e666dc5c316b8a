"""Live preview: regenerate Markdown when a playbook changes, let ``mkdocs serve`` reload.

MkDocs watches ``docs/`` and reloads the browser; we watch ``playbooks/`` and rewrite only
the pages whose text changed. Invalid YAML prints its problems and keeps the last good pages.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from collections.abc import Callable

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from generator.project import Project

DEBOUNCE_SECONDS = 0.15
"""Editors save in bursts (temporary file, rename); wait for the burst to end."""


class _Changed(FileSystemEventHandler):
    def __init__(self) -> None:
        self.event = threading.Event()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if str(event.src_path).endswith((".yml", ".yaml")) or event.is_directory:
            self.event.set()


def serve(project: Project, port: int, regenerate: Callable[[], None]) -> int:
    """Run until interrupted; ``regenerate`` reports its own problems and never raises."""
    # A plain SIGTERM would end us and orphan the MkDocs server: make it an interrupt.
    signal.signal(signal.SIGTERM, _interrupt)
    regenerate()
    changed = _Changed()
    observer = Observer()
    observer.schedule(changed, str(project.playbooks_dir), recursive=True)
    observer.start()
    server = subprocess.Popen(
        [
            sys.executable, "-m", "mkdocs", "serve", "--livereload",
            "--dev-addr", f"127.0.0.1:{port}", "--config-file", str(project.mkdocs_config),
        ],
        cwd=project.root,
    )  # fmt: skip
    try:
        while server.poll() is None:
            if changed.event.wait(timeout=0.5):
                while changed.event.wait(timeout=DEBOUNCE_SECONDS):
                    changed.event.clear()
                regenerate()
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        observer.join(timeout=5)
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
