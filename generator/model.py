"""The schema: pydantic models for playbooks and the shared catalog.

These classes are the single source of truth. The JSON Schema that editors use is exported
from them, and every rule a contributor can break is stated here, next to the field it
guards, so that errors can name the field and the line.
"""

from __future__ import annotations

import html
import re
from datetime import date
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SLUG = re.compile(SLUG_PATTERN)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
"""Control characters, and the two non-characters that YAML (front matter included) refuses."""
_DIRECTION_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""Embeddings, overrides and isolates: they make text display in another order than it is
written, so a reviewer reading the YAML and a reader seeing the page could read different
things ("Trojan Source"). Right-to-left scripts display correctly without them."""
_LINE_BREAK = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
"""Every character that Python, Markdown or a browser may take as the end of a line."""
_WHITESPACE = re.compile(r"\s")
_MARKDOWN_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)")
ALLOWED_URL_SCHEMES = ("https://", "http://", "mailto:")

CAUSE_KINDS = {
    "software-bug": "Software bugs and latent defects",
    "bad-change": "Bad changes and configuration errors",
    "capacity": "Capacity limits and peak load",
    "dependency": "Dependencies: DNS, cloud regions, third parties",
    "hardware": "Server, network and data-centre failures",
    "cascade": "Cascading failures between services",
    "attack": "Attacks, including DDoS",
    "maintenance": "Planned maintenance windows",
}
STAKEHOLDERS = {
    "sellers": "Sellers",
    "fba-sellers": "Fulfillment by Amazon sellers",
    "shoppers": "Shoppers",
    "logistics": "Logistics and supply chain",
    "economy": "The wider marketplace economy",
    "platform-teams": "Platform teams",
}
MITIGATION_KINDS = {
    "redundancy": "Redundancy and failover",
    "backup": "Backups and recovery",
    "monitoring": "Monitoring and alerting",
    "response": "Incident response",
    "communication": "Clear communication",
    "diversification": "Diversifying channels",
    "preparation": "Preparation and planning",
    "protection": "Protection against attacks",
}
AUDIENCES = {
    "sellers": "Sellers",
    "shoppers": "Shoppers",
    "platform-teams": "Platform teams",
}
LEVELS = {"low": "Low", "medium": "Medium", "high": "High"}
PHASES = {"before": "Before an outage", "during": "During an outage", "after": "After it is over"}
WHEN = {"now": "Now", "today": "Today", "later": "Later"}
"""How soon a step matters once an outage starts; a checklist lists "now" steps first."""
FULFILMENT = {
    "fba": "Orders fulfilled by Amazon (FBA)",
    "self": "Orders you ship yourself",
}
"""Whom a seller's step is for; a step that names neither is for every seller."""
SOURCE_KINDS = {
    "reference": "Reference",
    "status": "Status page",
    "help": "Where to get help",
}

# Pydantic checks these against the labels' keys. mypy cannot read a Literal built at run
# time, so to it they are text (TYPE_CHECKING is true only for the type checker).
if TYPE_CHECKING:
    CauseKind = str
    Stakeholder = str
    MitigationKind = str
    Audience = str
    Level = str
    SourceKind = str
    Fulfilment = str
    When = str
else:
    CauseKind = Literal[tuple(CAUSE_KINDS)]
    Stakeholder = Literal[tuple(STAKEHOLDERS)]
    MitigationKind = Literal[tuple(MITIGATION_KINDS)]
    Audience = Literal[tuple(AUDIENCES)]
    Level = Literal[tuple(LEVELS)]
    SourceKind = Literal[tuple(SOURCE_KINDS)]
    Fulfilment = Literal[tuple(FULFILMENT)]
    When = Literal[tuple(WHEN)]


def _slug(value: str) -> str:
    if not SLUG.match(value):
        raise ValueError(
            f"'{value}' is not a valid id: use lowercase letters, digits and single hyphens, "
            "like 'cloud-region-outage'"
        )
    return value


def _line(value: str) -> str:
    if value.isprintable():  # nearly every line, at once: see _no_control
        return value
    if _LINE_BREAK.search(value):
        raise ValueError(
            "must fit on one line; shorten it or move detail to a summary or why field"
        )
    return _no_control(value)


def _title(value: str) -> str:
    # Material prints titles unescaped, and through `striptags`, which decodes entities:
    # so neither a tag nor anything that decodes into one may reach a title.
    if "<" in value or ">" in value or html.unescape(value) != value:
        raise ValueError(
            "titles cannot contain '<', '>' or HTML entities such as '&lt;'; reword without them"
        )
    return _line(value)


def _no_control(value: str) -> str:
    # Text that str.isprintable accepts, line breaks aside, holds none of the characters the
    # expressions below look for: it refuses every control, format (direction controls among
    # them) and separator character but the space, and every non-character. One pass in C
    # instead of two or three expressions; the validators were two thirds of the time
    # pydantic took to validate a playbook (callgrind).
    if value.replace("\n", "").isprintable():
        return value
    if _CONTROL.search(value):
        raise ValueError("contains control characters or non-characters; remove them")
    if found := _DIRECTION_CONTROL.search(value):
        raise ValueError(
            f"contains an invisible text-direction control (U+{ord(found.group()):04X}), which "
            "can make the page show words in another order than the file; remove it "
            "(right-to-left text displays correctly without it)"
        )
    return value


def _url(value: str) -> str:
    if not value.startswith(ALLOWED_URL_SCHEMES) or _WHITESPACE.search(value):
        raise ValueError(
            f"'{value}' is not an allowed link: use a full https://, http:// or mailto: address"
        )
    return value


def _prose(value: str) -> str:
    _no_control(value)
    for target in _MARKDOWN_LINK_TARGET.findall(value):
        _url(target)
    return value


_SlugText = Annotated[str, Field(max_length=64, json_schema_extra={"pattern": SLUG_PATTERN})]
Slug = Annotated[_SlugText, AfterValidator(_slug)]
Line = Annotated[str, Field(min_length=1, max_length=400), AfterValidator(_line)]
Title = Annotated[str, Field(min_length=1, max_length=120), AfterValidator(_title)]
Prose = Annotated[str, Field(min_length=1, max_length=6000), AfterValidator(_prose)]
Url = Annotated[str, Field(max_length=2000), AfterValidator(_url)]
SourceRefs = Annotated[list[Slug], Field(description="Ids of entries in the catalog's sources.")]
MarketplaceRefs = Annotated[
    list[Slug],
    Field(
        description="Ids of the catalog's marketplaces that this applies to alone; leave it "
        "out when it applies everywhere. Readers can hide what is for other marketplaces."
    ),
]


class Strict(BaseModel):
    """Unknown keys are errors: a misspelt key must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Section(Strict):
    """A group of playbooks in the site's navigation."""

    id: Slug
    title: Title
    summary: Line


class Source(Strict):
    """A public document that backs a claim; every fact on the site links one."""

    id: Slug
    title: Title
    publisher: Line
    url: Url
    kind: Annotated[
        SourceKind,
        Field(
            description="'status' for a live status page, 'help' for where readers get support: "
            "both are printed in the binders. Anything else is a 'reference'."
        ),
    ] = "reference"
    checked: Annotated[
        date,
        Field(
            description="The day someone last read the page and confirmed that it says what "
            "we cite it for, written like 2026-11-29. Readers see it on the sources page."
        ),
    ]


class Incident(Strict):
    """A real, publicly documented outage. Never invent one."""

    id: Slug
    date: date
    title: Title
    provider: Line
    duration: Line
    cause_kind: CauseKind
    cause: Prose
    hit: Prose
    sources: Annotated[list[Slug], Field(min_length=1)]


class Marketplace(Strict):
    """A platform sellers sell on or shoppers buy from, that advice can be specific to."""

    id: Slug
    title: Title


class Catalog(Strict):
    """Concepts shared by every playbook: navigation sections, sources, incidents and the
    marketplaces that advice can be specific to."""

    sections: Annotated[list[Section], Field(min_length=1)]
    sources: list[Source] = []
    incidents: list[Incident] = []
    marketplaces: list[Marketplace] = []


class Cause(Strict):
    id: Slug
    title: Title
    kind: CauseKind
    likelihood: Level
    impact: Level
    summary: Prose
    sources: SourceRefs = []
    incidents: Annotated[list[Slug], Field(description="Ids of catalog incidents.")] = []


class Impact(Strict):
    id: Slug
    stakeholder: Stakeholder
    title: Title
    summary: Prose
    sources: SourceRefs = []


class Mitigation(Strict):
    id: Slug
    kind: MitigationKind
    title: Title
    summary: Prose
    addresses: Annotated[list[Slug], Field(min_length=1, description="Ids of causes.")]
    sources: SourceRefs = []


class ChecklistItem(Strict):
    """One thing to do. Its id keys every reader's saved tick: never reuse or drop it lightly."""

    id: Slug
    text: Line
    why: Line | None = None
    sources: SourceRefs = []
    templates: Annotated[
        list[Slug],
        Field(
            description="Ids of this playbook's message templates that the step uses; "
            "they are shown with the step."
        ),
    ] = []
    when: Annotated[
        When | None,
        Field(
            description="How soon the step matters once an outage starts: 'now' (first "
            "minutes; listed first), 'today' or 'later'. Shown with the step."
        ),
    ] = None
    fulfilment: Annotated[
        Fulfilment | None,
        Field(
            description="'fba' for a step only sellers using Fulfillment by Amazon need, "
            "'self' for one only sellers who ship their own orders need; leave it out when "
            "every seller needs it. Readers can filter seller checklists by it."
        ),
    ] = None
    marketplaces: MarketplaceRefs = []
    renamed_from: Annotated[
        list[Slug], Field(description="Former ids of this item, so saved ticks follow it.")
    ] = []


class Checklist(Strict):
    id: Slug
    title: Title
    audience: Audience
    summary: Line
    before: list[ChecklistItem] = []
    during: list[ChecklistItem] = []
    after: list[ChecklistItem] = []
    retired: Annotated[
        list[Slug], Field(description="Item ids removed on purpose; their ticks are dropped.")
    ] = []

    def phases(self) -> list[tuple[str, list[ChecklistItem]]]:
        """The non-empty phases in reading order; within each, the steps to take "now" come
        first, the others keep the order they were written in."""
        return [
            (name, sorted(getattr(self, name), key=lambda item: item.when != "now"))
            for name in PHASES
            if getattr(self, name)
        ]

    def items(self) -> list[ChecklistItem]:
        return [item for _, items in self.phases() for item in items]

    @property
    def step_count(self) -> int:
        """How many steps: what lists of checklists show, without ordering the steps."""
        return len(self.before) + len(self.during) + len(self.after)


class FaqEntry(Strict):
    id: Slug
    question: Title
    answer: Prose
    sources: SourceRefs = []
    marketplaces: MarketplaceRefs = []


class MessageTemplate(Strict):
    """Ready-to-copy text for a stressed reader to adapt and send."""

    id: Slug
    title: Title
    use_when: Line
    body: Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(_no_control)]
    marketplaces: MarketplaceRefs = []


class Playbook(Strict):
    """One outage scenario: why it happens, who it hurts, what helps, what to do."""

    id: Slug
    title: Title
    section: Slug
    reviewed: Annotated[
        date,
        Field(
            description="The day someone last checked the whole playbook against its sources, "
            "written like 2026-11-29. Its page shows it as 'Last reviewed'."
        ),
    ]
    summary: Line
    audiences: Annotated[list[Audience], Field(min_length=1)]
    overview: Prose
    signs: list[Line] = []
    causes: Annotated[list[Cause], Field(min_length=1)]
    impacts: Annotated[list[Impact], Field(min_length=1)]
    mitigations: Annotated[list[Mitigation], Field(min_length=1)]
    checklists: Annotated[list[Checklist], Field(min_length=1)]
    faq: list[FaqEntry] = []
    templates: list[MessageTemplate] = []
    incidents: Annotated[list[Slug], Field(description="Ids of catalog incidents.")] = []

    def impacts_on(self, stakeholder: str) -> list[Impact]:
        """This playbook's impacts on one stakeholder, in the order written."""
        return [impact for impact in self.impacts if impact.stakeholder == stakeholder]

    def template(self, template_id: str) -> MessageTemplate:
        """The template with this id; id_checks.py makes sure there is one."""
        return next(template for template in self.templates if template.id == template_id)

    def cause(self, cause_id: str) -> Cause:
        """The cause with this id; id_checks.py makes sure there is one."""
        return next(cause for cause in self.causes if cause.id == cause_id)
