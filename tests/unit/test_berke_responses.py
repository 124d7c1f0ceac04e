"""Berke responses in both formats: success, error form, the 429 body, X-Response-Code."""

from __future__ import annotations

import asyncio
import codecs
import json
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from app.clients.berke import BerkeClient
from app.clients.berke_payload import PayloadError, parse_payload
from app.clients.errors import (
    ApiError,
    AuthError,
    NotFoundError,
    UnexpectedResponseError,
    ValidationApiError,
)
from app.clients.http import RetryPolicy
from app.domain.berke import (
    BerkeErrorBody,
    BerkeJob,
    BerkeThrottleBody,
    CreateAssessmentResponse,
    split_response_code,
)

THROTTLE_XML = (
    '<?xml version="1.0" encoding="utf-16"?>\n'
    '<berkeResponse status="[!=ok]" response="[API Method] API method requests exceeded burst '
    "limit of 120 occurrences within 60000 milliseconds. Excess requests occurred 3 times from "
    '[2025-01-20T18:47:43.7792646Z] to [2025-01-20T18:47:44.3792646Z]." responseCode="429" '
    'callDeniedDateTime="2025-01-20T18:47:44.4792646Z" callExpiresOnCompletion="false" '
    'countCallsExceeded="3" estimatedMillisecondsToNextAllowedCall="423" '
    'firstCallDeniedDateTime="2025-01-20T18:47:44.1792646Z" isDailyLimit="false" '
    'maximumCallsPerTimeFrame="120" timeFrameMilliseconds="60000" />'
)


def test_success_xml_declared_and_encoded_utf16() -> None:
    xml = (
        '<?xml version="1.0" encoding="utf-16"?>\n<berkeResponse status="ok" responseCode="200">'
        '<assessment sourceCandidateId="Zoë-1" invitationCode="K7PQ2" '
        'assessmentUrl="https://a.test/start/K7PQ2" /></berkeResponse>'
    )
    root, payload = parse_payload(xml.encode("utf-16"))
    assert root == "berkeResponse"
    assert payload["status"] == "ok"
    response = CreateAssessmentResponse.model_validate(payload["assessment"])
    assert response.source_candidate_id == "Zoë-1"
    assert response.invitation_code == "K7PQ2"


def test_success_json() -> None:
    body = (
        b'{"assessment": {"sourceCandidateId": "s", "invitationCode": "C0DE", '
        b'"assessmentUrl": "https://a.test/C0DE"}, "status": "ok", "response": null, '
        b'"responseCode": "200"}'
    )
    _, payload = parse_payload(body)
    assert CreateAssessmentResponse.model_validate(payload["assessment"]).invitation_code == "C0DE"


def test_response_url_must_end_with_the_code() -> None:
    with pytest.raises(ValidationError):
        CreateAssessmentResponse.model_validate(
            {"sourceCandidateId": "s", "invitationCode": "ABC", "assessmentUrl": "https://x/other"}
        )


@pytest.mark.parametrize(
    "url",
    [
        "https://assess.berke.com@elsewhere.example/start/ABC",
        "https://user:pw@elsewhere.example/start/ABC",
    ],
)
def test_a_response_url_naming_a_site_before_an_at_is_refused(url: str) -> None:
    """A browser opens the site after the @: the batch accepted with it, unasked (the Accept
    dialog refuses it)."""
    body = {"sourceCandidateId": "s", "invitationCode": "ABC", "assessmentUrl": url}
    with pytest.raises(ValidationError, match="names a site before an @"):
        CreateAssessmentResponse.model_validate(body)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8"])
def test_error_form_in_xml(encoding: str) -> None:
    xml = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<berkeResponse status="error" '
        'response="Invalid assessment complete action, onAssessmentCompleteAction=[3]" '
        'responseCode="400" />'
    )
    _, payload = parse_payload(xml.encode(encoding))
    error = BerkeErrorBody.model_validate(payload)
    assert error.message == "Invalid assessment complete action"
    assert error.parameter == "onAssessmentCompleteAction"
    assert error.parameter_value == "3"
    assert error.response_code == "400"


def test_error_form_without_parameter() -> None:
    error = BerkeErrorBody.model_validate(
        {"status": "error", "response": "API disabled", "responseCode": 503}
    )
    assert error.message == "API disabled"
    assert error.parameter is None
    assert error.response_code == "503"


def test_throttle_body_from_the_seed_xml() -> None:
    _, payload = parse_payload(THROTTLE_XML.encode("utf-16"))
    throttle = BerkeThrottleBody.model_validate(payload)
    assert throttle.estimated_ms_to_next_allowed_call == 423
    assert throttle.call_expires_on_completion is False
    assert throttle.is_daily_limit is False
    assert throttle.maximum_calls_per_time_frame == 120
    denied = datetime(2025, 1, 20, 18, 47, 44, 479264, tzinfo=UTC)
    assert throttle.call_denied_date_time == denied
    # The wait counts from when the answer arrived here: callDeniedDateTime is Berke's clock.
    assert throttle.wait_seconds() == pytest.approx(0.423)
    arrived = datetime(2025, 1, 21, tzinfo=UTC)
    assert throttle.next_allowed_at(arrived) == arrived + timedelta(milliseconds=423)


def test_simultaneous_limit_has_no_wait() -> None:
    throttle = BerkeThrottleBody.model_validate(
        {"callExpiresOnCompletion": True, "estimatedMillisecondsToNextAllowedCall": 0,
         "status": "x", "responseCode": "429"}
    )  # fmt: skip
    assert throttle.wait_seconds() == 0.0


def test_a_figure_that_does_not_fit_in_another_case_leaves_the_others() -> None:
    """Berke's keys are read whatever their case (its reference writes "StatusId"); a bad
    value under another case of a key must be left out alone, not every figure with it."""
    from app.domain.lenient_read import read_leniently

    throttle = read_leniently(
        BerkeThrottleBody,
        {"IsDailyLimit": {"odd": 1}, "EstimatedMillisecondsToNextAllowedCall": "423",
         "status": "x"},
    )  # fmt: skip
    assert (throttle.estimated_ms_to_next_allowed_call, throttle.is_daily_limit) == (423, False)


@pytest.mark.parametrize(
    ("header", "expected"),
    [("200.0", (200, 0)), ("403.1003", (403, 1003)), ("429.1009", (429, 1009)),
     ("500", (500, None)), (None, (None, None)), ("junk", (None, None))],
)  # fmt: skip
def test_split_response_code(header: str | None, expected: tuple[int | None, int | None]) -> None:
    assert split_response_code(header) == expected


@pytest.mark.parametrize(
    "content",
    [b"", b"   ", b"<html><body>502 Bad Gateway", b"{not json", b"[1, 2]",
     b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'],
)  # fmt: skip
def test_unreadable_payloads_are_refused_clearly(content: bytes) -> None:
    with pytest.raises(PayloadError):
        parse_payload(content)


def test_getjobs_xml_with_repeated_children() -> None:
    xml = (
        '<?xml version="1.0" encoding="utf-16"?><GetJobsResponse status="ok" responseCode="200">'
        '<jobs><job sourceJobId="J1" name="Analyst" /><job sourceJobId="J2" name="Driver" /></jobs>'
        "</GetJobsResponse>"
    )
    root, payload = parse_payload(xml.encode("utf-16"))
    assert root == "GetJobsResponse"
    assert [j["sourceJobId"] for j in payload["jobs"]["job"]] == ["J1", "J2"]


@pytest.mark.parametrize(
    "content",
    [
        b'<?xml version="1.0" encoding="utf-16"?>\n{body}',
        b"\xef\xbb\xbf<?xml version='1.0' encoding='UTF-16'?>{body}",
        b'\n<?xml version="1.0"  encoding = "utf-16LE" standalone="yes"?>{body}',
    ],
    ids=["utf-8", "utf-8-with-bom", "spaced"],
)
def test_xml_declared_utf16_but_sent_as_utf8_is_read(content: bytes) -> None:
    """What a .NET StringWriter's text sent as UTF-8 looks like. Before: expat trusted the
    declaration and refused the bytes, so a created assessment read as "not Berke's
    answer" and a refusal lost the field it named."""
    body = (
        '<berkeResponse status="error" response="Unknown job, sourceJobId=[J-Ü9]" '
        'responseCode="400" />'
    )
    _, payload = parse_payload(content.replace(b"{body}", body.encode()))
    error = BerkeErrorBody.model_validate(payload)
    assert (error.message, error.parameter, error.parameter_value) == (
        "Unknown job",
        "sourceJobId",
        "J-Ü9",
    )


#: A completed assessment's answer, its declaration naming ``{encoding}``.
_COMPLETED_XML = (
    '<?xml version="1.0" encoding="{encoding}"?>'
    '<berkeResponse status="ok" responseCode="200">'
    '<assessment sourceCandidateId="AD-1" completedOnUtc="1764591000">'
    '<jobFit job="Registered Nurse" sourceJobId="NURSE-RN" fitPct="0.91" fitId="3" fit="High"'
    ' isPrimaryJob="true"/>'
    "</assessment></berkeResponse>"
)


def _after_blank_line(encoding: str, codec: str, bom: bytes = b"") -> bytes:
    return bom + ("\r\n \t" + _COMPLETED_XML.format(encoding=encoding)).encode(codec)


@pytest.mark.parametrize(
    "content",
    [
        _after_blank_line("utf-8", "utf-8"),
        _after_blank_line("utf-8", "utf-8", codecs.BOM_UTF8),
        _after_blank_line("utf-16", "utf-16"),  # its byte order mark, then the blank line
        _after_blank_line("utf-16", "utf-16-be", codecs.BOM_UTF16_BE),
        _after_blank_line("utf-16", "utf-16-le"),  # no mark: expat tells it from "<?"
        _after_blank_line("utf-16", "utf-16-be"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "utf-16-be-bom", "utf-16-le-no-bom", "utf-16-be-no-bom"],
)
def test_xml_declared_after_a_blank_line_is_read(content: bytes) -> None:
    """A CR LF a .NET page or a gateway writes before the declaration: expat refused it
    ("XML or text declaration not at start of entity"), and Berke's answer was "not Berke's
    (a proxy or portal page?)": a completed assessment never delivered."""

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=content, headers={"Content-Type": "application/xml"})

    client = BerkeClient(
        "https://berke.test/api",
        "a-long-enough-token",
        transport=httpx.MockTransport(answer),
        retry=RetryPolicy(read_retries=0),
    )
    done = asyncio.run(client.get_completed_assessment("AD-1"))
    assert [fit.fit_pct for fit in done.job_fits] == [0.91]


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://b.example/a/ABC", "C"),
        ("https://b.example/a/ABC", "b.example/a/ABC"),
        ("https://b.example/a/XABC", "ABC"),
    ],
)
def test_an_invitation_code_that_is_not_the_urls_whole_last_part_is_refused(
    url: str, code: str
) -> None:
    """Before: a code that merely ended the URL ("C" of ".../ABC") was taken, stored, and shown
    for typing by hand."""
    body = {"sourceCandidateId": "s", "invitationCode": code, "assessmentUrl": url}
    with pytest.raises(ValidationError, match="does not end with the invitation code"):
        CreateAssessmentResponse.model_validate(body)
    ok = {"sourceCandidateId": "s", "invitationCode": "ABC", "assessmentUrl": url[:-3] + "ABC"}
    if not url.endswith("XABC"):
        CreateAssessmentResponse.model_validate(ok)
    CreateAssessmentResponse.model_validate(
        {"sourceCandidateId": "s", "invitationCode": "ABC", "assessmentUrl": "https://b/s?c=ABC"}
    )


def test_an_odd_job_is_read_and_one_without_an_id_left_out() -> None:
    """Before: one job whose length was "n/a" failed the whole list (the form offered only
    the company default); one with a blank id was shown, and the default job sent."""
    xml = (
        '<GetJobsResponse status="ok" responseCode="200"><jobs>'
        '<job sourceJobId="J1" name="Analyst" lengthSeconds="n/a" matchEnabled="maybe" />'
        '<job sourceJobId="  " name="Blank" /><job name="No id" />'
        '<job sourceJobId="J2" name="Driver" lengthSeconds="1200" matchEnabled="true" />'
        "</jobs></GetJobsResponse>"
    )
    jobs = asyncio.run(_jobs_answered(xml.encode()))
    assert [(j.source_job_id, j.length_seconds, j.match_enabled) for j in jobs] == [
        ("J1", None, None),
        ("J2", 1200, True),
    ]


def _jobs_envelope(**fields: Any) -> bytes:
    jobs = [{"sourceJobId": "J-1", "name": "Analyst"}]
    return json.dumps({"jobs": jobs, "response": None, **fields}).encode()


@pytest.mark.parametrize("word", ["failed", "denied", "", "OK-ish"])
def test_an_envelope_whose_status_is_not_ok_is_never_a_success(word: str) -> None:
    """A failure is ``status != "ok"``. Before (only "error" failing), any other word was
    read as a success."""
    with pytest.raises(ApiError):
        asyncio.run(_jobs_answered(_jobs_envelope(status=word, responseCode="400")))


def test_a_berke_error_code_in_the_header_fails_an_ok_envelope() -> None:
    """A Berke code of 1000 or more in X-Response-Code is an error, whatever the envelope
    says. Before, a 200 whose header carried one was read as a success."""
    headers = {"X-Response-Code": "400.1030", "X-Response-Message": "Invalid job"}
    with pytest.raises(ValidationApiError) as caught:
        asyncio.run(_jobs_answered(_jobs_envelope(status="ok", responseCode="200"), 200, headers))
    assert caught.value.service_code == "400.1030"


@pytest.mark.parametrize("header", ["400.1003", "200.1003"])
def test_code_1003_is_the_key_refused_whatever_the_http_part(header: str) -> None:
    """Berke's "invalid or inactive API key" sends the coordinator to the key, and stops a
    round of calls (``service_wide``). Before, under another HTTP part than 403 it was read
    as a refused value, and every item of a round failed on its own."""
    content = _jobs_envelope(
        status="error", response="API key is invalid or inactive", responseCode="400"
    )
    with pytest.raises(AuthError):
        asyncio.run(_jobs_answered(content, 200, {"X-Response-Code": header}))


@pytest.mark.parametrize("depth", [100, 10_000])
def test_xml_nested_deeper_than_berke_writes_is_said_not_a_traceback(
    depth: int, caplog: pytest.LogCaptureFixture
) -> None:
    """Berke nests a few levels. Before (no depth limit), 10,000 levels ended in a
    RecursionError: a traceback in the log instead of the sentence."""
    xml = b'<berkeResponse status="ok">' + b"<a>" * depth + b"</a>" * depth + b"</berkeResponse>"
    with caplog.at_level(logging.ERROR), pytest.raises(UnexpectedResponseError) as caught:
        asyncio.run(_jobs_answered(xml))
    assert "nested deeper than" in str(caught.value)
    assert not [r for r in caplog.records if r.exc_info]


def test_json_with_a_utf8_byte_order_mark_is_berkes_answer() -> None:
    """What a .NET server may write first. Before, such an answer was "not Berke's"."""
    content = codecs.BOM_UTF8 + _jobs_envelope(status="ok", responseCode="200")
    jobs = asyncio.run(_jobs_answered(content))
    assert [job.source_job_id for job in jobs] == ["J-1"]


async def _jobs_answered(
    content: bytes, status: int = 200, headers: dict[str, str] | None = None
) -> list[BerkeJob]:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            status, content=content, headers=headers or {"X-Response-Code": "200.0"}
        )

    client = BerkeClient(
        "https://berke.test/api", "token", transport=httpx.MockTransport(answer),
        retry=RetryPolicy(read_retries=0),  # an answer read again would be the same
    )  # fmt: skip
    try:
        return await client.get_jobs()
    finally:
        await client.aclose()


PROXY_404 = httpx.Response(404, html="<html><body><h1>404 Not Found</h1>nginx</body></html>")
BERKE_404 = httpx.Response(
    404,
    content=(
        b'<berkeResponse status="[!=ok]" responseCode="404" response="sourceCandidateId was not'
        b' found, sourceCandidateId=[AD-1]" />'
    ),
    headers={"X-Response-Code": "404.1041"},
)
BERKE_400 = httpx.Response(
    400,
    content=(
        b'<berkeResponse status="[!=ok]" responseCode="400" response="sourceCandidateId was not'
        b' found, sourceCandidateId=[AD-1]" />'
    ),
    headers={"X-Response-Code": "400.1041"},
)


@pytest.mark.parametrize("answer", [BERKE_404, BERKE_400], ids=["404", "400"])
def test_berkes_own_not_found_means_it_has_no_such_assessment(answer: httpx.Response) -> None:
    assert asyncio.run(_status_answered(answer)) is None


@pytest.mark.parametrize(
    "words", ["Unknown sourceCandidateId", "SourceCandidateId no longer exists in system"]
)
def test_berkes_no_such_assessment_in_the_references_words(words: str) -> None:
    """Only the sandbox's "was not found" meant "none" before: this raised "The candidate
    id ... is not known to Berke." (or "already has the candidate id")."""
    answer = httpx.Response(
        400,
        json={
            "status": "error",
            "response": f"{words}, sourceCandidateId=[AD-1]",
            "responseCode": "400",
        },
        headers={"X-Response-Code": "400.1041"},
    )
    assert asyncio.run(_status_answered(answer)) is None


def test_another_value_refused_as_unknown_is_not_no_such_assessment() -> None:
    answer = httpx.Response(
        400,
        json={"status": "error", "response": "Unknown username, username=[cora]"},
        headers={"X-Response-Code": "400.1050"},
    )
    with pytest.raises(ValidationApiError):
        asyncio.run(_status_answered(answer))


def test_an_unknown_error_about_the_id_is_not_no_such_assessment() -> None:
    """ "Unknown" alone is not Berke saying it has none: an "Unknown error" about the id,
    read so, marked the assessment deleted for a passing fault."""
    answer = httpx.Response(
        400,
        json={
            "status": "error",
            "response": "Unknown error while reading the assessment, sourceCandidateId=[AD-1]",
        },
        headers={"X-Response-Code": "400.1000"},
    )
    with pytest.raises(ValidationApiError):
        asyncio.run(_status_answered(answer))


def test_a_proxys_404_page_is_not_taken_for_berke_having_no_such_assessment() -> None:
    """A proxy's or a portal's "404 Not Found" names no parameter: taken for Berke's word,
    the assessment was marked deleted for good and never watched again."""
    with pytest.raises(NotFoundError):
        asyncio.run(_status_answered(PROXY_404))


async def _status_answered(response: httpx.Response) -> object:
    def answer(request: httpx.Request) -> httpx.Response:
        return response

    client = BerkeClient("https://berke.test/api", "token", transport=httpx.MockTransport(answer))
    try:
        return await client.get_assessment_status("AD-1")
    finally:
        await client.aclose()
