"""Turn a pydantic ``ValidationError`` into one sentence per field, for people.

Keys are the services' own parameter spellings (the error ``loc``), so a form can put each
sentence under the widget bound to that parameter.
"""

from __future__ import annotations

from pydantic import ValidationError
from pydantic_core import ErrorDetails

FORM_LEVEL = ""  # key for errors that belong to no single field


def _sentence(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return "Required."
    if kind == "string_too_long":
        length = f" (now {len(value)})" if isinstance(value, str) else ""
        return f"At most {ctx.get('max_length')} characters{length}."
    if kind == "string_too_short":
        return f"At least {ctx.get('min_length')} characters."
    if kind == "extra_forbidden":
        return "Not a parameter of this call."
    if kind in ("int_parsing", "int_type", "literal_error"):
        return "Must be a whole number." if kind != "literal_error" else error["msg"]
    if kind == "value_error":
        message = str(ctx.get("error") or error["msg"].removeprefix("Value error, "))
        return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
    return error["msg"]


def field_errors(exc: ValidationError) -> dict[str, str]:
    """The first error of each field, as a sentence; form-level errors under ``FORM_LEVEL``."""
    found: dict[str, str] = {}
    for error in exc.errors():
        key = str(error["loc"][0]) if error["loc"] else FORM_LEVEL
        found.setdefault(key, _sentence(error))
    return found
