"""Hostile or broken input: refused with file, line and a plain message, or kept inert.

Every file in ``fixtures/hostile/rejected`` (and each case made at test time, for things git
cannot hold or should not: a FIFO, a link, a 300 KB file) must end in exactly one error at the
expected place, in bounded memory, with no traceback and nothing executed. The text in
``fixtures/hostile/inert`` is valid; the site built from it must show it as plain text.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.corpus import load_corpus
from generator.yamlsource import MAX_FILE_BYTES
from tests.sitecheck import broken_internal_links, read_site
from tests.support import FIXTURES, copy_project

HOSTILE = FIXTURES / "hostile"
MINIMAL = FIXTURES / "minimal"
MEMORY_BOUND = 64 * 1024 * 1024
"""Far above what a real playbook needs (a few MB), far below what an unbounded input takes."""


def _oversized(folder: Path) -> None:
    text = (MINIMAL / "minimal.yml").read_text().replace("id: minimal", "id: oversized")
    (folder / "oversized.yml").write_text(text + "# padding\n" * (MAX_FILE_BYTES // 10 + 1))


def _symlink(folder: Path) -> None:
    # A link could pull any file on the CI runner into error messages.
    (folder / "symlink.yml").symlink_to((MINIMAL / "minimal.yml").resolve())


def _fifo(folder: Path) -> None:
    os.mkfifo(folder / "fifo.yml")  # opening it to read would block forever


def _directory(folder: Path) -> None:
    (folder / "directory.yml").mkdir()


@dataclass(frozen=True)
class Case:
    """One hostile file and the single error it must produce."""

    name: str
    line: int
    col: int
    fragment: str
    make: Callable[[Path], None] | None = None
    catalog: bool = False
    hangs_if_broken: bool = False
    """Checked only in a subprocess with a time bound, so a regression fails instead of hanging."""

    @property
    def display(self) -> str:
        return "playbooks/_catalog.yml" if self.catalog else f"playbooks/{self.name}"

    @property
    def where(self) -> str:
        return self.display if self.line == 0 else f"{self.display}:{self.line}:{self.col}"

    def place(self, folder: Path) -> None:
        """Put this case into a playbooks folder that holds the minimal fixture."""
        if self.make:
            self.make(folder)
        elif self.catalog:
            shutil.copyfile(HOSTILE / "catalog" / self.name, folder / "_catalog.yml")
        else:
            shutil.copyfile(HOSTILE / "rejected" / self.name, folder / self.name)


CASES = [
    Case("empty.yml", 1, 1, "the file is empty"),
    Case("top-level-list.yml", 1, 1, "expected a mapping of keys (like `id: ...`) at the top"),
    Case("top-level-scalar.yml", 1, 1, "at the top, found str"),
    Case("invalid-utf8.yml", 6, 38, "not valid UTF-8"),
    Case("binary-junk.yml", 1, 1, "not valid UTF-8"),
    Case("nul-byte.yml", 4, 13, "the control character U+0000 is not allowed"),
    Case("python-object.yml", 2, 8, "the YAML tag !!python/object/apply:os.system is not allowed"),
    Case("python-name.yml", 3, 10, "the YAML tag !!python/name:os.system is not allowed"),
    Case("merge-key.yml", 6, 1, "the YAML tag !!merge is not allowed"),
    Case("alias-bomb.yml", 2, 4, "anchors (&a) are not supported"),
    Case("deep-mappings.yml", 2, 134, "nested more than 32 levels deep"),
    Case("deep-lists.yml", 2, 1007, "exceeded maximum nesting depth"),
    Case("deep-blocks.yml", 34, 65, "nested more than 32 levels deep"),
    Case("too-many-values.yml", 2, 19999, "more than 10,000 keys and values in one file"),
    Case("oversized.yml", 0, 0, "over the 262,144-byte limit", make=_oversized),
    Case("tab-indent.yml", 9, 1, "(a tab: indent with spaces, not tabs)"),
    Case("duplicate-key.yml", 3, 1, "duplicate key 'title' (first defined at line 2)"),
    Case("duplicate-nested-key.yml", 12, 5, "key 'likelihood' (first defined at line 11)"),
    Case("two-documents.yml", 42, 1, "only one YAML document per file"),
    Case("syntax-error.yml", 42, 1, "YAML syntax error"),
    Case("huge-number.yml", 3, 10, "cannot read this value"),
    Case("id-not-slug.yml", 32, 13, "'First Step' is not a valid id"),
    Case("id-path-traversal.yml", 1, 5, "'../../../etc/passwd' is not a valid id"),
    Case("checklist-id-traversal.yml", 27, 9, "'../../../../index' is not a valid id"),
    Case("url-javascript.yml", 40, 13, "'javascript:alert(document.cookie' is not an allowed link"),
    Case("url-data.yml", 40, 13, "'data:text/html;base64,"),
    Case("url-file.yml", 40, 13, "'file:///etc/passwd' is not an allowed link"),
    Case("url-vbscript.yml", 40, 13, "'vbscript:msgbox(1' is not an allowed link"),
    Case("url-relative.yml", 40, 13, "'../../about/' is not an allowed link"),
    Case("url-protocol-relative.yml", 40, 13, "'//evil.example/x' is not an allowed link"),
    Case("url-angle-brackets.yml", 40, 13, "'JavaScript:alert(1' is not an allowed link"),
    Case("title-html.yml", 2, 8, "titles cannot contain '<', '>' or HTML entities"),
    Case("title-line-separator.yml", 2, 8, "must fit on one line"),
    Case("escape-codes.yml", 4, 10, "contains control characters"),
    Case("noncharacter.yml", 2, 8, "contains control characters or non-characters"),
    Case("bidi-override.yml", 2, 8, "invisible text-direction control (U+202E)"),
    Case("escape-code-key.yml", 6, 1, "unknown key '\x1b[2J\x1b[32mall good'"),
    Case("symlink.yml", 0, 0, "is a symbolic link", make=_symlink),
    Case("fifo.yml", 0, 0, "is not a regular file", make=_fifo, hangs_if_broken=True),
    Case("directory.yml", 0, 0, "is not a regular file", make=_directory),
    Case("empty.yml", 1, 1, "the file is empty", catalog=True),
    Case("section-id-traversal.yml", 2, 9, "'../basics' is not a valid id", catalog=True),
    Case("source-url-javascript.yml", 9, 10, "javascript:alert(1)' is not an allow", catalog=True),
]  # fmt: skip
PLAYBOOK_CASES = [case for case in CASES if not case.catalog]


def case_id(case: Case) -> str:
    return f"catalog/{case.name}" if case.catalog else case.name


def playbooks_with(folder: Path, *cases: Case) -> Path:
    """A playbooks folder: the minimal fixture plus the given hostile cases."""
    shutil.copytree(MINIMAL, folder)
    for case in cases:
        case.place(folder)
    return folder


def test_every_fixture_file_has_a_case():
    for kind, catalog in (("rejected", False), ("catalog", True)):
        on_disk = {path.name for path in (HOSTILE / kind).iterdir()}
        expected = {case.name for case in CASES if case.catalog == catalog and not case.make}
        assert on_disk == expected


@pytest.mark.parametrize("case", [c for c in CASES if not c.hangs_if_broken], ids=case_id)
def test_refused_with_one_error_at_the_right_place(tmp_path, case):
    folder = playbooks_with(tmp_path / "playbooks", case)
    tracemalloc.start()
    try:
        corpus, problems = load_corpus(folder, tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert corpus is None
    [error] = [problem for problem in problems if problem.severity == "error"]
    assert (error.path, error.line, error.col) == (case.display, case.line, case.col)
    assert case.fragment in error.message
    assert peak < MEMORY_BOUND


def validate(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``playbooks validate`` as a contributor runs it; a bound so a hang fails, not stalls."""
    return subprocess.run(
        [sys.executable, "-m", "generator", "validate", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_reports_every_case_in_one_run(tmp_path):
    project = copy_project(tmp_path / "project", MINIMAL)
    for case in PLAYBOOK_CASES:
        case.place(project / "playbooks")
    result = validate(project)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "\x1b" not in result.stderr
    reported = result.stderr.splitlines()
    for case in PLAYBOOK_CASES:
        fragment = case.fragment.replace("\x1b", "\\x1b")
        assert any(
            line.startswith(f"{case.where}: error: ") and fragment in line for line in reported
        ), case.name
    assert reported[-1] == f"playbooks: {len(PLAYBOOK_CASES)} problems in playbooks; nothing built"
    github = validate(project, "--format", "github").stderr
    for case in PLAYBOOK_CASES:
        position = f",line={case.line},col={case.col}" if case.line else ""
        assert f"::error file={case.display}{position}::" in github


REPRESENTATIVE = ["empty.yml", "python-object.yml", "alias-bomb.yml", "invalid-utf8.yml"]


@pytest.mark.parametrize(
    "case", [case for case in PLAYBOOK_CASES if case.name in REPRESENTATIVE], ids=case_id
)
def test_cli_exits_1_naming_the_file_and_runs_nothing(tmp_path, case):
    project = copy_project(tmp_path / "project", MINIMAL)
    case.place(project / "playbooks")
    result = validate(project)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    [problem] = [line for line in lines if ": error: " in line]
    assert problem.startswith(f"{case.where}: error: ") and case.fragment in problem
    assert lines[-1] == "playbooks: 1 problem in playbooks; nothing built"
    assert not (project / "pwned").exists()  # python-object.yml would have run `touch pwned`


# The site built from fixtures/hostile/inert (the ``hostile_site`` fixture).

PLAYBOOK_PAGE = "playbooks/basics/inert-text/"
CONTENT_TAGS = {
    "a", "article", "button", "code", "div", "em", "fieldset", "h1", "h2", "h3", "h4", "input",
    "label", "legend", "li", "noscript", "ol", "p", "pre", "span", "strong", "table", "tbody",
    "td", "th", "thead", "tr", "ul",
}  # fmt: skip
"""What Markdown and the templates make; anything else in an article came from content."""
RISK_MATRIX_TAGS = {"figure", "svg", "title", "desc", "g", "rect", "circle", "text"}
"""The risk matrix on playbook pages, drawn by generator/riskmatrix.py."""
STRUCTURED_DATA = {"type": "application/ld+json"}
"""The FAQ page's JSON-LD (generator/structured.py), the one script a template writes."""
PLAYBOOK_SECTIONS = {
    "checklists", "overview", "signs", "causes", "impacts", "mitigations", "templates", "faq",
    "incidents", "sources",
}  # fmt: skip
SHOWN_LITERALLY = [
    '<script>window.__pwned = "overview"; alert("overview")</script>',
    "<img src=x onerror=\"window.__pwned='overview-img'\">",
    "# A smuggled heading",
    "| table | row |",
    '!!! danger "Smuggled admonition"',
    "{: onclick=\"window.__pwned='attr-list'\" }",
    "[TOC]",
    "Jinja {{ 7*7 }} and {% for x in range(3) %}{{ x }}{% endfor %} stay literal.",
    'Market "quoted" & {{ 7*7 }} *x* [a](javascript:alert(1)) 🚚',
    "Emoji 🚚📦, CJK 配送が遅れています, right-to-left مرحبا بالعالم and שלום.",
    "<svg onload=\"window.__pwned='sign-svg'\"></svg>",
    "<script>window.__pwned='code'</script>",
    '</code></pre><script>window.__pwned = "template"; alert("template")</script>',
]


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    in_content: bool


class _Elements(HTMLParser):
    """Every element, noting whether it sits inside the page's article (the content)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self.structured: list[str] = []
        self._article_depth = 0
        self._in_script = False
        self._in_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "article":
            self._article_depth += 1
        self.elements.append(Element(tag, values, self._article_depth > 0))
        self._in_script = tag == "script"
        self._in_data = tag == "script" and values == STRUCTURED_DATA

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._article_depth -= 1
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            (self.structured if self._in_data else self.scripts).append(data)
        elif self._article_depth:
            self.text.append(data)


def parse(path: Path) -> _Elements:
    parser = _Elements()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_hostile_text_adds_no_handler_script_or_element(hostile_site):
    for url, page in read_site(hostile_site.folder).items():
        parsed = parse(page.path)
        for element in parsed.elements:
            assert not [name for name in element.attrs if name.startswith("on")], (url, element)
            for name in ("href", "src", "action", "formaction"):
                value = element.attrs.get(name, "").strip().lower()
                assert not value.startswith(("javascript:", "data:", "vbscript:")), (url, element)
            if element.in_content and element.attrs != STRUCTURED_DATA and element.tag != "style":
                assert element.tag in CONTENT_TAGS | RISK_MATRIX_TAGS, (url, element)
                assert "admonition" not in element.attrs.get("class", ""), (url, element)
                assert element.attrs.get("class") != "toc", (url, element)
        styles = [e for e in parsed.elements if e.in_content and e.tag == "style"]
        scripted = {"data-checklist", "data-marketplace-filter"}  # controls that need JS
        needs_style = any(scripted & set(element.attrs) for element in parsed.elements)
        assert len(styles) == needs_style, url  # only the <noscript> style that hides them
        assert not [script for script in parsed.scripts if "__pwned" in script], url
        for data in parsed.structured:  # hostile text may be in it, but only as JSON strings
            assert "<" not in data and json.loads(data), url


def test_hostile_text_keeps_the_page_structure(hostile_site):
    parsed = parse(hostile_site.folder / PLAYBOOK_PAGE / "index.html")
    content = [element for element in parsed.elements if element.in_content]
    assert [element.tag for element in content].count("h1") == 1
    h2_ids = {element.attrs.get("id") for element in content if element.tag == "h2"}
    assert h2_ids <= PLAYBOOK_SECTIONS
    assert [element.tag for element in content].count("table") == 1  # past incidents


def test_hostile_text_shows_literally(hostile_site):
    text = " ".join("".join(parse(hostile_site.folder / PLAYBOOK_PAGE / "index.html").text).split())
    for fragment in SHOWN_LITERALLY:
        assert fragment in text
    assert "49" not in re.sub(r"\d{4}-\d\d-\d\d", "", text)  # no {{ 7*7 }} was evaluated


def test_hostile_site_links_and_anchors_resolve(hostile_site):
    assert broken_internal_links(hostile_site.folder, read_site(hostile_site.folder)) == []
