"""MkDocs hook: render the theme's templates without the whitespace of their own layout.

Material's templates are indented for people; MkDocs renders them as written, so every
navigation entry carries three times its weight in blank lines and spaces, on every page.
With a thousand playbooks in forty sections that was 60 KB of a 90 KB playbook page. Jinja's
``trim_blocks`` and ``lstrip_blocks`` drop the newline after a ``{% tag %}`` and the indent
before one: only template layout goes, never page content (that is inserted by ``{{ }}``),
and the text and elements of every page stay the same. See docs/project/performance.md.

Engines that run no MkDocs hooks (Zensical) build the same site, just with heavier pages.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment


def on_env(env: Environment, config: Any, files: Any) -> Environment:
    env.trim_blocks = True
    env.lstrip_blocks = True
    return env
