"""The YAML reader: positions for every node, and refusals with a line to fix."""

from __future__ import annotations

from datetime import date

import pytest

from generator.yamlsource import MAX_DEPTH, MAX_FILE_BYTES, parse_yaml


def parse(text: str):
    return parse_yaml(text.encode("utf-8"), "p.yml")


def test_positions_of_keys_and_values_are_one_based():
    document, problems = parse("id: x\nitems:\n  - text: hello\n    when: 2021-12-07\n")
    assert problems == []
    assert document.data == {"id": "x", "items": [{"text": "hello", "when": date(2021, 12, 7)}]}
    assert document.source.keys[("items", 0, "when")] == (4, 5)
    assert document.source.values[("items", 0, "when")] == (4, 11)
    assert document.source.values[("items", 0)] == (3, 5)


def test_position_falls_back_to_the_nearest_parent():
    document, _ = parse("a:\n  b: 1\n")
    assert document.source.position(("a", "missing", 3)) == (2, 3)


def test_duplicate_key_names_both_lines():
    document, problems = parse("id: a\ntitle: t\nid: b\n")
    assert document.data["id"] == "a"
    [problem] = problems
    assert (problem.line, problem.col) == (3, 1)
    assert "duplicate key 'id'" in problem.message and "line 1" in problem.message


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("a: !!python/object/apply:os.system ['true']\n", 1, "!!python/object/apply"),
        ("a: &x [1]\n", 1, "anchors"),
        ("a: 1\nb:\n\t- c\n", 3, "tab"),
        ("a: [1, 2\n", 2, "YAML syntax error"),
        ("a: 1\n---\nb: 2\n", 2, "one YAML document"),
        ("? [a, b]\n: c\n", 1, "plain word"),
    ],
)
def test_refusals_point_at_the_line(text, line, fragment):
    document, problems = parse(text)
    assert document is None
    assert problems[0].line == line
    assert fragment in problems[0].message


def test_alias_bomb_is_refused_without_expansion():
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}]" for i in range(8)]
    document, problems = parse("\n".join(lines))
    assert document is None
    assert "anchors" in problems[0].message or "aliases" in problems[0].message


def test_deep_nesting_is_refused():
    document, problems = parse("a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5))
    assert document is None
    assert "nested" in problems[0].message or "depth" in problems[0].message


def test_oversized_input_is_refused_before_parsing():
    document, problems = parse_yaml(b"a: " + b"x" * MAX_FILE_BYTES, "big.yml")
    assert document is None
    assert "limit" in problems[0].message


@pytest.mark.parametrize("raw", [b"", b"# only a comment\n", b"---\n"])
def test_empty_files_say_so(raw):
    document, problems = parse_yaml(raw, "e.yml")
    assert document is None
    assert "empty" in problems[0].message


def test_invalid_utf8_names_the_line():
    document, problems = parse_yaml(b"a: 1\nb: \xff\n", "u.yml")
    assert document is None
    assert problems[0].line == 2
    assert "UTF-8" in problems[0].message


def test_huge_integer_is_a_problem_not_a_crash():
    document, problems = parse("a: " + "9" * 5000 + "\n")
    assert document is None
    assert problems[0].line == 1
