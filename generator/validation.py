"""Turn pydantic's validation errors into problems at the right line, in plain words."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from generator.problems import Problem
from generator.yamlsource import Loc, SourceMap

ModelT = TypeVar("ModelT", bound=BaseModel)


def validate_model(
    model: type[ModelT], data: Any, source: SourceMap
) -> tuple[ModelT | None, list[Problem]]:
    """Build ``model`` from ``data``; on failure, one problem per pydantic error."""
    if not isinstance(data, dict):
        found = type(data).__name__ if data is not None else "nothing"
        message = f"expected a mapping of keys (like `id: ...`) at the top, found {found}"
        return None, [source.problem((), message)]
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        return None, [_problem(model, source, e) for e in error.errors(include_url=False)]


def _problem(model: type[BaseModel], source: SourceMap, error: Any) -> Problem:
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _fields_at(model, loc[:-1])
        hint = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        suffix = f"; did you mean '{hint[0]}'?" if hint else f"; allowed keys: {', '.join(allowed)}"
        return source.problem(loc, f"unknown key '{key}'{suffix}", at_key=True)
    if kind == "missing":
        return source.problem(loc[:-1], f"missing required key '{loc[-1]}'", at_key=True)
    field = _field_name(loc)
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind in {"literal_error", "enum"} or "input" not in error:
        return source.problem(loc, f"{field}: {message}")
    return source.problem(loc, f"{field}: {message} (found {_show(error['input'])})")


def _field_name(loc: Loc) -> str:
    names = [str(part) for part in loc if isinstance(part, str)]
    return names[-1] if names else "value"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """The keys allowed in the mapping at ``loc``, for a "did you mean" hint."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(part)
        if field is None:
            return []
        current = _innermost_model(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _innermost_model(annotation: Any) -> Any:
    """``list[Cause]`` → ``Cause``; ``Cause | None`` → ``Cause``; anything else unchanged."""
    for arg in typing.get_args(annotation):
        found = _innermost_model(arg)
        if isinstance(found, type) and issubclass(found, BaseModel):
            return found
    origin = typing.get_origin(annotation)
    if origin in (list, types.UnionType, typing.Union, typing.Annotated):
        return None
    return annotation
