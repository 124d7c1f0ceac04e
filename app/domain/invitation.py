"""What a coordinator may write in Berke's invitation email (SendInvitation): the message and
who it comes from, with the rules and the advice of the reference.

``shared/api/berke.md``, SendInvitation: message optional, 1–1000 characters; a single character
disables the account's default message; the word ``default`` forces it; HTML is escaped (shown
as text, not refused); sender name and sender email optional, 1–100 each, the sender defaulting
to the hiring manager. The CreateAssessment page adds, for the same message: "To avoid spam
blockers, do not use exclamation points or PHRASES IN CAPS" — advice, never an error.
"""

from __future__ import annotations

from typing import Annotated, Any, Final

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from app.domain.berke_text import (
    HTML_MARKUP,
    Advice,
    BerkeParam,
    blank_to_none,
    one_line_name,
    spam_advice,
    xml_safe,
)
from app.domain.email_rule import well_formed_or_none

#: Berke's limit on an invitation message, the same for SendInvitation and CreateAssessment's
#: invitationMessage (SmartRecruiters' texts have their own: ``sr_limits.SR_MESSAGE_MAX``).
BERKE_MESSAGE_MAX: Final = 1000
SENDER_MAX: Final = 100
#: The message that makes Berke use the account's default invitation text.
FORCE_DEFAULT: Final = "default"


Message = Annotated[
    Annotated[str, StringConstraints(min_length=1, max_length=BERKE_MESSAGE_MAX)] | None,
    BeforeValidator(blank_to_none),
]
SenderName = Annotated[
    Annotated[str, StringConstraints(min_length=1, max_length=SENDER_MAX)] | None,
    BeforeValidator(blank_to_none),
    BeforeValidator(one_line_name),  # runs first: the From line of Berke's email
]
SenderEmail = Annotated[
    Annotated[str, StringConstraints(min_length=1, max_length=SENDER_MAX)] | None,
    BeforeValidator(blank_to_none),
    AfterValidator(well_formed_or_none),
]


class InvitationText(BaseModel):
    """The message and sender of one invitation; all absent means Berke's account default."""

    model_config = ConfigDict(defer_build=True, populate_by_name=True, extra="forbid", frozen=True)

    message: Message = Field(default=None, alias=BerkeParam.INVITATION_MESSAGE)
    sender_name: SenderName = Field(default=None, alias=BerkeParam.SENDER_NAME)
    sender_email: SenderEmail = Field(default=None, alias=BerkeParam.SENDER_EMAIL)

    # Every field, before its own rules: what Berke's XML cannot carry is refused.
    _xml_safe = field_validator("*", mode="before")(xml_safe)

    def to_params(self) -> dict[str, Any]:
        """SendInvitation's parameters for this text: Berke's spellings, absent not empty."""
        return self.model_dump(by_alias=True, exclude_none=True)

    @property
    def is_empty(self) -> bool:
        return self.message is None and self.sender_name is None and self.sender_email is None

    def advice(self) -> list[Advice]:
        """What the coordinator should know before sending: never an error."""
        found: list[Advice] = []
        message = self.message
        if message is not None:
            if message.casefold() == FORCE_DEFAULT:
                found.append(
                    Advice(
                        BerkeParam.INVITATION_MESSAGE,
                        "“default” sends the account's default invitation message "
                        "(Berke: Personalization | Assessment).",
                    )
                )
            elif len(message) == 1:
                found.append(
                    Advice(
                        BerkeParam.INVITATION_MESSAGE,
                        "A single character sends no message at all: it switches off the "
                        "account's default message.",
                    )
                )
            if HTML_MARKUP.search(message):  # Berke escapes it: the candidate reads it
                found.append(
                    Advice(
                        BerkeParam.INVITATION_MESSAGE,
                        "Berke shows HTML as text: the candidate will read the tags.",
                    )
                )
            found += spam_advice(BerkeParam.INVITATION_MESSAGE, message)
        if self.sender_email is None and self.sender_name is not None:
            found.append(
                Advice(
                    BerkeParam.SENDER_EMAIL,
                    "Without a sender email, Berke sends it from the hiring manager's address.",
                )
            )
        return found


def advice_by_field(params: dict[str, object], errors: dict[str, str]) -> dict[str, list[str]]:
    """The advice on an invitation's fields that are valid now, even while another one is
    not (``errors``), by Berke's parameter name: what a form shows under each field."""
    rest = {key: value for key, value in params.items() if key not in errors}
    try:
        found = InvitationText.model_validate(rest).advice()
    except ValueError:
        return {}
    by_field: dict[str, list[str]] = {}
    for item in found:
        if item.field not in errors:
            by_field.setdefault(item.field, []).append(item.message)
    return by_field
