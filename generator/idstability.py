"""Id stability: readers' saved ticks must survive every change to a checklist.

A tick is stored under ``playbook/checklist/item``. Removing or renaming an item id therefore
drops every reader's tick on it, silently. This check compares the playbooks with those at a
git ref (the pull request's base) and reports each item id that disappeared without a record:
``renamed_from: [old-id]`` on the item that replaces it, or ``retired: [old-id]`` on its
checklist. Checklists and playbooks have no such record, so their removal or renaming is a
warning that reviewers see on the pull request.

It reads raw YAML rather than the validated model, so that it still runs (and still points at
lines) when a file has other problems; those are the validator's to report.
"""

from __future__ import annotations

import difflib
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.corpus import CATALOG_FILE, playbook_files
from generator.errors import UsageError
from generator.model import PHASES
from generator.problems import Problem, display_path
from generator.yamlsource import Loc, SourceMap, parse_yaml, read_yaml

RENAME_SIMILARITY = 0.5
"""How alike two item texts must be (difflib ratio) to guess that one item was renamed."""


class BaseUnavailable(UsageError):
    """The base ref cannot be read (no git, not a repository, unknown ref)."""


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    loc: Loc


@dataclass
class ChecklistIds:
    id: str
    loc: Loc
    items: dict[str, Item] = field(default_factory=dict)
    former: dict[str, str] = field(default_factory=dict)
    """Old id → the item that now carries it (from ``renamed_from``)."""
    retired: set[str] = field(default_factory=set)


@dataclass
class PlaybookIds:
    path: str
    source: SourceMap
    checklists: dict[str, ChecklistIds]

    def keys(self) -> set[tuple[str, str]]:
        """Every (checklist, item) pair: what readers' ticks hang on, minus the playbook id."""
        return {(c.id, item) for c in self.checklists.values() for item in c.items}


def check_id_stability(root: Path, playbooks_dir: Path, base: str) -> list[Problem]:
    """Problems for every id readers could lose between ``base`` and the working tree."""
    before = _playbooks_at(root, playbooks_dir, base)
    now: dict[str, PlaybookIds | None] = {}
    for path in playbook_files(playbooks_dir):
        document, _ = read_yaml(path, display_path(path, root))
        now[path.stem] = None if document is None else _ids(document.data, document.source)
    added = {name: ids for name, ids in now.items() if name not in before and ids is not None}
    problems: list[Problem] = []
    for stem, old in sorted(before.items()):
        if stem in now:
            new = now[stem]  # None when unreadable now: the validator reports that instead
            problems += _compare_playbook(old, new, base) if new is not None else []
            continue
        successor = _most_alike(old.keys(), {name: ids.keys() for name, ids in added.items()})
        if successor is None:
            message = f"playbook '{stem}' was removed since {base}: {_lost(old)}"
            problems.append(Problem(old.path, 0, 0, message, "warning"))
        else:
            message = (
                f"playbook id changed from '{stem}' (at {base}) to '{successor}': "
                f"{_lost(old)}; keep the old id unless the new one is worth that"
            )
            problems.append(added[successor].source.problem(("id",), message, severity="warning"))
    return problems


def _compare_playbook(old: PlaybookIds, new: PlaybookIds, base: str) -> list[Problem]:
    problems: list[Problem] = []
    added = {cid: ids for cid, ids in new.checklists.items() if cid not in old.checklists}
    for checklist_id, before in old.checklists.items():
        after = new.checklists.get(checklist_id)
        if after is not None:
            problems += _compare_checklist(before, after, new.source, base)
            continue
        successor = _most_alike(set(before.items), {c: set(ids.items) for c, ids in added.items()})
        count = f"readers' ticks on its {len(before.items)} items are lost"
        if successor is None:
            message = f"checklist '{checklist_id}' was removed since {base}; {count}"
            problems.append(
                new.source.problem(("checklists",), message, at_key=True, severity="warning")
            )
        else:
            message = (
                f"checklist id changed from '{checklist_id}' (at {base}) to '{successor}'; "
                f"{count}; keep the old id unless the new one is worth that"
            )
            loc = (*added[successor].loc, "id")
            problems.append(new.source.problem(loc, message, severity="warning"))
    return problems


def _compare_checklist(
    before: ChecklistIds, after: ChecklistIds, source: SourceMap, base: str
) -> list[Problem]:
    recorded = after.retired | set(after.former)
    gone = [i for i in before.items.values() if i.id not in after.items and i.id not in recorded]
    new_items = [item for item in after.items.values() if item.id not in before.items]
    heirs = _likely_renames(gone, new_items)
    problems = []
    for item in gone:
        heir = heirs.get(item.id)
        if heir is None:
            message = (
                f"item '{item.id}' of checklist '{after.id}' was removed or renamed since "
                f"{base}, which drops every reader's tick on it: if it was renamed, add "
                f"`renamed_from: [{item.id}]` to the item that replaces it; if it was removed "
                f"on purpose, add `retired: [{item.id}]` to this checklist"
            )
            problems.append(source.problem((*after.loc, "id"), message))
        else:
            message = (
                f"item id '{heir.id}' looks like a rename of '{item.id}' (at {base}); readers' "
                f"ticks on '{item.id}' will be lost: add `renamed_from: [{item.id}]` to this "
                f"item, or `retired: [{item.id}]` to checklist '{after.id}' if it was removed"
            )
            problems.append(source.problem((*heir.loc, "id"), message))
    return problems


def _likely_renames(gone: list[Item], new_items: list[Item]) -> dict[str, Item]:
    """Old id → the new item whose text reads most like it; each new item claimed once."""
    pairs = [
        (difflib.SequenceMatcher(None, old.text, new.text).ratio(), old, new)
        for old in gone
        for new in new_items
    ]
    heirs: dict[str, Item] = {}
    claimed: set[str] = set()
    for ratio, old, new in sorted(pairs, key=lambda pair: -pair[0]):  # stable: ties keep order
        if ratio >= RENAME_SIMILARITY and old.id not in heirs and new.id not in claimed:
            heirs[old.id] = new
            claimed.add(new.id)
    return heirs


def _most_alike(old: set, candidates: dict[str, set]) -> str | None:
    """The candidate sharing most keys with ``old`` (at least half of them), if any."""
    best = max(candidates, key=lambda name: len(old & candidates[name]), default=None)
    if best is None or not old or len(old & candidates[best]) * 2 < len(old):
        return None
    return best


def _lost(playbook: PlaybookIds) -> str:
    items = sum(len(c.items) for c in playbook.checklists.values())
    return f"readers' ticks on its {items} checklist items are lost"


def _playbooks_at(root: Path, playbooks_dir: Path, ref: str) -> dict[str, PlaybookIds]:
    """The checklist ids of every playbook as committed at ``ref``."""
    if ref.startswith("-"):  # git would read it as an option
        raise BaseUnavailable(f"'{ref}' is not a git ref")
    _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", unknown_ref=ref)
    folder = display_path(playbooks_dir, root)
    listing = _git(root, "ls-tree", "-r", "-z", "--name-only", ref, "--", f"{folder}/")
    found = {}
    for name in listing.decode("utf-8", "replace").split("\0"):
        path = root / name
        if path.parent != playbooks_dir or path.suffix != ".yml" or path.name == CATALOG_FILE:
            continue
        raw = _git(root, "show", f"{ref}:./{name}")
        document, _ = parse_yaml(raw, name)
        if document is not None:
            found[path.stem] = _ids(document.data, document.source)
    return found


def _git(root: Path, *args: str, unknown_ref: str = "") -> bytes:
    """Output of one git command; its failure says what to do instead of a git trace."""
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, check=False)
    except OSError as error:
        raise BaseUnavailable(f"cannot run git to read the base: {error}") from error
    if result.returncode == 0:
        return result.stdout
    detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
    if unknown_ref and not detail:
        raise BaseUnavailable(
            f"git knows no commit '{unknown_ref}'; fetch it first (in GitHub Actions, "
            "actions/checkout with fetch-depth: 0)"
        )
    reason = detail[-1] if detail else f"git {args[0]} failed"
    raise BaseUnavailable(f"cannot read the base from git: {reason}")


def _ids(data: Any, source: SourceMap) -> PlaybookIds:
    """Checklist and item ids from raw YAML data, skipping whatever is malformed."""
    checklists: dict[str, ChecklistIds] = {}
    raw_checklists = data.get("checklists") if isinstance(data, dict) else None
    for index, raw in enumerate(raw_checklists if isinstance(raw_checklists, list) else []):
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            continue
        checklist = ChecklistIds(raw["id"], ("checklists", index))
        checklist.retired = set(_strings(raw.get("retired")))
        for phase in PHASES:
            entries = raw.get(phase)
            for position, entry in enumerate(entries if isinstance(entries, list) else []):
                if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                    continue
                text = entry["text"] if isinstance(entry.get("text"), str) else ""
                item = Item(entry["id"], text, (*checklist.loc, phase, position))
                checklist.items.setdefault(item.id, item)
                for old in _strings(entry.get("renamed_from")):
                    checklist.former.setdefault(old, item.id)
        checklists.setdefault(checklist.id, checklist)
    return PlaybookIds(source.path, source, checklists)


def _strings(value: Any) -> list[str]:
    return [entry for entry in value if isinstance(entry, str)] if isinstance(value, list) else []
