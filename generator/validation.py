"""Turn pydantic's validation errors into problems at the right line, in plain words."""

from __future__ import annotations

import difflib
import re
import types
import typing
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from generator.problems import Problem
from generator.yamlsource import Loc, SourceMap

ModelT = TypeVar("ModelT", bound=BaseModel)
_QUOTED = re.compile(r"'([^']*)'")


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
        errors = error.errors(include_url=False)
    # A misspelt required key is one mistake: say "did you mean", not also "missing".
    misspelt = {
        (*error["loc"][:-1], hint)
        for error in errors
        if error["type"] == "extra_forbidden"
        and (hint := _suggestion(model, tuple(error["loc"]))) is not None
    }
    return None, [
        _problem(model, source, error)
        for error in errors
        if not (error["type"] == "missing" and tuple(error["loc"]) in misspelt)
    ]


def _problem(model: type[BaseModel], source: SourceMap, error: Any) -> Problem:
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        hint = _suggestion(model, loc)
        allowed = ", ".join(_fields_at(model, loc[:-1]))
        suffix = f"did you mean '{hint}'?" if hint else f"allowed keys: {allowed}"
        return source.problem(loc, f"unknown key '{loc[-1]}'; {suffix}", at_key=True)
    if kind == "missing":
        return source.problem(loc[:-1], f"missing required key '{loc[-1]}'", at_key=True)
    field = _field_name(loc)
    explained = _explain(kind, error)
    if explained is not None:
        return source.problem(loc, f"{field}: {explained}")
    message = str(error["msg"]).removeprefix("Value error, ")
    if "input" not in error:
        return source.problem(loc, f"{field}: {message}")
    return source.problem(loc, f"{field}: {message} (found {_show(error['input'])})")


def _explain(kind: str, error: Any) -> str | None:
    """Pydantic's wording for the common mistakes, rephrased to say how to fix them."""
    found = error.get("input")
    context = error.get("ctx") or {}
    if kind == "literal_error":
        choices = _QUOTED.findall(str(context.get("expected", "")))
        hint = difflib.get_close_matches(str(found), choices, n=1, cutoff=0.6)
        listed = ", ".join(f"'{choice}'" for choice in choices)
        advice = f"did you mean '{hint[0]}'?" if hint else f"choose one of {listed}"
        return f"{_show(found)} is not one of the allowed values; {advice}"
    if kind == "list_type":
        return (
            f"expected a list, like [first, second] or one `- item` per line (found {_show(found)})"
        )
    if kind in {"model_type", "dict_type"}:
        return f"expected a mapping of keys, like `id: ...` (found {_show(found)})"
    if kind == "string_type":
        return f"expected text, found {_describe(found)}"
    if kind == "too_short" and context.get("actual_length") == 0:
        return f"needs at least {context.get('min_length', 1)} entry; add one"
    if kind == "string_too_short":
        return "is empty; write something or remove the key if it is optional"
    if kind == "string_too_long":
        limit = context.get("max_length")
        return f"is {len(str(found))} characters long, over the limit of {limit}; shorten it"
    if kind.startswith("date_"):
        return f"expected a date written like 2021-12-07 (found {_show(found)})"
    return None


def _describe(value: Any) -> str:
    """What YAML made of an unquoted value, and the fix: quoting keeps it text."""
    if isinstance(value, bool):
        words = "yes, no, on, off, true or false"
        return f"{value}: YAML turns an unquoted {words} into a yes/no value; put it in quotes"
    if isinstance(value, int | float | date):
        return f"{_show(value)}: YAML reads unquoted numbers and dates as such; put it in quotes"
    if isinstance(value, dict):
        return "a mapping: a colon followed by a space starts a key; put the text in quotes"
    if isinstance(value, list):
        return "a list; write one line of text instead"
    if value is None:
        return "nothing; write the text after the colon, or remove the key if it is optional"
    return _show(value)


def _suggestion(model: type[BaseModel], loc: Loc) -> str | None:
    """The allowed key that an unknown key at ``loc`` most likely meant, if any."""
    close = difflib.get_close_matches(str(loc[-1]), _fields_at(model, loc[:-1]), n=1, cutoff=0.6)
    return close[0] if close else None


def _field_name(loc: Loc) -> str:
    names = [str(part) for part in loc if isinstance(part, str)]
    return names[-1] if names else "value"


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, date) else value.isoformat()
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
