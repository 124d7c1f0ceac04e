"""Conformance of the sandbox to the API references, over real loopback HTTP with plain httpx."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
import httpx
import pytest
import uvicorn
from starlette.datastructures import UploadFile

import app.sandbox.data as sandbox_data
from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY, SandboxConfig, SandboxServer, create_app
from tests.waits import HANG_GUARD_SECONDS

from .conftest import FakeClock

SR_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")
BERKE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$")
CODE = re.compile(r"^[A-HJ-NP-Z2-9]{10}$")
COMPLETED = "Cannot change state of an assessment which is completed"
ROOT = Path(__file__).resolve().parents[2]


# -- helpers ----------------------------------------------------------------------------------
def assert_sr_error(
    response: httpx.Response, status: int, code: str, message: str | None = None
) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json;charset=utf-8"
    body = response.json()
    assert set(body) == {"id", "createdAt", "httpCode", "code", "message", "helpUrl"}
    assert body["httpCode"] == status
    assert body["code"] == code
    assert isinstance(body["createdAt"], int)
    assert body["helpUrl"] == ""
    if message is not None:
        assert body["message"] == message
    return body


def new_order(sr: httpx.Client, **extra: Any) -> dict[str, Any]:
    body = {
        "candidate": {"firstName": "Zoë", "lastName": "Müller"},
        "job": {"name": "Nurse"},
        **extra,
    }
    response = sr.post("/assessments", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def accepted_order(sr: httpx.Client) -> dict[str, Any]:
    order = new_order(sr)
    response = sr.post(
        f"/assessments/{order['id']}/accept",
        json={"assessmentURL": "https://berke.example/start/ABC", "message": "ok"},
    )
    assert response.status_code == 200, response.text
    return response.json()


def berke(client: httpx.Client, method: str, fmt: str = "json", **params: Any) -> httpx.Response:
    body = {"apiToken": DEMO_BERKE_TOKEN, **params}
    if fmt:
        body["formatOutput"] = fmt
    response = client.post(f"/{method}", json={k: v for k, v in body.items() if v is not ...})
    assert response.headers["x-response-code"].startswith(f"{response.status_code}.")
    assert "x-response-message" in response.headers
    return response


def assert_berke_error(
    response: httpx.Response, status: int, code: int, message: str | None = None
) -> str:
    assert response.status_code == status, response.text
    assert response.headers["x-response-code"] == f"{status}.{code}"
    body = response.json()
    assert body["status"] != "ok"
    assert body["responseCode"] == str(status)
    if message is not None:
        assert body["response"] == message
    if body["response"].isascii():
        assert response.headers["x-response-message"] == body["response"]
    return str(body["response"])


def parse_xml(response: httpx.Response) -> Any:
    assert response.headers["content-type"] == "application/xml; charset=utf-16"
    assert response.content.startswith(b"\xff\xfe")
    text = response.content.decode("utf-16")
    assert text.startswith('<?xml version="1.0" encoding="utf-16"?>')
    return SafeET.fromstring(response.content)


# -- SmartRecruiters: authentication and errors ------------------------------------------------
def test_sr_missing_key_is_401(server: SandboxServer) -> None:
    response = httpx.get(server.sr_base_url + "/assessments")
    assert_sr_error(response, 401, "UNAUTHORIZED")


def test_sr_wrong_key_is_403_and_customer_key_is_named(server: SandboxServer) -> None:
    wrong = httpx.get(server.sr_base_url + "/assessments", headers={"X-SmartToken": "x" * 64})
    assert_sr_error(wrong, 403, "FORBIDDEN")
    customer = httpx.get(server.sr_base_url + "/assessments", headers={"X-SmartToken": "c" * 32})
    body = assert_sr_error(customer, 403, "FORBIDDEN")
    assert "customer API key" in body["message"]
    assert "partner API" in body["message"]


def test_sr_key_in_url_is_refused(server: SandboxServer) -> None:
    response = httpx.get(
        server.sr_base_url + "/assessments",
        params={"apiKey": DEMO_SR_KEY},
        headers={"X-SmartToken": DEMO_SR_KEY},
    )
    assert_sr_error(response, 400, "BAD_REQUEST")
    assert DEMO_SR_KEY not in response.text


def test_sr_unknown_things_are_404_and_wrong_method_405(sr: httpx.Client) -> None:
    assert_sr_error(sr.get("/assessments/does-not-exist"), 404, "NOT_FOUND")
    assert_sr_error(sr.get("/nowhere"), 404, "NOT_FOUND")
    assert_sr_error(sr.get("/offers/nope"), 404, "NOT_FOUND")
    response = sr.delete("/assessments")
    assert_sr_error(response, 405, "METHOD_NOT_ALLOWED")
    assert set(response.headers["allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


# -- SmartRecruiters: listing and seeded data --------------------------------------------------
def test_sr_list_paging_sorting_and_validation(sr: httpx.Client) -> None:
    first = sr.get("/assessments")
    assert first.status_code == 200
    assert first.headers["content-type"] == "application/json;charset=utf-8"
    page = first.json()
    assert (page["limit"], page["offset"]) == (20, 0)
    assert len(page["content"]) == 20
    assert page["totalFound"] >= 200
    both = sr.get("/assessments", params={"limit": 40}).json()["content"]
    second = sr.get("/assessments", params={"limit": 20, "offset": 20}).json()["content"]
    assert both == page["content"] + second
    dates = [o["createDate"] for o in both]
    assert all(SR_TIME.match(d) for d in dates)
    assert dates == sorted(dates, reverse=True)
    for bad in ({"limit": 0}, {"limit": 101}, {"limit": "ten"}, {"offset": -1}, {"status": "DONE"}):
        assert_sr_error(sr.get("/assessments", params=bad), 400, "BAD_REQUEST")
    rejected = sr.get("/assessments", params={"status": "REJECTED", "limit": 100}).json()
    assert rejected["totalFound"] > 0
    assert {o["status"] for o in rejected["content"]} == {"REJECTED"}


def _all_orders(client: httpx.Client) -> list[dict[str, Any]]:
    orders: list[dict[str, Any]] = []
    while True:
        page = client.get("/assessments", params={"limit": 100, "offset": len(orders)}).json()
        orders += page["content"]
        if len(orders) >= page["totalFound"]:
            return orders


def test_seeded_orders_are_varied_and_realistic(fresh_server: SandboxServer) -> None:
    with httpx.Client(
        base_url=fresh_server.sr_base_url, headers={"X-SmartToken": DEMO_SR_KEY}
    ) as client:
        orders = _all_orders(client)
        offers = {o["catalogId"] for o in client.get("/offers").json()["content"]}
    assert len(orders) == 200
    statuses = Counter(o["status"] for o in orders)
    assert statuses["NEW"] >= 100
    assert all(statuses[s] > 0 for s in ("IN_PROGRESS", "REJECTED", "COMPLETED"))
    names = {f"{o['candidate']['firstName']} {o['candidate']['lastName']}" for o in orders}
    assert {"Zoë Müller", "José Álvarez", "Łukasz Nowak"} <= names
    assert any(not n.isascii() for n in names)
    assert any("email" not in o["candidate"] for o in orders)
    assert any("phone" not in o["candidate"] for o in orders)
    assert max(Counter(o["candidate"]["id"] for o in orders).values()) > 1
    assert len({o["company"]["id"] for o in orders}) >= 5
    assert len({o["job"]["industry"]["id"] for o in orders}) >= 4
    assert {o["offer"]["catalogId"] for o in orders} <= offers
    order = orders[0]
    assert set(order) == {
        "id",
        "status",
        "createDate",
        "lastUpdateDate",
        "requestor",
        "candidate",
        "job",
        "company",
        "offer",
    }
    assert set(order["job"]) == {
        "id",
        "name",
        "industry",
        "function",
        "experienceLevel",
        "location",
    }
    assert set(order["job"]["location"]) == {"country", "region", "city"}
    assert {"id", "uuid", "firstName", "lastName"} <= set(order["candidate"])


def test_same_seed_same_data_other_seed_other_data(monkeypatch: pytest.MonkeyPatch) -> None:
    # The demo orders are dated back from midnight UTC today, read as each sandbox seeds:
    # pinned, or two sandboxes either side of midnight differ in every date.
    day = datetime(2026, 3, 14, tzinfo=UTC)
    monkeypatch.setattr(sandbox_data, "reference_date", lambda: day)

    def listing(seed: int) -> list[dict[str, Any]]:
        with (
            SandboxServer(SandboxConfig(seed=seed, orders=30, sr_rate_per_second=0)) as s,
            httpx.Client(base_url=s.sr_base_url, headers={"X-SmartToken": DEMO_SR_KEY}) as c,
        ):
            return _all_orders(c)

    assert listing(7) == listing(7)
    assert listing(7) != listing(8)


# -- SmartRecruiters: order lifecycle ----------------------------------------------------------
def test_create_test_order_requires_names_and_json(sr: httpx.Client) -> None:
    order = new_order(sr)
    assert order["status"] == "NEW"
    assert SR_TIME.match(order["createDate"])
    assert sr.get(f"/assessments/{order['id']}").json() == order
    for body in (
        {"candidate": {"firstName": "A"}, "job": {"name": "J"}},
        {"candidate": {"firstName": "A", "lastName": "B"}},
        {"candidate": {"firstName": "A", "lastName": "B"}, "job": {"name": " "}},
    ):
        assert_sr_error(sr.post("/assessments", json=body), 400, "BAD_REQUEST")
    assert_sr_error(
        sr.post("/assessments", content=b"{nope", headers={"Content-Type": "application/json"}),
        400,
        "BAD_REQUEST",
    )
    assert_sr_error(
        sr.post("/assessments", content=b"a=b", headers={"Content-Type": "text/plain"}),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    )


@pytest.mark.parametrize(
    "url", ["", "   ", "ftp://x.example/a", "/relative/path", "https://", "not a url", 42]
)
def test_accept_refuses_a_passed_url_that_is_not_one(sr: httpx.Client, url: object) -> None:
    order = new_order(sr)
    body = {"message": "ok", "assessmentURL": url}
    error = assert_sr_error(
        sr.post(f"/assessments/{order['id']}/accept", json=body), 400, "BAD_REQUEST"
    )
    assert "assessmentURL" in error["message"]
    assert sr.get(f"/assessments/{order['id']}").json()["status"] == "NEW"


@pytest.mark.parametrize(
    "body",
    [
        {"message": "Accepted, the invitation follows by e-mail"},  # the Node/Express client
        # A Java client serialising its unset fields as null.
        {"message": "ok", "assessmentURL": None, "messageToCandidate": None, "author": None},
        {},
        None,  # no body at all
    ],
)
def test_accept_without_an_assessment_url_as_the_faq_allows(
    sr: httpx.Client, body: dict[str, Any] | None
) -> None:
    """The FAQ shows the URL to the recruiter and the candidate "(if passed with the request)":
    every field of the accept body is optional."""
    order = new_order(sr)
    path = f"/assessments/{order['id']}/accept"
    response = sr.post(path) if body is None else sr.post(path, json=body)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "IN_PROGRESS"
    assert sr.get(f"/assessments/{order['id']}").json()["status"] == "IN_PROGRESS"


def test_accept_then_invalid_transitions(sr: httpx.Client) -> None:
    order = new_order(sr)
    accepted = accepted_order(sr)
    assert accepted["status"] == "IN_PROGRESS"
    assert accepted["lastUpdateDate"] >= accepted["createDate"]
    again = sr.post(
        f"/assessments/{accepted['id']}/accept", json={"assessmentURL": "https://x.example/a"}
    )
    assert "IN_PROGRESS" in assert_sr_error(again, 400, "BAD_REQUEST")["message"]
    complete_new = sr.post(f"/assessments/{order['id']}/complete", json={"message": "done"})
    assert "NEW" in assert_sr_error(complete_new, 400, "BAD_REQUEST")["message"]


def test_reject_rules(sr: httpx.Client) -> None:
    for bad in ({"assessmentURL": ""}, {"assessmentURL": None}, {"assessmentURL": "  "}):
        order = new_order(sr)
        response = sr.post(f"/assessments/{order['id']}/reject", json={"message": "no", **bad})
        assert_sr_error(response, 400, "BAD_REQUEST")
    order = new_order(sr)
    rejected = sr.post(f"/assessments/{order['id']}/reject", json={"message": "Sorry"})
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "REJECTED"
    again = sr.post(f"/assessments/{order['id']}/reject", json={"message": "Sorry"})
    assert "REJECTED" in assert_sr_error(again, 400, "BAD_REQUEST")["message"]
    in_progress = accepted_order(sr)
    tolerated = sr.post(
        f"/assessments/{in_progress['id']}/reject",
        json={"message": "x", "assessmentURL": "https://x.example"},
    )
    assert tolerated.json()["status"] == "REJECTED"
    results = sr.post(
        f"/assessments/{order['id']}/results",
        json={"resultType": "URL", "result": "https://x.example"},
    )
    assert_sr_error(results, 400, "BAD_REQUEST")


def test_complete_with_result_then_attachments_then_frozen(sr: httpx.Client) -> None:
    order = accepted_order(sr)
    oid = order["id"]
    body = {
        "resultType": "Document",
        "result": "result.pdf",
        "title": "Berke",
        "passed": True,
        "score": "98/100",
        "description": "<p><strong>High</strong> fit</p>",
        "author": {"firstName": "Test", "lastName": "Test", "email": "", "phone": "1"},
    }
    completed = sr.post(f"/assessments/{oid}/complete", json=body)
    assert completed.status_code == 200, completed.text
    result_id = completed.json()["resultId"]
    assert completed.json()["status"] == "COMPLETED"
    result = sr.get(f"/assessments/{oid}/results/{result_id}").json()
    assert result["resultType"] == "DOCUMENT"
    assert result["score"] == "98/100"
    assert [r["id"] for r in sr.get(f"/assessments/{oid}/results").json()["content"]] == [result_id]

    payload = "Zoë's report ✓".encode() + bytes(range(256))
    upload = sr.post(
        f"/assessments/{oid}/results/{result_id}/attachments",
        files={"attachment": ("report.pdf", payload, "application/pdf")},
    )
    assert upload.status_code == 201, upload.text
    attachment = upload.json()
    assert set(attachment) == {"id", "createDate", "lastUpdateDate", "fileName"}
    assert attachment["fileName"] == "report.pdf"
    listed = sr.get(f"/assessments/{oid}/results/{result_id}/attachments").json()["content"]
    assert [a["id"] for a in listed] == [attachment["id"]]
    content = sr.get(
        f"/assessments/{oid}/results/{result_id}/attachments/{attachment['id']}/content"
    )
    assert content.content == payload
    wrong_part = sr.post(
        f"/assessments/{oid}/results/{result_id}/attachments",
        files={"file": ("report.pdf", b"x", "application/pdf")},
    )
    assert_sr_error(wrong_part, 400, "BAD_REQUEST")
    as_json = sr.post(f"/assessments/{oid}/results/{result_id}/attachments", json={"a": 1})
    assert_sr_error(as_json, 400, "BAD_REQUEST")
    assert_sr_error(
        sr.post(
            f"/assessments/{oid}/results/nope/attachments", files={"attachment": ("a.pdf", b"x")}
        ),
        404,
        "NOT_FOUND",
    )

    for action, action_body in (
        ("complete", {"message": "again"}),
        ("complete", body),
        ("reject", {"message": "no"}),
        ("accept", {"assessmentURL": "https://x.example"}),
    ):
        response = sr.post(f"/assessments/{oid}/{action}", json=action_body)
        assert_sr_error(response, 400, "BAD_REQUEST", COMPLETED)
    extra = sr.post(
        f"/assessments/{oid}/results", json={"resultType": "url", "result": "https://x.example/r"}
    )
    assert extra.status_code == 201
    assert extra.json()["resultType"] == "URL"
    assert sr.post(f"/assessments/{oid}/comments", json={"message": "later"}).status_code == 201


def test_a_large_attachment_is_read_back_in_pieces_and_kept_whole(
    sr: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several MiB (spooled to disk by the form parser) come back byte for byte, and the
    sandbox never reads the spool in one go: one read() of a large file is one long copy
    in the kernel, holding a core that the desk's GUI thread may be waiting for."""
    sizes: list[int] = []
    read = UploadFile.read

    async def counted_read(self: UploadFile, size: int = -1) -> bytes:
        sizes.append(size)
        return await read(self, size)

    monkeypatch.setattr(UploadFile, "read", counted_read)
    order = accepted_order(sr)
    completed = sr.post(
        f"/assessments/{order['id']}/complete",
        json={"resultType": "Document", "result": "report.pdf"},
    )
    result_id = completed.json()["resultId"]
    payload = b"%PDF-1.7\n" + bytes(range(256)) * (10 * 1024) + b"tail"  # 2.5 MiB and a bit
    url = f"/assessments/{order['id']}/results/{result_id}/attachments"
    upload = sr.post(url, files={"attachment": ("report.pdf", payload, "application/pdf")})
    assert upload.status_code == 201, upload.text
    content = sr.get(f"{url}/{upload.json()['id']}/content")
    assert content.content == payload
    assert len(sizes) >= 3
    assert all(0 < size <= 1024 * 1024 for size in sizes), sizes


def test_an_empty_attachment_is_kept_empty(sr: httpx.Client) -> None:
    """Zero bytes end the piecewise read at once: stored and served back as nothing."""
    order = accepted_order(sr)
    completed = sr.post(
        f"/assessments/{order['id']}/complete",
        json={"resultType": "Document", "result": "report.pdf"},
    )
    url = f"/assessments/{order['id']}/results/{completed.json()['resultId']}/attachments"
    upload = sr.post(url, files={"attachment": ("empty.pdf", b"", "application/pdf")})
    assert upload.status_code == 201, upload.text
    assert sr.get(f"{url}/{upload.json()['id']}/content").content == b""


def test_complete_with_comment_as_documented(sr: httpx.Client) -> None:
    order = accepted_order(sr)
    done = sr.post(
        f"/assessments/{order['id']}/complete",
        json={"message": "Finished", "author": {"firstName": "A", "lastName": "B"}},
    )
    assert done.status_code == 200
    assert done.json()["status"] == "COMPLETED"
    assert "resultId" not in done.json()
    assert done.json()["lastUpdateDate"] >= order["lastUpdateDate"]


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"resultType": "DOCUMENT"}, "Please provide 'result' field."),
        ({"resultType": "DOCUMENT", "result": ""}, "Please provide 'result' field."),
        ({"resultType": "DOCUMENT", "result": None}, "Please provide 'result' field."),
        ({"resultType": "PDF", "result": "x"}, "resultType"),
        ({"result": "x"}, "resultType"),
        ({"resultType": "URL", "result": "result.pdf"}, "URL"),
        ({"resultType": "VIDEO_URL", "result": "ftp://x.example/v"}, "URL"),
        ({"resultType": "DOCUMENT", "result": "x", "description": "<script>x</script>"}, "script"),
        ({"resultType": "DOCUMENT", "result": "x", "description": "<h6>t</h6>"}, "h6"),
        ({"resultType": "DOCUMENT", "result": "x", "description": "a<br/>b"}, "br"),
        ({"resultType": "DOCUMENT", "result": "x", "passed": "yes"}, "passed"),
    ],
)
def test_result_validation(sr: httpx.Client, body: dict[str, Any], fragment: str) -> None:
    order = accepted_order(sr)
    response = sr.post(f"/assessments/{order['id']}/results", json=body)
    error = assert_sr_error(response, 400, "BAD_REQUEST")
    assert fragment in error["message"]
    if fragment.startswith("Please"):
        assert error["message"] == "Request is incorrect. Please provide 'result' field."
    completing = sr.post(f"/assessments/{order['id']}/complete", json=body)
    assert_sr_error(completing, 400, "BAD_REQUEST")
    assert sr.get(f"/assessments/{order['id']}").json()["status"] == "IN_PROGRESS"


@pytest.mark.parametrize(
    "body",
    [
        {"title": "Berke Job Fit", "score": "92/100", "passed": True, "description": "<p>Hi</p>"},
        {"passed": False},
        {"score": "0%", "author": {"firstName": "A", "lastName": "B"}},
        {"message": "Done", "title": "Berke Job Fit"},
    ],
    ids=["title-score-passed", "passed-false", "score-and-author", "comment-with-a-title"],
)
def test_complete_with_a_results_fields_but_no_result_is_refused(
    sr: httpx.Client, body: dict[str, Any]
) -> None:
    """Only "result" or "resultType" chose the FAQ's form: a body that lost those two but
    sent a title and a score was taken for the documented comment, and the order was
    completed, for good, with no result. SmartRecruiters asks for the result instead."""
    order = accepted_order(sr)
    completing = sr.post(f"/assessments/{order['id']}/complete", json=body)
    assert_sr_error(
        completing, 400, "BAD_REQUEST", "Request is incorrect. Please provide 'result' field."
    )
    assert sr.get(f"/assessments/{order['id']}").json()["status"] == "IN_PROGRESS"
    assert sr.get(f"/assessments/{order['id']}/results").json()["content"] == []


def test_complete_with_a_comment_and_unset_result_fields_as_null_is_the_comment(
    sr: httpx.Client,
) -> None:
    """A client sending its unset fields as null is not taken for the result form."""
    order = accepted_order(sr)
    body = {"message": "Finished", "title": None, "score": None, "passed": None, "author": None}
    done = sr.post(f"/assessments/{order['id']}/complete", json=body)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "COMPLETED"
    assert "resultId" not in done.json()


def test_an_address_with_an_unclosed_bracket_is_a_400_not_a_500(sr: httpx.Client) -> None:
    """urlsplit raised ValueError ("Invalid IPv6 URL") inside the sandbox: a 500, which the
    desk takes for a passing fault and retries for ever, where SmartRecruiters refuses it."""
    order = new_order(sr)
    accepting = sr.post(
        f"/assessments/{order['id']}/accept", json={"assessmentURL": "https://[oops/start/ABC"}
    )
    assert "assessmentURL" in assert_sr_error(accepting, 400, "BAD_REQUEST")["message"]
    assert sr.get(f"/assessments/{order['id']}").json()["status"] == "NEW"
    accepted = accepted_order(sr)
    body = {"resultType": "URL", "result": "https://[oops/r"}
    for path in ("results", "complete"):
        response = sr.post(f"/assessments/{accepted['id']}/{path}", json=body)
        assert "URL" in assert_sr_error(response, 400, "BAD_REQUEST")["message"]
    assert sr.get(f"/assessments/{accepted['id']}").json()["status"] == "IN_PROGRESS"


def test_result_accepts_allowed_markup_and_every_type(sr: httpx.Client) -> None:
    order = accepted_order(sr)
    html = (
        "<h1>a</h1><h5>b</h5><p><a href='https://x.example'>l</a><img src='i.png'/>"
        "<b>b</b><em>e</em><i>i</i><u>u</u></p><ol><li>1</li></ol><ul><li>2</li></ul>"
        "<pre><code>c</code></pre><blockquote>q</blockquote>"
    )
    for kind, value in (
        ("DOCUMENT", "r.pdf"),
        ("URL", "https://www.gooogle.coom"),
        ("VIDEO_URL", "http://v.example/1"),
        ("VIDEO_STREAM", "stream"),
        ("GENERATED_URL", "ignored"),
    ):
        response = sr.post(
            f"/assessments/{order['id']}/results",
            json={"resultType": kind.lower(), "result": value, "description": html},
        )
        assert response.status_code == 201, response.text
        assert response.json()["id"]
        assert SR_TIME.match(response.json()["createDate"])
    assert_sr_error(sr.get(f"/assessments/{order['id']}/results/nope"), 404, "NOT_FOUND")


def test_comments_rules_and_limit(sr: httpx.Client) -> None:
    order = new_order(sr)
    path = f"/assessments/{order['id']}/comments"
    assert_sr_error(sr.post(path, json={"author": {"firstName": "A"}}), 400, "BAD_REQUEST")
    assert_sr_error(sr.post(path, json={"message": ""}), 400, "BAD_REQUEST")
    for index in range(100):
        assert sr.post(path, json={"message": f"c{index}"}).status_code == 201
    assert_sr_error(sr.post(path, json={"message": "one too many"}), 400, "BAD_REQUEST")
    listed = sr.get(path).json()
    assert listed["totalFound"] == 100
    assert listed["content"][0]["message"] == "c0"


# -- SmartRecruiters: offers -------------------------------------------------------------------
def _offer_body(**extra: Any) -> dict[str, Any]:
    return {
        "catalogId": f"T-{extra.pop('suffix', 'x')}",
        "name": "Test offer",
        "description": "A test",
        "terms": {"type": "SKILLS_TEST", "price": {"amount": "20.00", "currencyCode": "USD"}},
        **extra,
    }


def test_offer_listing_and_search(sr: httpx.Client) -> None:
    offers = sr.get("/offers").json()
    assert offers["totalFound"] >= 4
    assert {"ACTIVE", "INACTIVE", "UNDER_REVIEW", "REJECTED"} <= {
        o["status"] for o in offers["content"]
    }
    offer = offers["content"][0]
    assert {
        "id",
        "catalogId",
        "name",
        "description",
        "status",
        "terms",
        "availability",
        "targetMarket",
        "createdOn",
        "updatedOn",
    } <= set(offer)
    found = sr.get("/offers", params={"q": "personality JOB"}).json()["content"]
    assert [o["catalogId"] for o in found] == ["BERKE-FIT"]
    assert sr.get("/offers", params={"q": "berke-talent"}).json()["totalFound"] == 1
    active = sr.get("/offers", params={"status": "ACTIVE"}).json()["content"]
    assert active
    assert {o["status"] for o in active} == {"ACTIVE"}
    assert_sr_error(sr.get("/offers", params={"limit": 101}), 400, "BAD_REQUEST")
    assert_sr_error(sr.get("/offers", params={"status": "LIVE"}), 400, "BAD_REQUEST")


def test_offer_create_rules(sr: httpx.Client) -> None:
    created = sr.post("/offers", json=_offer_body(suffix="create"))
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "INACTIVE"
    assert sr.get(f"/offers/{created.json()['id']}").json() == created.json()
    duplicate = sr.post("/offers", json=_offer_body(suffix="CREATE"))
    assert_sr_error(duplicate, 400, "BAD_REQUEST")
    active = sr.post("/offers", json=_offer_body(suffix="active", status="ACTIVE"))
    assert_sr_error(active, 400, "BAD_REQUEST", "unauthorized to access resource")
    # "offer, created INACTIVE", whatever else it asks for: submit and withdraw move it.
    for asked in ("UNDER_REVIEW", "REJECTED"):
        other = sr.post("/offers", json=_offer_body(suffix=f"as-{asked}", status=asked))
        assert other.status_code == 201, other.text
        assert other.json()["status"] == "INACTIVE"
    long_name = sr.post("/offers", json={**_offer_body(suffix="long"), "name": "n" * 256})
    assert_sr_error(long_name, 400, "BAD_REQUEST")
    ok_name = sr.post("/offers", json={**_offer_body(suffix="edge"), "name": "n" * 255})
    assert ok_name.status_code == 201
    for missing in ("catalogId", "name", "description", "terms"):
        body = _offer_body(suffix=f"m-{missing}")
        del body[missing]
        assert_sr_error(sr.post("/offers", json=body), 400, "BAD_REQUEST")
    for terms in (
        {"type": "IQ_TEST"},
        {"type": "SKILLS_TEST", "price": {"amount": 20}},
        {"type": "SKILLS_TEST", "price": {"amount": "20.00", "currencyCode": "usd"}},
    ):
        body = {**_offer_body(suffix="terms"), "terms": terms}
        assert_sr_error(sr.post("/offers", json=body), 400, "BAD_REQUEST")


def test_offer_availability_and_target_market_are_kept_as_sent(sr: httpx.Client) -> None:
    """Neither the reference nor the FAQ restricts them: what other clients send (a list of
    companies, specialOffer as text) is accepted and given back unchanged."""
    availability = {
        "companies": ["ACME", "Globex"],
        "specialOffer": "true",
        "industries": ["healthcare"],
    }
    created = sr.post(
        "/offers",
        json=_offer_body(suffix="avail", availability=availability, targetMarket=["EU", "US"]),
    )
    assert created.status_code == 201, created.text
    assert created.json()["availability"] == availability
    assert created.json()["targetMarket"] == ["EU", "US"]
    path = f"/offers/{created.json()['id']}"
    assert sr.get(path).json()["availability"] == availability
    updated = sr.post(path, json={"availability": {"companies": "ALL", "specialOffer": 1}})
    assert updated.status_code == 200, updated.text
    assert updated.json()["availability"] == {"companies": "ALL", "specialOffer": 1}
    others: list[dict[str, Any]] = [
        {"companies": "INVITED_BY_ME"},
        {"specialOffer": None},
        {"companies": []},
    ]
    for other in others:
        response = sr.post(
            "/offers", json=_offer_body(suffix=f"a-{len(str(other))}", availability=other)
        )
        assert response.status_code == 201, response.text


def test_offer_update_submit_withdraw(sr: httpx.Client) -> None:
    offer = sr.post("/offers", json=_offer_body(suffix="flow")).json()
    path = f"/offers/{offer['id']}"
    assert_sr_error(sr.put(path, json=_offer_body(suffix="flow")), 405, "METHOD_NOT_ALLOWED")
    updated = sr.post(path, json={"name": "Renamed"})
    assert updated.status_code == 200
    assert updated.json()["name"] == "Renamed"
    assert updated.json()["catalogId"] == "T-flow"
    assert_sr_error(
        sr.post(path, json={"status": "ACTIVE"}),
        400,
        "BAD_REQUEST",
        "unauthorized to access resource",
    )
    assert sr.post(path + "/submit").json()["status"] == "UNDER_REVIEW"
    assert_sr_error(sr.post(path + "/submit"), 400, "BAD_REQUEST")
    assert sr.post(path + "/withdraw").json()["status"] == "INACTIVE"
    assert_sr_error(sr.post(path + "/withdraw"), 400, "BAD_REQUEST")
    assert sr.post(path, json={"status": "UNDER_REVIEW"}).json()["status"] == "UNDER_REVIEW"
    assert_sr_error(sr.post("/offers/nope/submit"), 404, "NOT_FOUND")


# -- SmartRecruiters: the partner's configuration ----------------------------------------------
CONFIG_IDS = (
    "assessmentNotificationUrl",
    "resultURL",
    "resultHeader",
    "inlineAssessmentOrderUrl",
    "inlineAssessmentOrderHeader",
)


def _sr_client(server: SandboxServer) -> httpx.Client:
    return httpx.Client(base_url=server.sr_base_url, headers={"X-SmartToken": DEMO_SR_KEY})


def test_configs_start_empty_and_unset_ids_are_404(fresh_server: SandboxServer) -> None:
    with _sr_client(fresh_server) as client:
        listed = client.get("/configs")
        assert listed.status_code == 200, listed.text
        assert listed.headers["content-type"] == "application/json;charset=utf-8"
        assert listed.json() == {"totalFound": 0, "content": []}
        for config_id in CONFIG_IDS:
            unset = client.get(f"/configs/{config_id}")
            assert "not been set" in assert_sr_error(unset, 404, "NOT_FOUND")["message"]
        unknown = client.get("/configs/resultUrl")  # the reference spells it resultURL
        assert "does not exist" in assert_sr_error(unknown, 404, "NOT_FOUND")["message"]


def test_configs_set_read_and_list_every_documented_id(fresh_server: SandboxServer) -> None:
    values = {
        "assessmentNotificationUrl": "https://vendor.example/sr/new-order",
        "resultURL": "https://vendor.example/sr/results",
        "resultHeader": "Authorization: Bearer abc",
        "inlineAssessmentOrderUrl": "https://vendor.example/sr/inline",
        "inlineAssessmentOrderHeader": "X-Vendor: 1",
    }
    with _sr_client(fresh_server) as client:
        for config_id in reversed(CONFIG_IDS):
            response = client.post("/configs", json={"id": config_id, "value": values[config_id]})
            assert response.status_code == 200, response.text
            assert response.json() == {"id": config_id, "value": values[config_id]}
            assert client.get(f"/configs/{config_id}").json() == response.json()
        listed = client.get("/configs").json()
        assert listed["totalFound"] == 5
        assert listed["content"] == [{"id": i, "value": values[i]} for i in CONFIG_IDS]
        # Set again: replaced, not added.
        again = client.post("/configs", json={"id": "resultURL", "value": "https://v.example/r2"})
        assert again.json()["value"] == "https://v.example/r2"
        assert client.get("/configs").json()["totalFound"] == 5
        assert client.get("/configs/resultURL").json()["value"] == "https://v.example/r2"


@pytest.mark.parametrize(
    "value", ["", "not a url", 42, None, {"name": "X-Key", "value": "1"}, "ünïcödé ✓"]
)
def test_configs_keep_any_value_the_reference_does_not_restrict(
    sr: httpx.Client, value: object
) -> None:
    """The reference gives the body as {id, value} and nothing about the value: kept as sent."""
    response = sr.post("/configs", json={"id": "resultHeader", "value": value})
    assert response.status_code == 200, response.text
    assert sr.get("/configs/resultHeader").json() == {"id": "resultHeader", "value": value}


@pytest.mark.parametrize(
    "body",
    [
        {"value": "https://x.example"},
        {"id": "notificationUrl", "value": "https://x.example"},
        {"id": "RESULTURL", "value": "https://x.example"},
        {"id": 1, "value": "https://x.example"},
        {"id": "resultURL"},
    ],
)
def test_configs_refuse_undocumented_ids_and_bodies_without_a_value(
    fresh_server: SandboxServer, body: dict[str, Any]
) -> None:
    with _sr_client(fresh_server) as client:
        error = assert_sr_error(client.post("/configs", json=body), 400, "BAD_REQUEST")
        assert "'id'" in error["message"] or "'value'" in error["message"]
        assert client.get("/configs").json()["totalFound"] == 0
        assert_sr_error(client.post("/configs"), 400, "BAD_REQUEST")
        assert_sr_error(
            client.post(
                "/configs", content=b"id=resultURL", headers={"Content-Type": "text/plain"}
            ),
            415,
            "UNSUPPORTED_MEDIA_TYPE",
        )
        assert_sr_error(client.delete("/configs"), 405, "METHOD_NOT_ALLOWED")
        assert_sr_error(client.post("/configs/resultURL", json={}), 405, "METHOD_NOT_ALLOWED")


def test_configs_belong_to_one_sandbox_instance(fresh_server: SandboxServer) -> None:
    body = {"id": "assessmentNotificationUrl", "value": "https://one.example/hook"}
    with SandboxServer(SandboxConfig(orders=1)) as other, _sr_client(other) as other_client:
        with _sr_client(fresh_server) as client:
            assert client.post("/configs", json=body).status_code == 200
        assert other_client.get("/configs").json()["totalFound"] == 0
        assert_sr_error(other_client.get(f"/configs/{body['id']}"), 404, "NOT_FOUND")


def test_configs_need_the_partner_key(server: SandboxServer) -> None:
    url = server.sr_base_url + "/configs"
    assert httpx.get(url, headers={"X-SmartToken": DEMO_SR_KEY}).status_code == 200
    assert_sr_error(httpx.get(url), 401, "UNAUTHORIZED")
    wrong = httpx.post(
        server.sr_base_url + "/configs",
        json={"id": "resultURL", "value": "https://x.example"},
        headers={"X-SmartToken": "x" * 64},
    )
    assert_sr_error(wrong, 403, "FORBIDDEN")


# -- SmartRecruiters: rate limits --------------------------------------------------------------
def test_sr_rate_limit_per_second_with_headers() -> None:
    clock = FakeClock()
    config = SandboxConfig(sr_rate_per_second=3, sr_concurrency=8, clock=clock, orders=5)
    with (
        SandboxServer(config) as server,
        httpx.Client(base_url=server.sr_base_url, headers={"X-SmartToken": DEMO_SR_KEY}) as client,
    ):
        remaining = []
        for _ in range(3):
            response = client.get("/offers")
            assert response.status_code == 200
            assert response.headers["x-ratelimit-limit"] == "3"
            assert response.headers["x-ratelimit-concurrent-limit"] == "8"
            assert "x-ratelimit-concurrent-remaining" in response.headers
            remaining.append(response.headers["x-ratelimit-remaining"])
        assert remaining == ["2", "1", "0"]
        clock.now += 0.4
        limited = client.get("/offers")
        assert_sr_error(limited, 429, "TOO_MANY_REQUESTS")
        assert limited.headers["retry-after"] == "1"
        assert limited.headers["x-ratelimit-remaining"] == "0"
        other_key = httpx.get(server.sr_base_url + "/offers", headers={"X-SmartToken": "o" * 64})
        assert other_key.status_code == 403
        clock.now += 0.6
        assert client.get("/offers").status_code == 200


def test_sr_concurrency_limit() -> None:
    """Two calls held in flight (the sandbox's latency waits for the test), then two more:
    refused while the two are held, whatever the machine's speed; let go, the two answer."""
    arrived = threading.Semaphore(0)
    go_on = threading.Event()

    async def held(_seconds: float) -> None:
        arrived.release()
        await asyncio.to_thread(go_on.wait, HANG_GUARD_SECONDS)

    config = SandboxConfig(
        sr_rate_per_second=0, sr_concurrency=2, latency_ms=1, sleep=held, orders=5
    )
    headers = {"X-SmartToken": DEMO_SR_KEY}
    with SandboxServer(config) as server:
        answers: list[httpx.Response] = []

        def call() -> None:
            answers.append(httpx.get(server.sr_base_url + "/offers", headers=headers, timeout=None))

        threads = [threading.Thread(target=call) for _ in range(2)]
        try:
            for thread in threads:
                thread.start()
            for _ in threads:
                assert arrived.acquire(timeout=HANG_GUARD_SECONDS)
            for _ in range(2):
                refused = httpx.get(server.sr_base_url + "/offers", headers=headers)
                assert_sr_error(refused, 429, "TOO_MANY_REQUESTS")
                assert refused.headers["x-ratelimit-concurrent-remaining"] == "0"
        finally:
            go_on.set()
            for thread in threads:
                thread.join(HANG_GUARD_SECONDS)
        assert [a.status_code for a in answers] == [200, 200]
        # Both answered: the limit is free again.
        assert httpx.get(server.sr_base_url + "/offers", headers=headers).status_code == 200


# -- Berke: CreateAssessment -------------------------------------------------------------------
def test_create_assessment_json(server: SandboxServer, berke_http: httpx.Client) -> None:
    response = berke(
        berke_http,
        "CreateAssessment",
        firstName="Zoë",
        lastName="Müller",
        sourceCandidateId="SR-json-1",
        emailAddress="zoe@example.com",
    )
    assert response.status_code == 200, response.text
    assert response.headers["x-response-code"] == "200.0"
    body = response.json()
    assert set(body) == {"assessment", "status", "response", "responseCode"}
    assert (body["status"], body["response"], body["responseCode"]) == ("ok", None, "200")
    assessment = body["assessment"]
    assert assessment["sourceCandidateId"] == "SR-json-1"
    assert CODE.match(assessment["invitationCode"])
    assert (
        assessment["assessmentUrl"]
        == f"{server.berke_base_url}/start/{assessment['invitationCode']}"
    )


def test_create_assessment_xml_is_utf16(berke_http: httpx.Client) -> None:
    response = berke(
        berke_http, "CreateAssessment", fmt="", firstName='Zoë "<&>"', lastName="Nguyễn"
    )
    assert response.status_code == 200
    root = parse_xml(response)
    assert root.tag == "berkeResponse"
    assert (root.get("status"), root.get("responseCode")) == ("ok", "200")
    child = root.find("assessment")
    assert child is not None
    assert CODE.match(child.get("invitationCode"))
    assert child.get("assessmentUrl").endswith(child.get("invitationCode"))
    assert child.get("sourceCandidateId")


def test_form_post_and_query_format(berke_http: httpx.Client) -> None:
    response = berke_http.post(
        "/CreateAssessment",
        params={"formatOutput": "json"},
        data={
            "apiToken": DEMO_BERKE_TOKEN,
            "firstName": "José",
            "lastName": "Álvarez",
            "completeWithinDays": "7",
            "onAssessmentCompleteAction": " 2 ",
            "emailAddress": "",
        },
    )
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ok"
    bad = berke_http.post("/GetJobs", data={"apiToken": DEMO_BERKE_TOKEN, "formatOutput": "yaml"})
    assert bad.status_code == 400
    assert bad.headers["x-response-code"] == "400.1050"
    assert parse_xml(bad).get("response") == "Invalid output format, formatOutput=[yaml]"
    unsupported = berke_http.post("/GetJobs", content=b"<x/>", headers={"Content-Type": "text/xml"})
    assert unsupported.status_code == 415
    assert unsupported.headers["x-response-code"] == "415.1051"


def test_token_errors_are_masked(berke_http: httpx.Client) -> None:
    missing = berke_http.post("/GetJobs", json={"formatOutput": "json"})
    assert_berke_error(missing, 403, 1003, "API key '' is invalid or inactive")
    secret = "wrong-but-secret-token"
    wrong = berke_http.post("/GetJobs", json={"apiToken": secret, "formatOutput": "json"})
    message = assert_berke_error(wrong, 403, 1003, "API key 'wr...' is invalid or inactive")
    assert secret not in wrong.text
    assert secret not in wrong.headers["x-response-message"]
    assert message == wrong.headers["x-response-message"]
    xml = berke_http.post("/GetJobs", json={"apiToken": "x" * 51})
    assert xml.headers["x-response-code"] == "403.1003"
    assert parse_xml(xml).get("responseCode") == "403"


@pytest.mark.parametrize(("username", "code"), [("nobody", 1020), ("former.coordinator", 1021)])
def test_username_must_be_an_active_user(
    berke_http: httpx.Client, username: str, code: int
) -> None:
    response = berke(berke_http, "GetJobs", username=username)
    assert_berke_error(response, 400, code)
    assert berke(berke_http, "GetJobs", username="Coordinator").status_code == 200


# 100 characters, the limit, with a local part within the rule's 64 (tests/email_rule_table.py).
LONG_EMAIL = "a" * 60 + "@" + "b" * 35 + ".com"
REPORT_LIST = "a@example.com, b.c@example.org"
CREATE_CASES: list[tuple[dict[str, Any], int | None, str | None]] = [
    ({"firstName": ...}, 1030, "Required parameter is missing, firstName=[]"),
    ({"firstName": "   "}, 1030, None),
    ({"lastName": ""}, 1030, "Required parameter is missing, lastName=[]"),
    ({"firstName": "é" * 100}, None, None),
    ({"firstName": "é" * 101}, 1031, None),
    ({"lastName": "x" * 101}, 1031, None),
    ({"sourceJobId": "NOPE"}, 1042, "Unknown sourceJobId, sourceJobId=[NOPE]"),
    ({"sourceJobId": "sw-eng"}, None, None),
    ({"sourceJobId": "j" * 51}, 1031, None),
    (
        {"sourceDepartmentId": "NOWHERE"},
        1043,
        "sourceDepartmentId was not found, sourceDepartmentId=[NOWHERE]",
    ),
    ({"sourceDepartmentId": "legacy"}, 1044, None),
    ({"sourceDepartmentId": "emea"}, None, None),
    (
        {"onAssessmentCompleteAction": 3},
        1034,
        "Invalid assessment complete action, onAssessmentCompleteAction=[3]",
    ),
    ({"onAssessmentCompleteAction": 6}, 1034, None),
    ({"onAssessmentCompleteAction": 0}, 1034, None),
    ({"onAssessmentCompleteAction": "abc"}, 1038, None),
    ({"onAssessmentCompleteAction": 1}, None, None),
    ({"onAssessmentCompleteAction": 4}, None, None),
    ({"onAssessmentCompleteAction": "5"}, 1035, None),
    ({"onAssessmentCompleteAction": 5, "emailReportToList": REPORT_LIST}, None, None),
    ({"onAssessmentCompleteAction": 5, "emailReportToList": "a@example.com,nope"}, 1035, None),
    ({"onAssessmentCompleteAction": 5, "emailReportToList": "a@example.com,"}, 1035, None),
    ({"onAssessmentCompleteAction": 5, "emailReportToList": "a@example.com," * 36}, 1031, None),
    ({"onAssessmentCompleteAction": 2, "emailReportToList": "not checked"}, None, None),
    ({"redirectUrl": "https://example.com/done?x=1"}, None, None),
    ({"redirectUrl": "ftp://example.com/done"}, 1033, None),
    ({"redirectUrl": "/relative"}, 1033, None),
    ({"redirectUrl": "https://e.com/" + "p" * 136}, None, None),
    ({"redirectUrl": "https://e.com/" + "p" * 137}, 1031, None),
    ({"phoneNumber": "1" * 50}, None, None),
    ({"phoneNumber": "1" * 51}, 1031, None),
    ({"emailAddress": "not-an-email"}, 1032, "Invalid email address, emailAddress=[not-an-email]"),
    ({"emailAddress": LONG_EMAIL}, None, None),
    ({"emailAddress": "a" + LONG_EMAIL}, 1031, None),
    ({"emailAddress": ""}, None, None),
    ({"completeWithinDays": 0}, None, None),
    ({"completeWithinDays": 1}, 1036, "Invalid complete within days, completeWithinDays=[1]"),
    ({"completeWithinDays": 2}, None, None),
    ({"completeWithinDays": "21"}, None, None),
    ({"completeWithinDays": 22}, 1036, None),
    ({"invitationMessage": "<b>Hi</b>"}, 1037, None),
    ({"invitationMessage": "Fish &amp; chips"}, 1037, None),
    ({"invitationMessage": "a < b and c > d"}, None, None),
    ({"invitationMessage": "."}, None, None),
    ({"invitationMessage": "m" * 1000}, None, None),
    ({"invitationMessage": "m" * 1001}, 1031, None),
    ({"firstname": "lower-case spelling"}, 1052, None),
    ({"sourceCandidateId": "c" * 51}, 1031, None),
    # What XML cannot carry is refused, not dropped (the answer named another candidate).
    ({"sourceCandidateId": "HR-\x02-17"}, 1038, "Invalid character, sourceCandidateId=[HR-?-17]"),
    ({"firstName": "Ana\x1b"}, 1038, None),
    ({"invitationMessage": "Hello\ufffe"}, 1038, None),
    ({"invitationMessage": "Dear Ana,\r\n\tplease start."}, None, None),
    ({"redirectUrl": "https://example.com:abc/done"}, 1033, None),
    ({"redirectUrl": "https://example.com:99999/done"}, 1033, None),
    ({"redirectUrl": "https://ex..ample.com/done"}, 1033, None),
    ({"redirectUrl": "https://exa\\mple.com/done"}, 1033, None),
    ({"redirectUrl": "https://example.com:8443/done"}, None, None),
]


@pytest.mark.parametrize(("params", "code", "message"), CREATE_CASES)
def test_create_assessment_rules(
    berke_http: httpx.Client, params: dict[str, Any], code: int | None, message: str | None
) -> None:
    base = {"firstName": "Aiko", "lastName": "Tanaka", **params}
    response = berke(berke_http, "CreateAssessment", **base)
    if code is None:
        assert response.status_code == 200, response.text
        assert response.headers["x-response-code"] == "200.0"
        return
    assert_berke_error(response, 400, code, message)
    assert re.fullmatch(r".+, \w+=\[.*\]", response.json()["response"], re.DOTALL)
    xml = berke_http.post(
        "/CreateAssessment",
        json={"apiToken": DEMO_BERKE_TOKEN, **{k: v for k, v in base.items() if v is not ...}},
    )
    root = parse_xml(xml)
    assert root.get("response") == response.json()["response"]
    assert root.get("responseCode") == "400"
    assert root.get("status") != "ok"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_lone_surrogate_is_refused_in_words_not_a_crash(
    berke_http: httpx.Client, fmt: str
) -> None:
    """JSON may escape half a surrogate pair ("\\ud83d"); no answer can carry it. The sandbox
    took it, created the assessment, then failed to encode its answer: a 500."""
    body = (
        f'{{"apiToken": "{DEMO_BERKE_TOKEN}", "formatOutput": "{fmt}", "firstName": "Zo\\ud83d",'
        ' "lastName": "Berg", "sourceCandidateId": "LONE-1"}'
    )
    response = berke_http.post(
        "/CreateAssessment", content=body.encode(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert response.headers["x-response-code"] == "400.1038"
    assert "firstName=[Zo?]" in response.headers["x-response-message"]
    status = berke(berke_http, "GetAssessmentStatus", sourceCandidateId="LONE-1")
    assert_berke_error(status, 400, 1041)  # nothing was made


def test_disabled_department_uses_the_reference_text(berke_http: httpx.Client) -> None:
    response = berke(
        berke_http, "CreateAssessment", firstName="A", lastName="B", sourceDepartmentId="LEGACY"
    )
    assert "is not enabled" in assert_berke_error(response, 400, 1044)


def test_source_candidate_id_is_unique_case_insensitively(berke_http: httpx.Client) -> None:
    first = berke(
        berke_http, "CreateAssessment", firstName="A", lastName="B", sourceCandidateId="Dup-42"
    )
    assert first.status_code == 200
    again = berke(
        berke_http, "CreateAssessment", firstName="A", lastName="B", sourceCandidateId="DUP-42"
    )
    assert_berke_error(again, 400, 1040)
    assert "sourceCandidateId=[DUP-42]" in again.json()["response"]


def test_xml_escapes_echoed_values(berke_http: httpx.Client) -> None:
    tricky = "a\"<b>&'c"
    response = berke_http.post(
        "/CreateAssessment",
        json={
            "apiToken": DEMO_BERKE_TOKEN,
            "firstName": "A",
            "lastName": "B",
            "sourceJobId": tricky,
        },
    )
    assert parse_xml(response).get("response") == f"Unknown sourceJobId, sourceJobId=[{tricky}]"


# -- Berke: other methods ----------------------------------------------------------------------
def test_get_jobs_both_formats(berke_http: httpx.Client) -> None:
    body = berke(berke_http, "GetJobs").json()
    assert body["status"] == "ok"
    assert len(body["jobs"]) >= 8
    assert {
        "sourceJobId",
        "name",
        "length",
        "lengthSeconds",
        "matchEnabled",
        "createdOn",
        "updatedOn",
    } == set(body["jobs"][0])
    root = parse_xml(berke(berke_http, "GetJobs", fmt="xml"))
    assert root.tag == "GetJobsResponse"
    jobs = root.findall("job")
    assert [j.get("sourceJobId") for j in jobs] == [j["sourceJobId"] for j in body["jobs"]]
    assert jobs[0].get("matchEnabled") in ("true", "false")


def test_send_invitation_and_status(server: SandboxServer, berke_http: httpx.Client) -> None:
    created = berke(
        berke_http,
        "CreateAssessment",
        firstName="Søren",
        lastName="Ødegaard",
        sourceCandidateId="INV-1",
    ).json()["assessment"]
    code = created["invitationCode"]
    sent = berke(
        berke_http,
        "SendInvitation",
        sourceCandidateId="inv-1",
        emailAddress="soren@example.com",
        senderName="Hanna",
        senderEmail="hanna@example.com",
        invitationMessage="<b>Welcome</b>",
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()["assessment"] == created
    for params, error in (
        ({"sourceCandidateId": "nobody", "emailAddress": "a@example.com"}, 1041),
        ({"sourceCandidateId": "INV-1"}, 1030),
        ({"sourceCandidateId": "INV-1", "emailAddress": "bad"}, 1032),
        (
            {
                "sourceCandidateId": "INV-1",
                "emailAddress": "a@example.com",
                "senderName": "n" * 101,
            },
            1031,
        ),
        (
            {"sourceCandidateId": "INV-1", "emailAddress": "a@example.com", "senderEmail": "bad"},
            1032,
        ),
    ):
        assert_berke_error(berke(berke_http, "SendInvitation", **params), 400, error)

    status = berke(berke_http, "GetAssessmentStatus", sourceCandidateId="INV-1").json()
    # Invited is not started: 0 until the candidate opens it, 1 started, 2 complete. As the
    # reference has it: no invitation count.
    assert status["assessment"]["StatusId"] == 0
    assert "invitationsSent" not in status["assessment"]
    listing = httpx.get(f"{server.berke_base_url}/_test/assessments").json()["assessments"]
    assert [a["invitationsSent"] for a in listing if a["sourceCandidateId"] == "INV-1"] == [1]
    by_code = berke(berke_http, "GetAssessmentStatus", invitationCode=code).json()
    assert by_code["assessment"]["sourceCandidateId"] == "INV-1"
    assert_berke_error(berke(berke_http, "GetAssessmentStatus"), 400, 1030)
    assert_berke_error(
        berke(berke_http, "GetAssessmentStatus", invitationCode="ZZZZZZZZZZ"), 400, 1045
    )

    finished = httpx.post(f"{server.berke_base_url}/_test/complete/{code}")
    assert finished.status_code == 200
    assert finished.json()["assessment"]["statusId"] == 2
    after = berke(berke_http, "GetAssessmentStatus", fmt="xml", sourceCandidateId="INV-1")
    assert parse_xml(after).find("assessment").get("StatusId") == "2"
    assert httpx.post(f"{server.berke_base_url}/_test/complete/NOPE").status_code == 404


def test_methods_and_landing_page(server: SandboxServer, berke_http: httpx.Client) -> None:
    get = berke_http.get("/CreateAssessment")
    assert get.status_code == 405
    assert get.headers["x-response-code"] == "405.1061"
    parse_xml(get)
    unknown = berke(berke_http, "DeleteEverything")
    assert_berke_error(unknown, 404, 1060)
    created = berke(berke_http, "CreateAssessment", firstName="<Chloé>", lastName="Dubois").json()[
        "assessment"
    ]
    page = httpx.get(created["assessmentUrl"])
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "&lt;Chloé&gt;" in page.text
    assert "<Chloé>" not in page.text
    assert created["invitationCode"] in page.text
    missing = httpx.get(f"{server.berke_base_url}/start/NOSUCHCODE")
    assert missing.status_code == 404
    assert "text/html" in missing.headers["content-type"]


@pytest.mark.parametrize("path", ["/CreateAssessment/extra", "/Get/Jobs", "/a/b/c"])
def test_unknown_deeper_paths_answer_in_the_format_asked_for(
    berke_http: httpx.Client, path: str
) -> None:
    in_body = berke_http.post(path, json={"apiToken": DEMO_BERKE_TOKEN, "formatOutput": "json"})
    assert in_body.headers["content-type"] == "application/json; charset=utf-8"
    assert_berke_error(in_body, 404, 1060)
    in_query = berke_http.post(path, params={"formatOutput": "JSON"})
    assert_berke_error(in_query, 404, 1060)
    in_form = berke_http.post(path, data={"apiToken": DEMO_BERKE_TOKEN, "formatOutput": "json"})
    assert_berke_error(in_form, 404, 1060)
    wrong_method = berke_http.get(path, params={"formatOutput": "json"})
    assert_berke_error(wrong_method, 404, 1060)
    # Without a format, or with one that cannot be read, the default stays XML.
    for default in (
        berke_http.post(path, json={"apiToken": DEMO_BERKE_TOKEN}),
        berke_http.post(path, json={"formatOutput": "yaml"}),
        berke_http.post(path, content=b"{nope", headers={"Content-Type": "application/json"}),
    ):
        assert default.status_code == 404
        assert default.headers["x-response-code"] == "404.1060"
        root = parse_xml(default)
        assert (root.tag, root.get("status"), root.get("responseCode")) == (
            "berkeResponse",
            "error",
            "404",
        )


def test_burst_limit_body_json_and_xml() -> None:
    clock = FakeClock()
    config = SandboxConfig(berke_burst=3, berke_window_ms=200, clock=clock, orders=1)
    with SandboxServer(config) as server, httpx.Client(base_url=server.berke_base_url) as client:
        for _ in range(3):
            assert berke(client, "GetJobs").status_code == 200
        clock.now += 0.05
        denied = berke(client, "GetJobs")
        assert denied.status_code == 429
        assert denied.headers["x-response-code"] == "429.1010"
        body = denied.json()
        assert list(body) == [
            "callDeniedDateTime",
            "callExpiresOnCompletion",
            "countCallsExceeded",
            "estimatedMillisecondsToNextAllowedCall",
            "firstCallDeniedDateTime",
            "isDailyLimit",
            "maximumCallsPerTimeFrame",
            "timeFrameMilliseconds",
            "status",
            "response",
            "responseCode",
        ]
        assert body["callExpiresOnCompletion"] is False
        assert body["isDailyLimit"] is False
        assert body["countCallsExceeded"] == 1
        assert body["estimatedMillisecondsToNextAllowedCall"] == 150
        assert (body["maximumCallsPerTimeFrame"], body["timeFrameMilliseconds"]) == (3, 200)
        assert body["responseCode"] == "429"
        assert BERKE_TIME.match(body["callDeniedDateTime"])
        assert body["response"].startswith(
            "GetJobs API method requests exceeded burst limit of "
            "3 occurrences within 200 milliseconds. Excess "
            "requests occurred 1 times from ["
        )
        clock.now += 0.05
        xml = parse_xml(berke(client, "GetJobs", fmt="xml"))
        assert xml.get("responseCode") == "429"
        assert xml.get("countCallsExceeded") == "2"
        assert xml.get("estimatedMillisecondsToNextAllowedCall") == "100"
        assert xml.get("firstCallDeniedDateTime") == body["firstCallDeniedDateTime"]
        assert xml.get("callExpiresOnCompletion") == "false"
        assert xml.get("isDailyLimit") == "false"
        clock.now += 0.1
        assert berke(client, "GetJobs").status_code == 200


# -- fault injection ---------------------------------------------------------------------------
def _attempt(client: httpx.Client, method: str, url: str, **kwargs: Any) -> int | str:
    try:
        response = client.request(method, url, **kwargs)
    except (httpx.RemoteProtocolError, httpx.ReadError):
        return "dropped"
    return response.status_code


def test_fail_rate_one_gives_503s_and_drops_never_500() -> None:
    config = SandboxConfig(fail_rate=1.0, seed=3, sr_rate_per_second=0, orders=3)
    with SandboxServer(config) as server, httpx.Client(timeout=5) as client:
        outcomes: list[int | str] = []
        for _ in range(12):
            outcomes.append(
                _attempt(
                    client,
                    "GET",
                    server.sr_base_url + "/offers",
                    headers={"X-SmartToken": DEMO_SR_KEY},
                )
            )
            response: int | str
            try:
                berke_response = client.post(
                    server.berke_base_url + "/GetJobs",
                    params={"formatOutput": "json"},
                    json={"apiToken": DEMO_BERKE_TOKEN},
                )
                assert berke_response.headers["x-response-code"] == "503.1011"
                assert berke_response.json()["responseCode"] == "503"
                response = berke_response.status_code
            except (httpx.RemoteProtocolError, httpx.ReadError):
                response = "dropped"
            outcomes.append(response)
        counts = Counter(outcomes)
        assert set(counts) == {503, "dropped"}
        sr_503 = client.get(server.sr_base_url + "/offers", headers={"X-SmartToken": DEMO_SR_KEY})
        while sr_503.status_code != 503:
            sr_503 = client.get(
                server.sr_base_url + "/offers", headers={"X-SmartToken": DEMO_SR_KEY}
            )
        assert_sr_error(sr_503, 503, "SERVICE_UNAVAILABLE")
        assert client.get(server.berke_base_url + "/start/NOPE").status_code == 404
        assert client.post(server.berke_base_url + "/_test/complete/NOPE").status_code == 404


def test_dropped_after_apply_changes_state_503_never_does() -> None:
    config = SandboxConfig(fail_rate=0.5, seed=11, sr_rate_per_second=0, orders=3)
    with (
        SandboxServer(config) as server,
        httpx.Client(
            base_url=server.sr_base_url, headers={"X-SmartToken": DEMO_SR_KEY}, timeout=5
        ) as client,
    ):
        order_id = next(iter(server.app.state.sr.orders))
        outcomes = {
            f"m{i}": _attempt(
                client, "POST", f"/assessments/{order_id}/comments", json={"message": f"m{i}"}
            )
            for i in range(60)
        }
        listing = client.get(f"/assessments/{order_id}/comments")
        while listing.status_code != 200:
            listing = client.get(f"/assessments/{order_id}/comments")
            assert listing.status_code != 500
        stored = {c["message"] for c in listing.json()["content"]}
    by_outcome: dict[int | str, set[str]] = {}
    for message, outcome in outcomes.items():
        by_outcome.setdefault(outcome, set()).add(message)
    assert set(by_outcome) == {201, 503, "dropped"}
    assert by_outcome[201] <= stored
    assert not by_outcome[503] & stored
    dropped = by_outcome["dropped"]
    assert dropped & stored, "some drops happen after the change was applied"
    assert dropped - stored, "some drops happen before anything was applied"


def test_fail_rate_zero_never_fails(server: SandboxServer, sr: httpx.Client) -> None:
    assert all(sr.get("/offers").status_code == 200 for _ in range(30))


# -- packaging of the public API ---------------------------------------------------------------
def test_create_app_is_a_starlette_app_and_defaults() -> None:
    from starlette.applications import Starlette

    assert isinstance(create_app(SandboxConfig(orders=1)), Starlette)
    config = SandboxConfig()
    assert len(config.sr_key) == 64
    assert config.sr_key == DEMO_SR_KEY
    assert 1 <= len(DEMO_BERKE_TOKEN) <= 50
    assert (
        config.orders,
        config.seed,
        config.berke_burst,
        config.berke_window_ms,
        config.fail_rate,
        config.sr_rate_per_second,
        config.sr_concurrency,
    ) == (200, 1, 120, 60000, 0.0, 10, 8)
    with pytest.raises(ValueError, match="fail_rate"):
        SandboxConfig(fail_rate=1.5)


def test_server_starts_from_a_thread_running_another_loop() -> None:
    """The desktop app starts the sandbox while Qt's asyncio loop runs in the main thread."""

    async def scenario() -> list[int]:
        with SandboxServer(SandboxConfig(orders=2)) as server:
            async with httpx.AsyncClient(headers={"X-SmartToken": DEMO_SR_KEY}) as client:
                responses = [
                    await client.get(server.sr_base_url + "/assessments"),
                    await client.post(
                        server.berke_base_url + "/GetJobs", json={"apiToken": DEMO_BERKE_TOKEN}
                    ),
                ]
        return [r.status_code for r in responses]

    assert asyncio.run(scenario()) == [200, 200]


def test_a_server_that_gives_up_starting_says_so_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """uvicorn exits its thread when its startup fails (``sys.exit`` after a failed lifespan);
    ``start`` wakes on that, not at the end of its timeout."""

    async def give_up(self: uvicorn.Server, sockets: object = None) -> None:
        sys.exit(3)

    monkeypatch.setattr(uvicorn.Server, "startup", give_up)
    server = SandboxServer(SandboxConfig(orders=1))
    began = time.monotonic()
    with pytest.raises(RuntimeError, match="failed to start") as raised:
        server.start(timeout=120)
    assert time.monotonic() - began < 60  # woken by the failure, long before the timeout
    assert isinstance(raised.value.__cause__, SystemExit)
    server.stop()  # nothing to stop: no error


def test_a_server_that_never_starts_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()

    async def hang(self: uvicorn.Server, sockets: object = None) -> None:
        await asyncio.to_thread(release.wait, 10)

    monkeypatch.setattr(uvicorn.Server, "startup", hang)
    server = SandboxServer(SandboxConfig(orders=1))
    try:
        with pytest.raises(TimeoutError, match=r"did not start within 0\.2 s"):
            server.start(timeout=0.2)
    finally:
        release.set()
        server.stop()


def test_index_lists_both_services(server: SandboxServer) -> None:
    index = httpx.get(server.base_url + "/").json()
    assert index["smartrecruiters"] == server.sr_base_url
    assert index["berke"] == server.berke_base_url


@pytest.mark.parametrize(
    "flags",
    [["--port", "70000"], ["--port", "-1"], ["--host", "999.1.1.1", "--port", "0"], "in use"],
    ids=["port-too-high", "port-negative", "not-a-host", "port-in-use"],
)
def test_cli_says_a_bad_port_or_host_in_words(flags: list[str] | str) -> None:
    """Before: the parser refused bad counts and rates in words, but a port out of range, a
    host that is not one or a port already taken ended in a traceback from bind (exit 1)."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        if flags == "in use":
            flags = ["--port", str(taken.getsockname()[1])]
        done = subprocess.run(
            [sys.executable, "-m", "app.sandbox", *flags, "--orders", "1"],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=HANG_GUARD_SECONDS, check=False,
        )  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr[-500:]
    assert done.returncode == 2, done.stderr[-500:]
    assert "python -m app.sandbox: error:" in done.stderr
    assert "port" in done.stderr.splitlines()[-1]


def test_cli_prints_urls_and_serves() -> None:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app.sandbox",
            "--port",
            "0",
            "--orders",
            "5",
            "--seed",
            "2",
            "--sr-key",
            "k" * 64,
            "--berke-token",
            "cli-token",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(5)]
        sr_url = lines[0].split(": ", 1)[1].strip()
        berke_url = lines[1].split(": ", 1)[1].strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/sr/v1", sr_url)
        assert berke_url == sr_url.replace("/sr/v1", "/berke")
        assert "k" * 64 in lines[2]
        assert "cli-token" in lines[3]
        response = httpx.get(sr_url + "/assessments", headers={"X-SmartToken": "k" * 64})
        assert response.json()["totalFound"] == 5
    finally:
        process.terminate()
        process.wait(timeout=HANG_GUARD_SECONDS)
    assert process.returncode == 0
