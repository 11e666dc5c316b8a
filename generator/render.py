"""Render a validated corpus into Markdown pages, in memory: ``{relative path: text}``.

One Jinja template per page type. Contributor text is only ever data passed to a template:
every ``{{ }}`` is escaped for Markdown and HTML (:func:`escaping.finalize`) unless it is
``Markup``: the output of a filter from :mod:`escaping` that made it safe for the exact place
it lands, of a helper here, or of one of the templates' own macros, marked ``|safe``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any
from urllib.parse import urljoin

from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.bccache import Bucket, BytecodeCache, FileSystemBytecodeCache
from jinja2.runtime import Context
from markupsafe import Markup

from generator import escaping, layout
from generator.backlinks import Backlinks, build_backlinks
from generator.checklist_markdown import checklist_markdown
from generator.corpus import Corpus
from generator.feed import recent_changes
from generator.history import Change, History
from generator.model import (
    AUDIENCES,
    CAUSE_KINDS,
    LEVELS,
    MITIGATION_KINDS,
    PHASES,
    SOURCE_KINDS,
    STAKEHOLDERS,
    WHEN,
    Marketplace,
    Playbook,
    Source,
)
from generator.parts import cut_into_parts, parts_by_playbook, titled
from generator.riskmatrix import risk_matrix_svg
from generator.structured import faq_json_ld

LABELS = {
    "audiences": AUDIENCES,
    "cause_kinds": CAUSE_KINDS,
    "levels": LEVELS,
    "mitigation_kinds": MITIGATION_KINDS,
    "phases": PHASES,
    "source_kinds": SOURCE_KINDS,
    "fulfilment_tags": {"fba": "FBA", "self": "You ship"},
    "when": WHEN,
    "stakeholders": STAKEHOLDERS,
}


def make_environment() -> Environment:
    """Strict about undefined names, escaping by default, with the escaping filters.

    The escaping is ``finalize``'s alone. Jinja's HTML autoescape only escaped again what
    ``finalize`` had made safe for Markdown and HTML, wrapping each of a million outputs in
    one more ``Markup``: an eighth of the rendering's work (counted in instructions).
    """
    env = Environment(
        loader=PackageLoader("generator", "templates"),
        undefined=StrictUndefined,
        auto_reload=False,  # templates ship with the code: no stat() of each on every page
        autoescape=False,
        finalize=escaping.finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Markdown uses "{#anchor}" for heading ids, so Jinja comments are spelt "{## ##}".
        comment_start_string="{##",
        comment_end_string="##}",
    )
    env.filters.update(
        prose=escaping.prose,
        url=escaping.url,
        attr=escaping.attribute,
        code_block=escaping.code_block,
        message_block=escaping.message_block,
        long_date=long_date,
        id=escaping.identifier,
        fingerprint=fingerprint,
        any_has=any_has,
        href=href,
        cite=cite,
        marketplace_tags=marketplace_tags,
        playbook_page=layout.playbook_page,  # playbook|playbook_page|href
    )
    env.globals.update(
        labels=LABELS,
        front_matter=escaping.front_matter,
        layout=layout,
        risk_matrix=risk_matrix_svg,
        faq_json_ld=faq_json_ld,
        titled=titled,
    )
    return env


@cache
def _shared_environment() -> Environment:
    """Compiling the templates takes longer than rendering a small site: do it once a run."""
    env = make_environment()
    env.bytecode_cache = _bytecode_cache()
    for name in env.list_templates():
        env.get_template(name)
    return env


class _BestEffortBytecodeCache(FileSystemBytecodeCache):
    """Templates compiled by an earlier run, in Jinja's private folder under the system's
    temporary folder (0.06 s saved a run). A cache that cannot be written only makes the
    next run slower."""

    def get_bucket(
        self, environment: Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        # Jinja keys compiled code by the template alone, but the environment's options
        # shape that code too: a change to them must not bring back code compiled without it.
        key = f"{_code_options(environment)}\0{name}"
        return super().get_bucket(environment, key, filename, source)

    def dump_bytecode(self, bucket: Bucket) -> None:
        with suppress(OSError):
            super().dump_bytecode(bucket)


def _code_options(env: Environment) -> str:
    """Every option of ``env`` that changes the code Jinja compiles a template into."""
    return repr(
        (
            env.block_start_string,
            env.block_end_string,
            env.variable_start_string,
            env.variable_end_string,
            env.comment_start_string,
            env.comment_end_string,
            env.line_statement_prefix,
            env.line_comment_prefix,
            env.trim_blocks,
            env.lstrip_blocks,
            env.newline_sequence,
            env.keep_trailing_newline,
            env.autoescape,
            env.finalize is not None,
            env.optimized,
            sorted(env.extensions),
        )
    )


def _bytecode_cache() -> BytecodeCache | None:
    try:
        return _BestEffortBytecodeCache()
    except (OSError, RuntimeError):  # no temporary folder only this user can write to
        return None


def long_date(day: date) -> str:
    """A date as readers write it, "7 March 2026": unambiguous in every English locale."""
    return f"{day.day} {day:%B %Y}"


def any_has(items: Iterable[object], attribute: str) -> bool:
    """Whether any of ``items`` has ``attribute`` set: what ``selectattr(...)|list`` tells,
    which took 75 µs against 31 through Jinja's generic attribute lookup, twice a page."""
    return any(getattr(item, attribute) for item in items)


def fingerprint(text: str) -> str:
    """A checklist step's text as 8 hex digits, so the page can tell a reader who ticked the
    step that its advice has been reworded since. Spacing does not count; every other
    character does. Only the step's own text: a new reason, source or message does not
    count as a change to the step."""
    normal = " ".join(text.split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:8]


# The helpers below are filters, not functions the templates call: Jinja calls a function
# through ``Context.call``, which inside a loop took ten times as long as a filter (2.7
# against 0.25 µs), and they run about 200,000 times at 1,000 playbooks. They read the page
# they are rendered into from its context.


@pass_context
def href(context: Context, target: str, anchor: str | None = None) -> Markup:
    """A link from the page being rendered to the generated page ``target``."""
    return escaping.url(layout.relative_link(context["page_path"], target, anchor))


@pass_context
def cite(context: Context, ids: Sequence[str]) -> Markup:
    """The "Sources:" line under a cause, impact, mitigation, answer or incident.

    Written in Python rather than as a Jinja macro: pages call it about sixteen times each,
    and at 1,000 playbooks the macro calls alone took 0.11 s of CPU.
    """
    if not ids:
        return Markup("")
    sources: dict[str, Source] = context["refs"].sources
    links = " · ".join(
        f"[{escaping.inline(source.title)}]({escaping.url(source.url)})"
        f" ({escaping.inline(source.publisher)})"
        for source in (sources[source_id] for source_id in ids)
    )
    return Markup(f"Sources: {links}\n{{: .cite }}\n")


@pass_context
def marketplace_tags(context: Context, ids: Sequence[str]) -> Markup:
    """The tags that say which marketplaces a step, an answer or a message is for alone:
    like the FBA tag, in Python for the same reason as :func:`cite`."""
    marketplaces: dict[str, Marketplace] = context["refs"].marketplaces
    titles = (escaping.inline(marketplaces[marketplace_id].title) for marketplace_id in ids)
    return Markup("".join(f'<span class="checklist-tag">{title}</span> ' for title in titles))


@dataclass(frozen=True)
class SiteWidePage:
    """A page that spans playbooks, to be rendered: where it goes, and from what."""

    path: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


PageHistory = tuple[tuple[Change, ...], str | None]
"""What a playbook page shows of its history: its latest changes, and where the rest is."""


class SiteRenderer:
    """Renders a valid corpus's files: the Markdown pages, each checklist as take-away
    Markdown (``.txt``, see ``layout``).

    ``history`` is the playbooks' history from git (``None`` without one), ``site_url`` the
    address the site is published at (the feed's links). A playbook's files are made from
    the catalog and :meth:`made_from` alone (tests/test_incremental.py holds the templates
    to that), so they can be kept while both stay equal.
    """

    def __init__(
        self,
        corpus: Corpus,
        env: Environment | None = None,
        *,
        history: History | None = None,
        site_url: str = "",
    ) -> None:
        self.corpus = corpus
        self.env = env or _shared_environment()
        self.refs = build_backlinks(corpus)
        self.parts = cut_into_parts(corpus, self.refs)
        self._part_of = parts_by_playbook(self.parts)
        self.history = history
        self.site_url = site_url

    def part_slug(self, playbook: Playbook) -> str | None:
        """The part of the gathering pages that holds ``playbook`` (its page links there),
        or ``None`` while those pages are whole."""
        part = self._part_of.get(playbook.id)
        return part.slug if part else None

    def made_from(self, playbook: Playbook) -> tuple[Playbook, PageHistory, str | None]:
        """Everything but the catalog that a playbook's files are made from."""
        return playbook, self.page_history(playbook), self.part_slug(playbook)

    def page_history(self, playbook: Playbook) -> PageHistory:
        if self.history is None:
            return (), None
        return self.history.of(playbook.id), self.history.full_history_url(playbook.id)

    def playbook_pages(self, playbook: Playbook) -> dict[str, str]:
        """The files one playbook makes: its page, and a page and a download per checklist."""
        path = layout.playbook_page(playbook)
        part_slug = self.part_slug(playbook)
        changes, full_history = self.page_history(playbook)
        made = {
            path: self._render(
                path, "playbook.md.j2", playbook=playbook, part_slug=part_slug, changes=changes,
                full_history=full_history,
            )
        }  # fmt: skip
        for checklist in playbook.checklists:
            path = layout.checklist_page(playbook, checklist)
            made[path] = self._render(
                path, "checklist.md.j2", playbook=playbook, checklist=checklist
            )
            made[layout.checklist_download(playbook, checklist)] = checklist_markdown(
                playbook, checklist, self.refs
            )
        return made

    def site_wide_pages(self) -> list[SiteWidePage]:
        """The pages that span playbooks: overview, sections, indexes, FAQ, binders and recent
        changes; each is rendered on its own by :meth:`render_page`, so that worker processes
        can share them out."""
        refs = self.refs
        recent = recent_changes(self.corpus, self.history)
        pages = [SiteWidePage(layout.OVERVIEW, "overview.md.j2")]
        pages += [
            SiteWidePage(layout.section_page(section_id), "section.md.j2", {"section": section})
            for section_id, section in refs.sections.items()
            if section_id in refs.playbooks_by_section
        ]
        pages += [
            SiteWidePage(layout.HISTORY, "history.md.j2"),
            SiteWidePage(
                layout.RECENT_CHANGES,
                "recent-changes.md.j2",
                {"recent": recent, "history": self.history, "feed": self._feed_url()},
            ),
            SiteWidePage(layout.BINDERS, "binders.md.j2"),
        ]
        pages += [
            SiteWidePage(
                layout.audience_checklists_page(audience), "audience.md.j2", {"audience": audience}
            )
            for audience in AUDIENCES
        ]
        for page, template, context, holds in self._gatherings():
            parts = [part for part in self.parts if holds(part.refs)]
            pages.append(
                SiteWidePage(page, template, {**context, "whole": page, "index_of": parts})
            )
            pages += [
                SiteWidePage(
                    layout.part_page(page, part.slug),
                    template,
                    {**context, "whole": page, "part": part, "refs": part.refs},
                )
                for part in parts
            ]
        return pages

    def render_page(self, page: SiteWidePage) -> str:
        return self._render(page.path, page.template, **page.context)

    def all_pages(self) -> dict[str, str]:
        """Every file ``playbooks generate`` writes, in memory: ``{relative path: text}``."""
        pages = {page.path: self.render_page(page) for page in self.site_wide_pages()}
        for playbook in self.corpus.playbooks:
            pages.update(self.playbook_pages(playbook))
        return pages

    def _feed_url(self) -> str | None:
        """Where readers subscribe: the published feed, even from the offline copy (a feed
        reader needs the online one); ``None`` without a ``site_url``."""
        return urljoin(self.site_url, layout.FEED) if self.site_url else None

    @staticmethod
    def _gatherings() -> list[tuple[str, str, dict[str, Any], Callable[[Backlinks], bool]]]:
        """The pages that gather something from every playbook, which a large corpus cuts into
        parts (:mod:`generator.parts`): each one's template, context, and whether a part's
        playbooks give it anything to show (a part with nothing has no page)."""

        def always(refs: Backlinks) -> bool:
            return True

        def binder(audience: str) -> Callable[[Backlinks], bool]:
            return lambda refs: audience in refs.checklists_by_audience

        gatherings: list[tuple[str, str, dict[str, Any], Callable[[Backlinks], bool]]] = [
            (layout.FAQ, "faq.md.j2", {}, lambda refs: bool(refs.faq_entries)),
            (layout.CAUSES, "causes.md.j2", {}, always),
            (layout.MITIGATIONS, "mitigations.md.j2", {}, always),
            (layout.CHECKLISTS, "checklists.md.j2", {}, always),
            (layout.SOURCES, "sources.md.j2", {}, always),
            (layout.COVERAGE, "coverage.md.j2", {}, always),
        ]
        return gatherings + [
            (layout.binder_page(audience), "binder.md.j2", {"audience": audience}, binder(audience))
            for audience in AUDIENCES
        ]

    def _render(self, path: str, template: str, **context: Any) -> str:
        defaults: dict[str, Any] = {"refs": self.refs, "part": None, "index_of": []}
        return self.env.get_template(template).render(
            **(defaults | context), corpus=self.corpus, page_path=path
        )


def render_site(
    corpus: Corpus,
    env: Environment | None = None,
    *,
    history: History | None = None,
    site_url: str = "",
) -> dict[str, str]:
    """Every file ``playbooks generate`` writes, in memory: ``{relative path: text}``."""
    return SiteRenderer(corpus, env, history=history, site_url=site_url).all_pages()
