"""The benchmarks' synthetic corpus builds: a benchmark that cannot build measures nothing.

(The home page's triage once linked the real playbooks from every copy, and `make bench`
stopped at its first strict build.)
"""

from __future__ import annotations

import sys
from pathlib import Path

from generator.cli import main
from tests.support import REPO

sys.path.insert(0, str(REPO / "benchmarks"))

from synthetic import SECTION_PREFIX, make_corpus


def test_a_small_synthetic_corpus_builds_strictly(tmp_path: Path):
    root = make_corpus(tmp_path / "corpus", 3)
    site = tmp_path / "site"
    assert main(["--project", str(root), "build", "--site-dir", str(site)]) == 0
    built_sections = [folder.name for folder in (site / "playbooks").iterdir()]
    assert any(name.startswith(SECTION_PREFIX) for name in built_sections)
