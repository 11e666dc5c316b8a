"""Read one YAML file into plain data plus the line and column of every key and value.

PyYAML's safe parser (the C one when present) yields events; we build the data ourselves so
that we can remember positions, refuse duplicate keys, anchors, aliases and object-building
tags, and stop at absurd nesting or size — all with a message at the right line instead of a
crash, and within a few megabytes of memory whatever a file holds.

A file is read twice only when it needs it. The first reading (:func:`_read_well_formed`)
keeps no positions and words no message: anything unusual sends the file to
:class:`_Builder`, which says what is wrong and where. Positions are also read that way, when
a problem is first placed (see :class:`SourceMap`).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

import yaml
from yaml import events
from yaml.constructor import SafeConstructor
from yaml.nodes import ScalarNode
from yaml.reader import ReaderError
from yaml.resolver import Resolver

from generator.problems import Problem, Severity

MAX_FILE_BYTES = 256 * 1024
"""Far above any real playbook (the largest is a few tens of KB), far below trouble."""

MAX_DEPTH = 32
"""Playbooks nest five or six levels; deeper input is a mistake or an attack."""

MAX_VALUES = 10_000
"""The largest playbook holds about 1,200 keys and values. Validation builds a few objects per
value, and one error per wrong value: an unbounded count lets a 256 KB file of ``{},`` use
gigabytes."""

_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)

_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG = "tag:yaml.org,2002:str"
_SCALAR_TAGS = {
    _STR_TAG,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_FLOW_BRACKETS = {
    "while parsing a flow sequence": ("[", "]"),
    "while parsing a flow mapping": ("{", "}"),
}
_CONTAINER_TAGS = {None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}

Loc = tuple[str | int, ...]
Position = tuple[int, int]


class SourceMap:
    """Where each key and value of a document stands, addressed like pydantic's error locs.

    Positions are needed only to report a problem, and recording one for every value took a
    fifth of the time to read a playbook. So a map made with ``locate`` is filled when it is
    first asked, by reading the text again with :class:`_Builder`.
    """

    def __init__(self, path: str, locate: Callable[[], SourceMap] | None = None) -> None:
        self.path = path
        self._keys: dict[Loc, Position] = {}
        self._values: dict[Loc, Position] = {}
        self._locate = locate

    @property
    def keys(self) -> dict[Loc, Position]:
        self._fill()
        return self._keys

    @property
    def values(self) -> dict[Loc, Position]:
        self._fill()
        return self._values

    def _fill(self) -> None:
        if self._locate is not None:
            locate, self._locate = self._locate, None
            located = locate()
            self._keys, self._values = located.keys, located.values

    def position(self, loc: Loc, *, at_key: bool = False) -> Position:
        """The nearest known position: the key itself if asked, else its value or a parent."""
        if at_key and loc in self.keys:
            return self.keys[loc]
        for end in range(len(loc), -1, -1):
            prefix = loc[:end]
            if prefix in self.values:
                return self.values[prefix]
        return (1, 1)

    def problem(
        self, loc: Loc, message: str, *, at_key: bool = False, severity: Severity = "error"
    ) -> Problem:
        """A problem at the place ``loc`` names in this file."""
        line, col = self.position(loc, at_key=at_key)
        return Problem(self.path, line, col, message, severity)


@dataclass
class YamlDocument:
    data: Any
    source: SourceMap


class _Abort(Exception):
    """The file cannot be read further; carries the problem that says why."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def is_plain_file(path: Path) -> bool:
    """A regular file within the size limit, not a link: what :func:`read_yaml` agrees to read.

    For other readers of playbook files (editor hints, placeholders), which must not hang on a
    FIFO or read ``/dev/zero`` where the loader has already reported the file.
    """
    try:
        status = path.lstat()
    except OSError:
        return False
    return stat.S_ISREG(status.st_mode) and status.st_size <= MAX_FILE_BYTES


def read_yaml(path: Path, display: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse ``path`` safely; return the document, or None and the problems that stopped it.

    Only a regular file is read, and never more than the limit. A symbolic link could pull a
    file from outside the project into error messages (CI logs are public); a FIFO would block
    forever and a link to ``/dev/zero`` would never end.
    """
    if path.is_symlink():
        return None, [Problem(display, 0, 0, "is a symbolic link; commit the file itself")]
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
        try:
            status = os.fstat(descriptor)
            if not stat.S_ISREG(status.st_mode):
                return None, [Problem(display, 0, 0, "is not a regular file; a playbook is text")]
            if status.st_size > MAX_FILE_BYTES:
                return None, [Problem(display, 0, 0, _too_large(status.st_size))]
            with open(descriptor, "rb", closefd=False) as stream:
                raw = stream.read(MAX_FILE_BYTES + 1)
        finally:
            os.close(descriptor)
    except OSError as error:
        return None, [Problem(display, 0, 0, f"cannot read file: {error.strerror or error}")]
    return parse_yaml(raw, display)


def parse_yaml(raw: bytes, display: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse YAML bytes; the same checks as :func:`read_yaml`, for text already in memory."""
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem(display, 0, 0, _too_large(len(raw)))]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return None, [_encoding_problem(error, display, raw)]
    try:
        data = _read_well_formed(text)
    except (_Unusual, yaml.YAMLError):
        return _build(_Builder(display), text)
    return YamlDocument(data, SourceMap(display, locate=partial(_locate, text, display))), []


def _build(builder: _Builder, text: str) -> tuple[YamlDocument | None, list[Problem]]:
    display = builder.display
    try:
        for event in yaml.parse(text, Loader=_PARSER):
            builder.feed(event)
    except _Abort as abort:
        return None, [abort.problem, *builder.problems]
    except ReaderError as error:
        return None, [*builder.problems, _character_problem(error, display, text)]
    except yaml.MarkedYAMLError as error:
        return None, [*builder.problems, _syntax_problem(error, display, text)]
    except yaml.YAMLError as error:
        return None, [*builder.problems, Problem(display, 0, 0, f"YAML syntax error: {error}")]
    if builder.documents == 0 or builder.root is None:
        first = "a playbook starts with `id:` and `title:`"
        return None, [Problem(display, 1, 1, f"the file is empty; {first}"), *builder.problems]
    return YamlDocument(builder.root, builder.source), builder.problems


def _too_large(size: int) -> str:
    return (
        f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit; "
        "split it into several playbooks"
    )


def _encoding_problem(error: UnicodeDecodeError, display: str, raw: bytes) -> Problem:
    line_start = raw.rfind(b"\n", 0, error.start) + 1
    line = raw.count(b"\n", 0, error.start) + 1
    col = len(raw[line_start : error.start].decode("utf-8", "replace")) + 1
    message = f"not valid UTF-8 (byte {error.start}); save the file as UTF-8"
    return Problem(display, line, col, message)


def _character_problem(error: ReaderError, display: str, text: str) -> Problem:
    """YAML refuses most control characters (NUL bytes, escape codes) anywhere in a file."""
    line_start = text.rfind("\n", 0, error.position) + 1
    line = text.count("\n", 0, error.position) + 1
    return Problem(
        display,
        line,
        error.position - line_start + 1,
        f"the control character U+{error.character:04X} is not allowed in YAML; remove it",
    )


def _syntax_problem(error: yaml.MarkedYAMLError, display: str, text: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    message = " ".join(part for part in (error.context, error.problem) if part)
    brackets = _FLOW_BRACKETS.get(error.context or "")
    start = error.context_mark
    if brackets and start and mark and start.line != mark.line:
        message += (
            f" (is the '{brackets[0]}' at line {start.line + 1} missing its '{brackets[1]}'?)"
        )
    lines = text.splitlines()
    if 0 < line <= len(lines) and "\t" in lines[line - 1][: max(col, 1)]:
        message += " (a tab: indent with spaces, not tabs)"
    return Problem(display, line, col, f"YAML syntax error: {message}")


class _Unusual(Exception):
    """What :func:`_read_well_formed` leaves to :class:`_Builder`: a problem to word and place,
    or a file that is not a playbook's usual shape."""


def _read_well_formed(text: str) -> Any:
    """The data of a well-formed, non-empty file, read in one loop with no positions.

    It runs for every key and value, about 700,000 times for 1,000 playbooks. Handling each
    event in place, rather than in a method per event, cut the work beyond libyaml's own by
    two fifths (431 M to 259 M instructions for 100 playbooks, measured with callgrind).
    Anything :class:`_Builder` would report (an anchor, an alias, a tag, a duplicate key, a
    second document, too many values or levels) or that it treats apart (an empty file)
    raises :class:`_Unusual` instead; so does a syntax error, as a ``yaml.YAMLError``.
    """
    parser = _PARSER(text)
    constructor = SafeConstructor()
    root: Any = None
    value: Any
    containers: list[dict[str, Any] | list[Any]] = []
    keys: list[str | None] = []  # for each container, the key read and awaiting its value
    values = documents = 0
    try:
        while not isinstance(event := parser.get_event(), events.StreamEndEvent):
            if scalar := isinstance(event, events.ScalarEvent):
                value = event.value
                if event.tag is not None or not _plainly_text(event):
                    try:
                        value = _typed_scalar(event, constructor)
                    except ValueError:
                        raise _Unusual from None
            elif isinstance(event, events.CollectionEndEvent):
                containers.pop()
                keys.pop()
                continue
            elif isinstance(event, events.CollectionStartEvent):
                if event.tag not in _CONTAINER_TAGS or len(containers) >= MAX_DEPTH:
                    raise _Unusual
                value = {} if isinstance(event, events.MappingStartEvent) else []
            elif isinstance(event, events.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _Unusual
                continue
            elif isinstance(event, events.AliasEvent):
                raise _Unusual
            else:
                continue
            values += 1
            if values > MAX_VALUES or event.anchor is not None:
                raise _Unusual
            if containers:
                container, key = containers[-1], keys[-1]
                if isinstance(container, list):
                    container.append(value)
                elif key is not None:
                    container[key] = value
                    keys[-1] = None
                elif scalar and event.value not in container:
                    keys[-1] = event.value
                else:
                    raise _Unusual
            else:
                root = value
            if not scalar:
                containers.append(value)
                keys.append(None)
    finally:
        parser.dispose()
    if root is None:
        raise _Unusual
    return root


def _typed_scalar(event: events.ScalarEvent, constructor: SafeConstructor) -> Any:
    """A scalar that may not be text: a number, a date, a boolean or null. ``ValueError``,
    in a writer's words, for a tag or a value that is refused."""
    if event.tag in (None, "!"):
        tag = _RESOLVER.resolve(ScalarNode, event.value, event.implicit)
    else:
        tag = event.tag
    if tag not in _SCALAR_TAGS:
        raise ValueError(f"the YAML tag {_short(tag)} is not allowed; write plain text")
    if tag == _STR_TAG:  # plain words like "today" or "no more": their text is the value
        return event.value
    marks = (event.start_mark, event.end_mark)
    node = ScalarNode(tag, event.value, *marks, event.style)  # type: ignore[arg-type]  # libyaml's Mark class has PyYAML's fields
    try:
        return constructor.construct_object(node)
    except (ValueError, OverflowError, yaml.YAMLError) as error:
        # Python's own hints ("use sys.set_int_max_str_digits()") mean nothing to a writer.
        reason = str(error).split(";")[0]
        raise ValueError(f"cannot read this value: {reason}; quote it if it is text") from None


@dataclass
class _Frame:
    container: dict[str, Any] | list[Any]
    loc: Loc
    key: str | None = None
    skip_value: bool = False


class _Builder:
    """Turns a stream of parser events into data, recording where each key and value stands,
    and says what is wrong and where: duplicate keys, and what stops the reading."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.problems: list[Problem] = []
        self.root: Any = None
        self.documents = 0
        self.values = 0
        self.source = SourceMap(display)
        self._stack: list[_Frame] = []
        self._constructor = SafeConstructor()

    def feed(self, event: events.Event) -> None:
        handler = _HANDLERS.get(type(event))  # libyaml makes exactly these classes
        if handler is not None:
            handler(self, event)

    def _scalar_event(self, event: events.ScalarEvent) -> None:
        self._start_node(event)
        value = event.value
        if event.tag is not None or not _plainly_text(event):
            try:
                value = _typed_scalar(event, self._constructor)
            except ValueError as error:
                self._abort(event, str(error))
        self._place(value, event)

    def _collection_start(self, event: events.CollectionStartEvent) -> None:
        self._start_node(event)
        if event.tag not in _CONTAINER_TAGS:
            self._abort(event, f"the YAML tag {_short(event.tag)} is not allowed here")
        if len(self._stack) >= MAX_DEPTH:
            self._abort(event, f"nested more than {MAX_DEPTH} levels deep")
        mapping = isinstance(event, events.MappingStartEvent)
        container: dict[str, Any] | list[Any] = {} if mapping else []
        self._stack.append(_Frame(container, self._place(container, event)))

    def _collection_end(self, event: events.CollectionEndEvent) -> None:
        self._stack.pop()

    def _document_start(self, event: events.DocumentStartEvent) -> None:
        self.documents += 1
        if self.documents > 1:
            self._abort(event, "only one YAML document per file (remove the extra `---`)")

    def _alias(self, event: events.AliasEvent) -> None:
        self._abort(event, "aliases (*name) are not supported; write the value out in full")

    def _place(self, value: Any, event: events.NodeEvent) -> Loc:
        """Put ``value`` where the parser is now: the root, a list item, a key or a value."""
        position = _position(event)
        if not self._stack:
            self.root = value
            self.source._values[()] = position
            return ()
        frame = self._stack[-1]
        if isinstance(frame.container, list):
            loc = (*frame.loc, len(frame.container))
            frame.container.append(value)
            self.source._values[loc] = position
            return loc
        if frame.key is None:
            return self._place_key(frame, event)
        loc = (*frame.loc, frame.key)
        if not frame.skip_value:
            frame.container[frame.key] = value
            self.source._values[loc] = position
        frame.key, frame.skip_value = None, False
        return loc

    def _place_key(self, frame: _Frame, event: events.NodeEvent) -> Loc:
        if not isinstance(event, events.ScalarEvent):
            self._abort(event, "a key must be a plain word, not a list or a mapping")
        key = event.value
        loc = (*frame.loc, key)
        assert isinstance(frame.container, dict)
        if key in frame.container:
            first_line = self.source._keys[loc][0]
            self.problems.append(
                Problem(
                    self.display,
                    *_position(event),
                    f"duplicate key '{key}' (first defined at line {first_line}); keep one of them",
                )
            )
            frame.skip_value = True
        else:
            self.source._keys[loc] = _position(event)
        frame.key = key
        return loc

    def _start_node(self, event: events.NodeEvent) -> None:
        """Limits every value meets: how many there are, and no anchors."""
        self.values += 1
        if self.values > MAX_VALUES:
            self._abort(event, f"more than {MAX_VALUES:,} keys and values in one file; split it up")
        if event.anchor is not None:
            self._abort(event, f"anchors (&{event.anchor}) are not supported; write values out")

    def _abort(self, event: events.Event, message: str) -> NoReturn:
        raise _Abort(Problem(self.display, *_position(event), message))


def _locate(text: str, display: str) -> SourceMap:
    """The positions of a text that has already been read once without them."""
    document, _ = _build(_Builder(display), text)
    return document.source if document else SourceMap(display)


_HANDLERS: dict[type[events.Event], Callable[[_Builder, Any], None]] = {
    events.ScalarEvent: _Builder._scalar_event,
    events.MappingStartEvent: _Builder._collection_start,
    events.SequenceStartEvent: _Builder._collection_start,
    events.MappingEndEvent: _Builder._collection_end,
    events.SequenceEndEvent: _Builder._collection_end,
    events.DocumentStartEvent: _Builder._document_start,
    events.AliasEvent: _Builder._alias,
}
"""What each parser event does in :class:`_Builder`, looked up by class: the careful reading
runs only for a file that is unusual or has a problem to place."""

_RESOLVER = Resolver()
"""Resolving a plain scalar's tag reads only the resolver's class-wide patterns."""

_IMPLICIT_FIRST_CHARACTERS = frozenset(Resolver.yaml_implicit_resolvers)
"""How a plain scalar that is not text (number, date, boolean, null) can begin; PyYAML's
resolver keys its patterns by first character, ``""`` standing for the empty scalar."""


def _plainly_text(event: events.ScalarEvent) -> bool:
    """Text with no tag to resolve: quoted, a block, or plain with no other reading.

    Five in six scalars of a playbook are; skipping PyYAML's resolver and constructor for
    them cut the time to read 1,000 playbooks by a third (1.73 to 1.12 s of CPU).
    """
    return not event.implicit[0] or event.value[:1] not in _IMPLICIT_FIRST_CHARACTERS


def _position(event: events.Event) -> Position:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1) if mark else (0, 0)


def _short(tag: str | None) -> str:
    """``tag:yaml.org,2002:python/object`` as a contributor wrote it: ``!!python/object``."""
    return (tag or "").replace("tag:yaml.org,2002:", "!!")
