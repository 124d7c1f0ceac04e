"""What the desk found wrong with an answer it could not read, in plain words.

pydantic's own words ("candidate: Input should be a valid dictionary or instance of
Candidate") were shown to coordinators, and as the service's words at that. These are the
desk's: "the answer's candidate was empty", "the order's id was not text". The field is named
as the service spells it (the error's location); the sentence is a client's diagnostic, said
by the desk (``UnexpectedResponseError.problem``), never put in the service's mouth.
"""

from __future__ import annotations

from pydantic import ValidationError
from pydantic_core import ErrorDetails

#: Error types that say a value is not of the kind expected, by what it should have been.
_NOT_A = {
    "string_type": "text",
    "string_unicode": "text",
    "int_type": "a number",
    "int_parsing": "a number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "decimal_type": "a number",
    "decimal_parsing": "a number",
    "finite_number": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "dataclass_type": "an object",
    "list_type": "a list",
    "tuple_type": "a list",
    "set_type": "a list",
    "frozen_set_type": "a list",
    "iterable_type": "a list",
    "url_type": "a web address",
    "url_parsing": "a web address",
    "url_scheme": "a web address",
    "url_syntax_violation": "a web address",
}
_RANGE = ("greater_than", "greater_than_equal", "less_than", "less_than_equal", "multiple_of")


def answer_problem(exc: ValidationError, subject: str = "the answer") -> str:
    """The first thing ``exc`` found wrong with an answer (``subject``: what it was, "the
    order" for one of a listing), as a phrase: "the answer's id was not text". Read it as
    the service's text (cut, keys redacted) before it is said: a location may be a key of the
    answer's own, and a rule's words may quote a value."""
    error = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in ("value_error", "assertion_error"):
        # The desk's own rule, in its own words ("the assessment URL is not an http(s) web
        # address"), without pydantic's "Value error, " before them.
        rule = str(ctx.get("error") or error["msg"].removeprefix("Value error, "))
        return f"{subject}'s {where}: {rule}" if where else rule
    said = _what(error)
    return f"{subject}'s {where} {said}" if where else f"{subject} {said}"


def _what(error: ErrorDetails) -> str:
    """What was wrong with the value, as a predicate: "was not text"."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "was missing"
    if kind in _NOT_A:
        return "was empty" if error.get("input") is None else f"was not {_NOT_A[kind]}"
    if kind in ("enum", "literal_error"):
        return "was not one this desk knows"
    if kind.startswith(("datetime_", "date_", "time_", "timezone_")):
        return "was not a date and time this desk can read"
    if kind == "string_too_short":
        least = ctx.get("min_length")
        return "was empty" if least == 1 else f"was shorter than {least} characters"
    if kind == "string_too_long":
        return f"was longer than {ctx.get('max_length')} characters"
    if kind == "too_short":
        return f"had fewer than {ctx.get('min_length')} items"
    if kind == "too_long":
        return f"had more than {ctx.get('max_length')} items"
    if kind in _RANGE:
        return "was out of range"
    if kind == "string_pattern_mismatch":
        return "was not in the expected form"
    message = error["msg"]
    return f"was not as expected ({message[:1].lower()}{message[1:]})"
