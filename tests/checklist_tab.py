"""Browser helpers for the checklist tests: which checklist pages exist, and a tab that
records every request and every error thrown by checklist.js while a test drives it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from generator.corpus import Corpus
from generator.layout import checklist_key

STORAGE_PREFIX = "outage-playbooks:v1:"
READY = "[data-checklist] .checklist-status:not([hidden])"
"""Present once checklist.js has attached to the page's checklist."""


@dataclass(frozen=True)
class ChecklistPage:
    """A checklist as the site should show it: where it lives and its items in page order."""

    path: str
    key: str
    items: tuple[str, ...]
    phases: tuple[tuple[str, int], ...]

    def box(self, item: str) -> str:
        return f'input[data-item="{self.key}/{item}"]'

    @property
    def slug(self) -> str:
        return self.key.split("/")[1]

    @property
    def ready(self) -> str:
        """Present once checklist.js has attached to this very checklist."""
        return f'[data-checklist="{self.key}"] .checklist-status:not([hidden])'


def checklist_pages(corpus: Corpus) -> list[ChecklistPage]:
    """Every checklist of a corpus, longest first (the tests want room to tick)."""
    pages = [
        ChecklistPage(
            path=f"playbooks/{playbook.section}/{playbook.id}/{checklist.id}/",
            key=checklist_key(playbook, checklist),
            items=tuple(item.id for item in checklist.items()),
            phases=tuple((phase, len(items)) for phase, items in checklist.phases()),
        )
        for playbook in corpus.playbooks
        for checklist in playbook.checklists
    ]
    return sorted(pages, key=lambda page: -len(page.items))


@dataclass
class Tab:
    """One browser page on the served site, watched for foreign requests and script errors."""

    page: Any
    base_url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, context: Any, base_url: str) -> Tab:
        tab = cls(context.new_page(), base_url)
        tab.page.on("request", lambda request: tab.requests.append(request.url))
        tab.page.on("pageerror", tab._record_error)
        return tab

    def _record_error(self, error: Any) -> None:
        # Stock Material throws when storage is disabled; only our script's errors count.
        if "checklist.js" in (error.stack or ""):
            self.errors.append(error.stack)

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.page.wait_for_selector(READY)

    def progress(self) -> str:
        return self.page.locator("[data-checklist-progress]").inner_text()

    def phase_progress(self) -> dict[str, str]:
        counters = self.page.locator("[data-phase-progress]")
        return {
            counter.get_attribute("data-phase-progress"): counter.inner_text()
            for counter in counters.all()
        }

    def ticked(self, checklist: ChecklistPage) -> list[str]:
        return [item for item in checklist.items if self.page.is_checked(checklist.box(item))]

    def stored(self, key: str) -> Any:
        text = self.page.evaluate("key => localStorage.getItem(key)", STORAGE_PREFIX + key)
        return None if text is None else json.loads(text)

    def message(self) -> str:
        return self.page.locator(".checklist-message").inner_text()

    def follow(self, link: str, path: str, ready: str) -> None:
        """Follow a link in the page, as a reader taps it, and wait for the page it opens."""
        self.page.locator(link).first.click()
        self.page.wait_for_url(self.base_url + path)
        self.page.wait_for_selector(ready)

    def assert_clean(self) -> None:
        """Nothing left the site's origin and checklist.js never threw."""
        origin = urlsplit(self.base_url).netloc
        foreign = [url for url in self.requests if urlsplit(url).netloc not in (origin, "")]
        assert self.requests and foreign == []
        assert self.errors == []
