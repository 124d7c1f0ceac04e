"""Helpers for client ↔ sandbox tests: clients on the real sandbox, a recording transport."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from app.clients.pacing import Pacer
from app.domain.smartrecruiters import AssessmentOrder
from app.workflows.order_sync import fetch_changes, left_out_text

if TYPE_CHECKING:
    from app.clients.berke import BerkeClient
    from app.clients.smartrecruiters import SmartRecruitersClient
    from app.sandbox import SandboxServer
    from app.workflows.desk import Desk

T = TypeVar("T")


def run(factory: Callable[[], Awaitable[T]]) -> T:
    """Run one test's async body on a fresh loop (the clients are made inside it)."""

    async def main() -> T:
        return await factory()

    return asyncio.run(main())


def unpaced() -> Pacer:
    """A pacer that never waits: lets a test reach the server's own limits."""
    return Pacer(max_calls=10_000, window_seconds=1.0, max_concurrent=64)


def time_passes(client: SmartRecruitersClient | BerkeClient, seconds: float) -> None:
    """``seconds`` pass on ``client``'s clock for the waits it keeps (a test cannot sit out
    the hours a 429 asked for): the wait it remembered no longer holds calls back."""
    ahead = timedelta(seconds=seconds)
    client._http._utc_now = lambda: datetime.now(UTC) + ahead


async def sync_like_the_app(desk: Desk) -> list[AssessmentOrder]:
    """A full sync into ``desk``'s cache as the board's reads it (``fetch_changes``: the
    listing's text merged page by page, held orders it no longer lists asked about), then
    every order held. A test filling its cache another way tested orders the app never
    stores; one whose listing leaves an order out fails here, in the sync's words."""
    found = await fetch_changes(desk, poll=False)
    said = left_out_text(found)
    assert found.complete, said
    assert not found.unreadable, said
    return await asyncio.to_thread(desk.orders.all)


def finish_in_sandbox(server: SandboxServer, code: str) -> None:
    """The candidate clicks "Finish this assessment" (the sandbox's test hook)."""
    with httpx.Client() as client:
        client.post(f"{server.berke_base_url}/_test/complete/{code}").raise_for_status()


def invitations_berke_sent(server: SandboxServer, source_candidate_id: str) -> int:
    """How many invitations Berke sent for the assessment, by the sandbox's own record (its
    status answer, as Berke's reference has it, gives no count)."""
    with httpx.Client() as client:
        response = client.get(f"{server.berke_base_url}/_test/assessments")
        response.raise_for_status()
    wanted = source_candidate_id.casefold()
    (sent,) = [
        a["invitationsSent"]
        for a in response.json()["assessments"]
        if a["sourceCandidateId"].casefold() == wanted
    ]
    return int(sent)


@contextmanager
def sandbox_answering(**options: Any) -> Iterator[SandboxServer]:
    """A sandbox of its own, unpaced, its answers changed by ``options`` (``SandboxConfig``'s:
    a Berke that counts the invitations it sent, which its reference does not, say)."""
    from app.sandbox import SandboxConfig, SandboxServer

    config = SandboxConfig(sr_rate_per_second=0, berke_burst=100_000, **options)
    with SandboxServer(config) as server:
        yield server


class RealNetwork(httpx.AsyncBaseTransport):
    """The real network transport, for a test's transport to hold or change some requests
    (``handle_async_request``, ending in ``self.inner``'s) and pass on the rest."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class HeldListing(RealNetwork):
    """The network, except that while ``hold`` is set an order listing's answer is read from
    the service at once but handed over only after ``release``."""

    def __init__(self) -> None:
        super().__init__()
        self.hold = False
        self.read = asyncio.Event()  # a held listing has been answered by the service
        self.release = asyncio.Event()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if self.hold and request.method == "GET" and request.url.path.endswith("/assessments"):
            body = await response.aread()
            self.read.set()
            await self.release.wait()
            return httpx.Response(response.status_code, headers=response.headers, content=body)
        return response


class FailsOnce(RealNetwork):
    """The first POST to a path ending with ``suffix`` is answered ``status`` with ``body``:
    with ``carried_out``, after the service did it (its answer lost); without, instead (not
    done). Every other request passes."""

    def __init__(
        self, suffix: str, status: int, body: Any = None, *, carried_out: bool = False
    ) -> None:
        super().__init__()
        self.suffix, self.status, self.body, self.carried_out = suffix, status, body, carried_out
        self.left = 1

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.left and request.method == "POST" and request.url.path.endswith(self.suffix):
            self.left = 0
            if self.carried_out:
                done = await self.inner.handle_async_request(request)
                await done.aread()
            return httpx.Response(self.status, json=self.body, request=request)
        return await self.inner.handle_async_request(request)


class LosesAnAnswer(RealNetwork):
    """The ``nth`` request to a path ending with ``suffix`` reaches the service, and its answer
    is lost (the connection reset as it is read): carried out, its caller cannot tell."""

    def __init__(self, suffix: str, nth: int = 1) -> None:
        super().__init__()
        self.suffix, self.nth, self.sent = suffix, nth, 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.url.path.endswith(self.suffix):
            self.sent += 1
            if self.sent == self.nth:
                await response.aread()
                raise httpx.ReadError("connection reset", request=request)
        return response


class AnswersInTurn(RealNetwork):
    """The requests to a path ending with ``suffix`` answered in turn by ``answers``: a
    ``(status, body)`` answers instead of the service (nothing done), ``(status, body, True)``
    after the service did it (its answer lost); past the list, the service answers."""

    def __init__(self, suffix: str, *answers: tuple[Any, ...]) -> None:
        super().__init__()
        self.suffix, self.answers, self.sent = suffix, answers, 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not request.url.path.endswith(self.suffix) or self.sent >= len(self.answers):
            return await self.inner.handle_async_request(request)
        status, body, *carried_out = self.answers[self.sent]
        self.sent += 1
        if carried_out and carried_out[0]:
            done = await self.inner.handle_async_request(request)
            await done.aread()
        return httpx.Response(status, json=body, request=request)


class UnknownIdInOtherWords(RealNetwork):
    """Berke's transport: a GetAssessmentStatus refused because Berke has no assessment under
    the id (the sandbox's response code 1041) is worded ``words``, in the same envelope, HTTP
    status and response code: a real Berke fixes no wording for it. With
    ``lose_delete_answer``, the first DeleteAssessment is carried out and its answer lost."""

    def __init__(self, words: str, *, lose_delete_answer: bool = False) -> None:
        super().__init__()
        self.words, self.lose_delete_answer = words, lose_delete_answer

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        path = request.url.path
        if self.lose_delete_answer and path.endswith("/DeleteAssessment"):
            self.lose_delete_answer = False
            await response.aread()
            raise httpx.ReadError("connection reset", request=request)
        code = response.headers.get("X-Response-Code", "")
        if not path.endswith("/GetAssessmentStatus") or not code.endswith(".1041"):
            return response
        await response.aread()
        asked = json.loads(request.content)["sourceCandidateId"]
        said = f"{self.words}, sourceCandidateId=[{asked}]"
        return httpx.Response(
            response.status_code,
            headers={"X-Response-Code": code, "X-Response-Message": said},
            json={"status": "error", "response": said, "responseCode": str(response.status_code)},
            request=request,
        )


class RecordingTransport(RealNetwork):
    """The real network transport, keeping a copy of every request for the test to inspect."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[httpx.Request] = []
        self.bodies: list[bytes] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        self.requests.append(request)
        self.bodies.append(body)
        return await self.inner.handle_async_request(request)

    def json_bodies(self) -> list[Any]:
        return [json.loads(b) if b else None for b in self.bodies]


def new_order_body(
    first: str = "Zoë", last: str = "Müller", email: str | None = None
) -> dict[str, Any]:
    candidate: dict[str, Any] = {"id": f"cand-{first}-{last}", "firstName": first, "lastName": last}
    if email:
        candidate["email"] = email
    return {
        "candidate": candidate,
        "job": {"name": "Data Analyst"},
        "company": {"name": "Acme"},
        "requestor": {"firstName": "Rita", "lastName": "Recruiter"},
    }


def is_order(value: object) -> bool:
    return isinstance(value, AssessmentOrder)


class PacedClock:
    """One clock for a client's pacer and the sandbox's rate windows. It moves only when the
    pacer waits, and only once every call the pacer let start has been answered: the sandbox
    then counts each call at the very time the pacer gave it, however slow the machine. (With
    real time, a call that reaches the sandbox a little late is counted in the next window,
    and a test that allows no 429 fails under load.)"""

    def __init__(self) -> None:
        self.now = 1000.0
        self._pacer: Pacer | None = None

    def __call__(self) -> float:
        return self.now

    def pacer_like(self, model: Pacer) -> Pacer:
        """``model``'s limits (the app's own pacer), on this clock."""
        self._pacer = Pacer(
            model.max_calls,
            model.window_seconds,
            model.max_concurrent,
            clock=self,
            sleep=self.sleep,
        )
        return self._pacer

    async def sleep(self, seconds: float) -> None:
        pacer = self._pacer
        assert pacer is not None, "pacer_like first"
        while pacer.in_flight:  # answered, the calls under way were counted at their time
            await pacer.wait_for_call_end(after=pacer.calls_ended)
        # A hair more than asked: "now - start >= window" must hold after the wait, which a
        # sum rounded in floating point can miss (and the pacer would ask for 1e-13 s forever).
        self.now += seconds + 1e-6
