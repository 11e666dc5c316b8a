"""Profile ``playbooks generate`` on a synthetic corpus: where does the time go?

    .venv/bin/python benchmarks/profile_generate.py [--playbooks 1000] [--shape spread]

Runs a first generate (everything written) and a second, no-op one under cProfile and prints
the functions with the most cumulative time. What the profile taught us is in README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
from pathlib import Path

from synthetic import SHAPES, make_corpus

from generator.pipeline import generate
from generator.project import Project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--playbooks", type=int, default=1000)
    parser.add_argument("--shape", choices=SHAPES, default="realistic")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="playbooks-profile-") as scratch:
        project = Project(make_corpus(Path(scratch) / "project", args.playbooks, args.shape))
        for label in ("first generate", "no-op generate"):
            profiler = cProfile.Profile()
            profiler.enable()
            summary = generate(project).summary
            profiler.disable()
            print(f"\n=== {label}: {summary}")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
