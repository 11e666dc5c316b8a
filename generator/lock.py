"""One writer at a time per project: generate and build wait for each other.

Two builds at once would race on ``docs/playbooks/`` (one deleting the other's half-written
pages) and on the swap of the site folder. The lock is an advisory ``flock`` on the project
folder itself rather than on a lock file: it leaves nothing behind for git to report, and the
kernel releases it when the process ends, however it ends.
"""

from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from generator.project import Project


@contextmanager
def project_lock(project: Project) -> Iterator[None]:
    """Hold the project's lock; if another run holds it, say so and wait for it.

    Where the file system cannot lock (some network mounts), warn and go on unlocked rather
    than refuse to build at all.
    """
    descriptor = os.open(project.root, os.O_RDONLY)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _say("another generate or build of this project is running; waiting for it")
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        except OSError as error:
            _say(f"cannot lock {project.root} ({error.strerror}); do not run two builds at once")
        yield
    finally:
        os.close(descriptor)


def _say(message: str) -> None:
    print(f"playbooks: {message}", file=sys.stderr, flush=True)
