"""The Atom feed of the playbooks' recent changes, so readers can follow them in a feed reader.

Written with feedgen, which escapes and orders what Atom needs. The feed is the same for the
same changes: its date is the newest change's (or, with no history, the newest review's),
never the time of the build, so an unchanged site rewrites no file.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urljoin

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]  # feedgen has no types

from generator import layout
from generator.history import Change
from generator.model import Playbook

TITLE = "Outage Resilience Playbooks: recent changes"


def atom_feed(changes: Sequence[tuple[Change, Playbook]], site_url: str, updated: datetime) -> str:
    """The feed of ``changes`` (newest first), each entry linking its playbook's page.

    Links are absolute under ``site_url``. Without one they are relative to the feed, which
    lives in the generated folder: ``../`` is then the site's root. Entry ids are made from
    the commit and the playbook, so they stay the same wherever the site is published.
    """

    def address(path: str) -> str:
        return urljoin(site_url, path) if site_url else f"../{path}"

    feed = FeedGenerator()
    feed.id(_urn(address(layout.FEED_URL_PATH)))
    feed.title(TITLE)
    feed.author(name="Outage Resilience Playbooks")
    feed.link(href=address(layout.FEED_URL_PATH), rel="self")
    feed.link(href=address(layout.site_url_path(layout.RECENT_CHANGES)), rel="alternate")
    feed.updated(updated)
    for change, playbook in changes:
        entry = feed.add_entry(order="append")
        entry.id(_urn(f"{change.commit}/{playbook.id}"))
        entry.title(f"{playbook.title}: {change.message}")
        entry.link(href=address(layout.site_url_path(layout.playbook_page(playbook))))
        entry.updated(change.when)
    return str(feed.atom_str(pretty=True).decode("utf-8"))


def _urn(name: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, name).urn
