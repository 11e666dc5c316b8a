"""Spread independent work over the machine's cores, with the result of doing it in turn.

Reading and rendering cost the same for every playbook and share nothing, so a thousand
playbooks split over two cores take about half the time (benchmarks/README.md). Workers are
forked, not spawned: a child starts with the parent's imports, templates and corpus already
in memory, so only results travel, pickled through a pipe, batch by batch as they are done;
the parent, which works too, reads them between its own batches. Where forking is unsafe or
unavailable (no ``os.fork``, other threads running, one core) or not worth it (a few items),
the work runs in this process.

A child never returns into its parent's code: it always ends in ``os._exit``. If the parent
is interrupted, or a child fails, the parent kills and reaps every child before the
exception goes on, so no process is left behind.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, BinaryIO, TypeVar

T = TypeVar("T")
R = TypeVar("R")

ITEMS_PER_WORKER = 64
"""Below this many items per extra process, forking costs more than it saves."""

MAX_WORKERS = 8
"""Beyond this, more processes gain little (starting them, and merging what they send back,
stays with the parent) while each may copy much of the parent's memory as it runs."""

TOKEN = struct.Struct("=I")
"""A batch's first item index, as a token in the pipe that workers take batches from."""
MAX_TOKENS = 4096 // TOKEN.size
LENGTH = struct.Struct("=Q")
"""The size of the pickled message that follows it in a child's result pipe."""


class WorkerFailed(RuntimeError):
    """A child process died or raised something that could not be sent back as it was."""


def usable_cores() -> int:
    """Cores this process may run on (a container or ``taskset`` may allow fewer)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(items: int) -> int:
    """How many processes ``items`` pieces of work are worth, here and now."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return 1  # forking a process that runs threads can copy a lock held by one of them
    return max(1, min(usable_cores(), MAX_WORKERS, items // ITEMS_PER_WORKER))


def map_in_forks(
    function: Callable[[T], R], items: Sequence[T], workers: int | None = None
) -> list[R]:
    """``[function(item) for item in items]``, computed by ``workers`` processes.

    Every process, this one included, takes the next batch of items when it is free, so a
    costly item or a slower process holds up no one (dealt out in advance, a 1,000-playbook
    render kept one core idle for a quarter of a second). ``workers=None`` asks
    :func:`worker_count`. Whatever ``function`` raises in a child is raised here.
    """
    count = min(len(items), worker_count(len(items)) if workers is None else workers)
    if count <= 1:
        return [function(item) for item in items]
    batch = -(-len(items) // MAX_TOKENS)
    tokens = _token_pipe(range(0, len(items), batch))

    def batches() -> Iterator[list[tuple[int, R]]]:
        while token := os.read(tokens, TOKEN.size):  # empty once every token is taken
            (start,) = TOKEN.unpack(token)
            stop = min(start + batch, len(items))
            yield [(index, function(items[index])) for index in range(start, stop)]

    results: dict[int, R] = {}
    children: list[_Child] = []
    try:
        children += [_Child.fork(batches) for _ in range(count - 1)]
        for done in batches():
            results.update(done)
            for child in children:
                results.update(child.receive(wait=False))
        for child in children:
            results.update(child.receive(wait=True))
    finally:
        os.close(tokens)
        for child in children:
            child.reap()
    return [results[index] for index in range(len(items))]


def _token_pipe(starts: Iterable[int]) -> int:
    """The read end of a pipe that holds one token per batch, and nothing can add to.

    A pipe hands each token to exactly one reader, with no lock that a dying worker could
    leave held; the tokens fit in one page, the least a pipe holds, so writing never waits.
    """
    read_end, write_end = os.pipe()
    try:
        os.write(write_end, b"".join(TOKEN.pack(start) for start in starts))
    finally:
        os.close(write_end)
    return read_end


class _Child:
    """A forked worker, seen from the parent: its pid and the pipe its results come by.

    Messages are pickled ``(kind, value)`` pairs, each after its length: ``("ok", results)``
    for each batch, then ``("done", None)``; or ``("raised", exception)``.
    """

    def __init__(self, pid: int, pipe: int) -> None:
        self.pid, self.pipe = pid, pipe
        self.pending = bytearray()
        self.finished = False
        self.poller = select.poll()  # unlike select(), no limit on descriptor numbers
        self.poller.register(pipe, select.POLLIN)

    @classmethod
    def fork(cls, batches: Callable[[], Iterable[object]]) -> _Child:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.close(read_end)
                with os.fdopen(write_end, "wb") as pipe:
                    code = _send_all(pipe, batches)
            finally:
                os._exit(code)
        os.close(write_end)
        return cls(pid, read_end)

    def receive(self, wait: bool) -> list[tuple[int, Any]]:
        """The results that have arrived; with ``wait``, every one until the child is done."""
        received: list[tuple[int, Any]] = []
        while not self.finished and (wait or self.poller.poll(0)):
            chunk = os.read(self.pipe, 1 << 20)
            if not chunk:
                raise WorkerFailed(f"worker process {self.pid} ended without a result")
            self.pending += chunk
            for kind, value in self._messages():
                if kind == "raised":
                    raise value
                if kind == "done":
                    self.finished = True
                else:
                    received += value
        return received

    def _messages(self) -> Iterator[tuple[str, Any]]:
        while len(self.pending) >= LENGTH.size:
            (size,) = LENGTH.unpack_from(self.pending)
            end = LENGTH.size + size
            if len(self.pending) < end:
                return
            message = pickle.loads(bytes(self.pending[LENGTH.size : end]))
            del self.pending[:end]
            yield message

    def reap(self) -> None:
        """Wait for the child; one not done (this process was interrupted, or it failed) is
        killed first."""
        os.close(self.pipe)
        if not self.finished:
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)


def _send_all(pipe: BinaryIO, batches: Callable[[], Iterable[object]]) -> int:
    """In the child: send each batch's results as soon as they are done; the exit code."""
    try:
        try:
            for done in batches():
                if not _send(pipe, ("ok", done)):
                    return 1
            _send(pipe, ("done", None))
        except BaseException as error:  # everything goes back to the parent
            _send(pipe, ("raised", error))
            return 1
    except BrokenPipeError:
        return 1  # the parent stopped listening: it was interrupted
    return 0


def _send(pipe: BinaryIO, message: tuple[str, object]) -> bool:
    """Write one message; whether it went as it was, not as a failure to pickle it."""
    as_it_was = True
    try:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:  # a result or an exception that does not pickle
        failure = message[1] if message[0] == "raised" else error
        details = "".join(traceback.format_exception(failure))  # type: ignore[arg-type]
        data = pickle.dumps(("raised", WorkerFailed(f"a worker process failed:\n{details}")))
        as_it_was = False
    pipe.write(LENGTH.pack(len(data)))
    pipe.write(data)
    pipe.flush()
    return as_it_was
