"""The real playbooks cover what the site promises readers: checklists, FAQ, history, templates.

These tests read the committed corpus, not a fixture, so deleting or thinning content that
readers rely on fails the build.
"""

from __future__ import annotations

import re
import shutil

import pytest
import yaml

from generator.corpus import CATALOG_FILE, Corpus, load_corpus
from generator.model import PHASES, Checklist, Playbook
from tests.support import REPO

PLAYBOOKS = REPO / "playbooks"
FOUNDATIONS = "marketplace-outages-explained"
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/{}.schema.json"


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    loaded, problems = load_corpus(PLAYBOOKS, REPO)
    assert [problem.as_text() for problem in problems] == []
    assert loaded is not None
    return loaded


def playbook(corpus: Corpus, playbook_id: str) -> Playbook:
    return next(p for p in corpus.playbooks if p.id == playbook_id)


def checklists_for(corpus: Corpus, audience: str) -> list[Checklist]:
    return [c for p in corpus.playbooks for c in p.checklists if c.audience == audience]


def test_every_file_declares_its_schema_for_editors():
    for path in sorted(PLAYBOOKS.glob("*.yml")):
        kind = "catalog" if path.name == CATALOG_FILE else "playbook"
        assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE.format(kind), path


def test_seller_contingency_checklist_is_complete(corpus):
    checklist = next(
        c for c in playbook(corpus, FOUNDATIONS).checklists if c.id == "seller-contingency"
    )
    assert checklist.audience == "sellers"
    assert len(checklist.items()) >= 15
    assert all(getattr(checklist, phase) for phase in PHASES), "every phase needs items"
    text = " ".join(f"{item.text} {item.why or ''}" for item in checklist.items()).lower()
    for topic in [
        "order report",
        "offline",
        "handling time",
        "message",
        "aws health dashboard",
        "platform-wide",
        "vacation settings",
        "fba",
        "under 2.5%",
        "7 business days",
        "confirm every shipment",
        "buy shipping",
        "sp-api",
        "pause",
        "screenshot",
        "appeal",
        "reconcile",
        "unsolicited",
    ]:
        assert topic in text, f"seller checklist does not cover {topic!r}"


@pytest.mark.parametrize("audience", ["shoppers", "platform-teams"])
def test_each_audience_has_a_checklist_with_all_three_phases(corpus, audience):
    checklists = checklists_for(corpus, audience)
    assert any(all(getattr(c, phase) for phase in PHASES) for c in checklists)


def test_platform_team_checklist_covers_the_essentials(corpus):
    checklist = next(
        c for c in playbook(corpus, FOUNDATIONS).checklists if c.audience == "platform-teams"
    )
    text = " ".join(item.text for item in checklist.items()).lower()
    for topic in ["region", "alert", "incident commander", "status page", "postmortem"]:
        assert topic in text, f"platform-team checklist does not cover {topic!r}"


def test_faq_answers_the_seed_questions_and_more(corpus):
    questions = [entry.question.lower() for p in corpus.playbooks for entry in p.faq]
    assert len(questions) >= 12
    seed_topics = {
        "causes": r"\bcauses?\b|go down",
        "frequency": r"how often",
        "sellers": r"seller's business|affect sellers",
        "refunds": r"refund|compensation|pay me back",
        "preparing": r"prepare|next outage",
    }
    for topic, pattern in seed_topics.items():
        assert any(re.search(pattern, q) for q in questions), f"no FAQ entry about {topic}"


def test_required_real_incidents_are_in_the_history_with_sources(corpus):
    incidents = {incident.id: incident for incident in corpus.catalog.incidents}
    sources = {source.id: source for source in corpus.catalog.sources}
    provider_summaries = {
        "aws-s3-2017": "https://aws.amazon.com/message/41926/",
        "aws-kinesis-2020": "https://aws.amazon.com/message/11201/",
        "aws-us-east-1-2021": "https://aws.amazon.com/message/12721/",
        "aws-lambda-2023": "https://aws.amazon.com/message/061323/",
        "aws-dynamodb-2025": "https://aws.amazon.com/message/101925/",
        "shopify-2018": "https://status.shopify.com/incidents/lb5hhnqccxf3",
    }
    for incident_id, url in provider_summaries.items():
        cited = [sources[source_id].url for source_id in incidents[incident_id].sources]
        assert url in cited, f"{incident_id} must link the provider's own summary"
    for incident_id in ["amazon-prime-day-2018", "crowdstrike-2024"]:
        assert incidents[incident_id].sources
    years = {incident.id: incident.date.year for incident in incidents.values()}
    assert years["amazon-prime-day-2018"] == 2018 and years["crowdstrike-2024"] == 2024


def test_every_source_and_incident_is_used(corpus):
    cited = {
        source_id
        for p in corpus.playbooks
        for item in [*p.causes, *p.impacts, *p.mitigations, *p.faq]
        for source_id in item.sources
    }
    cited |= {
        s for p in corpus.playbooks for c in p.checklists for i in c.items() for s in i.sources
    }
    cited |= {s for incident in corpus.catalog.incidents for s in incident.sources}
    assert {source.id for source in corpus.catalog.sources} <= cited
    referenced = {i for p in corpus.playbooks for i in p.incidents}
    assert {incident.id for incident in corpus.catalog.incidents} <= referenced


def test_at_least_six_scenario_playbooks(corpus):
    scenarios = [p for p in corpus.playbooks if p.section != "foundations"]
    assert len(scenarios) >= 6
    assert len({p.section for p in scenarios}) >= 3


def test_every_playbook_has_cause_impact_mitigation_and_checklist(corpus):
    for p in corpus.playbooks:
        assert p.causes and p.impacts and p.mitigations and p.checklists, p.id


def test_sellers_can_copy_delay_update_and_all_clear_messages(corpus):
    templates = {t.id: t for t in playbook(corpus, FOUNDATIONS).templates}
    delay = templates["buyer-delay-notice"].body
    assert "ORDER-NUMBER" in delay
    # Amazon counts a cancellation the seller prompts against the seller: never invite one.
    assert "cancel" not in delay.lower()
    assert "Next update" in templates["status-update"].body
    assert "over" in templates["all-clear"].body


@pytest.mark.parametrize("part", ["causes", "impacts", "mitigations", "checklists"])
@pytest.mark.parametrize("how", ["removed", "emptied"])
def test_a_playbook_without_a_required_part_is_rejected(tmp_path, part, how):
    folder = tmp_path / "playbooks"
    shutil.copytree(PLAYBOOKS, folder)
    path = folder / "cloud-region-outage.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if how == "removed":
        del data[part]
    else:
        data[part] = []
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    corpus, problems = load_corpus(folder, tmp_path)

    assert corpus is None
    errors = [p for p in problems if p.severity == "error"]
    assert errors and all(p.path == "playbooks/cloud-region-outage.yml" for p in errors)
    assert any(part in p.message for p in errors), [p.message for p in errors]


def test_guidance_is_marked_as_ours(corpus):
    """Advice without a source must say it is ours, so readers never mistake it for policy."""
    for p in corpus.playbooks:
        for mitigation in p.mitigations:
            if not mitigation.sources:
                assert "Our advice" in mitigation.summary, f"{p.id}/{mitigation.id}"


def _mentions_policy(text: str) -> bool:
    return bool(re.search(r"\d+(\.\d+)?%|\b\d{2,}\b", text))


def test_numbers_in_prose_cite_a_source(corpus):
    for p in corpus.playbooks:
        for item in [*p.causes, *p.impacts, *p.mitigations, *p.faq]:
            body = getattr(item, "summary", None) or getattr(item, "answer", "")
            if _mentions_policy(body):
                assert item.sources, f"{p.id}/{item.id} states a number without a source"
