"""Run a static-site engine on the generated tree: MkDocs, ProperDocs or Zensical.

All three read ``mkdocs.yml`` and run as separate programs; the generator never imports them.
ProperDocs is a maintained fork of MkDocs 1.x with the same command line, so the two share
one code path. They differ in how they are told where to write and how they report
problems, and this module hides those differences: each build is strict, and a refusal
becomes :class:`BuildFailed` with one ``path:line:col: level: message`` line per problem
where the engine says where.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO, Any

import yaml

from generator import leftovers
from generator.errors import ContentError, UsageError
from generator.navigation import LEFT_OUT, Nav
from generator.project import Project

ENGINES = ("mkdocs", "properdocs", "zensical")
MKDOCS_FAMILY = ("mkdocs", "properdocs")
"""Engines with MkDocs' command line, plugins and hooks; they can also build the offline copy."""
PROPERDOCS_INSTALL = "pip install -e '.[properdocs]'"
ZENSICAL_INSTALL = "pip install -e '.[zensical]'"
_INSTALL = {"properdocs": PROPERDOCS_INSTALL, "zensical": ZENSICAL_INSTALL}
_SCRATCH_PREFIX = ".playbooks-build-"
"""Derived configs and Zensical's output folder live in the project root for one build."""

_DERIVED_HEADER = "# Written by `playbooks build` for one build; safe to delete.\n"
PREVIEW_CONFIG = ".playbooks-preview.yml"
"""What ``playbooks serve`` serves from, beside mkdocs.yml; removed when it stops. It stays
the same while the preview runs, and inherits the navigation from ``PREVIEW_NAV``."""
PREVIEW_NAV = ".playbooks-preview-nav.yml"
"""mkdocs.yml with the preview's navigation, rewritten when the navigation changes.

MkDocs polls each path it watches on its own half-second clock. When the nav sat in the
config it serves, a save that changed the nav changed that file and docs/, and MkDocs often
saw the second change while rebuilding for the first, then rebuilt the whole site again: 7
rebuilds for 5 title edits, and those two edits showed after 7.5 and 8 s instead of about
5. The engine reads this file on every rebuild without watching it, and the generator
writes it before the pages: a change of nav always comes with changed pages (titles and
order show on the section and list pages), and those start the one rebuild."""
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ZENSICAL_PROBLEM = re.compile(r"^(Warning|Error): (.+)$")
_ZENSICAL_PLACE = re.compile(r"\[ (\S+):(\d+):(\d+) \]")


class _TagTolerantLoader(yaml.SafeLoader):
    """Plain YAML data; ``!ENV`` as the engines read it, any other tag (``!!python/name``)
    as ``None``."""


def _environment_value(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """``!ENV NAME`` or ``!ENV [NAME, OTHER, default]``: the first variable that is set,
    else the default (the last item of two or more), as MkDocs reads it."""
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    elif isinstance(node, yaml.SequenceNode):
        values = loader.construct_sequence(node)
        names, default = (values[:-1], values[-1]) if len(values) > 1 else (values, None)
    else:
        raise yaml.constructor.ConstructorError(
            None, None, "!ENV takes a variable's name or a list of them", node.start_mark
        )
    return next((os.environ[str(name)] for name in names if str(name) in os.environ), default)


_TagTolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)
_TagTolerantLoader.add_constructor("!ENV", _environment_value)


class ConfigUnreadable(UsageError):
    """mkdocs.yml is not YAML a site can be built from; the message says where."""


class EngineUnavailable(UsageError):
    """The engine asked for cannot run here, or cannot make what was asked of it."""


class BuildFailed(ContentError):
    """The engine refused the site; ``details`` are its warning and error lines."""

    def __init__(self, summary: str, details: list[str]) -> None:
        super().__init__(summary)
        self.details = details


def run_engine(
    project: Project, engine: str, site_dir: Path, nav: Nav, *, offline: bool = False
) -> None:
    """A strict build of the whole site into ``site_dir``: a new folder, or one that holds
    nothing but hidden files (both engines leave those alone).

    ``nav`` is the site's navigation (:mod:`generator.navigation`). ``offline`` builds the
    copy readers open from ``file://`` (see mkdocs.yml's ``offline``).
    """
    require_engine(engine)
    _clear_leftovers(project)
    if engine in MKDOCS_FAMILY:
        _run_mkdocs(project, engine, [(site_dir, offline)], nav)
    elif offline:
        raise EngineUnavailable(
            "the offline copy is built with MkDocs or ProperDocs; drop --engine zensical"
        )
    else:
        _run_zensical(project, site_dir, nav)


def run_engine_with_offline_copy(
    project: Project, engine: str, site_dir: Path, copy_dir: Path, nav: Nav
) -> None:
    """The site into ``site_dir`` and the offline copy into ``copy_dir``.

    An engine of the MkDocs family builds both at once, as two processes: each uses one
    core, and together they take about as long as one build (docs/project/performance.md).
    Zensical cannot make the copy yet (it reads no template overrides, and the copy needs
    one for its vendored shim: docs/project/engines.md), so MkDocs makes it afterwards.
    """
    require_engine(engine)
    _clear_leftovers(project)
    if engine in MKDOCS_FAMILY:
        _run_mkdocs(project, engine, [(site_dir, False), (copy_dir, True)], nav)
    else:
        _run_zensical(project, site_dir, nav)
        run_engine(project, "mkdocs", copy_dir, nav, offline=True)


def write_preview_config(project: Project) -> Path:
    """The config the live preview serves: mkdocs.yml, through ``PREVIEW_NAV``, which starts
    without a nav (the first regenerate writes it)."""
    (project.root / PREVIEW_NAV).write_text(_derived_text(project, {}), encoding="utf-8")
    config = project.root / PREVIEW_CONFIG
    # The engine watches the config it was given, not the ones that config inherits.
    watch = {"watch": [project.mkdocs_config.name]}
    config.write_text(_derived_text(project, watch, parent=PREVIEW_NAV), encoding="utf-8")
    return config


def write_preview_nav(project: Project, nav: Nav) -> None:
    """Give the live preview ``nav``; the file is rewritten only when the nav changed."""
    path = project.root / PREVIEW_NAV
    text = _derived_text(project, _nav_settings(nav))
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def remove_preview_config(project: Project) -> None:
    """What the live preview wrote beside mkdocs.yml, once it stops."""
    for name in (PREVIEW_CONFIG, PREVIEW_NAV):
        (project.root / name).unlink(missing_ok=True)


def require_engine(engine: str) -> None:
    """Fail in one line, saying how to install it, when ``engine`` cannot run here."""
    if engine not in ENGINES:
        raise EngineUnavailable(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if importlib.util.find_spec(engine) is None:
        raise EngineUnavailable(f"{engine} is not installed; run: {_INSTALL.get(engine, 'make')}")


def engine_environment() -> dict[str, str]:
    """Ours, without Material's notice about MkDocs 2.0 on every run: the project pins
    MkDocs below 2, and docs/project/engines.md tracks what comes next."""
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def _run_mkdocs(project: Project, engine: str, builds: list[tuple[Path, bool]], nav: Nav) -> None:
    """Strict builds side by side, each ``(site_dir, offline)``; the first refusal wins."""
    with ExitStack() as stack:
        commands = []
        for site_dir, offline in builds:
            settings = _nav_settings(nav)
            role = f"{engine}-offline" if offline else engine
            config = stack.enter_context(_derived_config(project, role, settings))
            # Never pass --quiet: it hides warnings from MkDocs' strict-mode counter, and the
            # build then "passes" with broken links.
            command = [
                sys.executable, "-m", engine, "build", "--strict",
                "--config-file", str(config), "--site-dir", str(site_dir),
            ]  # fmt: skip
            commands.append((command, _environment(offline)))
        outcomes = _run_side_by_side(commands, project.root)
    failures = [lines for lines in outcomes if lines is not None]
    if failures:
        lines = failures[0]
        details = [line for line in lines if "WARNING" in line or "ERROR" in line] or lines[-5:]
        raise BuildFailed(f"{engine} build failed; the previous site was kept", details)


def _environment(offline: bool) -> dict[str, str]:
    return {**engine_environment(), "PLAYBOOKS_OFFLINE": str(offline).lower()}


def _nav_settings(nav: Nav) -> dict[str, Any]:
    return {"nav": nav, "not_in_nav": LEFT_OUT}


def _run_zensical(project: Project, site_dir: Path, nav: Nav) -> None:
    """Zensical 0.0.73 has no ``--site-dir`` and writes only inside the project, so it builds
    into a scratch folder there, named in a derived config."""
    scratch = project.root / f"{_SCRATCH_PREFIX}zensical-site-{os.getpid()}"
    # overrides/ fixes Material for MkDocs only; Zensical's own templates differ and need none.
    settings = {"site_dir": scratch.name, "theme": {"custom_dir": None}, **_nav_settings(nav)}
    leftovers.make_marked(scratch)
    try:
        with _derived_config(project, "zensical", settings) as config:
            command = [sys.executable, "-m", "zensical", "build", "--strict", "--config-file"]
            lines = _run([*command, str(config)], project.root, _environment(False))
        if lines is not None:
            problems = _zensical_problems(lines, project.docs_dir.name)
            raise BuildFailed("zensical build failed; the previous site was kept", problems)
        site_dir.mkdir(exist_ok=True)
        for entry in scratch.iterdir():
            if entry.name != leftovers.MARKER:
                shutil.move(entry, site_dir / entry.name)
    finally:
        leftovers.remove_if_marked(scratch)


def _clear_leftovers(project: Project) -> None:
    """Scratch files of a build that was killed. Builds of one project take turns (the
    project lock), so any that exist now belong to no running build; only what carries our
    mark is removed, whatever its name."""
    for leftover in project.root.glob(f"{_SCRATCH_PREFIX}*"):
        if leftover.is_dir():
            leftovers.remove_if_marked(leftover)
        elif _is_derived_config(leftover):
            leftover.unlink(missing_ok=True)


def _is_derived_config(path: Path) -> bool:
    if path.is_symlink() or not path.is_file():
        return False
    with path.open(encoding="utf-8", errors="replace") as text:
        return text.readline() == _DERIVED_HEADER


@contextmanager
def _derived_config(project: Project, engine: str, settings: dict[str, Any]) -> Iterator[Path]:
    """A short-lived config that inherits mkdocs.yml and changes ``settings`` (every engine
    reads ``INHERIT``). It sits beside mkdocs.yml so relative paths still hold."""
    config = project.root / f"{_SCRATCH_PREFIX}{engine}-{os.getpid()}.yml"
    config.write_text(_derived_text(project, settings), encoding="utf-8")
    try:
        yield config
    finally:
        config.unlink(missing_ok=True)


def _derived_text(project: Project, settings: dict[str, Any], parent: str = "") -> str:
    """``settings`` over ``parent``, a config beside mkdocs.yml (by default mkdocs.yml)."""
    derived = {"INHERIT": parent or project.mkdocs_config.name, **settings}
    return _DERIVED_HEADER + yaml.safe_dump(derived, sort_keys=False, allow_unicode=True)


def read_config(mkdocs_config: Path) -> dict[str, Any]:
    """mkdocs.yml as plain data, read without running any of its tags.

    Raises :class:`ConfigUnreadable` with one line saying where the YAML is broken.
    """
    try:
        data = yaml.load(mkdocs_config.read_text(encoding="utf-8"), Loader=_TagTolerantLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{mark.line + 1}:{mark.column + 1}:" if mark else ""
        reason = getattr(error, "problem", None) or "not valid YAML"
        raise ConfigUnreadable(f"{mkdocs_config.name}:{where} {reason}") from error
    if not isinstance(data, dict):
        raise ConfigUnreadable(f"{mkdocs_config.name}: expected settings such as `site_name:`")
    return data


def site_addresses(mkdocs_config: Path) -> tuple[str, str | None]:
    """Where the site is published (``site_url``, ``""`` when unset) and where its
    repository is browsed (``extra.repository``, for the pages' full history), as the engine
    will read them."""
    config = read_config(mkdocs_config)
    repository = (config.get("extra") or {}).get("repository")
    return str(config.get("site_url") or ""), str(repository) if repository else None


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> list[str] | None:
    """The engine's output lines when it failed; ``None`` when it succeeded."""
    return _run_side_by_side([(command, env)], cwd)[0]


def _run_side_by_side(
    commands: list[tuple[list[str], dict[str, str]]], cwd: Path
) -> list[list[str] | None]:
    """Run every ``(command, environment)`` at once; for each, its output lines when it
    failed, ``None`` when it succeeded.

    Output goes to temporary files rather than pipes, so no process stalls on a full pipe
    while we wait for another. Interrupted, we kill every engine and wait for each.
    ``subprocess.run`` kills without waiting, which can leave a zombie in our process group
    until init reaps it (CI's did not in time), so "the build stopped" would not yet be
    true when we exit.
    """
    with ExitStack() as stack:
        started = []
        for command, env in commands:
            output = stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8"))
            engine = subprocess.Popen(
                command, cwd=cwd, env=env, text=True, stdout=output, stderr=subprocess.STDOUT
            )
            started.append((stack.enter_context(engine), output))
        try:
            for engine, _ in started:
                engine.wait()
        except BaseException:
            for engine, _ in started:
                engine.kill()
            for engine, _ in started:
                engine.wait()
            raise
        return [_failure(engine, output) for engine, output in started]


def _failure(engine: subprocess.Popen[str], output: IO[str]) -> list[str] | None:
    if engine.returncode == 0:
        return None
    output.seek(0)
    text = _ANSI.sub("", output.read())
    return [line for line in text.splitlines() if line.strip()]


def _zensical_problems(lines: list[str], docs_folder: str) -> list[str]:
    """Zensical draws each problem as a box; keep its message and where it is."""
    problems: list[str] = []
    pending: tuple[str, str] | None = None
    for line in lines:
        if match := _ZENSICAL_PROBLEM.match(line.strip()):
            if pending:
                problems.append(f"{pending[0].lower()}: {pending[1]}")
            pending = (match.group(1), match.group(2))
        elif pending and (place := _ZENSICAL_PLACE.search(line)):
            path, row, column = place.groups()
            level, message = pending
            problems.append(f"{docs_folder}/{path}:{row}:{column}: {level.lower()}: {message}")
            pending = None
    if pending:
        problems.append(f"{pending[0].lower()}: {pending[1]}")
    return problems or [line for line in lines if not line.startswith(" ")][-5:]
