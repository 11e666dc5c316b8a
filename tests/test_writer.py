"""The writer rewrites only what changed and never touches what it does not own."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from generator.cli import main
from generator.writer import MARKER, OutputFolder, WriterError, write_site

OUTPUT = Path("docs") / "playbooks"


def test_only_changed_files_are_rewritten(tmp_path):
    out = tmp_path / "out"
    first = write_site(out, {"a.md": "A", "sub/b.md": "B"})
    assert sorted(first.written) == ["a.md", "sub/b.md"]
    before = (out / "a.md").stat().st_mtime_ns
    second = write_site(out, {"a.md": "A", "sub/b.md": "B2"})
    assert second.written == ["sub/b.md"] and second.unchanged == 1
    assert (out / "a.md").stat().st_mtime_ns == before
    assert (out / "sub/b.md").read_text() == "B2"


def test_stale_pages_and_empty_folders_are_removed(tmp_path):
    out = tmp_path / "out"
    write_site(out, {"a.md": "A", "old/b.md": "B"})
    report = write_site(out, {"a.md": "A"})
    assert report.removed == ["old/b.md"]
    assert not (out / "old").exists()
    assert (out / MARKER).is_file()


def test_pages_written_in_batches_are_kept_and_the_rest_removed(tmp_path):
    out = tmp_path / "out"
    write_site(out, {"a.md": "A", "b/c.md": "C", "old.md": "O"})
    folder = OutputFolder(out)
    batches = [folder.write({"a.md": "A"}), folder.write({"b/c.md": "C2", "d.md": "D"})]
    report = folder.finish(batches)
    assert report.written == ["b/c.md", "d.md"] and report.unchanged == 1
    assert report.removed == ["old.md"]
    assert sorted(p.name for p in out.rglob("*.md")) == ["a.md", "c.md", "d.md"]


def test_refuses_a_folder_it_did_not_make(tmp_path):
    out = tmp_path / "docs"
    out.mkdir()
    (out / "handwritten.md").write_text("precious")
    with pytest.raises(WriterError, match="not made by the generator"):
        write_site(out, {"a.md": "A"})
    assert (out / "handwritten.md").read_text() == "precious"


@pytest.mark.parametrize("path", ["../escape.md", "/abs.md", "a/../../b.md"])
def test_refuses_paths_outside_the_folder(tmp_path, path):
    with pytest.raises(WriterError, match="outside"):
        write_site(tmp_path / "out", {path: "x"})
    assert not (tmp_path / "escape.md").exists()


def test_never_deletes_or_overwrites_a_tracked_file(tmp_path):
    out = tmp_path / "out"
    write_site(out, {"a.md": "A"})
    (out / "kept.md").write_text("tracked")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-f", "out/kept.md"], cwd=tmp_path, check=True)
    write_site(out, {"a.md": "A"})
    assert (out / "kept.md").read_text() == "tracked"
    with pytest.raises(WriterError, match="tracked by git"):
        write_site(out, {"a.md": "A", "kept.md": "changed"})
    assert (out / "kept.md").read_text() == "tracked"


def test_never_writes_through_a_linked_folder(tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    write_site(out, {"a.md": "A"})
    elsewhere.mkdir()
    (out / "sub").symlink_to(elsewhere)
    with pytest.raises(WriterError, match="through a symbolic link"):
        write_site(out, {"a.md": "A", "sub/b.md": "B"})
    assert list(elsewhere.iterdir()) == []


def test_stale_links_go_but_their_targets_stay(tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    write_site(out, {"a.md": "A"})
    elsewhere.mkdir()
    (elsewhere / "precious.md").write_text("mine")
    (out / "linked-folder").symlink_to(elsewhere)
    (out / "linked-file.md").symlink_to(elsewhere / "precious.md")
    report = write_site(out, {"a.md": "A"})
    assert report.removed == ["linked-file.md", "linked-folder"]
    assert (elsewhere / "precious.md").read_text() == "mine"


def test_refuses_an_output_folder_that_is_a_link(tmp_path):
    real = tmp_path / "real"
    write_site(real, {"a.md": "A"})
    (tmp_path / "out").symlink_to(real)
    with pytest.raises(WriterError, match="symbolic link"):
        write_site(tmp_path / "out", {"b.md": "B"})
    assert sorted(path.name for path in real.iterdir()) == [MARKER, "a.md"]


def test_generate_writes_nothing_outside_its_folder(project):
    def everything_but_output() -> dict[str, bytes]:
        return {
            path.relative_to(project).as_posix(): path.read_bytes()
            for path in sorted(project.rglob("*"))
            if path.is_file() and OUTPUT not in path.relative_to(project).parents
        }

    before = everything_but_output()
    assert main(["--project", str(project), "generate"]) == 0
    assert (project / OUTPUT / MARKER).is_file()
    assert everything_but_output() == before
