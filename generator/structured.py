"""schema.org JSON-LD for the FAQ page, so search engines can show its questions as answers.

The data is built from the same entries the page shows, so the two cannot drift apart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from markupsafe import Markup

from generator.model import FaqEntry, Playbook

_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|\*|`)")
_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


def faq_json_ld(entries: Iterable[tuple[Playbook, FaqEntry]]) -> Markup:
    """A ``<script type="application/ld+json">`` holding an ``FAQPage`` of ``entries``."""
    data = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": entry.question,
                "acceptedAnswer": {"@type": "Answer", "text": plain_text(entry.answer)},
            }
            for _, entry in entries
        ],
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # JSON inside <script> must not be able to close the element or open a comment.
    for character, escaped in _SCRIPT_UNSAFE.items():
        text = text.replace(character, escaped)
    return Markup(f'<script type="application/ld+json">{text}</script>')


def plain_text(prose: str) -> str:
    """The reading text of limited Markdown prose: link text kept, markers and breaks gone."""
    return " ".join(_EMPHASIS.sub("", _LINK.sub(r"\1", prose)).split())
