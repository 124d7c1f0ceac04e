"""A connection profile's problem in the coordinator's words, not pydantic's.

"String should have at least 1 character" becomes "Give the profile a name."; a number out of
range says the range and its unit; a refused address says what is wrong with it. The field's
title and unit come from the profile's own metadata (``ConnectionProfile``), so a new option
needs no new sentence here.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from app.domain.connection import ConnectionProfile

NAME = "name"


def _limits(field: str) -> tuple[Any, Any]:
    info = ConnectionProfile.model_fields.get(field)
    low = high = None
    for rule in info.metadata if info is not None else []:
        low = getattr(rule, "ge", low)
        high = getattr(rule, "le", high)
    return low, high


def _title(field: str) -> str:
    info = ConnectionProfile.model_fields.get(field)
    return (info.title if info is not None and info.title else field.replace("_", " ")).strip()


def _suffix(field: str) -> str:
    info = ConnectionProfile.model_fields.get(field)
    extra = info.json_schema_extra if info is not None else None
    suffix = extra.get("suffix") if isinstance(extra, dict) else None
    return str(suffix) if suffix else ""


def problem_sentence(error: ErrorDetails) -> str:
    """One problem of a profile as a sentence."""
    field = str(error["loc"][0]) if error["loc"] else ""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    title = _title(field) if field else "The profile"
    quoted = f"“{title}”"  # titles are phrases ("Check for new orders every"): quoted
    length = len(value) if isinstance(value, str) else None
    if field == NAME and kind in ("missing", "string_too_short"):
        return "Give the profile a name."
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return f"{quoted} is required."
    if kind == "string_too_long":
        now = f"; this one has {length:,}" if length is not None else ""
        what = "A profile name" if field == NAME else quoted
        return f"{what} takes at most {ctx.get('max_length'):,} characters{now}."
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        low, high = _limits(field)
        unit = _suffix(field)
        if low is not None and high is not None:
            return f"{quoted} takes {low:,}{unit} to {high:,}{unit}."
        return f"{quoted}: {error['msg'].lower()}{unit}."
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{quoted} takes a whole number."
    if kind in ("literal_error", "enum"):
        return f"{quoted}: choose one of the choices offered."
    if kind == "value_error":
        message = str(ctx.get("error") or error["msg"].removeprefix("Value error, "))
        return f"{title} {message.rstrip('.')}."
    return f"{quoted}: {error['msg']}."


def profile_problem(exc: ValidationError) -> tuple[str, str]:
    """(field, sentence) for the first problem of a profile that does not validate."""
    first = exc.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else ""
    return field, problem_sentence(first)
