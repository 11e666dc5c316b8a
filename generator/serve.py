"""Live preview: regenerate Markdown when a playbook changes, let ``mkdocs serve`` reload.

MkDocs watches ``docs/`` and reloads the browser; we watch ``playbooks/`` and rewrite only
the pages whose text changed. Invalid YAML prints its problems and keeps the last good pages.
"""

from __future__ import annotations

import errno
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import IO

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from generator.engines import (
    ConfigUnreadable,
    engine_environment,
    read_config,
    remove_preview_config,
    require_engine,
    write_preview_config,
)
from generator.errors import UsageError
from generator.project import Project

DEBOUNCE_SECONDS = 0.15
"""Editors save in bursts (temporary file, rename); wait for the burst to end."""

CHANGES = frozenset({"created", "modified", "moved", "deleted"})
"""What a save does. Opening and closing without writing are not changes: the generator
itself opens every playbook when it regenerates, so reacting to them never rests."""


class ServeFailed(UsageError):
    """The preview cannot start or stopped by itself; the message says why in one line."""


class PlaybookChanges(FileSystemEventHandler):
    """Sets ``event`` when a YAML file under the watched folder is written, moved or removed."""

    def __init__(self) -> None:
        self.event = threading.Event()

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGES:
            return
        paths = [str(event.src_path), str(getattr(event, "dest_path", "") or "")]
        if event.is_directory or any(path.endswith((".yml", ".yaml")) for path in paths):
            self.event.set()


def serve(
    project: Project, port: int, regenerate: Callable[[], None], engine: str = "mkdocs"
) -> int:
    """Run until interrupted; ``regenerate`` reports its own problems and never raises, and
    gives the engine the new navigation (:func:`generator.pipeline.preview`). ``engine`` is
    MkDocs or ProperDocs: both serve with live reload."""
    require_engine(engine)
    _check_port_free(port)
    try:
        read_config(project.mkdocs_config)
    except ConfigUnreadable as error:
        raise ServeFailed(f"cannot preview: {error}") from error
    # A plain SIGTERM would end us and orphan the MkDocs server: make it an interrupt.
    signal.signal(signal.SIGTERM, _interrupt)
    config = write_preview_config(project)  # regenerate() adds the nav
    regenerate()
    changed = PlaybookChanges()
    observer = Observer()
    observer.schedule(changed, str(project.playbooks_dir), recursive=True)
    observer.start()
    server = subprocess.Popen(
        [
            sys.executable, "-m", engine, "serve", "--livereload",
            "--dev-addr", f"127.0.0.1:{port}", "--config-file", str(config),
        ],
        cwd=project.root,
        env={**engine_environment(), "PLAYBOOKS_PREVIEW": "true"},
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    assert server.stderr is not None
    last_words: list[str] = []
    # The relay writes to the terminal as it is now: regenerate() captures sys.stderr for
    # a moment, and the server's lines must not end up in that capture.
    relay = threading.Thread(
        target=_relay, args=(server.stderr, sys.stderr, last_words), daemon=True
    )
    relay.start()
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
        stopped_by_itself = server.poll() is not None
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        observer.join(timeout=5)
        relay.join(timeout=5)
        remove_preview_config(project)
    if stopped_by_itself and server.returncode != 0:
        reason = last_words[-1] if last_words else f"exit code {server.returncode}"
        raise ServeFailed(f"the preview server stopped: {reason}")
    return 0


def _check_port_free(port: int) -> None:
    """Fail in one line before MkDocs builds the site only to find the port taken."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise
            raise ServeFailed(
                f"port {port} on 127.0.0.1 is in use; stop what uses it, or choose another "
                f"port: make serve PORT={port + 1}"
            ) from error


def _relay(stream: IO[str], terminal: IO[str], last_words: list[str]) -> None:
    """Pass the server's log through, but not a traceback: its last line is kept as the
    reason, which :func:`serve` prints as one line."""
    in_traceback = False
    for line in stream:
        in_traceback = in_traceback or line.startswith("Traceback (most recent call last)")
        if line.strip():
            last_words[:] = [line.strip()]
        if not in_traceback:
            terminal.write(line)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
