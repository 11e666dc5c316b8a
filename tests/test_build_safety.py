"""Nothing is lost: interrupted, killed, failing and simultaneous builds keep the last good
site, leave nothing behind, and never touch a file the generator does not own.

Builds run as real processes. A small MkDocs hook holds a build after the new site is fully
written into its staging folder and before the swap, until the test says go; so "mid-way"
is a known point, not a guess about timing.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.cli import main
from generator.engines import _run, _run_side_by_side
from generator.leftovers import MARKER as LEFTOVER_MARKER
from generator.publish import SITE_MARKER
from tests.sitecheck import broken_internal_links, read_site
from tests.support import FIXTURES, REPO, build, copy_project, wait_for

HOLD_HOOK = '''"""Test hook: hold the build once the site is written, until the test says go.
The offline copy, built at the same time, is not held."""
import os
import time
from pathlib import Path


def on_post_build(config, **kwargs):
    folder = os.environ.get("HOLD_BUILD")
    if folder and os.environ.get("PLAYBOOKS_OFFLINE") != "true":
        Path(folder, "ready").touch()
        while not Path(folder, "go").exists():
            time.sleep(0.05)
'''

PLAYBOOK_PAGE = "playbooks/basics/minimal/index.html"
PR_SET_CHILD_SUBREAPER = 36  # from <linux/prctl.h>


def small_project(tmp_path: Path) -> Path:
    """The project with the minimal fixture as content (quick to build) and the hold hook."""
    root = copy_project(tmp_path / "project", FIXTURES / "minimal")
    (root / "hold_build.py").write_text(HOLD_HOOK)
    config = root / "mkdocs.yml"
    text = config.read_text()
    hook = "\nhooks:\n  - hold_build.py\n"
    config.write_text(text.replace("\nhooks:\n", hook) if "\nhooks:\n" in text else text + hook)
    return root


def built_small_project(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """The small project with a good site built: its root, and the site as it stands."""
    root = small_project(tmp_path)
    assert build(root, root / "site") == 0
    return root, snapshot(root / "site")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def leftovers(root: Path) -> list[str]:
    return sorted(path.name for path in root.glob("site.*"))


def retitle(root: Path, title: str) -> None:
    playbook = root / "playbooks" / "minimal.yml"
    text = playbook.read_text()
    playbook.write_text(text.replace(text.splitlines()[1], f"title: {title}", 1))


def start(root: Path, *args: str, hold: Path | None = None, log: Path) -> subprocess.Popen:
    """``playbooks ARGS`` in its own process group, stderr to ``log``."""
    env = {key: value for key, value in os.environ.items() if key != "HOLD_BUILD"}
    if hold:
        hold.mkdir()
        env["HOLD_BUILD"] = str(hold)
    with log.open("w") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "generator", *args],
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )


@dataclass
class Held:
    """A build stopped after writing its new site and before the swap."""

    process: subprocess.Popen
    flags: Path
    log: Path

    def finish(self) -> tuple[int, str]:
        (self.flags / "go").touch()
        return self.process.wait(timeout=120), self.log.read_text()


@contextmanager
def held_build(root: Path, tmp_path: Path) -> Iterator[Held]:
    held = Held(
        start(root, "build", hold=tmp_path / "hold", log=tmp_path / "held.log"),
        tmp_path / "hold",
        tmp_path / "held.log",
    )
    try:
        wait_for(lambda: (held.flags / "ready").exists() or held.process.poll() is not None)
        assert held.process.poll() is None, held.log.read_text()
        yield held
    finally:
        (held.flags / "go").touch()
        if held.process.poll() is None:
            os.killpg(held.process.pid, signal.SIGKILL)
        held.process.wait(timeout=60)


def assert_group_gone(pid: int) -> None:
    """The build's whole process group, the engine included, has ended."""
    with pytest.raises(ProcessLookupError):
        os.killpg(pid, 0)


@pytest.fixture
def adopt_orphans() -> Iterator[None]:
    """Make this test process the one that inherits orphans, and never reap them.

    An engine the build killed but did not wait for outlives the build as a zombie in its
    process group whenever it dies after the build's last look at it. Whether the test then
    sees it depended on how soon the machine's init reaps orphans (CI's did not in time);
    here the zombie stays, on every machine.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        pytest.fail(f"prctl: {os.strerror(ctypes.get_errno())}")
    try:
        yield
    finally:
        libc.prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0)


@pytest.mark.usefixtures("adopt_orphans")
def test_terminated_build_keeps_the_previous_site_and_leaves_nothing(tmp_path):
    root, before = built_small_project(tmp_path)
    retitle(root, "A changed title")
    with held_build(root, tmp_path) as held:
        staging = root / f"site.building-{held.process.pid}"
        assert "A changed title" in (staging / PLAYBOOK_PAGE).read_text()
        held.process.send_signal(signal.SIGTERM)
        code = held.process.wait(timeout=60)
    assert code == 2
    assert held.log.read_text().splitlines()[-1] == "playbooks: interrupted"
    assert snapshot(root / "site") == before
    assert leftovers(root) == []
    assert_group_gone(held.process.pid)


def test_an_interrupted_engine_is_killed_and_reaped_before_the_interrupt_goes_on(tmp_path):
    """Ctrl-C during the engine: when the interrupt reaches the caller, the engine is gone,
    not a zombie left for someone else to reap."""
    pid_file = tmp_path / "engine.pid"
    engine = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(9)"

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    def interrupt_once_running() -> None:
        wait_for(lambda: pid_file.exists() and pid_file.read_text())
        signal.pthread_kill(threading.main_thread().ident, signal.SIGUSR1)

    previous = signal.signal(signal.SIGUSR1, interrupt)
    try:
        threading.Thread(target=interrupt_once_running, daemon=True).start()
        with pytest.raises(KeyboardInterrupt):
            _run([sys.executable, "-c", engine], tmp_path, dict(os.environ))
    finally:
        signal.signal(signal.SIGUSR1, previous)
    with pytest.raises(ProcessLookupError):
        os.kill(int(pid_file.read_text()), 0)


def waiting_engine(mine: Path, other: Path) -> list[str]:
    """An engine that says it started, then waits up to 30 s for ``other`` to start."""
    code = (
        "import pathlib, sys, time\n"
        f"pathlib.Path({str(mine)!r}).touch()\n"
        "deadline = time.time() + 30\n"
        f"while not pathlib.Path({str(other)!r}).exists():\n"
        "    if time.time() > deadline: sys.exit('the other engine never started')\n"
        "    time.sleep(0.05)\n"
    )
    return [sys.executable, "-c", code]


def test_the_site_and_its_offline_copy_are_built_at_the_same_time(tmp_path):
    """Each engine waits for the other: run one after the other, both would fail."""
    first, second = tmp_path / "first", tmp_path / "second"
    env = dict(os.environ)
    commands = [(waiting_engine(first, second), env), (waiting_engine(second, first), env)]
    assert _run_side_by_side(commands, tmp_path) == [None, None]


def test_engines_side_by_side_report_each_ones_failure(tmp_path):
    env = dict(os.environ)
    failing = [sys.executable, "-c", "import sys; print('WARNING - a broken link'); sys.exit(1)"]
    outcomes = _run_side_by_side([([sys.executable, "-c", "pass"], env), (failing, env)], tmp_path)
    assert outcomes == [None, ["WARNING - a broken link"]]


def test_an_interrupt_kills_and_reaps_every_engine_running_side_by_side(tmp_path):
    pids = [tmp_path / "first.pid", tmp_path / "second.pid"]
    engines = [
        f"import os, time; open({str(pid)!r}, 'w').write(str(os.getpid())); time.sleep(9)"
        for pid in pids
    ]

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    def interrupt_once_both_run() -> None:
        wait_for(lambda: all(pid.exists() and pid.read_text() for pid in pids))
        signal.pthread_kill(threading.main_thread().ident, signal.SIGUSR1)

    previous = signal.signal(signal.SIGUSR1, interrupt)
    try:
        threading.Thread(target=interrupt_once_both_run, daemon=True).start()
        commands = [([sys.executable, "-c", engine], dict(os.environ)) for engine in engines]
        with pytest.raises(KeyboardInterrupt):
            _run_side_by_side(commands, tmp_path)
    finally:
        signal.signal(signal.SIGUSR1, previous)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(int(pid.read_text()), 0)


def test_killed_build_keeps_the_previous_site_and_the_next_build_clears_up(tmp_path):
    root, before = built_small_project(tmp_path)
    retitle(root, "A changed title")
    with held_build(root, tmp_path) as held:
        os.killpg(held.process.pid, signal.SIGKILL)
        assert held.process.wait(timeout=60) == -signal.SIGKILL
    assert snapshot(root / "site") == before
    assert leftovers(root) == [f"site.building-{held.process.pid}"]
    assert build(root, root / "site") == 0
    assert leftovers(root) == []
    assert "A changed title" in (root / "site" / PLAYBOOK_PAGE).read_text()


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_site_lost_between_the_two_renames_comes_back(tmp_path):
    root, before = built_small_project(tmp_path)
    # A build killed after moving the old site aside and before moving the new one in.
    retired = root / f"site.old-{dead_pid()}"
    (root / "site" / LEFTOVER_MARKER).write_text(retired.name)
    (root / "site").rename(retired)
    (root / "docs" / "project" / "index.md").write_text("# About\n\n[broken](missing-page.md)\n")
    assert build(root, root / "site") == 1
    assert snapshot(root / "site") == before
    assert leftovers(root) == []


def test_two_builds_at_once_take_turns(tmp_path):
    root = small_project(tmp_path)
    with held_build(root, tmp_path) as first:
        second = start(root, "build", log=tmp_path / "second.log")
        try:
            wait_for(lambda: "waiting for it" in (tmp_path / "second.log").read_text())
            # The second build waits before generating, so it cannot disturb the first.
            assert leftovers(root) == [f"site.building-{first.process.pid}"]
            assert first.finish() == (0, "")
            assert second.wait(timeout=120) == 0
        finally:
            if second.poll() is None:
                second.kill()
    assert leftovers(root) == []
    assert (root / "site" / SITE_MARKER).is_file()
    assert broken_internal_links(root / "site", read_site(root / "site")) == []


@pytest.mark.parametrize("site_dir", ["docs", ".", "precious"])
def test_build_never_replaces_a_folder_it_did_not_make(tmp_path, capsys, site_dir):
    root = copy_project(tmp_path / "project", FIXTURES / "minimal")
    (root / "precious").mkdir()
    (root / "precious" / "notes.txt").write_text("mine")
    kept = {
        path: path.read_bytes()
        for path in [root / "mkdocs.yml", root / "docs" / "index.md", root / "precious/notes.txt"]
    }
    assert main(["--project", str(root), "build", "--site-dir", str(root / site_dir)]) == 2
    assert "did not make" in capsys.readouterr().err
    assert {path: path.read_bytes() for path in kept} == kept
    assert not list(tmp_path.rglob("*.building-*")) and not list(tmp_path.rglob("*.old-*"))


def git(root: Path, *args: str) -> str:
    command = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args]
    return subprocess.run(command, cwd=root, capture_output=True, text=True, check=True).stdout


def test_git_status_is_clean_after_failed_builds(tmp_path):
    root = small_project(tmp_path)
    (root / ".gitignore").write_text((REPO / ".gitignore").read_text())
    git(root, "init", "-q")
    playbook = root / "playbooks" / "minimal.yml"
    good = playbook.read_text()
    playbook.write_text(good.replace("audiences: [sellers]", "audiences: [aliens]"))
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "invalid content")
    assert build(root, root / "site") == 1  # validation fails
    assert git(root, "status", "--porcelain") == ""
    playbook.write_text(good)
    (root / "docs" / "project" / "index.md").write_text("# About\n\n[broken](missing-page.md)\n")
    git(root, "commit", "-q", "-am", "valid content, broken page")
    assert build(root, root / "site") == 1  # the engine fails
    assert git(root, "status", "--porcelain") == ""
    assert not (root / "site").exists()


def test_removed_and_renamed_playbooks_leave_no_stale_page(tmp_path):
    root = copy_project(tmp_path / "project", FIXTURES / "minimal")
    playbooks = root / "playbooks"
    text = (playbooks / "minimal.yml").read_text()
    (playbooks / "second.yml").write_text(text.replace("id: minimal", "id: second", 1))
    assert main(["--project", str(root), "generate"]) == 0
    assert (root / "docs" / "playbooks" / "basics" / "second" / "index.md").is_file()
    (playbooks / "second.yml").unlink()
    (playbooks / "renamed.yml").write_text(text.replace("id: minimal", "id: renamed", 1))
    assert build(root, root / "site") == 0
    assert_only_playbooks(root, {"minimal", "renamed"}, gone="second")
    (playbooks / "renamed.yml").unlink()
    assert build(root, root / "site") == 0
    assert_only_playbooks(root, {"minimal"}, gone="renamed")


def assert_only_playbooks(root: Path, ids: set[str], gone: str) -> None:
    generated = root / "docs" / "playbooks" / "basics"
    site = root / "site" / "playbooks" / "basics"
    assert {path.name for path in generated.iterdir() if path.is_dir()} == ids
    assert {path.name for path in site.iterdir() if path.is_dir()} == ids
    for folder in (root / "docs" / "playbooks", root / "site"):
        for path in folder.rglob("*"):
            if path.suffix in {".md", ".html", ".json", ".xml"}:
                assert f"basics/{gone}" not in path.read_text(encoding="utf-8"), path
    assert broken_internal_links(root / "site", read_site(root / "site")) == []


def test_a_site_built_before_the_marker_existed_is_still_replaced(tmp_path):
    root = copy_project(tmp_path / "project", FIXTURES / "minimal")
    assert build(root, root / "site") == 0
    (root / "site" / SITE_MARKER).unlink()
    assert build(root, root / "site") == 0
    assert (root / "site" / SITE_MARKER).is_file()


def users_folder(path: Path) -> dict[str, bytes]:
    """A folder someone made, named like a build's leftover; returns what it holds."""
    path.mkdir()
    (path / "index.html").write_text(f"kept by hand in {path.name}")
    return snapshot(path)


@pytest.mark.parametrize("site_exists", [True, False])
def test_folders_named_like_leftovers_are_never_touched_unless_the_build_marked_them(
    tmp_path, site_exists
):
    root = copy_project(tmp_path / "project", FIXTURES / "minimal")
    if site_exists:
        assert build(root, root / "site") == 0
    pid = dead_pid()
    backups = {
        name: users_folder(root / name)
        for name in (f"site.old-{pid}", f"site.building-{pid}", "site.old-2024")
    }
    # A copy of a real leftover under another name: its marker names the original folder.
    copied = root / f"site.old-{dead_pid()}"
    backups[copied.name] = users_folder(copied)
    (copied / LEFTOVER_MARKER).write_text(f"site.old-{pid}")
    backups[copied.name] = snapshot(copied)
    assert build(root, root / "site") == 0
    for name, files in backups.items():
        assert snapshot(root / name) == files, name
    assert "kept by hand" not in (root / "site" / "index.html").read_text()
    # A refused build touches them no more than a good one.
    (root / "playbooks" / "minimal.yml").write_text("id: [broken")
    assert build(root, root / "site") == 1
    for name, files in backups.items():
        assert snapshot(root / name) == files, name


def test_a_marked_leftover_is_cleared_and_no_marker_reaches_the_site(tmp_path):
    root = copy_project(tmp_path / "project", FIXTURES / "minimal")
    stale = root / f"site.building-{dead_pid()}"
    stale.mkdir()
    (stale / LEFTOVER_MARKER).write_text(stale.name)
    assert build(root, root / "site") == 0
    assert build(root, root / "site") == 0  # a second swap retires the first site
    assert leftovers(root) == []
    assert not (root / "site" / LEFTOVER_MARKER).exists()


def test_a_site_folder_whose_parents_do_not_exist_yet_is_made(tmp_path):
    root = copy_project(tmp_path / "project", FIXTURES / "minimal")
    site = tmp_path / "new" / "deeper" / "site"
    assert build(root, site) == 0
    assert (site / PLAYBOOK_PAGE).is_file() and leftovers(root) == []
    assert sorted(path.name for path in site.parent.iterdir()) == ["site"]


def test_a_mount_point_is_refused_as_the_site_folder(tmp_path, capsys, monkeypatch):
    root = copy_project(tmp_path / "project", FIXTURES / "minimal")
    volume = root / "volume"
    volume.mkdir()
    real_ismount = os.path.ismount
    monkeypatch.setattr(os.path, "ismount", lambda path: Path(path) == volume or real_ismount(path))
    assert main(["--project", str(root), "build", "--site-dir", str(volume)]) == 2
    assert "is a mount point" in capsys.readouterr().err
    assert list(volume.iterdir()) == [] and leftovers(root) == []
