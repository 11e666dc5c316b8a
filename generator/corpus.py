"""Read every YAML file under ``playbooks/`` into one validated corpus, or report why not."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from generator.freshness import stale_sources
from generator.id_checks import CatalogIds, check_catalog, check_playbook, uncovered_causes
from generator.model import Catalog, Playbook
from generator.problems import Problem, display_path, display_paths
from generator.validation import ModelT, validate_model
from generator.yamlsource import YamlDocument, read_yaml

CATALOG_FILE = "_catalog.yml"
"""Shared concepts. The underscore keeps it apart from playbooks, whose ids cannot start so."""


@dataclass(frozen=True)
class Corpus:
    catalog: Catalog
    playbooks: tuple[Playbook, ...]


@dataclass(frozen=True)
class LoadedPlaybook:
    """A playbook file as parsed; ``playbook`` is ``None`` when the schema refused it."""

    playbook: Playbook | None
    document: YamlDocument


Parsed = tuple[LoadedPlaybook | None, list[Problem]]
"""A playbook file read and validated on its own, before any check against the catalog."""

Parse = Callable[[Path, str], Parsed]
"""Reads one playbook file, named ``display`` in problems."""

MapEach = Callable[..., Iterable[tuple[Playbook | None, list[Problem]]]]
"""``map``, or a process pool's ``map``: applies a function to every file."""


def parse_playbook(path: Path, display: str) -> Parsed:
    """One playbook file read and validated on its own, before any check against the catalog:
    the same for the same file, so it can be remembered."""
    document, playbook, problems = _read_model(path, display, Playbook)
    if document is None:
        return None, problems
    return LoadedPlaybook(playbook, document), problems


def load_corpus(
    playbooks_dir: Path, root: Path, parse: Parse = parse_playbook, map_each: MapEach = map
) -> tuple[Corpus | None, list[Problem]]:
    """All problems in one pass; a corpus only when there is no error at all.

    ``parse`` reads one file on its own; the live preview passes one that remembers files
    it read before. Each file's references to the catalog are checked on every call all the
    same, since the catalog may have changed. ``map_each`` applies a function to every file,
    as the builtin ``map`` does; the pipeline may pass a process pool's instead.
    """
    problems: list[Problem] = []
    catalog_path = playbooks_dir / CATALOG_FILE
    catalog, catalog_problems = load_catalog(catalog_path, display_path(catalog_path, root))
    problems += catalog_problems
    paths = playbook_files(playbooks_dir)
    displays = display_paths(paths, root)
    playbooks: list[Playbook] = []
    catalog_ids = CatalogIds.of(catalog) if catalog is not None else None
    for playbook, file_problems in map_each(
        partial(checked_playbook, catalog_ids, parse), paths, displays
    ):
        problems += file_problems
        if playbook is not None:
            playbooks.append(playbook)
    problems += _unread_yaml(playbooks_dir, root)
    if catalog is None or any(p.severity == "error" for p in problems):
        return None, problems
    return Corpus(catalog, tuple(playbooks)), problems


def checked_playbook(
    catalog_ids: CatalogIds | None, parse: Parse, path: Path, display: str
) -> tuple[Playbook | None, list[Problem]]:
    """:func:`load_playbook` without the parsed document, which is large and only needed
    to place problems: what a worker process sends back."""
    loaded, problems = load_playbook(path, display, catalog_ids, parse)
    return (loaded.playbook if loaded else None), problems


def _unread_yaml(playbooks_dir: Path, root: Path) -> list[Problem]:
    """YAML files the loader would pass over without a word: a playbook saved as ``.yaml``
    or ``.YML``, or put in a subfolder, must not silently vanish from the site."""
    read = {*playbook_files(playbooks_dir), playbooks_dir / CATALOG_FILE}
    problems = []
    for folder, subfolders, files in os.walk(playbooks_dir):
        subfolders.sort()
        for name in sorted(files):
            path = Path(folder, name)
            if path.suffix.lower() not in {".yml", ".yaml"} or path in read:
                continue
            if path.parent != playbooks_dir:
                message = "is in a subfolder, which is never read; move it into playbooks/"
            else:
                message = "playbooks use the .yml extension, in lower case; rename this file"
            problems.append(Problem(display_path(path, root), 0, 0, message))
    return problems


def playbook_files(playbooks_dir: Path) -> list[Path]:
    """Every playbook file, in a stable order; the catalog is not one."""
    return sorted(p for p in playbooks_dir.glob("*.yml") if p.name != CATALOG_FILE)


def load_playbook(
    path: Path, display: str, catalog_ids: CatalogIds | None, parse: Parse = parse_playbook
) -> tuple[LoadedPlaybook | None, list[Problem]]:
    """One playbook file: parsed, validated, and checked against the catalog's ids when
    there is a catalog."""
    loaded, parse_problems = parse(path, display)
    problems = list(parse_problems)
    if loaded is None:
        return None, problems
    playbook, document = loaded.playbook, loaded.document
    problems += check_playbook(document.data, catalog_ids, document.source, path.stem)
    if playbook is None:
        return None, problems
    for cause_id in uncovered_causes(playbook):
        index = next(i for i, cause in enumerate(playbook.causes) if cause.id == cause_id)
        message = f"no mitigation addresses cause '{cause_id}'"
        problems.append(
            document.source.problem(("causes", index, "id"), message, severity="warning")
        )
    return loaded, problems


def load_catalog(path: Path, display: str) -> tuple[Catalog | None, list[Problem]]:
    """The shared catalog alone: what ``playbooks new`` needs, even if a playbook is broken."""
    if not path.exists():
        return None, [Problem(display, 0, 0, "the shared catalog is missing; restore it from git")]
    document, catalog, problems = _read_model(path, display, Catalog)
    if document is None:
        return None, problems
    problems += check_catalog(document.data, document.source)
    if catalog is not None:
        problems += stale_sources(catalog, document.source, date.today())
    return catalog, problems


def _read_model(
    path: Path, display: str, model: type[ModelT]
) -> tuple[YamlDocument | None, ModelT | None, list[Problem]]:
    """One file read and validated as ``model``: every problem of both steps."""
    document, problems = read_yaml(path, display)
    if document is None:
        return None, None, problems
    value, model_problems = validate_model(model, document.data, document.source)
    return document, value, problems + model_problems
