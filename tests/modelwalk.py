"""Walking the pydantic models, for tests that check something covers every field."""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel


def nested_model(annotation: Any) -> type[BaseModel] | None:
    """``list[ChecklistItem]`` (possibly annotated or optional) → ``ChecklistItem``; else None."""
    for arg in typing.get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        found = nested_model(arg)
        if found is not None:
            return found
    return None


def all_models(*roots: type[BaseModel]) -> list[type[BaseModel]]:
    """The root models and every model nested in their fields, each once, roots first."""
    found: list[type[BaseModel]] = []
    pending = list(roots)
    while pending:
        model = pending.pop(0)
        if model in found:
            continue
        found.append(model)
        pending += [
            nested
            for field in model.model_fields.values()
            if (nested := nested_model(field.annotation)) is not None
        ]
    return found
