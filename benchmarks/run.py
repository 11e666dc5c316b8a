"""Benchmark the build at 100 and 1,000 playbooks and check the performance budgets.

    make bench                      # or: .venv/bin/python benchmarks/run.py [--repeat 3]

Each round makes synthetic corpora (see synthetic.py) in a temporary folder and times the
commands a contributor runs, each as its own process, as a contributor would run them. Every
ratio is taken within one round, so both sides saw the same load on a shared machine; the
table shows medians over the rounds. Exits 1 when a budget does not hold.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import serve_latency
from synthetic import REPO, make_corpus

from generator.cache import GenerateCache
from generator.cli import generate
from generator.corpus import playbook_files
from generator.project import Project
from generator.site_build import engine_command

SIZES = (100, 1000)
KB = 1024


@dataclass
class Round:
    """One size, one round: seconds, counts and bytes."""

    generate: float
    noop_generate: float
    noop_rewritten: int
    edit_regenerate: float
    mkdocs: float
    build: float
    median_page: int
    largest_page: int


@dataclass(frozen=True)
class Budget:
    name: str
    limit: str
    value: Callable[[dict[int, list[Round]], serve_latency.ServeFigures | None], float | None]
    holds: Callable[[float], bool]
    shown: Callable[[float], str]


def run_round(root: Path, scratch: Path) -> Round:
    """Time one corpus from an empty output folder to a built site."""
    output = Project(root).output_dir
    shutil.rmtree(output, ignore_errors=True)
    generate = _timed(_playbooks(root, "generate"))
    before = _mtimes(output)
    noop = _timed(_playbooks(root, "generate"))
    after = _mtimes(output)
    rewritten = sum(before.get(path) != stamp for path, stamp in after.items())
    edit_regenerate = _regenerate_after_an_edit(Project(root))
    site = scratch / "site-mkdocs"
    mkdocs = _timed(engine_command(Project(root), "mkdocs", site), cwd=root)
    median_page, largest_page = _playbook_page_sizes(site)
    shutil.rmtree(site)
    shutil.rmtree(output)
    build = _timed(_playbooks(root, "build", "--site-dir", str(scratch / "site-build")))
    shutil.rmtree(scratch / "site-build")
    return Round(
        generate, noop, rewritten, edit_regenerate, mkdocs, build, median_page, largest_page
    )


def _regenerate_after_an_edit(project: Project) -> float:
    """What the live preview does on a save: regenerate with the cache of earlier runs."""
    cache = GenerateCache()
    generate(project, cache)
    path = playbook_files(project.playbooks_dir)[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^title: .*$", "title: Edited", text, count=1, flags=re.M))
    started = time.perf_counter()
    generate(project, cache)
    elapsed = time.perf_counter() - started
    path.write_text(text, encoding="utf-8")
    return elapsed


def _playbooks(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "generator", "--project", str(root), *args]


def _timed(command: list[str], cwd: Path | None = None) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return elapsed


def _mtimes(folder: Path) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}


def _playbook_page_sizes(site: Path) -> tuple[int, int]:
    """Median and largest HTML size of the playbook pages: playbooks/<section>/<id>/."""
    sizes = sorted(page.stat().st_size for page in site.glob("playbooks/*/*/index.html"))
    return int(statistics.median(sizes)), sizes[-1]


def _median(rounds: list[Round], pick: Callable[[Round], float]) -> float:
    return statistics.median(pick(one) for one in rounds)


def _ratio_median(rounds: list[Round], top: Callable[[Round], float], bottom: str) -> float:
    return statistics.median(top(one) / getattr(one, bottom) for one in rounds)


def _largest(results: dict[int, list[Round]]) -> list[Round]:
    return results[max(results)]


def _linear_growth(results: dict[int, list[Round]]) -> float:
    small, large = results[min(results)], results[max(results)]
    pairs = zip(large, small, strict=True)
    return statistics.median(big.build / little.build for big, little in pairs)


def _assets_bytes() -> int:
    assets = REPO / "docs" / "assets"
    return sum((assets / name).stat().st_size for name in ("checklist.js", "checklist.css"))


BUDGETS = [
    Budget(
        "validate + generate, {large} playbooks, vs. `mkdocs build` of the same tree",
        "≤ 5 %",
        lambda r, s: _ratio_median(_largest(r), lambda one: one.generate, "mkdocs"),
        lambda v: v <= 0.05,
        lambda v: f"{v:.1%}",
    ),
    Budget(
        "the same, for the live preview: regenerate after one edit, with its cache",
        "≤ 5 %",
        lambda r, s: _ratio_median(_largest(r), lambda one: one.edit_regenerate, "mkdocs"),
        lambda v: v <= 0.05,
        lambda v: f"{v:.1%}",
    ),
    Budget(
        "files rewritten by a no-op generate (largest over every round and size)",
        "0",
        lambda r, s: max(one.noop_rewritten for rounds in r.values() for one in rounds),
        lambda v: v == 0,
        lambda v: f"{v:.0f}",
    ),
    Budget(
        "full `playbooks build`, {large} vs. {small} playbooks",
        "≤ 12 times",
        lambda r, s: _linear_growth(r),
        lambda v: v <= 12,
        lambda v: f"{v:.1f} times",
    ),
    Budget(
        "median playbook page, {large} playbooks",
        "< 60 KB",
        lambda r, s: _median(_largest(r), lambda one: one.median_page),
        lambda v: v < 60 * KB,
        lambda v: f"{v / KB:.1f} KB",
    ),
    Budget(
        "checklist JS + CSS, unminified",
        "≤ 10 KB",
        lambda r, s: _assets_bytes(),
        lambda v: v <= 10 * KB,
        lambda v: f"{v / KB:.1f} KB",
    ),
    Budget(
        "`playbooks serve`: YAML saved → page updated in the browser (median edit)",
        "≤ 2 s",
        lambda r, s: statistics.median(s.edit_seconds) if s else None,
        lambda v: v <= 2.0,
        lambda v: f"{v:.2f} s",
    ),
]


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, MkDocs {version('mkdocs')}, "
        f"Material {version('mkdocs-material')}; load average {load}"
    )


def report(results: dict[int, list[Round]], serve: serve_latency.ServeFigures | None) -> bool:
    rounds = len(next(iter(results.values())))
    print(f"\nMedians of {rounds} round{'s' * (rounds != 1)}; machine: {machine()}\n")
    print("| playbooks | " + " | ".join(f"{size:,}" for size in results) + " |")
    print("| --- |" + " ---: |" * len(results))
    rows: list[tuple[str, Callable[[Round], float], Callable[[float], str]]] = [
        ("validate + generate (s)", lambda r: r.generate, lambda v: f"{v:.2f}"),
        ("no-op generate (s)", lambda r: r.noop_generate, lambda v: f"{v:.2f}"),
        ("files rewritten by the no-op generate", lambda r: r.noop_rewritten, lambda v: f"{v:.0f}"),
        (
            "regenerate after one edit, live-preview cache (s)",
            lambda r: r.edit_regenerate,
            lambda v: f"{v:.2f}",
        ),
        ("`mkdocs build` of the generated tree (s)", lambda r: r.mkdocs, lambda v: f"{v:.1f}"),
        ("total `playbooks build` (s)", lambda r: r.build, lambda v: f"{v:.1f}"),
        ("median playbook page (KB)", lambda r: r.median_page, lambda v: f"{v / KB:.1f}"),
        ("largest playbook page (KB)", lambda r: r.largest_page, lambda v: f"{v / KB:.1f}"),
    ]
    for label, pick, shown in rows:
        cells = " | ".join(shown(_median(rounds_, pick)) for rounds_ in results.values())
        print(f"| {label} | {cells} |")
    print(f"\nChecklist JS + CSS: {_assets_bytes():,} bytes")
    if serve:
        edits = ", ".join(f"{s:.2f}" for s in serve.edit_seconds)
        print(
            f"Serve, real corpus: edit → browser {edits} s; new playbook served and in the"
            f" navigation {serve.added_seconds:.2f} s; removed one gone"
            f" {serve.removed_seconds:.2f} s"
        )
    print("\n| budget | limit | measured | holds |\n| --- | --- | ---: | --- |")
    all_hold = True
    for budget in BUDGETS:
        name = budget.name.format(large=f"{max(results):,}", small=f"{min(results):,}")
        value = budget.value(results, serve)
        if value is None:
            print(f"| {name} | {budget.limit} | not measured | - |")
            continue
        holds = budget.holds(value)
        all_hold &= holds
        verdict = "yes" if holds else "**NO**"
        print(f"| {name} | {budget.limit} | {budget.shown(value)} | {verdict} |")
    return all_hold


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds (default 3; medians shown)")
    parser.add_argument("--sizes", type=int, nargs=2, default=SIZES, help="corpus sizes")
    parser.add_argument("--no-serve", action="store_true", help="skip the live-preview timing")
    args = parser.parse_args()
    results: dict[int, list[Round]] = {size: [] for size in sorted(args.sizes)}
    with tempfile.TemporaryDirectory(prefix="playbooks-bench-") as scratch_name:
        scratch = Path(scratch_name)
        corpora = {size: make_corpus(scratch / f"corpus-{size}", size) for size in results}
        for number in range(args.repeat):
            for size, root in corpora.items():
                print(f"round {number + 1}/{args.repeat}: {size:,} playbooks …", flush=True)
                results[size].append(run_round(root, scratch))
    serve = None if args.no_serve else serve_latency.measure()
    return 0 if report(results, serve) else 1


if __name__ == "__main__":
    sys.exit(main())
