"""A checklist as a Markdown task list: the take-away copy readers paste into notes, a
ticket or a wiki (the "Download" link on each checklist page)."""

from __future__ import annotations

import re

from generator import escaping
from generator.backlinks import Backlinks
from generator.model import PHASES, Checklist, Playbook

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def checklist_markdown(playbook: Playbook, checklist: Checklist, refs: Backlinks) -> str:
    """The checklist in phases, each step with its reason, sources and messages to copy."""
    lines = [
        f"# {_md(checklist.title)}",
        "",
        _md(checklist.summary),
        "",
        f"From the playbook “{_md(playbook.title)}” of Outage Resilience Playbooks "
        "(content licensed CC BY 4.0).",
    ]
    for phase, items in checklist.phases():
        lines += ["", f"## {PHASES[phase]}", ""]
        for item in items:
            lines.append(f"- [ ] {_md(item.text)}")
            if item.marketplaces:
                lines.append(f"  Marketplaces: {_marketplaces(item.marketplaces, refs)}")
            if item.why:
                lines.append(f"  Why: {_md(item.why)}")
            for source_id in item.sources:
                source = refs.sources[source_id]
                lines.append(f"  Source: [{_md(source.title)}]({escaping.url(source.url)})")
            for template_id in item.templates:
                message = playbook.template(template_id)
                title = _md(message.title)
                if message.marketplaces:
                    title += f" ({_marketplaces(message.marketplaces, refs)})"
                lines += ["", f"  Message to copy: {title}", ""]
                lines += [f"      {line}".rstrip() for line in message.body.strip().splitlines()]
                lines.append("")
    return "\n".join(lines) + "\n"


def _marketplaces(ids: list[str], refs: Backlinks) -> str:
    """The marketplaces a step or message is for alone, as the page's tags read."""
    return ", ".join(_md(refs.marketplaces[marketplace_id].title) for marketplace_id in ids)


def _md(text: str) -> str:
    """Contributor text, made inert for a Markdown reader with readable backslash escapes."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))
