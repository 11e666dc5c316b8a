"""Work shared over forked processes gives what doing it in turn gives, failures included,
and never leaves a process behind."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from generator import forks
from generator.cli import main
from generator.forks import WorkerFailed, map_in_forks, worker_count
from tests.test_incremental import add_copy


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The process ids of the workers forked from here on."""
    pids: list[int] = []
    real_fork = forks._fork

    def recording(*args):  # type: ignore[no-untyped-def]
        pid, pipe = real_fork(*args)
        pids.append(pid)
        return pid, pipe

    monkeypatch.setattr(forks, "_fork", recording)
    return pids


def all_gone(pids: list[int]) -> bool:
    """Whether every one of these processes has ended and been reaped (no zombie either)."""
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        return False
    return bool(pids)


def test_results_come_back_in_order_from_several_processes(children):
    results = map_in_forks(lambda item: (item * item, os.getpid()), range(11), workers=3)
    assert [square for square, _ in results] == [item * item for item in range(11)]
    pids = {pid for _, pid in results}
    assert len(pids) == 3 and os.getpid() in pids
    assert all_gone(children)


def test_an_exception_in_a_worker_is_raised_in_the_caller(children):
    def check(item: int) -> int:
        if item == 3:  # dealt to the second process
            raise ValueError(f"item {item} is bad")
        return item

    with pytest.raises(ValueError, match="item 3 is bad"):
        map_in_forks(check, range(6), workers=2)
    assert all_gone(children)


def test_an_exception_that_cannot_travel_back_is_described(children):
    class Unpicklable(Exception):
        def __init__(self) -> None:
            super().__init__("holds a lock")
            self.lock = threading.Lock()

    def check(item: int) -> int:
        if item == 1:
            raise Unpicklable()
        return item

    with pytest.raises(WorkerFailed, match=r"(?s)a worker process failed.*holds a lock"):
        map_in_forks(check, range(4), workers=2)
    assert all_gone(children)


def test_a_worker_that_dies_is_reported(children):
    def die(item: int) -> int:
        if item == 1:
            os.kill(os.getpid(), signal.SIGKILL)
        return item

    with pytest.raises(WorkerFailed, match="ended without a result"):
        map_in_forks(die, range(4), workers=2)
    assert all_gone(children)


def test_an_interrupted_caller_kills_and_reaps_its_workers(tmp_path, children):
    """Ctrl-C while workers are busy: when the interrupt reaches the caller, they are gone."""

    def work(item: int) -> int:
        if item == 0:  # the caller's own share: wait until the others have started, then stop
            while len(list(tmp_path.iterdir())) < 2:
                time.sleep(0.01)
            raise KeyboardInterrupt
        (tmp_path / str(os.getpid())).touch()
        time.sleep(60)
        return item

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        map_in_forks(work, range(3), workers=3)
    assert time.monotonic() - started < 30, "the caller waited for its workers to finish"
    assert sorted(int(path.name) for path in tmp_path.iterdir()) == sorted(children)
    assert all_gone(children)


def test_few_items_or_running_threads_keep_the_work_in_this_process():
    assert worker_count(forks.ITEMS_PER_WORKER - 1) == 1
    assert worker_count(10_000) == forks.usable_cores()
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert worker_count(10_000) == 1
    finally:
        stop.set()
        thread.join()


def tree(folder: Path) -> dict[str, bytes]:
    files = (path for path in folder.rglob("*") if path.is_file())
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in files}


def test_a_shared_out_generate_writes_what_one_process_writes(project, monkeypatch, children):
    for number in range(5):
        add_copy(project, f"copy-{number}")
    output = project / "docs" / "playbooks"
    results = {}
    for workers in (1, 3):
        monkeypatch.setattr(forks, "worker_count", lambda items, workers=workers: workers)
        assert main(["--project", str(project), "generate"]) == 0
        results[workers] = tree(output)
        (project / "docs" / "playbooks" / "faq.md").unlink()  # the next run must write again
    assert len(children) >= 2 * 3 and all_gone(children)  # read, render, write: two each
    assert results[1] == results[3]
    assert len(results[1]) > 14 * 5


def test_problems_from_workers_are_reported_in_file_order(project, monkeypatch, capsys, children):
    for number in range(4):
        broken = add_copy(project, f"broken-{number}")
        broken.write_text(broken.read_text().replace("\ntitle:", "\ntitel:", 1))
    reports = {}
    for workers in (1, 2):
        monkeypatch.setattr(forks, "worker_count", lambda items, workers=workers: workers)
        assert main(["--project", str(project), "validate"]) == 1
        reports[workers] = capsys.readouterr().err
    assert children and reports[1] == reports[2]
    named = [line.split(":")[0] for line in reports[1].splitlines() if "broken-" in line]
    assert named == sorted(named) and len(set(named)) == 4
