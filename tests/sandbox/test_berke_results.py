"""Conformance of the sandbox's Berke side after the invitation ("Watching and delivering" in
shared/api/berke.md): the candidate's progress, completed assessments and their job fits, the
reports, updating and deleting, and candidates who finish on their own. Time is a fake clock.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from app.sandbox import DEMO_BERKE_TOKEN, SandboxConfig, SandboxServer
from app.sandbox.__main__ import _parser, config_from

from .conftest import FakeClock
from .test_conformance import assert_berke_error, berke, parse_xml

FIT_KEYS = {
    "job",
    "sourceJobId",
    "fitPct",
    "fitId",
    "fit",
    "isPrimaryJob",
    "reportUrl",
    "fitComputedOnUtc",
}
ASSESSMENT_KEYS = {
    "sourceCandidateId",
    "invitationCode",
    "firstName",
    "lastName",
    "formalTitle",
    "emailAddress",
    "phoneNumber",
    "completedOnUtc",
    "jobFit",
}
FITS = {1: "Low", 2: "Medium", 3: "High"}
FORM = re.compile(r'<form method="post" action="([^"]+)"><button type="submit">([^<]+)</button>')


class Sandbox:
    """A sandbox on a fake clock, with the calls a test makes."""

    def __init__(self, server: SandboxServer, clock: FakeClock, client: httpx.Client) -> None:
        self.server = server
        self.clock = clock
        self.http = client

    def call(self, method: str, fmt: str = "json", **params: Any) -> httpx.Response:
        return berke(self.http, method, fmt, **params)

    def ok(self, method: str, **params: Any) -> dict[str, Any]:
        response = self.call(method, **params)
        assert response.status_code == 200, response.text
        assert response.headers["x-response-code"] == "200.0"
        body = response.json()
        assert (body["status"], body["response"], body["responseCode"]) == ("ok", None, "200")
        return dict(body)

    def create(self, candidate_id: str, **params: Any) -> dict[str, Any]:
        fields = {"firstName": "Zoë", "lastName": "Müller", **params}
        created = self.ok("CreateAssessment", sourceCandidateId=candidate_id, **fields)
        return dict(created["assessment"])

    def status(self, candidate_id: str) -> dict[str, Any]:
        return dict(self.ok("GetAssessmentStatus", sourceCandidateId=candidate_id)["assessment"])

    def finish(self, code: str) -> None:
        response = httpx.post(f"{self.server.berke_base_url}/start/{code}/finish")
        assert response.status_code == 303, response.text

    def completed(self, candidate_id: str) -> dict[str, Any]:
        body = self.ok("GetCompletedAssessment", sourceCandidateId=candidate_id)
        return dict(body["assessment"])

    def hook(self) -> dict[str, dict[str, Any]]:
        listing = httpx.get(f"{self.server.berke_base_url}/_test/assessments").json()
        return {a["sourceCandidateId"]: a for a in listing["assessments"]}


def _sandbox(**config: Any) -> Iterator[Sandbox]:
    clock = FakeClock()
    settings = {"orders": 1, "berke_burst": 100_000, "clock": clock, **config}
    with (
        SandboxServer(SandboxConfig(**settings)) as server,
        httpx.Client(base_url=server.berke_base_url, timeout=10) as client,
    ):
        yield Sandbox(server, clock, client)


@pytest.fixture(scope="module")
def shared() -> Iterator[Sandbox]:
    """For tests that only add assessments of their own ids."""
    yield from _sandbox()


@pytest.fixture
def fresh() -> Iterator[Sandbox]:
    """For tests that count everything or move the clock."""
    yield from _sandbox()


def jobs(sandbox: Sandbox) -> list[dict[str, Any]]:
    return list(sandbox.ok("GetJobs")["jobs"])


# -- a minimal PDF reader: enough to prove the structure a viewer relies on --------------------
def _unescape(literal: bytes) -> str:
    def one(match: re.Match[bytes]) -> bytes:
        escaped = match.group(1)
        return bytes([int(escaped, 8)]) if escaped[0] in b"01234567" else escaped

    return re.sub(rb"\\([0-7]{3}|.)", one, literal).decode("cp1252")


def pdf_lines(data: bytes) -> list[str]:
    """Check header, cross-reference table (every offset at its object), trailer and stream
    length, and return the page's text lines."""
    assert data.startswith(b"%PDF-1.")
    tail = re.search(rb"startxref\n(\d+)\n%%EOF\n$", data)
    assert tail is not None
    xref_at = int(tail.group(1))
    head = re.match(rb"xref\n0 (\d+)\n", data[xref_at:])
    assert head is not None
    count = int(head.group(1))
    table = data[xref_at + head.end() : xref_at + head.end() + 20 * count]
    assert table[:20] == b"0000000000 65535 f \n"
    for number in range(1, count):
        entry = table[20 * number : 20 * number + 20]
        assert entry.endswith(b" 00000 n \n"), entry
        assert data[int(entry[:10]) :].startswith(f"{number} 0 obj\n".encode())
    trailer = data[xref_at + head.end() + 20 * count :]
    assert trailer.startswith(f"trailer\n<< /Size {count} /Root 1 0 R".encode())
    assert b"/Type /Catalog /Pages 2 0 R" in data
    assert b"/Type /Page /Parent 2 0 R" in data
    assert b"/BaseFont /Helvetica " in data
    stream = re.search(rb"<< /Length (\d+) >>\nstream\n", data)
    assert stream is not None
    content = data[stream.end() : stream.end() + int(stream.group(1))]
    assert data[stream.end() + int(stream.group(1)) :].startswith(b"endstream")
    assert content.isascii()
    return [_unescape(m) for m in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", content)]


# -- GetAssessmentStatus: three states, and the start page that moves them ---------------------
def test_status_tells_not_started_started_complete(shared: Sandbox) -> None:
    created = shared.create("ST-1", emailAddress="zoe@example.com")
    identity = {"firstName": "Zoë", "lastName": "Müller", "emailAddress": "zoe@example.com"}
    status = shared.status("ST-1")
    assert (status["StatusId"], status["completedOnUtc"]) == (0, None)
    assert identity.items() <= status.items()
    base = shared.server.berke_base_url
    assert httpx.post(f"{base}/start/{created['invitationCode']}/start").status_code == 303
    status = shared.status("st-1")
    assert status["StatusId"] == 1
    shared.clock.now += 90.5
    shared.finish(created["invitationCode"])
    status = shared.status("ST-1")
    assert status["StatusId"] == 2
    assert isinstance(status["completedOnUtc"], float)
    assert identity.items() <= status.items()
    xml = parse_xml(
        shared.call("GetAssessmentStatus", "xml", invitationCode=created["invitationCode"])
    )
    child = xml.find("assessment")
    assert child.get("StatusId") == "2"
    assert float(child.get("completedOnUtc")) == status["completedOnUtc"]
    assert child.get("firstName") == "Zoë"
    hooked = shared.hook()["ST-1"]
    assert hooked["progress"] == "complete"
    assert hooked["completedOnUtc"] == status["completedOnUtc"]
    assert hooked["completedOnUtc"] - hooked["startedOnUtc"] == pytest.approx(90.5)
    assert hooked["sourceJobId"] == "SW-ENG"


def test_status_is_spelled_as_the_reference_spells_it(fresh: Sandbox) -> None:
    """The reference writes "StatusId = 2 means complete", names no statusName and gives no
    invitation count: a client tested only against the sandbox's old "statusId" read a real
    Berke's completion as not started, and one that trusted its count emailed twice."""
    created = fresh.create("REF-1")
    fresh.ok("SendInvitation", sourceCandidateId="REF-1", emailAddress="a@example.com")
    assert fresh.status("REF-1")["StatusId"] == 0
    fresh.finish(created["invitationCode"])
    status = fresh.status("REF-1")
    assert status["StatusId"] == 2
    assert not {"statusId", "statusName", "invitationsSent"} & status.keys()
    xml = parse_xml(fresh.call("GetAssessmentStatus", "xml", sourceCandidateId="REF-1"))
    child = xml.find("assessment")
    assert (child.get("StatusId"), child.get("statusId")) == ("2", None)
    assert child.get("invitationsSent") is None


def test_status_answers_the_sandboxs_old_way_on_request() -> None:
    """Opted in, the status answers as the sandbox once did: "statusId" with a "statusName",
    and a count of the invitations sent (a Berke that counts them, for the tests of it)."""
    old_way = {"status_as_the_reference_spells_it": False, "status_counts_invitations": True}
    for sandbox in _sandbox(**old_way):
        created = sandbox.create("OLD-1")
        status = sandbox.status("OLD-1")
        assert (status["statusId"], status["statusName"], status["invitationsSent"]) == (
            0,
            "Not started",
            0,
        )
        assert "StatusId" not in status
        sandbox.ok("SendInvitation", sourceCandidateId="OLD-1", emailAddress="a@example.com")
        base = sandbox.server.berke_base_url
        assert httpx.post(f"{base}/start/{created['invitationCode']}/start").status_code == 303
        status = sandbox.status("OLD-1")
        assert (status["statusId"], status["statusName"], status["invitationsSent"]) == (
            1,
            "Started",
            1,
        )
        sandbox.finish(created["invitationCode"])
        xml = parse_xml(sandbox.call("GetAssessmentStatus", "xml", sourceCandidateId="OLD-1"))
        child = xml.find("assessment")
        assert (child.get("statusId"), child.get("statusName")) == ("2", "Complete")


def test_start_page_buttons_play_the_candidate(shared: Sandbox) -> None:
    created = shared.create("PAGE-1", firstName="Chloé")
    page = httpx.get(created["assessmentUrl"])
    assert page.status_code == 200
    forms = FORM.findall(page.text)
    assert [label for _, label in forms] == ["Start"]
    start_action = forms[0][0]
    started = httpx.post(start_action)  # what a browser posts: no body at all
    assert started.status_code == 303
    assert started.headers["location"] == created["assessmentUrl"]
    page = httpx.get(created["assessmentUrl"])
    forms = FORM.findall(page.text)
    assert [label for _, label in forms] == ["Finish this assessment"]
    assert shared.status("PAGE-1")["StatusId"] == 1
    finished = httpx.post(forms[0][0], follow_redirects=True)
    assert finished.status_code == 200
    assert "Your assessment is complete" in finished.text
    assert FORM.findall(finished.text) == []
    assert shared.status("PAGE-1")["StatusId"] == 2
    assert len(shared.completed("PAGE-1")["jobFit"]) == len(jobs(shared))
    # Pressing a button again (a second tab) changes nothing.
    first_completion = shared.status("PAGE-1")["completedOnUtc"]
    shared.clock.now += 5
    assert httpx.post(start_action).status_code == 303
    assert httpx.post(forms[0][0]).status_code == 303
    assert shared.status("PAGE-1")["completedOnUtc"] == first_completion
    base = shared.server.berke_base_url
    for action in ("start", "finish"):
        missing = httpx.post(f"{base}/start/NOSUCHCODE/{action}")
        assert missing.status_code == 404
        assert missing.headers["x-response-code"] == "404.1045"
    assert httpx.get(f"{base}/start/{created['invitationCode']}/finish").status_code == 405


def test_finish_follows_the_completion_redirect_every_time(shared: Sandbox) -> None:
    target = "https://example.com/thanks?order=7"
    created = shared.create("PAGE-2", redirectUrl=target)
    # Finishing straight away also starts it: a person may skip the first button.
    finished = httpx.post(
        f"{shared.server.berke_base_url}/start/{created['invitationCode']}/finish"
    )
    assert (finished.status_code, finished.headers["location"]) == (302, target)
    again = httpx.get(created["assessmentUrl"])
    assert (again.status_code, again.headers["location"]) == (302, target)
    hooked = shared.hook()["PAGE-2"]
    assert hooked["startedOnUtc"] == hooked["completedOnUtc"]


# -- GetCompletedAssessment --------------------------------------------------------------------
def test_completed_assessment_json(shared: Sandbox) -> None:
    created = shared.create(
        "DONE-1",
        sourceJobId="sales-rep",
        emailAddress="zoe@example.com",
        phoneNumber="+49 151 1234567",
    )
    shared.finish(created["invitationCode"])
    body = shared.ok("GetCompletedAssessment", sourceCandidateId="done-1")
    assert set(body) == {"assessment", "status", "response", "responseCode"}
    done = body["assessment"]
    assert set(done) == ASSESSMENT_KEYS
    assert (done["sourceCandidateId"], done["invitationCode"]) == (
        "DONE-1",
        created["invitationCode"],
    )
    assert (done["firstName"], done["lastName"]) == ("Zoë", "Müller")
    assert (done["emailAddress"], done["phoneNumber"]) == ("zoe@example.com", "+49 151 1234567")
    assert done["formalTitle"] in (None, "Ms.", "Mr.", "Dr.")
    assert done["completedOnUtc"] == shared.status("DONE-1")["completedOnUtc"]
    account = jobs(shared)
    assert [f["sourceJobId"] for f in done["jobFit"]] == [j["sourceJobId"] for j in account]
    assert [f["job"] for f in done["jobFit"]] == [j["name"] for j in account]
    for fit in done["jobFit"]:
        assert set(fit) == FIT_KEYS
        assert 0 <= fit["fitPct"] <= 1
        expected = 1 if fit["fitPct"] < 0.5 else 2 if fit["fitPct"] < 0.75 else 3
        assert (fit["fitId"], fit["fit"]) == (expected, FITS[expected])
        assert fit["fitComputedOnUtc"] == done["completedOnUtc"]
        assert re.fullmatch(
            re.escape(shared.server.berke_base_url) + r"/GetReport\?id=[0-9a-f]{32}",
            fit["reportUrl"],
        )
    assert [f["sourceJobId"] for f in done["jobFit"] if f["isPrimaryJob"]] == ["SALES-REP"]
    assert len({f["reportUrl"] for f in done["jobFit"]}) == len(account)
    # Not everyone fits every job alike: the fits vary by job.
    assert len({f["fitPct"] for f in done["jobFit"]}) > 1


def test_completed_assessment_xml(shared: Sandbox) -> None:
    created = shared.create("DONE-X", lastName='Nguyễn "<&>"')
    shared.finish(created["invitationCode"])
    as_json = shared.completed("DONE-X")
    root = parse_xml(shared.call("GetCompletedAssessment", "xml", sourceCandidateId="DONE-X"))
    assert (root.tag, root.get("status"), root.get("responseCode")) == (
        "berkeResponse",
        "ok",
        "200",
    )
    child = root.find("assessment")
    assert child.get("lastName") == 'Nguyễn "<&>"'
    assert float(child.get("completedOnUtc")) == as_json["completedOnUtc"]
    assert child.get("phoneNumber") is None  # absent values are left out, not written empty
    fits = child.findall("jobFit")
    assert len(fits) == len(as_json["jobFit"])
    for element, fit in zip(fits, as_json["jobFit"], strict=True):
        assert set(element.attrib) == FIT_KEYS
        assert element.get("sourceJobId") == fit["sourceJobId"]
        assert float(element.get("fitPct")) == fit["fitPct"]
        assert int(element.get("fitId")) == fit["fitId"]
        assert element.get("isPrimaryJob") == ("true" if fit["isPrimaryJob"] else "false")
        assert element.get("reportUrl") == fit["reportUrl"]


def test_fits_are_seeded_per_sandbox_seed_and_candidate() -> None:
    def fits(seed: int, candidate_id: str) -> list[float]:
        for sandbox in _sandbox(seed=seed):
            created = sandbox.create(candidate_id)
            sandbox.finish(created["invitationCode"])
            return [f["fitPct"] for f in sandbox.completed(candidate_id)["jobFit"]]
        raise AssertionError("no sandbox")

    first = fits(4, "SEED-A")
    assert fits(4, "seed-a") == first
    assert fits(5, "SEED-A") != first
    assert fits(4, "SEED-B") != first


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_completed_assessment_errors(shared: Sandbox, fmt: str) -> None:
    shared.create("OPEN-1" + fmt)
    cases: list[tuple[dict[str, Any], int, str]] = [
        (
            {"sourceCandidateId": "OPEN-1" + fmt},
            1046,
            f"Assessment is not complete, sourceCandidateId=[OPEN-1{fmt}]",
        ),
        (
            {"sourceCandidateId": "NOBODY"},
            1041,
            "sourceCandidateId was not found, sourceCandidateId=[NOBODY]",
        ),
        ({}, 1030, "Required parameter is missing, sourceCandidateId=[]"),
        (
            {"sourceCandidateId": "c" * 51},
            1031,
            f"Value must be 1-50 characters, sourceCandidateId=[{'c' * 51}]",
        ),
        (
            {"sourceCandidateId": "X", "sourceJobId": "SW-ENG"},
            1052,
            "Unknown parameter, sourceJobId=[SW-ENG]",
        ),
    ]
    for params, code, message in cases:
        response = shared.call("GetCompletedAssessment", fmt, **params)
        if fmt == "json":
            assert_berke_error(response, 400, code, message)
        else:
            assert response.headers["x-response-code"] == f"400.{code}"
            root = parse_xml(response)
            assert (root.get("status"), root.get("response"), root.get("responseCode")) == (
                "error",
                message,
                "400",
            )


# -- GetCompletedAssessments: the date window and the pages ------------------------------------
def test_completed_assessments_window_and_pages(fresh: Sandbox) -> None:
    times = []
    for i in range(52):
        created = fresh.create(f"PAGED-{i:02d}", lastName=f"Paged{i}")
        fresh.clock.now += 60.25
        fresh.finish(created["invitationCode"])
        times.append(fresh.status(f"PAGED-{i:02d}")["completedOnUtc"])
    fresh.create("PAGED-OPEN")  # never completed: never listed
    assert times == sorted(times)
    assert times[1] - times[0] == pytest.approx(60.25)

    listing = fresh.ok("GetCompletedAssessments")["assessments"]  # no window: everything so far
    assert {k: v for k, v in listing.items() if k != "assessment"} == {
        "totalAssessments": 52,
        "currentPageAssessments": 50,
        "currentPage": 1,
        "totalPages": 2,
        "maxAssessmentsPerPage": 50,
    }
    assert [a["sourceCandidateId"] for a in listing["assessment"]] == [
        f"PAGED-{i:02d}" for i in range(50)
    ]
    assert set(listing["assessment"][0]) == ASSESSMENT_KEYS
    page_two = fresh.ok("GetCompletedAssessments", dateFromUtc=0, page=2)["assessments"]
    assert (page_two["currentPage"], page_two["currentPageAssessments"]) == (2, 2)
    assert [a["sourceCandidateId"] for a in page_two["assessment"]] == ["PAGED-50", "PAGED-51"]
    beyond = fresh.ok("GetCompletedAssessments", page="3")["assessments"]
    assert (beyond["currentPageAssessments"], beyond["totalPages"], beyond["assessment"]) == (
        0,
        2,
        [],
    )

    # The window is closed at both ends, and a time read from an answer is a valid bound.
    window = fresh.ok("GetCompletedAssessments", dateFromUtc=times[10], dateToUtc=times[20])
    names = [a["sourceCandidateId"] for a in window["assessments"]["assessment"]]
    assert names == [f"PAGED-{i:02d}" for i in range(10, 21)]
    assert window["assessments"]["totalPages"] == 1
    as_text = fresh.ok(
        "GetCompletedAssessments", dateFromUtc=f"{times[10] + 0.001}", dateToUtc=str(times[11])
    )
    assert [a["sourceCandidateId"] for a in as_text["assessments"]["assessment"]] == ["PAGED-11"]
    empty = fresh.ok("GetCompletedAssessments", dateFromUtc=times[-1] + 1)["assessments"]
    assert (empty["totalAssessments"], empty["totalPages"], empty["assessment"]) == (0, 0, [])

    root = parse_xml(
        fresh.call("GetCompletedAssessments", "xml", dateFromUtc=times[50], dateToUtc=times[51])
    )
    (assessments,) = root.findall("assessments")
    assert {k: assessments.get(k) for k in ("totalAssessments", "currentPageAssessments")} == {
        "totalAssessments": "2",
        "currentPageAssessments": "2",
    }
    assert (assessments.get("totalPages"), assessments.get("maxAssessmentsPerPage")) == ("1", "50")
    entries = assessments.findall("assessment")
    assert [e.get("sourceCandidateId") for e in entries] == ["PAGED-50", "PAGED-51"]
    assert all(len(e.findall("jobFit")) == len(jobs(fresh)) for e in entries)
    listed = httpx.post(
        f"{fresh.server.berke_base_url}/GetCompletedAssessments",
        data={"apiToken": DEMO_BERKE_TOKEN, "dateFromUtc": f"{times[51]}", "formatOutput": "json"},
    )
    assert listed.json()["assessments"]["totalAssessments"] == 1


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"page": 0}, 1039),
        ({"page": -1}, 1039),
        ({"page": "two"}, 1038),
        ({"page": 1.5}, 1038),
        ({"dateFromUtc": "yesterday"}, 1038),
        ({"dateFromUtc": "1e9"}, 1038),
        ({"dateFromUtc": True}, 1038),
        ({"dateFromUtc": -1}, 1039),
        ({"dateToUtc": 10**20}, 1039),
        ({"dateFromUtc": 200.5, "dateToUtc": 100}, 1039),
        ({"dateFrom": 1}, 1052),
    ],
)
def test_completed_assessments_refuse_bad_windows(
    shared: Sandbox, params: dict[str, Any], code: int
) -> None:
    name = next(iter(params))
    message = assert_berke_error(shared.call("GetCompletedAssessments", **params), 400, code)
    assert f", {name}=[" in message
    root = parse_xml(shared.call("GetCompletedAssessments", "xml", **params))
    assert root.get("response") == message


def test_non_finite_and_huge_numbers_are_refused_not_crashed(shared: Sandbox) -> None:
    for literal in (b"NaN", b"Infinity", b"-Infinity", b"1" * 5000):
        body = b'{"apiToken": "%s", "formatOutput": "json", "dateFromUtc": %s}' % (
            DEMO_BERKE_TOKEN.encode(),
            literal,
        )
        response = shared.http.post(
            "/GetCompletedAssessments",
            content=body,
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 400, response.text
        assert response.headers["x-response-code"] in ("400.1038", "400.1051")


# -- GetReportForJob and GetReport -------------------------------------------------------------
def test_report_for_job_is_a_pdf_naming_candidate_and_job(shared: Sandbox) -> None:
    created = shared.create(
        "REP-1", firstName="Zoë", lastName="Łukasz (Nguyễn)", sourceJobId="NURSE-RN"
    )
    shared.finish(created["invitationCode"])
    done = shared.completed("REP-1")
    primary = next(f for f in done["jobFit"] if f["isPrimaryJob"])
    response = shared.call("GetReportForJob", sourceCandidateId="rep-1")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-response-code"] == "200.0"
    assert response.headers["content-disposition"].endswith('.pdf"')
    lines = pdf_lines(response.content)
    # cp1252 keeps ë; Ł and ễ, which Helvetica's encoding lacks, lose only their accents.
    assert "Participant: Zoë Lukasz (Nguyen)" in lines
    assert "Job: Registered Nurse (NURSE-RN)" in lines
    assert f"Job fit: {primary['fit']} ({round(primary['fitPct'] * 100)} %)" in lines
    assert "Job Fit Report" in lines

    other = next(f for f in done["jobFit"] if not f["isPrimaryJob"])
    for_other = shared.call(
        "GetReportForJob",
        "xml",
        sourceCandidateId="REP-1",
        sourceJobId=other["sourceJobId"].lower(),
    )
    assert for_other.headers["content-type"] == "application/pdf"
    assert f"Job: {other['job']} ({other['sourceJobId']})" in pdf_lines(for_other.content)

    spotlight = shared.call("GetReportForJob", sourceCandidateId="REP-1", reportTypeId=2)
    assert "Spotlight Report" in pdf_lines(spotlight.content)
    html = shared.call(
        "GetReportForJob", sourceCandidateId="REP-1", outputFormat="1", reportTypeId=3
    )
    assert html.status_code == 200
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert html.text.startswith("<!doctype html>")
    assert "Participant Report" in html.text
    assert "Participant: Zoë Łukasz (Nguyễn)" in html.text
    assert "Registered Nurse" in html.text


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_report_for_job_errors_are_envelopes(shared: Sandbox, fmt: str) -> None:
    done = shared.create("REP-E" + fmt)
    shared.finish(done["invitationCode"])
    shared.create("REP-OPEN" + fmt)
    gone = shared.create("REP-GONE" + fmt)
    shared.finish(gone["invitationCode"])
    shared.ok("DeleteAssessment", sourceCandidateId="REP-GONE" + fmt)
    cases: list[tuple[dict[str, Any], int]] = [
        ({"sourceCandidateId": "REP-OPEN" + fmt}, 1046),
        ({"sourceCandidateId": "REP-GONE" + fmt}, 1041),
        ({"sourceCandidateId": "REP-E" + fmt, "sourceJobId": "NOPE"}, 1042),
        ({"sourceCandidateId": "REP-E" + fmt, "reportTypeId": 4}, 1039),
        ({"sourceCandidateId": "REP-E" + fmt, "outputFormat": 2}, 1039),
        ({"sourceCandidateId": "REP-E" + fmt, "outputFormat": "pdf"}, 1038),
        ({"sourceJobId": "SW-ENG"}, 1030),
    ]
    for params, code in cases:
        response = shared.call("GetReportForJob", fmt, **params)
        assert response.status_code == 400, (params, response.text)
        assert response.headers["x-response-code"] == f"400.{code}"
        if fmt == "json":
            assert response.json()["status"] == "error"
        else:
            assert parse_xml(response).get("responseCode") == "400"
    for report_type in (None, 0, 1, 2, 3):
        ok = shared.call(
            "GetReportForJob", fmt, sourceCandidateId="REP-E" + fmt, reportTypeId=report_type
        )
        assert ok.content.startswith(b"%PDF-")


def test_report_url_is_anonymous_and_dies_with_the_assessment(shared: Sandbox) -> None:
    created = shared.create("LINK-1", firstName="Aiko", lastName="Tanaka")
    shared.finish(created["invitationCode"])
    fits = shared.completed("LINK-1")["jobFit"]
    for fit in fits[:2]:
        report = httpx.get(fit["reportUrl"])  # no apiToken: the link itself is the key
        assert report.status_code == 200
        assert report.headers["content-type"] == "application/pdf"
        lines = pdf_lines(report.content)
        assert "Participant: Aiko Tanaka" in lines
        assert f"Job: {fit['job']} ({fit['sourceJobId']})" in lines
    base = shared.server.berke_base_url
    unknown = httpx.get(f"{base}/GetReport", params={"id": "0" * 32, "formatOutput": "json"})
    assert_berke_error(unknown, 404, 1047, f"Report not found, id=[{'0' * 32}]")
    assert parse_xml(httpx.get(f"{base}/GetReport?id=nope")).get("responseCode") == "404"
    assert_berke_error(httpx.get(f"{base}/GetReport?formatOutput=json"), 400, 1030)
    posted = httpx.post(fits[0]["reportUrl"])
    assert (posted.status_code, posted.headers["allow"]) == (405, "GET")
    assert posted.headers["x-response-code"] == "405.1061"
    shared.ok("DeleteAssessment", sourceCandidateId="LINK-1")
    assert httpx.get(fits[0]["reportUrl"]).status_code == 404


# -- UpdateAssessment --------------------------------------------------------------------------
def test_update_assessment_changes_and_answers_the_assessment(shared: Sandbox) -> None:
    created = shared.create("UPD-1", emailAddress="old@example.com")
    body = shared.ok(
        "UpdateAssessment",
        sourceCandidateId="upd-1",
        firstName="José",
        lastName="Álvarez",
        emailAddress="jose@example.com",
        completeWithinDays=7,
        sourceDepartmentId="EMEA",
    )
    assert body["assessment"] == {
        "sourceCandidateId": "UPD-1",
        "invitationCode": created["invitationCode"],
        "assessmentUrl": created["assessmentUrl"],
        "firstName": "José",
        "lastName": "Álvarez",
        "emailAddress": "jose@example.com",
        "completeWithinDays": 7,
        "sourceDepartmentId": "EMEA",
    }
    status = shared.status("UPD-1")
    assert (status["firstName"], status["emailAddress"]) == ("José", "jose@example.com")
    # What is not sent stays as it was.
    root = parse_xml(
        shared.call("UpdateAssessment", "xml", sourceCandidateId="UPD-1", lastName="Peña")
    )
    child = root.find("assessment")
    assert (child.get("firstName"), child.get("lastName"), child.get("completeWithinDays")) == (
        "José",
        "Peña",
        "7",
    )


def test_update_assessment_rekeys(shared: Sandbox) -> None:
    created = shared.create("OLD-KEY")
    shared.create("TAKEN-KEY")
    refused = shared.call(
        "UpdateAssessment",
        sourceCandidateId="OLD-KEY",
        newSourceCandidateId="taken-key",
        firstName="Never",
    )
    assert_berke_error(
        refused, 400, 1040, "sourceCandidateId must be unique, sourceCandidateId=[taken-key]"
    )
    assert shared.status("OLD-KEY")["firstName"] == "Zoë"  # a refused call changes nothing
    moved = shared.ok(
        "UpdateAssessment", sourceCandidateId="old-key", newSourceCandidateId="NEW-KEY"
    )
    assert moved["assessment"]["sourceCandidateId"] == "NEW-KEY"
    assert moved["assessment"]["invitationCode"] == created["invitationCode"]
    assert_berke_error(shared.call("GetAssessmentStatus", sourceCandidateId="OLD-KEY"), 400, 1041)
    assert shared.status("new-key")["invitationCode"] == created["invitationCode"]
    by_code = shared.ok("GetAssessmentStatus", invitationCode=created["invitationCode"])
    assert by_code["assessment"]["sourceCandidateId"] == "NEW-KEY"
    # Its own id in another spelling is no clash.
    respelt = shared.ok(
        "UpdateAssessment", sourceCandidateId="NEW-KEY", newSourceCandidateId="New-Key"
    )
    assert respelt["assessment"]["sourceCandidateId"] == "New-Key"
    shared.create("OLD-KEY")  # the old id is free again
    shared.finish(created["invitationCode"])
    fits = shared.completed("new-key")["jobFit"]
    assert httpx.get(fits[0]["reportUrl"]).status_code == 200


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, 1030),
        ({"sourceCandidateId": "NOBODY"}, 1041),
        ({"firstName": "x" * 101}, 1031),
        ({"lastName": "é" * 101}, 1031),
        ({"newSourceCandidateId": "n" * 51}, 1031),
        ({"emailAddress": "not-an-email"}, 1032),
        ({"completeWithinDays": 1}, 1036),
        ({"completeWithinDays": 22}, 1036),
        ({"sourceDepartmentId": "LEGACY"}, 1044),
        ({"sourceDepartmentId": "NOWHERE"}, 1043),
        ({"phoneNumber": "+1 555"}, 1052),
    ],
)
def test_update_assessment_rules(shared: Sandbox, params: dict[str, Any], code: int) -> None:
    if shared.hook().get("UPD-RULES") is None:
        shared.create("UPD-RULES")
    full = {"sourceCandidateId": "UPD-RULES", **params} if params else {}
    message = assert_berke_error(shared.call("UpdateAssessment", **full), 400, code)
    assert re.fullmatch(r".+, \w+=\[.*\]", message)
    assert parse_xml(shared.call("UpdateAssessment", "xml", **full)).get("response") == message
    assert shared.status("UPD-RULES")["firstName"] == "Zoë"


# -- DeleteAssessment --------------------------------------------------------------------------
def test_delete_assessment_json_and_xml(fresh: Sandbox) -> None:
    kept = fresh.create("DEL-KEEP")
    fresh.finish(kept["invitationCode"])
    created = fresh.create("DEL-1")
    fresh.finish(created["invitationCode"])
    assert fresh.ok("GetCompletedAssessments")["assessments"]["totalAssessments"] == 2
    body = fresh.ok("DeleteAssessment", sourceCandidateId="del-1")
    assert body["assessment"] == {
        "sourceCandidateId": "DEL-1",
        "updates": "Assessment deleted. SourceCandidateId no longer exists in system.",
    }
    assert_berke_error(fresh.call("GetAssessmentStatus", sourceCandidateId="DEL-1"), 400, 1041)
    assert_berke_error(
        fresh.call("GetAssessmentStatus", invitationCode=created["invitationCode"]), 400, 1045
    )
    assert_berke_error(fresh.call("GetCompletedAssessment", sourceCandidateId="DEL-1"), 400, 1041)
    assert_berke_error(fresh.call("DeleteAssessment", sourceCandidateId="DEL-1"), 400, 1041)
    assert httpx.get(created["assessmentUrl"]).status_code == 404
    listing = fresh.ok("GetCompletedAssessments")["assessments"]
    assert [a["sourceCandidateId"] for a in listing["assessment"]] == ["DEL-KEEP"]
    assert "DEL-1" not in fresh.hook()

    again = fresh.create("DEL-1", firstName="Mette")  # the id may be used again
    assert again["invitationCode"] != created["invitationCode"]
    assert fresh.status("DEL-1")["StatusId"] == 0
    root = parse_xml(fresh.call("DeleteAssessment", "xml", sourceCandidateId="DEL-1"))
    assert (root.get("status"), root.get("responseCode")) == ("ok", "200")
    assert root.find("assessment").attrib == {
        "sourceCandidateId": "DEL-1",
        "updates": "Assessment deleted. SourceCandidateId no longer exists in system.",
    }
    assert_berke_error(fresh.call("DeleteAssessment"), 400, 1030)


# -- the same gate as every method -------------------------------------------------------------
NEW_METHODS = [
    "GetCompletedAssessment",
    "GetCompletedAssessments",
    "GetReportForJob",
    "UpdateAssessment",
    "DeleteAssessment",
]


@pytest.mark.parametrize("method", NEW_METHODS)
def test_new_methods_need_the_token_and_post(shared: Sandbox, method: str) -> None:
    wrong = shared.http.post(f"/{method}", json={"apiToken": "nope", "formatOutput": "json"})
    assert_berke_error(wrong, 403, 1003, "API key 'no...' is invalid or inactive")
    get = shared.http.get(f"/{method}", params={"formatOutput": "json"})
    assert_berke_error(get, 405, 1061)
    assert get.headers["allow"] == "POST"
    assert_berke_error(shared.call(method, username="former.coordinator"), 400, 1021)


def test_new_methods_share_the_burst_limit() -> None:
    for sandbox in _sandbox(berke_burst=2, berke_window_ms=1000):
        sandbox.create("BURST-1")
        assert sandbox.call("GetCompletedAssessments").status_code == 200
        denied = sandbox.call("GetCompletedAssessments")
        assert_berke_error(denied, 429, 1010)
        assert denied.json()["response"].startswith("GetCompletedAssessments API method")
        assert parse_xml(sandbox.call("DeleteAssessment", "xml")).get("responseCode") == "429"
        sandbox.clock.now += 1.0
        assert sandbox.call("DeleteAssessment", sourceCandidateId="BURST-1").status_code == 200


# -- candidates who finish on their own --------------------------------------------------------
def test_invited_assessments_complete_on_their_own() -> None:
    for sandbox in _sandbox(auto_complete_after=600):
        sandbox.create("AUTO-1")
        sandbox.create("AUTO-NOT-INVITED")
        sandbox.ok("SendInvitation", sourceCandidateId="AUTO-1", emailAddress="a@example.com")
        invited_at = sandbox.hook()["AUTO-1"]["autoCompleteOnUtc"] - 600
        sandbox.clock.now += 100
        # A second invitation does not put the candidate's progress off.
        sandbox.ok("SendInvitation", sourceCandidateId="AUTO-1", emailAddress="a@example.com")
        sandbox.clock.now += 199.9
        assert sandbox.status("AUTO-1")["StatusId"] == 0
        sandbox.clock.now += 0.1  # halfway: started
        assert sandbox.status("AUTO-1")["StatusId"] == 1
        assert sandbox.hook()["AUTO-1"]["startedOnUtc"] == pytest.approx(invited_at + 300)
        assert_berke_error(
            sandbox.call("GetCompletedAssessment", sourceCandidateId="AUTO-1"), 400, 1046
        )
        sandbox.clock.now += 299.99
        assert sandbox.ok("GetCompletedAssessments")["assessments"]["totalAssessments"] == 0
        sandbox.clock.now += 3600  # long after: completed at its own time, not at the request
        listing = sandbox.ok("GetCompletedAssessments")["assessments"]
        assert [a["sourceCandidateId"] for a in listing["assessment"]] == ["AUTO-1"]
        done = listing["assessment"][0]
        assert done["completedOnUtc"] == pytest.approx(invited_at + 600)
        assert len(done["jobFit"]) == len(jobs(sandbox))
        assert sum(f["isPrimaryJob"] for f in done["jobFit"]) == 1
        hooked = sandbox.hook()
        assert (hooked["AUTO-1"]["progress"], hooked["AUTO-1"]["autoCompleteOnUtc"]) == (
            "complete",
            None,
        )
        assert hooked["AUTO-NOT-INVITED"]["progress"] == "not_started"
        assert hooked["AUTO-NOT-INVITED"]["autoCompleteOnUtc"] is None
        report = sandbox.call("GetReportForJob", sourceCandidateId="AUTO-1")
        assert report.content.startswith(b"%PDF-")


def test_the_start_page_sees_auto_progress_and_a_person_can_finish_first() -> None:
    for sandbox in _sandbox(auto_complete_after=60):
        early = sandbox.create("AUTO-EARLY")
        sandbox.ok("SendInvitation", sourceCandidateId="AUTO-EARLY", emailAddress="a@example.com")
        sandbox.clock.now += 30
        page = httpx.get(early["assessmentUrl"])
        assert [label for _, label in FORM.findall(page.text)] == ["Finish this assessment"]
        sandbox.clock.now += 10
        sandbox.finish(early["invitationCode"])
        finished_at = sandbox.status("AUTO-EARLY")["completedOnUtc"]
        sandbox.clock.now += 60
        assert sandbox.status("AUTO-EARLY")["completedOnUtc"] == finished_at
        deleted = sandbox.create("AUTO-DELETED")
        sandbox.ok("SendInvitation", sourceCandidateId="AUTO-DELETED", emailAddress="a@example.com")
        sandbox.ok("DeleteAssessment", sourceCandidateId="AUTO-DELETED")
        sandbox.clock.now += 120
        assert "AUTO-DELETED" not in sandbox.hook()
        assert httpx.get(deleted["assessmentUrl"]).status_code == 404


def _auto_completed(share: float, seed: int) -> set[str]:
    for sandbox in _sandbox(auto_complete_after=10, auto_complete_share=share, seed=seed):
        for i in range(30):
            sandbox.create(f"SHARE-{i}")
            sandbox.ok(
                "SendInvitation", sourceCandidateId=f"SHARE-{i}", emailAddress="a@example.com"
            )
        sandbox.clock.now += 10
        return {k for k, a in sandbox.hook().items() if a["progress"] == "complete"}
    raise AssertionError("no sandbox")


def test_only_a_seeded_share_completes_on_its_own() -> None:
    half = _auto_completed(0.5, seed=1)
    assert 5 <= len(half) <= 25  # some finish, some stay open
    assert _auto_completed(0.5, seed=1) == half
    assert _auto_completed(0.5, seed=2) != half
    assert _auto_completed(0.0, seed=1) == set()
    assert len(_auto_completed(1.0, seed=1)) == 30


def test_auto_complete_config_and_flags() -> None:
    assert (SandboxConfig().auto_complete_after, SandboxConfig().auto_complete_share) == (None, 1.0)
    for after in (-1.0, math.nan):
        with pytest.raises(ValueError, match="auto_complete_after"):
            SandboxConfig(auto_complete_after=after)
    for share in (-0.1, 1.5, math.nan):
        with pytest.raises(ValueError, match="auto_complete_share"):
            SandboxConfig(auto_complete_share=share)
    default = config_from(_parser().parse_args([]))
    assert (default.auto_complete_after, default.auto_complete_share) == (None, 1.0)
    flagged = config_from(
        _parser().parse_args(["--auto-complete-after", "45", "--auto-complete-share", "0.25"])
    )
    assert (flagged.auto_complete_after, flagged.auto_complete_share) == (45.0, 0.25)
