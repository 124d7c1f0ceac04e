"""Mutation-audit pins for ``answer_problem`` / ``_what`` (app/clients/answer_problems.py):
each kind of fault in an answer the desk cannot read, said in the desk's plain words."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from app.clients.answer_problems import answer_problem


class Answer(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    code: str = Field(default="x", alias="invitationCode", min_length=1)
    pin: str = Field(default="1234", min_length=4)
    count: int = Field(default=0, ge=0)
    zip_code: str = Field(default="12345", alias="zipCode", pattern=r"^[0-9]{5}$")
    tags: list[str] = Field(default_factory=list, max_length=2)
    ids: Annotated[list[str], Field(min_length=1)] = ["a"]
    kind: Literal["A", "B"] = "A"
    at: datetime | None = Field(default=None, alias="completedOnUtc")
    blob: bytes = b""
    url: str = Field(default="https://x.test", alias="assessmentUrl")

    @field_validator("url")
    @classmethod
    def _web(cls, value: str) -> str:
        if not value.startswith("https://"):
            raise ValueError("the assessment URL is not an http(s) web address")
        return value

    @model_validator(mode="after")
    def _whole(self) -> Answer:
        if self.count == 7:
            raise ValueError("the answer names no candidate")
        return self


def problem(**data: Any) -> str:
    with pytest.raises(ValidationError) as raised:
        Answer.model_validate(data)
    return answer_problem(raised.value)


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"assessmentUrl": "ftp://x"},
         "the answer's assessmentUrl: the assessment URL is not an http(s) web address"),
        ({"count": 7}, "the answer names no candidate"),
        ({"completedOnUtc": "yesterday-ish"},
         "the answer's completedOnUtc was not a date and time this desk can read"),
        ({"invitationCode": ""}, "the answer's invitationCode was empty"),
        ({"pin": "12"}, "the answer's pin was shorter than 4 characters"),
        ({"count": -1}, "the answer's count was out of range"),
        ({"zipCode": "1234x"}, "the answer's zipCode was not in the expected form"),
        ({"tags": ["a", "b", "c"]}, "the answer's tags had more than 2 items"),
        ({"ids": []}, "the answer's ids had fewer than 1 items"),
        ({"kind": "C"}, "the answer's kind was not one this desk knows"),
        ({"blob": 12}, "the answer's blob was not as expected (input should be a valid bytes)"),
        # The first fault is said, as the answer lists its fields.
        ({"invitationCode": "", "count": -1}, "the answer's invitationCode was empty"),
    ],
    ids=["rule", "rule-of-the-whole", "date", "empty", "short", "range", "form", "too-many",
         "too-few", "unknown-kind", "other", "first-fault"],
)  # fmt: skip
def test_each_fault_is_said_in_the_desks_words(data: dict[str, Any], said: str) -> None:
    """Before: pydantic's words ("Value error, …", "Input should be …") were shown to the
    coordinator, and as the service's at that."""
    assert problem(**data) == said
