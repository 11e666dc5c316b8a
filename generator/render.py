"""Render a validated corpus into Markdown pages, in memory: ``{relative path: text}``.

One Jinja template per page type. Contributor text is only ever data passed to a template:
every ``{{ }}`` is escaped for Markdown and HTML unless a filter from :mod:`escaping` has
already made it safe for the exact place it lands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from generator import escaping, layout
from generator.corpus import Corpus
from generator.crossrefs import build_crossrefs
from generator.exports import checklist_markdown
from generator.model import (
    AUDIENCES,
    CAUSE_KINDS,
    LEVELS,
    MITIGATION_KINDS,
    PHASES,
    SOURCE_KINDS,
    STAKEHOLDERS,
)
from generator.riskmatrix import risk_matrix_svg
from generator.structured import faq_json_ld

LABELS = {
    "audiences": AUDIENCES,
    "cause_kinds": CAUSE_KINDS,
    "levels": LEVELS,
    "mitigation_kinds": MITIGATION_KINDS,
    "phases": PHASES,
    "source_kinds": SOURCE_KINDS,
    "stakeholders": STAKEHOLDERS,
}


def make_environment() -> Environment:
    """Strict about undefined names, escaping by default, with the escaping filters."""
    env = Environment(
        loader=PackageLoader("generator", "templates"),
        undefined=StrictUndefined,
        autoescape=True,
        finalize=escaping.finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Markdown uses "{#anchor}" for heading ids, so Jinja comments are spelt "{## ##}".
        comment_start_string="{##",
        comment_end_string="##}",
    )
    env.filters.update(
        inline=escaping.inline,
        prose=escaping.prose,
        url=escaping.url,
        attr=escaping.attribute,
        code_block=escaping.code_block,
        id=escaping.identifier,
    )
    env.globals.update(
        labels=LABELS,
        front_matter=escaping.front_matter,
        layout=layout,
        risk_matrix=risk_matrix_svg,
        faq_json_ld=faq_json_ld,
    )
    return env


def render_site(corpus: Corpus, env: Environment | None = None) -> dict[str, str]:
    """Every generated file of the site, keyed by its path inside the output folder: the
    Markdown pages, and the checklists as take-away Markdown (``.txt``, see ``layout``)."""
    env = env or make_environment()
    refs = build_crossrefs(corpus)
    pages: dict[str, str] = {}

    def page(path: str, template: str, **context: Any) -> None:
        href: Callable[..., str] = lambda target, anchor=None: escaping.url(  # noqa: E731
            layout.relative_link(path, target, anchor)
        )
        pages[path] = env.get_template(template).render(
            refs=refs, corpus=corpus, page_path=path, href=href, **context
        )

    page(layout.OVERVIEW, "overview.md.j2")
    for section_id, section in refs.sections.items():
        if section_id in refs.playbooks_by_section:
            page(layout.section_page(section_id), "section.md.j2", section=section)
    for playbook in corpus.playbooks:
        page(layout.playbook_page(playbook), "playbook.md.j2", playbook=playbook)
        for checklist in playbook.checklists:
            page(
                layout.checklist_page(playbook, checklist),
                "checklist.md.j2",
                playbook=playbook,
                checklist=checklist,
            )
            pages[layout.checklist_download(playbook, checklist)] = checklist_markdown(
                playbook, checklist, refs
            )
    page(layout.FAQ, "faq.md.j2")
    page(layout.HISTORY, "history.md.j2")
    page(layout.CAUSES, "causes.md.j2")
    page(layout.MITIGATIONS, "mitigations.md.j2")
    page(layout.CHECKLISTS, "checklists.md.j2")
    page(layout.SOURCES, "sources.md.j2")
    page(layout.COVERAGE, "coverage.md.j2")
    page(layout.BINDERS, "binders.md.j2")
    for audience in AUDIENCES:
        page(layout.binder_page(audience), "binder.md.j2", audience=audience)
    return pages
