#!/usr/bin/env python3
"""Lighthouse and axe-core on the pages readers use most; fails below the project's targets.

    .venv/bin/python scripts/quality.py [--preset mobile|desktop] [--runs 3] [--keep DIR]

Builds the site into a temporary folder, serves it on 127.0.0.1 (at its site_url, as
published) and audits the home, FAQ and a filterable checklist page, each in the
light and in the dark colour scheme (the site follows the reader's system setting). Lighthouse
12.2.3 (the last release that runs on Node 20) is installed into
scripts/lighthouse/node_modules from its lock file on first use; it drives Debian's Chromium
through CHROME_PATH. Nothing leaves the machine.

Each page and scheme is audited ``--runs`` times and the median score counts, as Lighthouse's
own guidance on variability advises: on this two-core machine one page's performance score
moves by up to 0.15 between runs.

Lighthouse slows the CPU four times by default, which turns a high-end desktop into the
mid-tier phone it means to emulate; on a slower host the same factor emulates a slower phone.
Its throttling guide says to calibrate: ``--cpu-slowdown auto`` (the default) first measures
this host's ``benchmarkIndex`` (the median of three audits of the home page) and takes the
factor from Lighthouse's CPU throttling calculator; ``--cpu-slowdown 4`` is Lighthouse's default.
Both the index and the factor are printed with the scores.
Exit 1 when a median score is below 0.95 or axe finds a serious or critical violation.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from generator import layout  # noqa: E402
from generator.cli import main as playbooks  # noqa: E402
from generator.corpus import load_corpus  # noqa: E402

LIGHTHOUSE_DIR = REPO / "scripts" / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGET = 0.95
SEVERE = ("serious", "critical")
_COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-sync "
    "--disable-background-networking --disable-component-update"
    # Headless Chromium here often waits about a second before its first frame: a page with
    # no scripts painted at 0.2 s or 1.2 s from run to run. Lighthouse then counts everything
    # loaded in that second (the search index) as needed for the first paint, and nothing run
    # before it as blocking. Without the limit, paints come when a phone's would.
    " --disable-frame-rate-limit"
)
SCHEMES = {"light": 1, "dark": 0}
"""Blink's ``preferredColorScheme`` setting for each: what ``prefers-color-scheme`` matches."""


class _LikeAStaticHost(http.server.SimpleHTTPRequestHandler):
    """Sends text gzip-compressed when the browser asks, and keeps connections open, as
    GitHub Pages and most static hosts do; without either Lighthouse would time transfers
    and connection set-ups that no reader ever meets."""

    protocol_version = "HTTP/1.1"

    def send_head(self) -> io.BytesIO | None:  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        kind = self.guess_type(str(path))
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.is_file() and kind.startswith(_COMPRESSIBLE)):
            return super().send_head()  # type: ignore[return-value]
        body = gzip.compress(path.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", choices=("mobile", "desktop"), default="mobile")
    parser.add_argument("--runs", type=int, default=3, help="audits per page and scheme")
    parser.add_argument("--keep", type=Path, help="also write each Lighthouse report here")
    parser.add_argument(
        "--cpu-slowdown", default="auto", help="Lighthouse's CPU multiplier, or auto (calibrate)"
    )
    args = parser.parse_args()
    if not Path(CHROMIUM).is_file():
        sys.exit(f"quality: no Chromium at {CHROMIUM}; run `make browser` or set CHROME_PATH")
    _install_lighthouse()
    with tempfile.TemporaryDirectory(prefix="playbooks-quality-") as scratch:
        site = Path(scratch) / "site"
        handler = functools.partial(_LikeAStaticHost, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        try:
            os.environ["SITE_URL"] = url
            if playbooks(["--project", str(REPO), "build", "--site-dir", str(site)]) != 0:
                return 1
            pages = {path or "home": url + path for path in _pages()}
            slowdown = _cpu_slowdown(args.cpu_slowdown, url, args.preset)
            audit = functools.partial(
                _lighthouse, preset=args.preset, keep=args.keep, slowdown=slowdown
            )
            scores = {
                f"{name} ({scheme})": _median(
                    [audit(name, page, scheme, run) for run in range(args.runs)]
                )
                for name, page in pages.items()
                for scheme in SCHEMES
            }
            violations = _axe(pages)
        finally:
            server.shutdown()
    return _report(scores, violations, f"{args.preset}, CPU slowdown {slowdown:.1f}x")


def _pages() -> list[str]:
    corpus, _ = load_corpus(REPO / "playbooks", REPO)
    if corpus is None:
        sys.exit("quality: the playbooks do not validate; run `playbooks validate`")
    # The heaviest kind of checklist page: one whose steps readers can filter (FBA or not).
    playbook, checklist = next(
        (playbook, checklist)
        for playbook in corpus.playbooks
        for checklist in playbook.checklists
        if any(item.fulfilment for item in checklist.items())
    )
    return [
        "",
        layout.site_url_path(layout.FAQ),
        layout.site_url_path(layout.checklist_page(playbook, checklist)),
    ]


def _install_lighthouse() -> None:
    if LIGHTHOUSE.is_file():
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("quality: npm not found; install Node.js 20 (Debian: apt-get install nodejs npm)")
    subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=LIGHTHOUSE_DIR, check=True)


def _cpu_slowdown(choice: str, home: str, preset: str) -> float:
    """The multiplier chosen, or the calibrated one; the desktop preset throttles no CPU."""
    if choice != "auto":
        return float(choice)
    if preset == "desktop":
        return 1.0
    audits = [_audit(home, "light", preset, ["--only-categories=performance"]) for _ in range(3)]
    index = statistics.median(audit["environment"]["benchmarkIndex"] for audit in audits)
    slowdown = _calibrated_slowdown(index)
    print(f"quality: this host's benchmarkIndex is {index:.0f}: CPU slowdown {slowdown:.1f}x")
    return slowdown


def _calibrated_slowdown(benchmark_index: float) -> float:
    """The CPU multiplier that Lighthouse's throttling calculator
    (https://lighthouse-cpu-throttling-calculator.vercel.app/, linked from Lighthouse's
    docs/throttling.md) gives for a host's ``benchmarkIndex``: 4 at 1533, 3 at 1300, 2 at 800,
    1 at 150, in straight lines between."""
    if benchmark_index >= 1300:
        return 3 + (benchmark_index - 1300) / 233
    if benchmark_index >= 800:
        return 2 + (benchmark_index - 800) / 500
    return max(1.0, 1 + (benchmark_index - 150) / 650)


def _median(runs: list[dict[str, float]]) -> dict[str, float]:
    return {category: statistics.median(run[category] for run in runs) for category in CATEGORIES}


def _lighthouse(
    name: str, url: str, scheme: str, run: int, preset: str, keep: Path | None, slowdown: float
) -> dict[str, float]:
    options = [
        f"--only-categories={','.join(CATEGORIES)}",
        f"--throttling.cpuSlowdownMultiplier={slowdown:.2f}",
    ]
    data = _audit(url, scheme, preset, options)
    if keep:
        keep.mkdir(parents=True, exist_ok=True)
        stem = f"{name.strip('/').replace('/', '-')}-{preset}-{scheme}-{run + 1}"
        (keep / f"{stem}.json").write_text(json.dumps(data), encoding="utf-8")
    _print_failed_audits(url, data)
    return {category: data["categories"][category]["score"] for category in CATEGORIES}


def _audit(url: str, scheme: str, preset: str, options: list[str]) -> dict:
    """One Lighthouse run's report."""
    flags = f"{CHROME_FLAGS} --blink-settings=preferredColorScheme={SCHEMES[scheme]}"
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as scratch:
        report = Path(scratch) / "report.json"
        command = [
            str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
            f"--chrome-flags={flags}", *options,
        ]  # fmt: skip
        if preset == "desktop":
            command.append("--preset=desktop")
        env = {**os.environ, "CHROME_PATH": CHROMIUM}
        subprocess.run(command, check=True, env=env, cwd=scratch)
        return json.loads(report.read_text(encoding="utf-8"))


def _print_failed_audits(url: str, data: dict) -> None:
    """What cost points, so a low score says where to look."""
    for name in CATEGORIES:
        for ref in data["categories"][name]["auditRefs"]:
            audit = data["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                print(f"  {url} {name}: {audit['id']} ({audit['score']:.2f}) {audit['title']}")


def _axe(pages: dict[str, str]) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    found = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROME_FLAGS.replace("--headless=new ", "").split()
        )
        for scheme in SCHEMES:
            context = browser.new_context(color_scheme=scheme)
            page = context.new_page()
            for name, url in pages.items():
                page.goto(url)
                for violation in Axe().run(page).response["violations"]:
                    if violation["impact"] in SEVERE:
                        found.append(f"{name} ({scheme}): {violation['id']} {violation['help']}")
            context.close()
        browser.close()
    return found


def _report(scores: dict[str, dict[str, float]], violations: list[str], setting: str) -> int:
    print(f"\nLighthouse 12.2.3, {setting}, medians: " + " | ".join(CATEGORIES))
    failed = False
    for page, values in scores.items():
        cells = []
        for name in CATEGORIES:
            low = values[name] < TARGET
            failed |= low
            cells.append(f"{values[name]:.2f}{' LOW' if low else ''}")
        print(f"  {page:<40} " + " | ".join(cells))
    print(f"axe-core (light and dark): {len(violations)} serious or critical violations")
    for line in violations:
        print(f"  {line}")
    return 1 if failed or violations else 0


if __name__ == "__main__":
    sys.exit(main())
