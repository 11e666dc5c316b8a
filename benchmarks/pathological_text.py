"""How long Python-Markdown takes on the worst prose a valid playbook may hold.

A prose field holds up to 6,000 characters. Python-Markdown looks ahead from every "[" for
its "]", so runs of brackets once took seconds per field and minutes per playbook; the
escaping now turns every bracket that frames no kept link into an entity. This prints, for
each shape of hostile text, the time to escape it and the time Python-Markdown takes on the
escaped text, beside the time on the raw text for comparison.

    .venv/bin/python benchmarks/pathological_text.py
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

import markdown

from generator.escaping import prose
from generator.model import Prose

LONGEST = next(
    rule.max_length
    for rule in Prose.__metadata__[0].metadata  # type: ignore[attr-defined]  # Annotated at run time
    if hasattr(rule, "max_length")
)
EXTENSIONS = ["toc", "attr_list", "md_in_html", "admonition", "tables"]
SHAPES = {
    "open brackets": "[",
    "image openers": "![",
    "bracket words": "[a ",
    "bracket pairs": "[]",
    "link openers": "[a](",
    "stars": "*",
    "star words": "*a ",
    "backticks": "`",
    "angle brackets": "<",
}


def seconds(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    print(f"{'shape':16} {'escape':>8} {'markdown':>9} {'raw text':>9}   ({LONGEST} characters)")
    for name, unit in SHAPES.items():
        text = (unit * (LONGEST // len(unit)))[:LONGEST]
        escaped = str(prose(text))
        render = partial(markdown.markdown, extensions=EXTENSIONS)
        escape = seconds(partial(prose, text))
        rendered = seconds(partial(render, escaped))
        raw = seconds(partial(render, text))
        print(f"{name:16} {escape:7.3f}s {rendered:8.3f}s {raw:8.3f}s")


if __name__ == "__main__":
    main()
