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
    real_fork = forks._Child.fork

    def recording(batches):  # type: ignore[no-untyped-def]
        child = real_fork(batches)
        pids.append(child.pid)
        return child

    monkeypatch.setattr(forks._Child, "fork", recording)
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


class Gathering:
    """Makes each of ``processes`` processes take an item before any goes on: workers take
    items as they are free, so without this one fast process could take them all."""

    def __init__(self, folder: Path, processes: int) -> None:
        self.folder, self.processes = folder, processes
        self.caller = os.getpid()

    def arrive(self) -> None:
        (self.folder / str(os.getpid())).touch()
        deadline = time.monotonic() + 30
        while len(list(self.folder.iterdir())) < self.processes and time.monotonic() < deadline:
            time.sleep(0.005)

    def in_a_worker(self) -> bool:
        return os.getpid() != self.caller

    def workers(self) -> list[int]:
        """The workers that arrived."""
        pids = (int(path.name) for path in self.folder.iterdir())
        return sorted(pid for pid in pids if pid != self.caller)


@pytest.fixture
def gathering(tmp_path: Path) -> Gathering:
    return Gathering(tmp_path, processes=3)


def test_results_come_back_in_order_from_several_processes(gathering, children):
    def work(item: int) -> tuple[int, int]:
        gathering.arrive()
        return item * item, os.getpid()

    results = map_in_forks(work, range(11), workers=3)
    assert [square for square, _ in results] == [item * item for item in range(11)]
    assert {pid for _, pid in results} == {os.getpid(), *children}
    assert len(children) == 2 and all_gone(children)


def test_an_exception_in_a_worker_is_raised_in_the_caller(gathering, children):
    def check(item: int) -> int:
        gathering.arrive()
        if gathering.in_a_worker():
            raise ValueError(f"item {item} is bad")
        return item

    with pytest.raises(ValueError, match=r"item \d+ is bad"):
        map_in_forks(check, range(6), workers=3)
    assert all_gone(children)


def test_an_exception_that_cannot_travel_back_is_described(gathering, children):
    class Unpicklable(Exception):
        def __init__(self) -> None:
            super().__init__("holds a lock")
            self.lock = threading.Lock()

    def check(item: int) -> int:
        gathering.arrive()
        if gathering.in_a_worker():
            raise Unpicklable()
        return item

    with pytest.raises(WorkerFailed, match=r"(?s)a worker process failed.*holds a lock"):
        map_in_forks(check, range(6), workers=3)
    assert all_gone(children)


def test_a_worker_that_dies_is_reported(gathering, children):
    def die(item: int) -> int:
        gathering.arrive()
        if gathering.in_a_worker():
            os.kill(os.getpid(), signal.SIGKILL)
        return item

    with pytest.raises(WorkerFailed, match="ended without a result"):
        map_in_forks(die, range(6), workers=3)
    assert all_gone(children)


def test_an_interrupted_caller_kills_and_reaps_its_workers(gathering, children):
    """Ctrl-C while workers are busy: when the interrupt reaches the caller, they are gone."""

    def work(item: int) -> int:
        gathering.arrive()
        if not gathering.in_a_worker():
            raise KeyboardInterrupt
        time.sleep(60)
        return item

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        map_in_forks(work, range(3), workers=3)
    assert time.monotonic() - started < 30, "the caller waited for its workers to finish"
    assert gathering.workers() == sorted(children)
    assert all_gone(children)


def test_few_items_or_running_threads_keep_the_work_in_this_process(monkeypatch):
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert worker_count(forks.ITEMS_PER_WORKER - 1) == 1
    assert worker_count(10_000) == min(forks.usable_cores(), forks.MAX_WORKERS)
    monkeypatch.setattr(threading, "active_count", lambda: 2)  # a server thread, say
    assert worker_count(10_000) == 1


def test_a_large_machine_gets_as_many_workers_as_the_work_is_worth(monkeypatch):
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(forks, "usable_cores", lambda: 64)
    assert worker_count(3 * forks.ITEMS_PER_WORKER) == 3
    assert worker_count(10_000) == forks.MAX_WORKERS


def tree(folder: Path) -> dict[str, bytes]:
    files = (path for path in folder.rglob("*") if path.is_file())
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in files}


def test_a_shared_out_generate_writes_what_one_process_writes(project, children):
    for number in range(5):
        add_copy(project, f"copy-{number}")
    output = project / "docs" / "playbooks"
    results = {}
    for jobs in ("1", "3"):
        assert main(["--project", str(project), "generate", "--jobs", jobs]) == 0
        results[jobs] = tree(output)
        (output / "faq.md").unlink()  # the next run must write again
        if jobs == "1":
            assert children == []
    assert len(children) == 2 * 2 and all_gone(children)  # two to read, two to render and write
    assert results["1"] == results["3"]
    assert len(results["1"]) > 14 * 5


def test_problems_from_workers_are_reported_in_file_order(project, capsys, children):
    for number in range(4):
        broken = add_copy(project, f"broken-{number}")
        broken.write_text(broken.read_text().replace("\ntitle:", "\ntitel:", 1))
    reports = {}
    for jobs in ("1", "2"):
        assert main(["--project", str(project), "validate", "--jobs", jobs]) == 1
        reports[jobs] = capsys.readouterr().err
    assert children and reports["1"] == reports["2"]
    named = [line.split(":")[0] for line in reports["1"].splitlines() if "broken-" in line]
    assert named == sorted(named) and len(set(named)) == 4


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_jobs_must_be_a_whole_number_of_one_or_more(project, capsys, jobs):
    with pytest.raises(SystemExit) as stop:
        main(["--project", str(project), "build", "--jobs", jobs])
    assert stop.value.code == 2
    assert "--jobs: expected a whole number of 1 or more" in capsys.readouterr().err
