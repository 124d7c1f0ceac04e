"""Every CreateAssessment rule of the Berke reference, at its boundaries."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from app.domain.berke import CreateAssessmentRequest, SendInvitationRequest
from app.domain.berke_text import BerkeParam
from app.domain.field_errors import field_errors

BASE = {BerkeParam.FIRST_NAME: "Zoë", BerkeParam.LAST_NAME: "Müller"}


def make(**params: Any) -> CreateAssessmentRequest:
    return CreateAssessmentRequest.model_validate({**BASE, **params})


def error_fields(params: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        CreateAssessmentRequest.model_validate(params)
    return field_errors(info.value)


REQUIRED = [(BerkeParam.FIRST_NAME, 100), (BerkeParam.LAST_NAME, 100)]
OPTIONAL_TEXT = [
    (BerkeParam.USERNAME, 50),
    (BerkeParam.SOURCE_CANDIDATE_ID, 50),
    (BerkeParam.SOURCE_JOB_ID, 50),
    (BerkeParam.SOURCE_DEPARTMENT_ID, 50),
    (BerkeParam.PHONE_NUMBER, 50),
    (BerkeParam.INVITATION_MESSAGE, 1000),
]


@pytest.mark.parametrize(("name", "maximum"), REQUIRED)
def test_required_text_boundaries(name: str, maximum: int) -> None:
    assert error_fields({**BASE, name: ""}) == {name: "Required."}
    assert error_fields({**BASE, name: "   "}) == {name: "Required."}
    assert make(**{name: "x"}).to_params()[name] == "x"
    assert make(**{name: "é" * maximum}).to_params()[name] == "é" * maximum  # characters, not bytes
    assert error_fields({**BASE, name: "x" * (maximum + 1)}) == {
        name: f"At most {maximum} characters (now {maximum + 1})."
    }
    missing = {k: v for k, v in BASE.items() if k != name}
    assert error_fields(missing) == {name: "Required."}


@pytest.mark.parametrize(("name", "maximum"), OPTIONAL_TEXT)
def test_optional_text_boundaries(name: str, maximum: int) -> None:
    assert name not in make(**{name: ""}).to_params()  # empty means absent, not empty
    assert name not in make(**{name: "  \t"}).to_params()
    assert name not in make(**{name: None}).to_params()
    assert make(**{name: "x"}).to_params()[name] == "x"
    assert make(**{name: "y" * maximum}).to_params()[name] == "y" * maximum
    assert make(**{name: "  " + "y" * maximum + "  "}).to_params()[name] == "y" * maximum
    assert name in error_fields({**BASE, name: "y" * (maximum + 1)})


def test_python_names_work_too() -> None:
    request = CreateAssessmentRequest(first_name="Ana", last_name="Łukasz", source_job_id="J1")
    assert request.to_params() == {
        BerkeParam.FIRST_NAME: "Ana",
        BerkeParam.LAST_NAME: "Łukasz",
        BerkeParam.SOURCE_JOB_ID: "J1",
    }


def test_api_token_is_not_a_field_of_the_request() -> None:
    assert BerkeParam.API_TOKEN in error_fields({**BASE, BerkeParam.API_TOKEN: "secret"})


@pytest.mark.parametrize(
    ("email", "ok"),
    [
        ("ana@example.com", True),
        ("a.b+c@sub.example.co.uk", True),
        ("zoë@exämple.de", False),  # ASCII only: tests/email_rule_table.py has the whole rule
        ("plain", False),
        ("a@b", False),
        ("a@@b.com", False),
        ("a b@c.com", False),
        ("a@b.com,c@d.com", False),
    ],
)
def test_email_address_must_be_well_formed(email: str, ok: bool) -> None:
    if ok:
        assert make(**{BerkeParam.EMAIL_ADDRESS: email}).email_address == email
    else:
        assert BerkeParam.EMAIL_ADDRESS in error_fields({**BASE, BerkeParam.EMAIL_ADDRESS: email})


def test_email_address_length_boundaries() -> None:
    at_max = "a" * 60 + "@" + "b" * 35 + ".com"  # 100 characters, a local part within 64
    assert len(at_max) == 100
    assert make(**{BerkeParam.EMAIL_ADDRESS: at_max}).email_address == at_max
    assert error_fields({**BASE, BerkeParam.EMAIL_ADDRESS: "a" + at_max})[
        BerkeParam.EMAIL_ADDRESS
    ].startswith("At most 100")


@pytest.mark.parametrize("action", [1, 2, 4])
def test_each_valid_completion_action(action: int) -> None:
    assert (
        make(**{BerkeParam.ON_COMPLETE_ACTION: action}).to_params()[BerkeParam.ON_COMPLETE_ACTION]
        == action
    )
    assert (
        make(**{BerkeParam.ON_COMPLETE_ACTION: str(action)}).on_assessment_complete_action == action
    )


def test_action_5_needs_the_list_and_only_then_sends_it() -> None:
    errors = error_fields({**BASE, BerkeParam.ON_COMPLETE_ACTION: 5})
    assert BerkeParam.EMAIL_REPORT_TO_LIST in errors
    assert "required" in errors[BerkeParam.EMAIL_REPORT_TO_LIST]
    assert BerkeParam.EMAIL_REPORT_TO_LIST in error_fields(
        {**BASE, BerkeParam.ON_COMPLETE_ACTION: 5, BerkeParam.EMAIL_REPORT_TO_LIST: "  "}
    )
    ok = make(
        **{BerkeParam.ON_COMPLETE_ACTION: 5, BerkeParam.EMAIL_REPORT_TO_LIST: "a@x.com"}
    ).to_params()
    assert ok[BerkeParam.EMAIL_REPORT_TO_LIST] == "a@x.com"
    # Ignored (so not sent) for the other actions, but still checked when given.
    other = make(
        **{BerkeParam.ON_COMPLETE_ACTION: 2, BerkeParam.EMAIL_REPORT_TO_LIST: "a@x.com"}
    ).to_params()
    assert BerkeParam.EMAIL_REPORT_TO_LIST not in other


@pytest.mark.parametrize("action", [0, 3, 6, 7, -1, "two", 1.5])
def test_invalid_completion_actions(action: object) -> None:
    errors = error_fields({**BASE, BerkeParam.ON_COMPLETE_ACTION: action})
    assert BerkeParam.ON_COMPLETE_ACTION in errors


@pytest.mark.parametrize(
    ("value", "normalised"),
    [
        ("a@x.com", "a@x.com"),
        ("a@x.com,b@y.org", "a@x.com,b@y.org"),
        (" a@x.com , b@y.org ", "a@x.com,b@y.org"),
    ],
)
def test_email_list_shapes_accepted(value: str, normalised: str) -> None:
    request = make(**{BerkeParam.ON_COMPLETE_ACTION: 5, BerkeParam.EMAIL_REPORT_TO_LIST: value})
    assert request.email_report_to_list == normalised


@pytest.mark.parametrize(
    "value",
    ["a@x.com;b@y.org", "a@x.com,,b@y.org", "a@x.com,", ",a@x.com", "a@x.com b@y.org", "nobody"],
)
def test_email_list_shapes_refused(value: str) -> None:
    assert BerkeParam.EMAIL_REPORT_TO_LIST in error_fields(
        {**BASE, BerkeParam.ON_COMPLETE_ACTION: 5, BerkeParam.EMAIL_REPORT_TO_LIST: value}
    )


def test_email_list_length_boundaries() -> None:
    address = "a" * 37 + "@example.com"  # 49 characters
    ten = ",".join([address] * 10)  # 10*49 + 9 commas = 499
    assert len(ten) == 499
    at_max = ten + "b"  # 500: still one well-formed list (last address is longer)
    assert make(
        **{BerkeParam.ON_COMPLETE_ACTION: 5, BerkeParam.EMAIL_REPORT_TO_LIST: at_max}
    ).email_report_to_list
    over = at_max + "c"
    assert error_fields(
        {**BASE, BerkeParam.ON_COMPLETE_ACTION: 5, BerkeParam.EMAIL_REPORT_TO_LIST: over}
    )[BerkeParam.EMAIL_REPORT_TO_LIST].startswith("At most 500")


@pytest.mark.parametrize(
    ("days", "ok"),
    [(None, True), ("", True), (0, True), (1, False), (2, True), (21, True), (22, False),
     (-1, False), ("7", True), ("x", False)],
)  # fmt: skip
def test_reminder_day_edges(days: object, ok: bool) -> None:
    if ok:
        make(**{BerkeParam.COMPLETE_WITHIN_DAYS: days})
    else:
        assert BerkeParam.COMPLETE_WITHIN_DAYS in error_fields(
            {**BASE, BerkeParam.COMPLETE_WITHIN_DAYS: days}
        )


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.com/done", True),
        ("http://example.com", True),
        ("ftp://example.com", False),
        ("example.com/done", False),
        ("/relative/path", False),
        ("https://", False),
        ("https://exa mple.com", False),
        # Dropped by urlsplit before it parses, but sent as typed (a paste keeps them).
        ("https://example.com/do\tne", False),
        ("https://example.com/\ndone", False),
        ("https://example.com/\u00a0done", False),  # a no-break space
        ("https://example.com/\x7fdone", False),
        ("http://:8080/done", False),  # a port, no host
        ("https://@/done", False),
        ("http://[::1", False),
        ("HTTPS://Example.com/done", True),
        # "Well-formed": a port is a number in range, a host one a browser opens as typed.
        ("https://example.com:abc/done", False),
        ("https://example.com:99999/done", False),
        ("https://example.com:0/done", False),
        ("https://ex..ample.com/done", False),
        ("https://exa\\mple.com/done", False),  # a browser goes to the host "exa"
        ("https://example.com:8443/done", True),
        ("https://example.com:/done", True),  # an empty port is the scheme's own
        ("https://bücher.example/done", True),
        ("http://[::1]:8080/done", True),
        ("http://127.0.0.1/done", True),
    ],
)
def test_redirect_url_must_be_absolute_http(url: str, ok: bool) -> None:
    """Berke: "absolute, well-formed, and be prefixed with HTTP or HTTPS". The simulated Berke
    judges each the same: a form that enables Create for what it refuses tests nothing."""
    from app.sandbox.berke_params import BerkeError, redirect_url

    if ok:
        assert make(**{BerkeParam.REDIRECT_URL: url}).redirect_url == url
        assert redirect_url({"redirectUrl": url}) == url
    else:
        assert BerkeParam.REDIRECT_URL in error_fields({**BASE, BerkeParam.REDIRECT_URL: url})
        with pytest.raises(BerkeError):
            redirect_url({"redirectUrl": url})


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://example.com:abc/done", "Has “abc” where a port number (1 to 65535) goes"),
        ("https://ex..ample.com/done", "Has no valid server name: “ex..ample.com”"),
        ("example.com/done", "Must be an absolute URL starting with http:// or https://"),
    ],
)
def test_a_redirect_url_refused_says_what_is_wrong_with_it(url: str, words: str) -> None:
    assert words in error_fields({**BASE, BerkeParam.REDIRECT_URL: url})[BerkeParam.REDIRECT_URL]


def test_redirect_url_length_boundaries() -> None:
    prefix = "https://example.com/"
    at_max = prefix + "p" * (150 - len(prefix))
    assert make(**{BerkeParam.REDIRECT_URL: at_max}).redirect_url == at_max
    assert error_fields({**BASE, BerkeParam.REDIRECT_URL: at_max + "p"})[
        BerkeParam.REDIRECT_URL
    ].startswith("At most 150")


@pytest.mark.parametrize(
    ("message", "markup"),
    [
        ("<b>Hello</b>", True),
        ("Hi <br/>", True),
        ("<a href='x'>x</a>", True),
        ("<!-- c -->", True),
        ("Smith &amp; Sons look forward to it", True),  # a character reference
        ("Use the code &#60;ABC&#62;", True),
        ("Use &#x3C;ABC", True),
        ("<?xml version='1.0'?> Welcome", True),
        ("Hello <b unclosed", True),
        ("a < b and c > d", False),
        ("Smith & Sons, 5 < 6", False),
        ("AT&T; R&D", True),  # "&T;" reads as a reference, to Berke too
        ("Salary: 3<4", False),
    ],
)
def test_invitation_message_markup_as_berke_judges_it(message: str, markup: bool) -> None:
    """Berke: "HTML markup is prohibited". The form and the simulated Berke judge each message the
    same (before, the form let "&amp;", "<?xml" and "<b" through, and Berke refused them)."""
    from app.sandbox.berke_params import BerkeError, invitation_message

    if markup:
        assert BerkeParam.INVITATION_MESSAGE in error_fields(
            {**BASE, BerkeParam.INVITATION_MESSAGE: message}
        )
    else:
        assert make(**{BerkeParam.INVITATION_MESSAGE: message}).invitation_message == message
    try:
        invitation_message({"invitationMessage": message}, markup_allowed=False)
    except BerkeError:
        assert markup
    else:
        assert not markup


def test_invitation_message_single_character_disables_default() -> None:
    assert (
        make(**{BerkeParam.INVITATION_MESSAGE: "."}).to_params()[BerkeParam.INVITATION_MESSAGE]
        == "."
    )
    assert make(**{BerkeParam.INVITATION_MESSAGE: "a < b and c > d"}).invitation_message


def test_every_error_names_its_field() -> None:
    with pytest.raises(ValidationError) as info:
        CreateAssessmentRequest.model_validate(
            {
                BerkeParam.FIRST_NAME: "",
                BerkeParam.LAST_NAME: "x" * 101,
                BerkeParam.EMAIL_ADDRESS: "bad",
                BerkeParam.ON_COMPLETE_ACTION: 3,
                BerkeParam.COMPLETE_WITHIN_DAYS: 1,
                BerkeParam.REDIRECT_URL: "nope",
                BerkeParam.INVITATION_MESSAGE: "<i>x</i>",
                BerkeParam.SOURCE_JOB_ID: "j" * 51,
            }
        )
    names = {str(e["loc"][0]) for e in info.value.errors()}
    assert names == {
        BerkeParam.FIRST_NAME, BerkeParam.LAST_NAME, BerkeParam.EMAIL_ADDRESS,
        BerkeParam.ON_COMPLETE_ACTION, BerkeParam.COMPLETE_WITHIN_DAYS, BerkeParam.REDIRECT_URL,
        BerkeParam.INVITATION_MESSAGE, BerkeParam.SOURCE_JOB_ID,
    }  # fmt: skip


# -- advice: warnings, never errors ---------------------------------------------------------


def advice_fields(request: CreateAssessmentRequest) -> list[str]:
    return [a.field for a in request.advice()]


def test_no_advice_for_a_tidy_request() -> None:
    assert (
        make(
            **{
                BerkeParam.EMAIL_ADDRESS: "zoe@example.com",
                BerkeParam.INVITATION_MESSAGE: "Good luck.",
            }
        ).advice()
        == []
    )


def test_advice_without_email_and_for_action_4() -> None:
    assert advice_fields(make()) == [BerkeParam.EMAIL_ADDRESS]
    assert advice_fields(make(**{BerkeParam.ON_COMPLETE_ACTION: 4})) == [
        BerkeParam.EMAIL_ADDRESS,
        BerkeParam.ON_COMPLETE_ACTION,
    ]


def test_advice_for_exclamation_and_caps() -> None:
    request = make(
        **{
            BerkeParam.EMAIL_ADDRESS: "z@example.com",
            BerkeParam.INVITATION_MESSAGE: "Please START NOW!",
        }
    )
    messages = [a.message for a in request.advice()]
    assert len(messages) == 2
    assert "Exclamation" in messages[0]
    assert "START NOW" in messages[1]
    # A single capital letter or "I" is not shouting.
    assert (
        make(
            **{
                BerkeParam.EMAIL_ADDRESS: "z@example.com",
                BerkeParam.INVITATION_MESSAGE: "I hope A works.",
            }
        ).advice()
        == []
    )


def test_send_invitation_rules() -> None:
    ok = SendInvitationRequest.model_validate(
        {
            BerkeParam.SOURCE_CANDIDATE_ID: "C-1",
            BerkeParam.EMAIL_ADDRESS: "a@b.com",
            BerkeParam.INVITATION_MESSAGE: ".",
        }
    )
    assert ok.to_params() == {
        BerkeParam.SOURCE_CANDIDATE_ID: "C-1",
        BerkeParam.EMAIL_ADDRESS: "a@b.com",
        BerkeParam.INVITATION_MESSAGE: ".",
    }
    with pytest.raises(ValidationError) as info:
        SendInvitationRequest.model_validate(
            {BerkeParam.SOURCE_CANDIDATE_ID: "", BerkeParam.EMAIL_ADDRESS: "nope"}
        )
    assert set(field_errors(info.value)) == {
        BerkeParam.SOURCE_CANDIDATE_ID,
        BerkeParam.EMAIL_ADDRESS,
    }
    with pytest.raises(ValidationError):
        SendInvitationRequest.model_validate(
            {
                BerkeParam.SOURCE_CANDIDATE_ID: "C",
                BerkeParam.EMAIL_ADDRESS: "a@b.com",
                BerkeParam.INVITATION_MESSAGE: "m" * 1001,
            }
        )


def test_names_are_sent_on_one_line() -> None:
    """Before: a name copied with line breaks ("Ana\\n\\nMaria") was sent as it was, and a
    sender name with one would have gone into the From line of Berke's email."""
    from app.domain.invitation import InvitationText

    made = make(**{BerkeParam.FIRST_NAME: "Ana\n\n\tMaria ", BerkeParam.LAST_NAME: " Silva\r\n"})
    assert (made.first_name, made.last_name) == ("Ana Maria", "Silva")
    text = InvitationText.model_validate({BerkeParam.SENDER_NAME: "Cora\r\nBcc: x@example.com"})
    assert text.sender_name == "Cora Bcc: x@example.com"
    assert InvitationText.model_validate({BerkeParam.SENDER_NAME: " \n "}).sender_name is None


def test_a_name_of_invisible_characters_is_no_name() -> None:
    """Before: a first name of one zero-width space (a paste from a web page) was sent: an
    invitation and a report addressed to nobody visible."""
    from app.domain.invitation import InvitationText

    for invisible in ("\u200b", "\u200e\u200f", "\u2060 \ufeff", "\u00ad"):
        assert error_fields({**BASE, BerkeParam.FIRST_NAME: invisible}) == {
            BerkeParam.FIRST_NAME: "Required."
        }
        text = InvitationText.model_validate({BerkeParam.SENDER_NAME: invisible})
        assert text.sender_name is None
    made = make(**{BerkeParam.FIRST_NAME: "Zo\u00eb\u200b"})  # a visible name keeps its marks
    assert made.first_name == "Zo\u00eb\u200b"


def test_a_result_url_the_service_holds_is_read_as_before() -> None:
    """The redirect URL's stricter rule is for what is typed and sent: a result URL read back
    from SmartRecruiters with a zero-width space (a pasted link) made the whole list of the
    order's results unreadable (delivery and the snapshot's details failed with it)."""
    from pydantic import TypeAdapter

    from app.domain.smartrecruiters import AssessmentResult

    answer = [
        {"id": "r1", "resultType": "URL", "result": "https://reports.example/r/\u200b1"},
        {"id": "r2", "resultType": "DOCUMENT", "result": "report"},
    ]
    results = TypeAdapter(list[AssessmentResult]).validate_python(answer)
    assert [r.id for r in results] == ["r1", "r2"]


def test_an_assessment_made_before_names_went_on_one_line_is_still_the_orders_own() -> None:
    """Berke holds "Ana  Maria" (sent before names were put on one line): the order's own
    request, read back now as "Ana Maria", must still recognise it (before: the recovery of
    the create step refused it as another's), and a recorded request reads back as sent."""
    from app.domain.berke import AssessmentStatus
    from app.domain.berke_text import AS_RECORDED

    held = AssessmentStatus.model_validate(
        {BerkeParam.SOURCE_CANDIDATE_ID: "AD-1", BerkeParam.FIRST_NAME: "Ana  Maria",
         BerkeParam.LAST_NAME: "Silva", BerkeParam.EMAIL_ADDRESS: "ana@example.com"}
    )  # fmt: skip
    sent = {**BASE, BerkeParam.FIRST_NAME: "Ana  Maria", BerkeParam.LAST_NAME: "Silva",
            BerkeParam.EMAIL_ADDRESS: "ana@example.com"}  # fmt: skip
    assert held.is_for(CreateAssessmentRequest.model_validate(sent))
    recorded = CreateAssessmentRequest.model_validate(
        {**sent, BerkeParam.FIRST_NAME: "Ana\nMaria"}, context=AS_RECORDED
    )
    assert recorded.first_name == "Ana\nMaria"


# Characters no XML 1.0 document carries: Berke answers in XML, and its answers hold the names
# and ids it was sent (the sandbox dropped one and answered about "another candidate").
NOT_IN_XML = ["\x01", "\x08", "\x0b", "\x1b", "\ud83d", "\ufffe", "\uffff"]
TEXT_FIELDS = [name for name, _ in REQUIRED + OPTIONAL_TEXT] + [
    BerkeParam.EMAIL_ADDRESS,
    BerkeParam.REDIRECT_URL,
]


@pytest.mark.parametrize("name", TEXT_FIELDS)
@pytest.mark.parametrize("character", NOT_IN_XML, ids=lambda c: f"U+{ord(c):04X}")
def test_a_character_berke_cannot_carry_is_refused_at_its_field(name: str, character: str) -> None:
    errors = error_fields({**BASE, name: f"Ana{character}B"})
    assert list(errors) == [name]
    assert f"(U+{ord(character):04X}, at position 4)" in errors[name]
    assert errors[name].startswith("Holds an invisible character Berke cannot take")


def test_tabs_and_line_breaks_are_what_xml_carries() -> None:
    request = make(**{BerkeParam.INVITATION_MESSAGE: "Dear Ana,\r\n\tplease start."})
    assert request.invitation_message == "Dear Ana,\r\n\tplease start."


def test_the_invitation_refuses_what_berke_cannot_carry() -> None:
    from app.domain.invitation import InvitationText

    for name in (BerkeParam.INVITATION_MESSAGE, BerkeParam.SENDER_NAME, BerkeParam.SENDER_EMAIL):
        with pytest.raises(ValidationError) as caught:
            InvitationText.model_validate({name: "Ana\x07"})
        assert list(field_errors(caught.value)) == [name]
    with pytest.raises(ValidationError) as caught:
        SendInvitationRequest.model_validate(
            {BerkeParam.SOURCE_CANDIDATE_ID: "HR-\x02-17", BerkeParam.EMAIL_ADDRESS: "a@b.co"}
        )
    assert list(field_errors(caught.value)) == [BerkeParam.SOURCE_CANDIDATE_ID]
