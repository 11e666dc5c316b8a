"""Benchmark the build at 100 and 1,000 playbooks and check the performance budgets.

    make bench                      # or: .venv/bin/python benchmarks/run.py [--repeat 3]

Each round makes synthetic corpora of both shapes (see synthetic.py) in a temporary folder
and times the commands a contributor runs, each as its own process, as a contributor would
run them. Every ratio is taken within one round, so both sides saw the same load on a shared
machine; the tables show medians over the rounds. Exits 1 when a budget does not hold on
either shape.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Literal

import serve_latency
from synthetic import SHAPES, Shape, make_corpus

import generator
from generator.cache import GenerateCache
from generator.corpus import playbook_files
from generator.engines import PREVIEW_NAV
from generator.pipeline import generate, preview
from generator.project import Project
from tests.support import own_assets_gzipped

SIZES = (100, 1000)
Clock = Literal["cpu", "wall"]
KB = 1024


@dataclass(frozen=True)
class Timing:
    """Wall-clock and CPU seconds of one step.

    Wall time is what a contributor waits for, and what the budgets' ratios use. CPU time,
    the sum over all processes, says how much work the step did; it is shown alongside (the
    two differ when a step waits for the disk, or when the engine's helpers run beside it).
    """

    wall: float
    cpu: float


@dataclass
class Round:
    """One size, one round: times, counts and bytes."""

    generate: Timing
    noop_generate: Timing
    noop_rewritten: int
    edit_regenerate: Timing
    mkdocs: Timing
    build: Timing
    median_page: int
    """Over every HTML page of the site."""
    largest_page: tuple[int, str]
    """The heaviest HTML page, and its address."""


Results = dict[int, list[Round]]
"""Corpus size -> its rounds, for one shape."""


@dataclass(frozen=True)
class Budget:
    """A limit on one corpus shape's results."""

    name: str
    limit: str
    value: Callable[[Results], float]
    holds: Callable[[float], bool]
    shown: Callable[[float], str]
    cpu: Callable[[Results], str] | None = None
    """For a ratio of wall-clock times: the same ratio of CPU times, shown alongside."""


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
    mkdocs = _timed(_mkdocs_build(root, site), cwd=root)
    median_page, largest_page = _page_sizes(site)
    shutil.rmtree(site)
    shutil.rmtree(output)
    build = _timed(_playbooks(root, "build", "--site-dir", str(scratch / "site-build")))
    shutil.rmtree(scratch / "site-build")
    return Round(
        generate,
        noop,
        rewritten,
        edit_regenerate,
        mkdocs,
        build,
        median_page,
        largest_page,
    )


def _regenerate_after_an_edit(project: Project) -> Timing:
    """What the live preview does on a save: regenerate with the cache of earlier runs.
    The first run also writes the nav the preview serves, a whole config: mkdocs.yml and
    the nav (``PREVIEW_NAV``)."""
    cache = GenerateCache()
    preview(project, cache)
    path = playbook_files(project.playbooks_dir)[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^title: .*$", "title: Edited", text, count=1, flags=re.M))
    started, cpu = time.perf_counter(), time.process_time()
    generate(project, cache)
    elapsed = Timing(time.perf_counter() - started, time.process_time() - cpu)
    path.write_text(text, encoding="utf-8")
    return elapsed


def _mkdocs_build(root: Path, site: Path) -> list[str]:
    """The strict build that ``playbooks build`` runs (generator/engines.py), on its own:
    one build of the site, with the generated navigation, and no offline copy."""
    config = str(root / PREVIEW_NAV)
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config, "-d", str(site)]


def _playbooks(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "generator", "--project", str(root), *args]


def _timed(command: list[str], cwd: Path | None = None) -> Timing:
    """Run ``command``; its CPU time includes the processes it waited for (MkDocs)."""
    started, cpu = time.perf_counter(), _children_cpu()
    result = subprocess.run(
        command,
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    elapsed = Timing(time.perf_counter() - started, _children_cpu() - cpu)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return elapsed


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _mtimes(folder: Path) -> dict[Path, int]:
    return {path: path.stat().st_mtime_ns for path in folder.rglob("*") if path.is_file()}


def _page_sizes(site: Path) -> tuple[int, tuple[int, str]]:
    """The median HTML page's bytes, and the largest page's bytes and address."""
    sizes = sorted((page.stat().st_size, page) for page in site.rglob("*.html"))
    size, page = sizes[-1]
    median = int(statistics.median(size for size, _ in sizes))
    return median, (size, page.parent.relative_to(site).as_posix() + "/")


def _median(rounds: list[Round], pick: Callable[[Round], float]) -> float:
    return statistics.median(pick(one) for one in rounds)


def _ratio(pairs: Iterable[tuple[Timing, Timing]], clock: Clock = "wall") -> float:
    """The median of ``top / bottom`` over rounds, each pair measured in the same round."""
    return statistics.median(getattr(top, clock) / getattr(bottom, clock) for top, bottom in pairs)


def _versus_mkdocs(results: Results, step: str, clock: Clock = "wall") -> float:
    return _ratio(((getattr(one, step), one.mkdocs) for one in _largest(results)), clock)


def _largest(results: Results) -> list[Round]:
    return results[max(results)]


def _linear_growth(results: Results, clock: Clock = "wall") -> float:
    small, large = results[min(results)], results[max(results)]
    pairs = zip(large, small, strict=True)
    return _ratio(((big.build, little.build) for big, little in pairs), clock)


def _assets_bytes() -> int:
    return sum(own_assets_gzipped().values())


def _versus_mkdocs_budget(name: str, step: str, limit: float) -> Budget:
    """``step`` at the largest size takes at most ``limit`` times the ``mkdocs build`` of
    its tree."""

    def shown(value: float) -> str:
        return f"{value:.1%}" if limit < 1 else f"{value:.2f} times"

    return Budget(
        name,
        f"≤ {shown(limit)}",
        lambda r: _versus_mkdocs(r, step),
        lambda v: v <= limit,
        shown,
        lambda r: shown(_versus_mkdocs(r, step, "cpu")),
    )


BUDGETS = [
    _versus_mkdocs_budget(
        "validate + generate, {large} playbooks, vs. `mkdocs build` of the same tree",
        "generate",
        0.05,
    ),
    _versus_mkdocs_budget(
        "the same, for the live preview: regenerate after one edit, with its cache",
        "edit_regenerate",
        0.05,
    ),
    _versus_mkdocs_budget(
        "full `playbooks build` (site, API, offline copy), {large} playbooks, vs. `mkdocs build`",
        "build",
        1.6,
    ),
    Budget(
        "files rewritten by a no-op generate (largest over every round and size)",
        "0",
        lambda r: max(one.noop_rewritten for rounds in r.values() for one in rounds),
        lambda v: v == 0,
        lambda v: f"{v:.0f}",
    ),
    Budget(
        "full `playbooks build`, {large} vs. {small} playbooks",
        "≤ 12 times",
        lambda r: _linear_growth(r),
        lambda v: v <= 12,
        lambda v: f"{v:.1f} times",
        lambda r: f"{_linear_growth(r, 'cpu'):.1f} times",
    ),
    Budget(
        "median page, {large} playbooks",
        "≤ 60 KB",
        lambda r: _median(_largest(r), lambda one: one.median_page),
        lambda v: v <= 60 * KB,
        lambda v: f"{v / KB:.1f} KB",
    ),
    Budget(
        "largest page, {large} playbooks",
        "≤ 500 KB",
        lambda r: max(one.largest_page[0] for one in _largest(r)),
        lambda v: v <= 500 * KB,
        lambda v: f"{v / KB:.1f} KB",
    ),
]
ASSETS_LIMIT = 8 * KB
SERVE_LIMIT = 2.0
"""Seconds from a saved YAML file to the page updated in the browser (median edit)."""


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


def _timing_cell(rounds: list[Round], step: str) -> str:
    wall = _median(rounds, lambda one: getattr(one, step).wall)
    cpu = _median(rounds, lambda one: getattr(one, step).cpu)
    return f"{wall:.2f} ({cpu:.2f})"


def report_shape(shape: Shape, results: Results) -> bool:
    """Print one corpus shape's figures and budgets; whether every budget holds."""
    print(f"\n### The {shape} corpus\n")
    print("| playbooks | " + " | ".join(f"{size:,}" for size in results) + " |")
    print("| --- |" + " ---: |" * len(results))
    timings = [
        ("validate + generate", "generate"),
        ("no-op generate", "noop_generate"),
        ("regenerate after one edit, live-preview cache", "edit_regenerate"),
        ("`mkdocs build` of the generated tree", "mkdocs"),
        ("total `playbooks build`", "build"),
    ]
    for label, step in timings:
        cells = " | ".join(_timing_cell(rounds_, step) for rounds_ in results.values())
        print(f"| {label}, wall (CPU) seconds | {cells} |")
    others: list[tuple[str, Callable[[Round], float], Callable[[float], str]]] = [
        ("files rewritten by the no-op generate", lambda r: r.noop_rewritten, lambda v: f"{v:.0f}"),
        ("median page (KB)", lambda r: r.median_page, lambda v: f"{v / KB:.1f}"),
        ("largest page (KB)", lambda r: r.largest_page[0], lambda v: f"{v / KB:.1f}"),
    ]
    for label, pick, shown in others:
        cells = " | ".join(shown(_median(rounds_, pick)) for rounds_ in results.values())
        print(f"| {label} | {cells} |")
    heaviest = ", ".join(rounds_[-1].largest_page[1] for rounds_ in results.values())
    print(f"\nLargest pages (last round): {heaviest}")
    print("\n| budget | limit | measured (wall clock) | CPU | holds |")
    print("| --- | --- | ---: | ---: | --- |")
    all_hold = True
    for budget in BUDGETS:
        name = budget.name.format(large=f"{max(results):,}", small=f"{min(results):,}")
        value = budget.value(results)
        holds = budget.holds(value)
        all_hold &= holds
        cpu = budget.cpu(results) if budget.cpu else ""
        print(f"| {name} | {budget.limit} | {budget.shown(value)} | {cpu} | {_verdict(holds)} |")
    return all_hold


def report_site(serve: serve_latency.ServeFigures | None) -> bool:
    """The budgets that do not depend on the corpus: the site's own assets, the preview."""
    assets = _assets_bytes()
    print("\n| budget | limit | measured | holds |\n| --- | --- | ---: | --- |")
    assets_row = ["the site's own JS and CSS, gzipped", f"≤ {ASSETS_LIMIT:,} bytes"]
    assets_row += [f"{assets:,} bytes", _verdict(assets <= ASSETS_LIMIT)]
    print("| " + " | ".join(assets_row) + " |")
    if serve is None:
        print("| `playbooks serve`: YAML saved → page updated | ≤ 2 s | not measured | - |")
        return assets <= ASSETS_LIMIT
    edit = statistics.median(serve.edit_seconds)
    serve_row = ["`playbooks serve`: YAML saved → page updated, real corpus (median edit)"]
    serve_row += [f"≤ {SERVE_LIMIT:.0f} s", f"{edit:.2f} s", _verdict(edit <= SERVE_LIMIT)]
    print("| " + " | ".join(serve_row) + " |")
    edits = ", ".join(f"{s:.2f}" for s in serve.edit_seconds)
    print(
        f"\nServe, real corpus: edit → browser {edits} s; new playbook served and in the"
        f" navigation {serve.added_seconds:.2f} s; removed one gone"
        f" {serve.removed_seconds:.2f} s"
    )
    if serve.engine_seconds:
        engine = statistics.median(serve.engine_seconds)
        print(
            f"Of each edit's wait, MkDocs rebuilding the whole site took a median {engine:.2f} s"
            f" ({len(serve.engine_seconds)} rebuilds for {len(serve.edit_seconds)} edits)"
        )
    return assets <= ASSETS_LIMIT and edit <= SERVE_LIMIT


def _verdict(holds: bool) -> str:
    return "yes" if holds else "**NO**"


def _memory_folder() -> Path | None:
    """``/dev/shm`` where it exists. On the disk of the machine in docs/project/performance.md
    the kernel's time to create the same 6,000 files ranged from 0.2 to 5.4 seconds between
    runs, swamping the code's own time on both sides of every ratio."""
    shm = Path("/dev/shm")
    return shm if shm.is_dir() and os.access(shm, os.W_OK) else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds (default 3; medians shown)")
    parser.add_argument("--sizes", type=int, nargs=2, default=SIZES, help="corpus sizes")
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=SHAPES, help="corpora")
    parser.add_argument("--no-serve", action="store_true", help="skip the live-preview timing")
    parser.add_argument(
        "--scratch",
        type=Path,
        default=_memory_folder(),
        help="where corpora and sites are made (default: a RAM-backed folder if there is one)",
    )
    args = parser.parse_args()
    # Python keeps each module it compiles, so a contributor's second command starts from
    # compiled code, as MkDocs (installed compiled) always does. Where PYTHONDONTWRITEBYTECODE
    # is set, as on the machine in docs/project/performance.md, every timed command would
    # compile the generator again (0.13 s of a 10 s generate); compile it once here instead.
    compileall.compile_dir(Path(generator.__file__).parent, quiet=1)
    sizes = sorted(args.sizes)
    results = {shape: {size: [] for size in sizes} for shape in args.shapes}
    scratch_root = str(args.scratch or tempfile.gettempdir())
    with tempfile.TemporaryDirectory(prefix="playbooks-bench-", dir=args.scratch) as scratch_name:
        scratch = Path(scratch_name)
        for number in range(args.repeat):
            for shape, by_size in results.items():
                for size, rounds in by_size.items():
                    root = scratch / f"{shape}-{size}"
                    if not root.exists():
                        make_corpus(root, size, shape)
                    print(f"round {number + 1}/{args.repeat}: {shape}, {size:,} playbooks …")
                    rounds.append(run_round(root, scratch))
    serve = None if args.no_serve else serve_latency.measure()
    rounds = args.repeat
    print(f"\nMedians of {rounds} round{'s' * (rounds != 1)}; files in {scratch_root}")
    print(f"Machine: {machine()}")
    all_hold = [report_shape(shape, by_size) for shape, by_size in results.items()]
    all_hold.append(report_site(serve))
    return 0 if all(all_hold) else 1


if __name__ == "__main__":
    sys.exit(main())
