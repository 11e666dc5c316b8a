"""Properties over generated input (hypothesis).

Whatever bytes or YAML arrive, the loader and the validators answer with a model or with
problems that name the file and a position, never with an exception; a model that passes
renders; and text the model accepts stays text in the Markdown and HTML it lands in.
Example counts are modest: the suite runs on two shared cores.
"""

from __future__ import annotations

import posixpath
import tempfile
from datetime import date
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import yaml
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from generator import model, yamlsource
from generator.corpus import Corpus, load_playbook
from generator.escaping import front_matter, inline, prose
from generator.id_checks import CatalogIds
from generator.layout import relative_link
from generator.model import ALLOWED_URL_SCHEMES, Catalog, Line, Playbook, Prose, Title
from generator.problems import Problem
from generator.render import make_environment, render_site
from generator.validation import validate_model
from generator.yamlsource import parse_yaml
from tests.support import FIXTURES

DISPLAY = "playbooks/fuzz.yml"
TOLERATED = [HealthCheck.too_slow, HealthCheck.filter_too_much]
FEW = settings(max_examples=150, deadline=None, suppress_health_check=TOLERATED)
SOME = settings(max_examples=300, deadline=None, suppress_health_check=TOLERATED)

# Pieces that mean something to YAML, Markdown, HTML or Jinja, to mix into random text.
TOKENS = [
    ":", ": ", "- ", "? ", "\t", "\n", "  ", "    ", "#", "&a ", "*a", "!!python/object:os.system ",
    "!!binary ", "!x ", "<<: ", "[", "]", "{", "}", ",", '"', "'", "|", ">", "---\n", "...\n",
    "%YAML 1.1\n", "~", "\\", "\\u2028", "\\x00", "2021-02-30", "0x1F", "1e999", ".nan", "yes",
    "<script>", "</p>", "<img src=x onerror=alert(1)>", "&lt;", "&#60;", "&amp", "*", "_", "`",
    "```", "~~~", "](", "[x](https://example.org/)", "[x](javascript:alert(1))", "[TOC]", "!!!",
    "{:", "{{ 7*7 }}", "{% if %}", "{#", "|", "=", "1. ", "+ ", "-\n", "===", "\u2028", "\u0085",
    "\ufeff", "\u202e", "\uffff", "🚚", "配送", "مرحبا", "\u00a0", "\x00", "\x1b[2J",
]  # fmt: skip
PLAYBOOK_KEYS = [*Playbook.model_fields, "before", "during", "text", "question", "answer"]

tokens = st.sampled_from(TOKENS)
texts = st.lists(tokens | st.text(max_size=4), max_size=12).map("".join)
scalars = st.none() | st.booleans() | st.integers() | st.floats() | texts | st.dates(date(1, 1, 1))
keys = st.sampled_from(PLAYBOOK_KEYS) | texts
trees = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=40,
)
edits = st.lists(
    st.tuples(st.sampled_from(["insert", "delete", "replace"]), st.integers(0, 10**6), tokens),
    max_size=6,
)


def mutate(raw: bytes, changes: list[tuple[str, int, str]]) -> bytes:
    """Insert, delete or overwrite YAML-significant pieces at arbitrary places."""
    for action, where, token in changes:
        at = where % (len(raw) + 1)
        piece = token.encode("utf-8")
        if action == "insert":
            raw = raw[:at] + piece + raw[at:]
        elif action == "delete":
            raw = raw[:at] + raw[at + len(piece) :]
        else:
            raw = raw[:at] + piece + raw[at + len(piece) :]
    return raw


def dump(data: Any) -> bytes:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


def assert_well_formed(problems: list[Problem], path: str = DISPLAY) -> None:
    for problem in problems:
        assert problem.path == path and problem.line >= 0 and problem.col >= 0
        assert problem.message and problem.severity in ("error", "warning")
        assert "\n" not in problem.as_text() and "\n" not in problem.as_github()


def check_loads(raw: bytes) -> None:
    """Parse, then validate as both kinds of file: a model or problems, never an exception."""
    document, problems = parse_yaml(raw, DISPLAY)
    assert_well_formed(problems)
    if document is None:
        assert any(problem.severity == "error" for problem in problems)
        return
    for kind in (Playbook, Catalog):
        result, model_problems = validate_model(kind, document.data, document.source)
        assert (result is None) == bool(model_problems)
        assert_well_formed(model_problems)


@SOME
@given(st.binary(max_size=1500))
def test_any_bytes_parse_or_explain(raw):
    check_loads(raw)


@SOME
@given(texts, edits)
def test_any_text_parses_or_explains(text, changes):
    check_loads(mutate(text.encode("utf-8"), changes))


@FEW
@given(trees, edits)
def test_any_yaml_structure_validates_or_explains(data, changes):
    check_loads(mutate(dump(data), changes))


@SOME
@given(trees, edits)
def test_the_quick_reading_agrees_with_the_careful_one(data, changes):
    """yamlsource reads a file first without positions or messages, and leaves anything
    unusual to the builder that words problems: the two must never disagree on a file."""
    text = mutate(dump(data), changes).decode("utf-8", "replace")
    builder = yamlsource._Builder(DISPLAY)
    careful, _ = yamlsource._build(builder, text)
    try:
        quick = yamlsource._read_well_formed(text)
    except (yamlsource._Unusual, yaml.YAMLError):
        return
    assert careful is not None and not builder.problems
    assert quick == careful.data


@cache
def minimal() -> tuple[dict[str, Any], Catalog]:
    """The minimal playbook as data, and its catalog as a model."""
    document, _ = parse_yaml((FIXTURES / "minimal" / "minimal.yml").read_bytes(), "minimal.yml")
    catalog, _ = parse_yaml((FIXTURES / "minimal" / "_catalog.yml").read_bytes(), "_catalog.yml")
    assert document is not None and catalog is not None
    return document.data, Catalog.model_validate(catalog.data)


def paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a document where a value sits."""
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, (*prefix, index))
    return found


def replaced(data: Any, path: tuple, value: Any) -> Any:
    """``data`` with the value at ``path`` replaced (or, for ``...``, its key removed)."""
    if not path:
        return None if value is ... else value
    head, rest = path[0], path[1:]
    if isinstance(data, dict):
        copy = dict(data)
        if value is ... and not rest:
            copy.pop(head)
        else:
            copy[head] = replaced(data[head], rest, value)
        return copy
    copy = list(data)
    copy[head] = replaced(data[head], rest, None if value is ... and not rest else value)
    return copy


@cache
def environment():
    return make_environment()


@FEW
@given(st.data())
def test_any_edit_of_a_real_playbook_loads_or_explains_and_renders(data):
    document, catalog = minimal()
    for _ in range(data.draw(st.integers(1, 3))):
        where = data.draw(st.sampled_from(paths(document)))
        document = replaced(document, where, data.draw(st.just(...) | trees))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "minimal.yml"
        path.write_bytes(dump(document))
        loaded, problems = load_playbook(path, DISPLAY, CatalogIds.of(catalog))
    assert_well_formed(problems)
    if loaded is not None and not any(p.severity == "error" for p in problems):
        pages = render_site(Corpus(catalog, (loaded.playbook,)), environment())
        assert all(isinstance(text, str) for text in pages.values())


# Accepted text stays text wherever it lands.

EXTENSIONS = ["toc", "attr_list", "md_in_html", "admonition", "tables", "pymdownx.superfences"]
PROSE_TAGS = {"p", "em", "strong", "code", "ul", "ol", "li", "a", "br", "pre"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def to_html(text: str) -> _Tags:
    parser = _Tags()
    parser.feed(markdown.markdown(text, extensions=EXTENSIONS))
    return parser


def accepted(kind: Any, text: str) -> str:
    """``text`` as the model stores it; examples the model refuses are dropped."""
    try:
        return TypeAdapter(kind).validate_python(text)
    except ValidationError:
        reject()


@SOME
@given(texts)
def test_one_line_text_renders_as_exactly_itself(text):
    text = accepted(Line, text)
    html = to_html(f"- {inline(text)}")
    assert [tag for tag, _ in html.tags] == ["ul", "li"]
    assert "".join(html.text).strip() == " ".join(text.split())


@SOME
@given(st.text(st.characters(codec="utf-8"), min_size=1, max_size=8))
def test_text_is_refused_exactly_for_the_characters_the_rules_name(text):
    """The validators pass most text after one quick look (``str.isprintable``); that look
    must never let through a character the model's own expressions refuse."""
    text = text.strip().replace("](", "") or "x"  # prose checks its links' targets too
    forbidden = model._CONTROL.search(text) or model._DIRECTION_CONTROL.search(text)
    for kind, refused in ((Prose, forbidden), (Line, forbidden or model._LINE_BREAK.search(text))):
        try:
            TypeAdapter(kind).validate_python(text)
        except ValidationError:
            assert refused, (kind, text)
        else:
            assert not refused, (kind, text)


@SOME
@given(st.lists(texts, min_size=1, max_size=4).map("\n".join))
def test_prose_keeps_only_harmless_markup(text):
    html = to_html(str(prose(accepted(Prose, text))))
    for tag, attributes in html.tags:
        assert tag in PROSE_TAGS, (tag, text)
        if tag == "a":
            assert list(attributes) == ["href"]
            assert str(attributes["href"]).startswith(ALLOWED_URL_SCHEMES)
        else:
            assert attributes == {}, (tag, attributes, text)


@FEW
@given(texts, texts)
def test_front_matter_is_yaml_holding_exactly_the_title_and_description(title, description):
    title, description = accepted(Title, title), accepted(Line, description)
    block = str(front_matter(title, description))
    assert block.startswith("---\n") and block.endswith("\n---")
    meta = yaml.safe_load(block.removeprefix("---\n").removesuffix("\n---"))
    assert meta["title"] == title
    assert set(meta) == {"title", "description"}
    assert "<" not in meta["description"] and '"' not in meta["description"]


page_paths = st.lists(st.sampled_from(["a", "b", "index", "sec-1"]), max_size=3).map(
    lambda folders: "/".join([*folders, "page.md"])
)


@SOME
@given(page_paths, page_paths)
def test_relative_links_agree_with_posixpath(from_page, to_page):
    """The string arithmetic in ``relative_link`` gives what ``posixpath.relpath`` gives."""
    expected = posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
    assert relative_link(from_page, to_page) == expected
