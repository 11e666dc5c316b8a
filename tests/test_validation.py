"""Content errors are reported at the right line, all at once, in words that say the fix."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from generator import layout
from generator.corpus import load_corpus
from generator.problems import Problem
from generator.render import render_site
from tests.support import FIXTURES, real_corpus

MINIMAL = (FIXTURES / "minimal" / "minimal.yml").read_text(encoding="utf-8")


def problems_for(tmp_path: Path, text: str, name: str = "minimal.yml") -> list[Problem]:
    folder = tmp_path / "playbooks"
    shutil.copytree(FIXTURES / "minimal", folder, dirs_exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    corpus, problems = load_corpus(folder, tmp_path)
    errors = [problem for problem in problems if problem.severity == "error"]
    assert (corpus is None) == bool(errors)
    return errors


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_minimal_fixture_is_valid(tmp_path):
    assert problems_for(tmp_path, MINIMAL) == []


def test_misspelt_key_suggests_the_right_one(tmp_path):
    text = MINIMAL.replace("    likelihood: low", "    likelyhood: low")
    [problem] = [p for p in problems_for(tmp_path, text) if "likelyhood" in p.message]
    assert problem.path == "playbooks/minimal.yml"
    assert (problem.line, problem.col) == (line_of(text, "likelyhood"), 5)
    assert "did you mean 'likelihood'?" in problem.message


def test_missing_required_key_points_at_its_parent(tmp_path):
    text = MINIMAL.replace("    summary: Have two.\n", "")
    problems = problems_for(tmp_path, text)
    assert [p.message for p in problems] == ["missing required key 'summary'"]
    assert problems[0].line == line_of(text, "- id: a-mitigation")


def test_wrong_type_points_at_the_value(tmp_path):
    text = MINIMAL.replace("audiences: [sellers]", "audiences: sellers")
    [problem] = problems_for(tmp_path, text)
    assert (problem.line, problem.col) == (line_of(text, "audiences:"), 12)
    assert problem.message.startswith("audiences:")


def test_enum_error_lists_the_choices(tmp_path):
    text = MINIMAL.replace("kind: redundancy", "kind: hope")
    [problem] = problems_for(tmp_path, text)
    assert problem.line == line_of(text, "kind: hope")
    assert "'redundancy'" in problem.message and "'monitoring'" in problem.message


def test_non_slug_id_explains_the_rule(tmp_path):
    text = MINIMAL.replace("id: first-step", "id: ../First Step")
    [problem] = problems_for(tmp_path, text)
    assert problem.line == line_of(text, "../First Step")
    assert "lowercase letters, digits and single hyphens" in problem.message


def test_duplicate_id_names_the_first_line(tmp_path):
    text = MINIMAL.replace("id: second-step", "id: first-step")
    [problem] = problems_for(tmp_path, text)
    assert problem.line == line_of(text, "id: first-step") + 3
    assert f"first used at line {line_of(text, 'id: first-step')}" in problem.message


def test_dangling_reference_lists_valid_ids(tmp_path):
    text = MINIMAL.replace("addresses: [a-cause]", "addresses: [a-cuase]")
    [problem] = problems_for(tmp_path, text)
    assert problem.line == line_of(text, "addresses:")
    assert "unknown cause 'a-cuase'; did you mean: a-cause" in problem.message


def test_unknown_source_and_section(tmp_path):
    text = MINIMAL.replace("section: basics", "section: nowhere").replace(
        "sources: [example-source]", "sources: [no-such-source]"
    )
    messages = sorted(p.message for p in problems_for(tmp_path, text))
    assert messages[0].startswith("unknown section 'nowhere'; valid ids: basics")
    assert messages[1].startswith("unknown source 'no-such-source'")


TAGGABLE = {
    "a step": ("        text: Do the second thing.\n", "        "),
    "an answer": ("    answer: Because.\n", "    "),
    "a message": ("    body: Hello BUYER-NAME.\n", "    "),
}


@pytest.mark.parametrize("where", TAGGABLE)
def test_a_step_answer_or_message_names_only_catalog_marketplaces(tmp_path, where):
    after, indent = TAGGABLE[where]
    message = "templates:\n  - id: a-note\n    title: A note\n    use_when: Late.\n" + (
        "    body: Hello BUYER-NAME.\n"
    )
    text = (MINIMAL + message).replace(after, f"{after}{indent}marketplaces: [amazon, ebya]\n")
    [problem] = problems_for(tmp_path, text)
    assert (problem.path, problem.line) == ("playbooks/minimal.yml", line_of(text, "ebya"))
    assert problem.col == text.splitlines()[problem.line - 1].index("ebya") + 1
    assert problem.message == "unknown marketplace 'ebya'; did you mean: ebay"
    assert problems_for(tmp_path, text.replace("ebya", "ebay")) == []


def test_catalog_marketplace_ids_are_unique_slugs(tmp_path):
    catalog = (FIXTURES / "minimal" / "_catalog.yml").read_text(encoding="utf-8")
    twice = catalog.replace("  - id: ebay\n", "  - id: amazon\n")
    [problem] = problems_for(tmp_path, twice, "_catalog.yml")
    assert problem.line == line_of(twice, "title: eBay") - 1
    assert (
        problem.message
        == f"duplicate id 'amazon' (first used at line {line_of(twice, 'id: amazon')})"
    )
    [problem] = problems_for(tmp_path, catalog.replace("id: ebay", "id: e-Bay"), "_catalog.yml")
    assert "'e-Bay' is not a valid id" in problem.message


def test_id_must_match_file_name(tmp_path):
    [problem] = problems_for(tmp_path, MINIMAL, name="other.yml")[:1] or [None]
    assert problem is not None and "must match the file name 'other.yml'" in problem.message


@pytest.mark.parametrize("field", ["causes", "impacts", "mitigations", "checklists"])
def test_a_playbook_needs_each_kind_of_content(tmp_path, field):
    text = MINIMAL.replace(f"{field}:\n", f"{field}: []\nunused_{field}:\n")
    problems = problems_for(tmp_path, text)
    assert f"{field}: needs at least 1 entry; add one" in [p.message for p in problems]


def test_all_problems_in_one_run(tmp_path):
    text = MINIMAL.replace("likelihood: low", "likelyhood: low").replace(
        "audiences: [sellers]", "audiences: [aliens]"
    )
    messages = [p.message for p in problems_for(tmp_path, text)]
    assert len(messages) == 2, messages  # the misspelt key is one mistake, not also "missing"
    assert "unknown key 'likelyhood'; did you mean 'likelihood'?" in messages
    assert any(
        m.startswith("audiences: 'aliens' is not one of the allowed values") for m in messages
    )


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        ("title: A cause", "title: A <script>cause", "cannot contain '<'"),
        ("title: A cause", "title: A &lt;/title&gt; cause", "HTML entities"),
        ("url: https://example.org/source", "url: javascript:alert(1)", "not an allowed link"),
        ("answer: Because.", "answer: See [this](javascript:alert(1)).", "not an allowed link"),
        ("text: Do the first thing.", 'text: "Two\\nlines"', "one line"),
    ],
)
def test_text_rules(tmp_path, old, new, fragment):
    target = "_catalog.yml" if "example.org" in old else "minimal.yml"
    base = (FIXTURES / "minimal" / target).read_text(encoding="utf-8")
    problems = problems_for(tmp_path, base.replace(old, new), name=target)
    assert any(fragment in p.message for p in problems), problems


def test_renamed_from_must_not_be_a_live_id(tmp_path):
    text = MINIMAL.replace(
        "        text: Do the second thing.",
        "        text: Do the second thing.\n        renamed_from: [first-step]",
    )
    [problem] = problems_for(tmp_path, text)
    assert "still the id of an item" in problem.message


def test_uncovered_cause_is_a_warning_only(tmp_path):
    folder = tmp_path / "playbooks"
    shutil.copytree(FIXTURES / "minimal", folder)
    text = MINIMAL.replace("addresses: [a-cause]", "addresses: [a-cause, b-cause]").replace(
        "causes:\n",
        "causes:\n  - id: b-cause\n    title: B\n    kind: attack\n    likelihood: low\n"
        "    impact: low\n    summary: B.\n  - id: c-cause\n    title: C\n    kind: attack\n"
        "    likelihood: low\n    impact: low\n    summary: C.\n",
    )
    (folder / "minimal.yml").write_text(text, encoding="utf-8")
    corpus, problems = load_corpus(folder, tmp_path)
    assert corpus is not None
    assert [(p.severity, p.message) for p in problems] == [
        ("warning", "no mitigation addresses cause 'c-cause'")
    ]


def test_a_schema_error_does_not_hide_the_checks_across_entries(tmp_path):
    text = (
        MINIMAL.replace("likelihood: low", "likelyhood: low")
        .replace("id: second-step", "id: first-step")
        .replace("sources: [example-source]", "sources: [no-such-source]")
        .replace("addresses: [a-cause]", "addresses: [a-cuase]")
    )
    messages = sorted(p.message for p in problems_for(tmp_path, text))
    assert len(messages) == 4, messages
    assert messages[0].startswith("duplicate id 'first-step'")
    assert messages[1].startswith("unknown cause 'a-cuase'")
    assert messages[2].startswith("unknown key 'likelyhood'")
    assert messages[3].startswith("unknown source 'no-such-source'")


def catalog_with_section(tmp_path: Path, section_id: str) -> list[Problem]:
    catalog = (FIXTURES / "minimal" / "_catalog.yml").read_text(encoding="utf-8")
    extra = f"  - id: {section_id}\n    title: Clashing\n    summary: A section.\n"
    return problems_for(
        tmp_path, catalog.replace("sources:\n", extra + "sources:\n"), "_catalog.yml"
    )


@pytest.mark.parametrize("page", [p for p in layout.site_wide_pages() if p != layout.OVERVIEW])
def test_a_section_cannot_take_the_address_of_a_site_wide_page(tmp_path, page):
    section_id = page.split("/")[0].removesuffix(".md")
    [problem] = catalog_with_section(tmp_path, section_id)
    assert problem.path == "playbooks/_catalog.yml"
    assert f"section id '{section_id}' would take the address of" in problem.message
    assert layout.site_url_path(page).startswith(problem.message.split(" page ")[1].split(";")[0])


def test_sections_named_like_pages_but_apart_from_them_are_fine(tmp_path):
    assert catalog_with_section(tmp_path, "faq-and-more") == []
    assert catalog_with_section(tmp_path, "index") == []


def test_a_checklist_cannot_take_its_playbooks_address(tmp_path):
    text = MINIMAL.replace("  - id: seller\n", "  - id: index\n")
    [problem] = problems_for(tmp_path, text)
    assert problem.line == line_of(text, "- id: index")
    assert "would take the address of the playbook's own page" in problem.message


def test_every_site_wide_page_the_renderer_makes_is_known_to_layout():
    """The reserved ids come from layout.site_wide_pages(); a page made elsewhere would
    leave its address unguarded."""

    made = set(render_site(real_corpus()))
    sections = {playbook.section for playbook in real_corpus().playbooks}
    outside_sections = {path for path in made if path.split("/")[0] not in sections}
    assert outside_sections == set(layout.site_wide_pages())


def all_problems_for(tmp_path: Path, name: str, text: str) -> list[Problem]:
    folder = tmp_path / "playbooks"
    shutil.copytree(FIXTURES / "minimal", folder, dirs_exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return load_corpus(folder, tmp_path)[1]


def test_a_source_without_a_checked_date_is_an_error(tmp_path):
    catalog = (FIXTURES / "minimal" / "_catalog.yml").read_text(encoding="utf-8")
    text = re.sub(r"^    checked: .*\n", "", catalog, count=1, flags=re.M)
    [problem] = all_problems_for(tmp_path, "_catalog.yml", text)
    assert (problem.severity, problem.message) == ("error", "missing required key 'checked'")
    assert problem.line == line_of(text, "- id: example-source")


def test_a_playbook_without_a_reviewed_date_is_an_error(tmp_path):
    text = re.sub(r"^reviewed: .*\n", "", MINIMAL, flags=re.M)
    [problem] = problems_for(tmp_path, text)
    assert problem.message == "missing required key 'reviewed'"


def test_a_source_unchecked_for_a_year_draws_a_warning_at_its_date(tmp_path):
    catalog = (FIXTURES / "minimal" / "_catalog.yml").read_text(encoding="utf-8")
    year_ago = date.today() - timedelta(days=366)
    text = re.sub(r"^    checked: .*$", f"    checked: {year_ago}", catalog, count=1, flags=re.M)
    [warning] = all_problems_for(tmp_path, "_catalog.yml", text)
    assert warning.severity == "warning"
    assert (warning.path, warning.line) == ("playbooks/_catalog.yml", line_of(text, "checked:"))
    assert f"'example-source' was last checked on {year_ago}" in warning.message
    recent = date.today() - timedelta(days=364)
    text = re.sub(r"^    checked: .*$", f"    checked: {recent}", catalog, count=1, flags=re.M)
    assert all_problems_for(tmp_path, "_catalog.yml", text) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("second.yaml", "use the .yml extension, in lower case"),
        ("second.YML", "use the .yml extension, in lower case"),
        ("drafts/second.yml", "is in a subfolder, which is never read"),
    ],
)
def test_a_playbook_the_loader_would_skip_is_reported_not_lost(tmp_path, name, message):
    folder = tmp_path / "playbooks"
    shutil.copytree(FIXTURES / "minimal", folder)
    (folder / name).parent.mkdir(exist_ok=True)
    (folder / name).write_text(MINIMAL.replace("id: minimal", "id: second"), encoding="utf-8")
    (folder / "notes.txt").write_text("not YAML: not a playbook, not a problem")
    corpus, problems = load_corpus(folder, tmp_path)
    assert corpus is None
    [problem] = problems
    assert problem.path == f"playbooks/{name}" and message in problem.message


def test_a_step_can_only_use_a_template_the_playbook_has(tmp_path):
    template = (
        "templates:\n  - id: delay-note\n    title: A note\n    use_when: Late.\n"
        "    body: Hello BUYER-NAME.\n"
    )
    text = (
        MINIMAL.replace(
            "        text: Do the second thing.\n",
            ("        text: Do the second thing.\n        templates: [delay-notes]\n"),
        )
        + template
    )
    [problem] = problems_for(tmp_path, text)
    assert problem.line == line_of(text, "templates: [delay-notes]")
    assert "unknown template 'delay-notes'; did you mean: delay-note" in problem.message
    assert problems_for(tmp_path, text.replace("[delay-notes]", "[delay-note]")) == []
