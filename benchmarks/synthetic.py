"""Synthetic corpora for the benchmarks: the real playbooks copied under new ids.

Copies keep the real files' text (so parsing and rendering cost what real content costs);
only the top-level ``id``, ``title`` and ``section`` lines change. Two shapes:

- ``realistic``: each copy stays in its original's section, as a growing project's
  playbooks would land: a few sections, the largest holding hundreds of playbooks.
- ``spread``: the copied catalog gains one synthetic section per ``PLAYBOOKS_PER_SECTION``
  playbooks, and copies are dealt out over them in turn, like cards, so every section holds
  a mix of topics: many small sections.
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
import time
from pathlib import Path
from typing import Literal

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator.corpus import CATALOG_FILE, playbook_files  # noqa: E402
from tests.support import copy_project, drop_triage  # noqa: E402

PLAYBOOKS_PER_SECTION = 25
"""About what one nav section holds before readers want it split; see benchmarks/README.md."""

SECTION_PREFIX = "synthetic-"
"""In the spread shape, every copy lives in a section whose id starts so."""

Shape = Literal["realistic", "spread"]
SHAPES: tuple[Shape, ...] = ("realistic", "spread")


def make_corpus(destination: Path, count: int, shape: Shape = "spread") -> Path:
    """A project copy at ``destination`` whose ``playbooks/`` holds ``count`` copies."""
    root = copy_project(destination)
    drop_triage(root / "docs" / "index.md")  # it links the real playbooks, renamed here
    playbooks_dir = root / "playbooks"
    originals = [(path, path.read_text(encoding="utf-8")) for path in playbook_files(playbooks_dir)]
    if not originals:
        raise SystemExit("no playbooks to copy: playbooks/ holds only the catalog")
    for path, _ in originals:
        path.unlink()
    sections = math.ceil(count / PLAYBOOKS_PER_SECTION) if shape == "spread" else 0
    for number in range(count):
        path, text = originals[number % len(originals)]
        new_id = f"{path.stem}-{number:04d}"
        text = _set_top_level(text, "id", new_id)
        if sections:
            text = _set_top_level(text, "section", _section_id(number % sections))
        title = yaml.safe_load(text)["title"]
        text = _set_top_level(text, "title", f"{title} (copy {number})")
        (playbooks_dir / f"{new_id}.yml").write_text(text, encoding="utf-8")
    if sections:
        _add_sections(playbooks_dir / CATALOG_FILE, sections)
    an_hour_ago = time.time() - 3600
    for path in playbooks_dir.iterdir():  # as if saved long ago: see generator/cache.py
        os.utime(path, (an_hour_ago, an_hour_ago))
    return root


def _section_id(number: int) -> str:
    return f"{SECTION_PREFIX}{number:03d}"


def _set_top_level(text: str, key: str, value: str) -> str:
    """Replace the one-line value of a top-level ``key``; JSON strings are valid YAML."""
    pattern = re.compile(rf"^{key}:[ \t]*(?![>|]).*$", re.MULTILINE)
    replaced, found = pattern.subn(f"{key}: {json.dumps(value)}", text, count=1)
    if found != 1:
        raise SystemExit(f"cannot rewrite the top-level '{key}:' line of a playbook")
    return replaced


def _add_sections(catalog_path: Path, count: int) -> None:
    catalog = yaml.safe_load(catalog_path.read_text(encoding="utf-8"))
    catalog["sections"] += [
        {
            "id": _section_id(number),
            "title": f"Synthetic section {number}",
            "summary": f"Benchmark section {number}: copies of the real playbooks.",
        }
        for number in range(count)
    ]
    catalog_path.write_text(
        yaml.safe_dump(catalog, sort_keys=False, allow_unicode=True, width=100), encoding="utf-8"
    )
