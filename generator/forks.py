"""Spread independent work over the machine's cores, with the result of doing it in turn.

Reading and rendering cost the same for every playbook and share nothing, so a thousand
playbooks split over two cores take about half the time (benchmarks/README.md). Workers are
forked, not spawned: a child starts with the parent's imports, templates and corpus already
in memory, so only results travel back, pickled through a pipe. Where forking is unsafe or
unavailable (no ``os.fork``, other threads running, one core) or not worth it (a few items),
the work runs in this process.

A child never returns into its parent's code: it always ends in ``os._exit``. If the parent
is interrupted, it kills and reaps every child before the interrupt goes on, so an
interrupted build leaves no process behind.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import threading
import traceback
from collections.abc import Callable, Iterable, Sequence
from typing import BinaryIO, TypeVar

T = TypeVar("T")
R = TypeVar("R")

ITEMS_PER_WORKER = 64
"""Below this many items per extra process, forking costs more than it saves."""

TOKEN = struct.Struct("=I")
MAX_TOKENS = 4096 // TOKEN.size


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
    return max(1, min(usable_cores(), items // ITEMS_PER_WORKER))


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

    def work() -> list[tuple[int, R]]:
        done: list[tuple[int, R]] = []
        while token := os.read(tokens, TOKEN.size):  # empty once every token is taken
            (start,) = TOKEN.unpack(token)
            stop = min(start + batch, len(items))
            done += [(index, function(items[index])) for index in range(start, stop)]
        return done

    children: list[tuple[int, BinaryIO]] = []
    collected: set[int] = set()
    try:
        children += [_fork(work) for _ in range(count - 1)]
        results = dict(work())
        for pid, pipe in children:
            results.update(_collect(pid, pipe))
            collected.add(pid)
    finally:
        os.close(tokens)
        for pid, pipe in children:
            pipe.close()
            if pid not in collected:
                os.kill(pid, signal.SIGKILL)  # still busy: this process was interrupted
            os.waitpid(pid, 0)
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


def _fork(work: Callable[[], object]) -> tuple[int, BinaryIO]:
    """A child that does ``work`` and pickles the outcome into a pipe."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(read_end)
            with os.fdopen(write_end, "wb") as pipe:
                code = _send(pipe, work)
        finally:
            os._exit(code)
    os.close(write_end)
    return pid, os.fdopen(read_end, "rb")


def _send(pipe: BinaryIO, work: Callable[[], object]) -> int:
    """Pickle ``("ok", result)`` or ``("raised", exception)`` into the pipe; the exit code."""
    try:
        outcome: tuple[str, object] = ("ok", work())
    except BaseException as error:  # everything goes back to the parent
        outcome = ("raised", error)
    try:
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:  # a result or an exception that does not pickle
        failure = outcome[1] if outcome[0] == "raised" else error
        details = "".join(traceback.format_exception(failure))  # type: ignore[arg-type]
        data = pickle.dumps(("raised", WorkerFailed(f"a worker process failed:\n{details}")))
    try:
        pipe.write(data)
    except BrokenPipeError:
        return 1  # the parent stopped listening: it was interrupted
    return 0


def _collect(pid: int, pipe: BinaryIO) -> list[tuple[int, R]]:
    try:
        kind, value = pickle.load(pipe)
    except EOFError:
        raise WorkerFailed(f"worker process {pid} ended without a result") from None
    if kind == "raised":
        raise value
    return value  # type: ignore[no-any-return]
