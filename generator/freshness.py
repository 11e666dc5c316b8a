"""A source is checked again within a year: pages move, and policies change under them."""

from __future__ import annotations

from datetime import date, timedelta

from generator.model import Catalog
from generator.problems import Problem
from generator.yamlsource import SourceMap

STALE_AFTER = timedelta(days=365)


def stale_sources(catalog: Catalog, source: SourceMap, today: date) -> list[Problem]:
    """A warning at each source whose ``checked`` date is more than a year before ``today``."""
    warnings = []
    for index, entry in enumerate(catalog.sources):
        if today - entry.checked > STALE_AFTER:
            message = (
                f"source '{entry.id}' was last checked on {entry.checked.isoformat()}, over a "
                "year ago; read the page again, then update `checked`"
            )
            warnings.append(
                source.problem(("sources", index, "checked"), message, severity="warning")
            )
    return warnings
