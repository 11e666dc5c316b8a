"""Pictures drawn at build time: the risk matrix on each playbook page, and the coverage page."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from generator import layout
from generator.corpus import load_corpus
from generator.model import Cause
from generator.render import render_site
from generator.riskmatrix import risk_matrix_svg
from tests.htmlquery import find_all
from tests.support import corpus_with, real_corpus

SVG = "{http://www.w3.org/2000/svg}"


def _cause(number: int, likelihood: str, impact: str) -> Cause:
    # Unvalidated on purpose: the drawing must stay well-formed even for text the model refuses.
    return Cause.model_construct(
        id=f"cause-{number}",
        title=f"Cause <{number}> & co",
        kind="capacity",
        likelihood=likelihood,
        impact=impact,
        summary="Why.",
    )


def _cell_of(svg: ET.Element, x: float, y: float) -> str:
    """The fill of the grid cell that contains a point: each cell has its own severity."""
    for rect in svg.iter(f"{SVG}rect"):
        left, top = float(rect.get("x")), float(rect.get("y"))
        if left <= x <= left + float(rect.get("width")) and top <= y <= top + float(
            rect.get("height")
        ):
            return rect.get("fill")
    raise AssertionError(f"({x}, {y}) is outside the grid")


def test_risk_matrix_is_an_accessible_image_with_a_marker_per_cause_in_its_cell():
    causes = [_cause(1, "high", "high"), _cause(2, "low", "low"), _cause(3, "high", "high")]
    figure = ET.fromstring(str(risk_matrix_svg(causes)))  # well-formed XML, or this raises
    svg = figure.find(f"{SVG}svg")
    assert svg.get("role") == "img"
    labelled_by = svg.get("aria-labelledby").split()
    ids = {element.get("id"): element for element in svg.iter() if element.get("id")}
    assert [ids[i].tag for i in labelled_by] == [f"{SVG}title", f"{SVG}desc"]
    description = svg.find(f"{SVG}desc").text
    assert "1. Cause <1> & co: likelihood high, impact high." in description
    markers = {
        text.text: (float(text.get("x")), float(text.get("y")))
        for text in svg.iter(f"{SVG}text")
        if text.text.isdigit()
    }
    assert sorted(markers) == ["1", "2", "3"]
    worst = _cell_of(svg, *markers["1"])
    assert _cell_of(svg, *markers["3"]) == worst
    assert _cell_of(svg, *markers["2"]) != worst
    assert markers["1"] != markers["3"], "two causes in one cell must not overlap"


def test_every_playbook_page_shows_its_risk_matrix(site):
    for playbook in real_corpus().playbooks:
        page = layout.site_url_path(layout.playbook_page(playbook))
        html = (site.folder / page / "index.html").read_text(encoding="utf-8")
        (svg,) = [s for s in find_all(html, "svg") if s.attrs.get("role") == "img"]
        assert svg.attrs["aria-labelledby"] == "risk-matrix-title risk-matrix-desc"
        (desc,) = [
            d.text for d in find_all(html, "desc") if d.attrs.get("id") == "risk-matrix-desc"
        ]
        for cause in playbook.causes:
            assert cause.title in desc


def test_coverage_page_flags_exactly_the_causes_validate_warns_about(tmp_path):
    lonely = (
        "  - id: lonely-cause\n    title: A cause nobody handles\n    kind: attack\n"
        "    likelihood: medium\n    impact: medium\n    summary: Nobody handles it.\n"
    )
    corpus_with(tmp_path, {"impacts:\n": lonely + "impacts:\n"})
    corpus, problems = load_corpus(tmp_path / "playbooks", tmp_path)
    warned = [p.message for p in problems if p.severity == "warning"]
    assert warned == ["no mitigation addresses cause 'lonely-cause'"]
    coverage = render_site(corpus)[layout.COVERAGE]
    warning_block = coverage.split("**1 cause with no mitigation:**", 1)[1].split("\n## ", 1)[0]
    assert "#cause-lonely-cause" in warning_block and "#cause-a-cause" not in warning_block
    rows = [line for line in coverage.splitlines() if line.startswith("| [")]
    assert [row.endswith("| **none** |") for row in rows] == [False, True]


def test_coverage_page_is_built_with_a_row_per_cause(site):
    html = (site.folder / "playbooks" / "coverage" / "index.html").read_text(encoding="utf-8")
    rows = find_all(html, "tr")
    for playbook in real_corpus().playbooks:
        for cause in playbook.causes:
            assert any(row.text.startswith(cause.title) for row in rows), cause.id
