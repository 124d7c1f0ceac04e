"""An answer the desk cannot read is said in the desk's own words, never as the service's.

Before: pydantic's words about the answer went into the error's slot for what the service
said, and a coordinator read "The service said: “unexpected answer: candidate: Input should be
a valid dictionary or instance of Candidate”" — words neither service ever said. Now the
service's words are only what it said; what the desk found wrong with the answer is said as
the desk's, in plain words ("the answer's id was not text"), with the keys still redacted.

The sandboxes answer as the references say, so each odd answer here is the sandbox's own,
changed on its way back (``Rewritten``)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.clients.berke import BerkeClient
from app.clients.errors import UnexpectedResponseError
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.berke import CreateAssessmentRequest
from app.sandbox import DEMO_BERKE_TOKEN, DEMO_SR_KEY, SandboxConfig, SandboxServer
from app.workflows.desk import Desk
from app.workflows.order_sync import fetch_changes, left_out_text
from tests.integration.helpers import RealNetwork, new_order_body, run, unpaced
from tests.integration.test_workflows import run_with_desk

Change = Callable[[dict[str, Any]], dict[str, Any]]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    config = SandboxConfig(orders=0, sr_rate_per_second=0, berke_burst=100_000)
    with SandboxServer(config) as server:
        yield server


class Rewritten(RealNetwork):
    """The sandbox's JSON answers to requests whose path ends with ``suffix``, changed by
    ``change`` (once it is set) on their way back."""

    def __init__(self, suffix: str, method: str = "GET") -> None:
        super().__init__()
        self.suffix, self.method = suffix, method
        self.change: Change | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if (
            self.change is None
            or request.method != self.method
            or not request.url.path.endswith(self.suffix)
        ):
            return response
        changed = self.change(json.loads(await response.aread()))
        return httpx.Response(response.status_code, json=changed, request=request)


def _said_by_the_desk(error: UnexpectedResponseError, service: str, problem: str) -> None:
    assert str(error) == (
        f"{service}: The service answered with something this console does not understand "
        f"({problem})."
    )
    assert error.service_message == ""  # nothing the service said
    assert error.problem == problem


def _sr_order_answered(
    sandbox: SandboxServer, change: Change, key: str = DEMO_SR_KEY
) -> UnexpectedResponseError:
    """The error of a GET of an order the sandbox made, its answer changed by ``change``."""
    network = Rewritten("")  # set to the order's own path below

    async def body() -> UnexpectedResponseError:
        sr = SmartRecruitersClient(sandbox.sr_base_url, key, transport=network, pacer=unpaced())
        async with sr:
            order = await sr.create_test_order(new_order_body("Ines", "Vale"))
            network.suffix, network.change = f"/assessments/{order.id}", change
            with pytest.raises(UnexpectedResponseError) as caught:
                await sr.get_order(order.id)
        return caught.value

    return run(body)


def _without(key: str) -> Change:
    return lambda answer: {k: v for k, v in answer.items() if k != key}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda o: {**o, "id": 12}, "the answer's id was not text"),
        (lambda o: {**o, "candidate": None}, "the answer's candidate was empty"),
        (_without("id"), "the answer's id was missing"),
        (lambda o: {**o, "status": "SHELVED"}, "the answer's status was not one this desk knows"),
        (lambda o: {**o, "candidate": {**o["candidate"], "firstName": 7}},
         "the answer's candidate.firstName was not text"),
    ],
    ids=["id-a-number", "candidate-null", "id-missing", "status-unknown", "name-a-number"],
)  # fmt: skip
def test_an_order_answer_the_desk_cannot_read_is_said_in_its_own_words(
    sandbox: SandboxServer, change: Change, problem: str
) -> None:
    _said_by_the_desk(_sr_order_answered(sandbox, change), "SmartRecruiters", problem)


def test_an_answer_about_another_order_is_said_by_the_desk_its_key_redacted(
    sandbox: SandboxServer,
) -> None:
    """A broken or hostile answer naming the partner key as the order's id: the desk says the
    answer was about another order, in its own words, and never shows the key."""
    error = _sr_order_answered(sandbox, lambda o: {**o, "id": DEMO_SR_KEY})
    _said_by_the_desk(error, "SmartRecruiters", "the answer was about another order («redacted»)")
    assert DEMO_SR_KEY not in repr(error)


def test_an_order_the_sync_cannot_read_is_named_with_what_was_wrong_in_plain_words(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """The sync's "left out" line says what the desk found wrong with the order, not
    pydantic's "candidate: Input should be a valid dictionary or instance of Candidate"."""
    network = Rewritten("/assessments")

    async def body(desk: Desk) -> None:
        order = await desk.session.sr.create_test_order(new_order_body("Ines", "Vale"))

        def erased(page: dict[str, Any]) -> dict[str, Any]:
            listed = [
                {**item, "candidate": None} if item["id"] == order.id else item
                for item in page["content"]
            ]
            return {**page, "content": listed}

        network.change = erased
        found = await fetch_changes(desk, poll=False)
        said = left_out_text(found)
        assert found.unreadable == [f"“{order.id}”: the order's candidate was empty"], said
        assert said is not None
        assert "Input should" not in said

    run_with_desk(sandbox, tmp_path / "desk.sqlite3", body, network)


def _berke_status_answered(sandbox: SandboxServer, change: Change) -> UnexpectedResponseError:
    network = Rewritten("/GetAssessmentStatus", method="POST")
    candidate = f"HRIS-{uuid.uuid4().hex[:12]}"
    made = CreateAssessmentRequest.model_validate(
        {"firstName": "Ines", "lastName": "Vale", "sourceCandidateId": candidate}
    )

    async def body() -> UnexpectedResponseError:
        berke = BerkeClient(sandbox.berke_base_url, DEMO_BERKE_TOKEN, transport=network)
        async with berke:
            await berke.create_assessment(made)
            network.change = change
            with pytest.raises(UnexpectedResponseError) as caught:
                await berke.get_assessment_status(candidate)
        return caught.value

    return run(body)


def _assessment(change: Change) -> Change:
    return lambda answer: {**answer, "assessment": change(answer["assessment"])}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (_assessment(lambda a: {**a, "sourceCandidateId": ["x"]}),
         "the answer's sourceCandidateId was not text"),
        (_assessment(_without("sourceCandidateId")),
         "the answer's sourceCandidateId was missing"),
        (lambda answer: {**answer, "assessment": "none"}, "the answer was not an object"),
    ],
    ids=["id-a-list", "id-missing", "not-an-object"],
)  # fmt: skip
def test_a_berke_answer_the_desk_cannot_read_is_said_in_its_own_words(
    sandbox: SandboxServer, change: Change, problem: str
) -> None:
    _said_by_the_desk(_berke_status_answered(sandbox, change), "Berke", problem)


def test_a_berke_answer_about_another_candidate_is_said_by_the_desk_its_token_redacted(
    sandbox: SandboxServer,
) -> None:
    error = _berke_status_answered(
        sandbox, _assessment(lambda a: {**a, "sourceCandidateId": DEMO_BERKE_TOKEN})
    )
    _said_by_the_desk(error, "Berke", "the answer was about another candidate («redacted»)")
    assert DEMO_BERKE_TOKEN not in repr(error)
