"""The Atom feed of the playbooks' recent changes, so readers can follow them in a feed reader.

Written with feedgen, which escapes and orders what Atom needs. The feed is the same for the
same changes: its date is the newest change's (or, with no history, the newest review's),
never the time of the build, so an unchanged site makes the same file.

The feed sits at the site's root (``playbooks build`` adds it, like the JSON API): Material
fetches ``sitemap.xml`` beside every ``<link rel="alternate">`` of a page's head, looking for
other languages of the site, and only the root has one. A feed in the generated folder cost
every reader a request that failed, and an error in the browser's console.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from itertools import islice
from urllib.parse import urljoin

from generator import layout
from generator.corpus import Corpus
from generator.history import RECENT, Change, History
from generator.model import Playbook

TITLE = "Outage Resilience Playbooks: recent changes"


def recent_changes(corpus: Corpus, history: History | None) -> list[tuple[Change, Playbook]]:
    """The latest changes to playbooks the site still has, newest first."""
    if history is None:
        return []
    playbooks = {playbook.id: playbook for playbook in corpus.playbooks}
    changes = (change for change in history.changes if change.playbook in playbooks)
    return [(change, playbooks[change.playbook]) for change in islice(changes, RECENT)]


def site_feed(corpus: Corpus, history: History | None, site_url: str) -> str:
    """The feed of the site's recent changes, dated by the newest of them or, without a
    history, by the newest review (a fixed day when there is no playbook yet)."""
    recent = recent_changes(corpus, history)
    if recent:
        updated = recent[0][0].when
    else:
        reviews = (playbook.reviewed for playbook in corpus.playbooks)
        updated = datetime.combine(max(reviews, default=date(1970, 1, 1)), time(), UTC)
    return atom_feed(recent, site_url, updated)


def atom_feed(changes: Sequence[tuple[Change, Playbook]], site_url: str, updated: datetime) -> str:
    """The feed of ``changes`` (newest first), each entry linking its playbook's page.

    Links are absolute under ``site_url``; without one they are relative to the feed, at the
    site's root. Entry ids are made from the commit and the playbook, so they stay the same
    wherever the site is published.
    """

    # Imported here, by the one command that writes a feed: feedgen brings lxml, and
    # importing them cost every command 53 M of the 1,147 M instructions it spent starting.
    from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]  # feedgen has no types

    def address(path: str) -> str:
        return urljoin(site_url, path) if site_url else path

    feed = FeedGenerator()
    feed.id(_urn(address(layout.FEED)))
    feed.title(TITLE)
    feed.author(name="Outage Resilience Playbooks")
    feed.link(href=address(layout.FEED), rel="self")
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
