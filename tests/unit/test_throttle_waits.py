"""Issue 12 §4: waits a service asks for are read per RFC 9110, clamped, and never become a
tight loop; a daily limit holds every call until it lifts; a simultaneous-calls limit waits for
a call of ours to end instead of a timer.

Time is a fake clock shared by the pacer and the clients: nothing here sleeps for real.
"""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from app.clients.berke import BerkeClient
from app.clients.errors import ThrottledError
from app.clients.http import (
    MAX_SERVICE_WAIT_SECONDS,
    RetryPolicy,
    answer_date,
    parse_retry_after,
    retry_after_seconds,
)
from app.clients.pacing import Pacer
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.berke import BerkeThrottleBody, CreateAssessmentRequest
from app.domain.service_time import local_time

NOW = datetime(2025, 1, 20, 18, 47, 45, tzinfo=UTC)
EMPTY_PAGE = {"limit": 1, "offset": 0, "totalFound": 0, "content": []}
JOBS_OK: dict[str, Any] = {"jobs": [], "status": "ok", "response": None, "responseCode": "200"}


class FakeTime:
    """One fake clock for the pacer (monotonic seconds) and the clients (UTC)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.seconds

    def utc(self) -> datetime:
        return NOW + timedelta(seconds=self.seconds)

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.seconds += seconds
        await asyncio.sleep(0)

    def pacer(self, concurrent: int = 8) -> Pacer:
        return Pacer(10_000, 1.0, concurrent, clock=self.monotonic, sleep=self.sleep)


# -- Retry-After, read per RFC 9110 ---------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("0", 0.0),
        (" 7 ", 7.0),
        ("120", 120.0),
        ("99999999999999999999999999999999", MAX_SERVICE_WAIT_SECONDS),
        ("100000000", MAX_SERVICE_WAIT_SECONDS),
        ("Mon, 20 Jan 2025 18:48:15 GMT", 30.0),  # IMF-fixdate, 30 s ahead
        ("Monday, 20-Jan-25 18:48:15 GMT", 30.0),  # obsolete RFC 850 form
        ("Mon Jan 20 18:48:15 2025", 30.0),  # obsolete asctime form (GMT)
        ("Thu, 01 Jan 1970 00:00:00 GMT", 0.0),  # in the past
        ("Fri, 31 Dec 9999 23:59:59 GMT", MAX_SERVICE_WAIT_SECONDS),
        ("-5", None),
        ("1.5", None),
        ("nan", None),
        ("inf", None),
        ("-inf", None),
        ("1e400", None),
        ("١٢", None),  # digits, but not ASCII ones
        ("", None),
        ("soon", None),
        ("Mon, 99 Jan 2025 00:00:00 GMT", None),
        (None, None),
    ],
)
def test_retry_after_is_read_per_rfc_9110_and_clamped(
    header: str | None, seconds: float | None
) -> None:
    assert parse_retry_after(header, NOW) == seconds


def _always_429(headers: dict[str, str], log: list[float], time: FakeTime) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        log.append(time.seconds)
        return httpx.Response(429, json={"message": "Too many requests"}, headers=headers)

    return httpx.MockTransport(handle)


@pytest.mark.parametrize("retry_after", ["0", "-1", "nan", "inf", "Thu, 01 Jan 1970 00:00:00 GMT"])
def test_an_odd_retry_after_never_makes_a_tight_loop(retry_after: str) -> None:
    # Before: "Retry-After: 0" (or a past date) meant no wait: 6 requests within 0.1 s.
    time = FakeTime()
    sent: list[float] = []

    async def body() -> ThrottledError:
        async with SmartRecruitersClient(
            "https://sr.example/v1", "k" * 64,
            transport=_always_429({"Retry-After": retry_after}, sent, time),
            pacer=time.pacer(), clock=time.utc,
        ) as sr:  # fmt: skip
            with pytest.raises(ThrottledError) as caught:
                await sr.list_orders()
            return caught.value

    error = asyncio.run(body())
    assert len(sent) == 1 + RetryPolicy().throttle_retries
    gaps = [b - a for a, b in itertools.pairwise(sent)]
    # SmartRecruiters' limit is per second; the floor then doubles with each further 429.
    assert gaps == [1.0, 1.0, 2.0, 4.0, 8.0]
    assert error.wait_seconds == 1.0


def test_a_retry_after_date_is_waited_until() -> None:
    time = FakeTime()
    sent: list[float] = []
    date = "Mon, 20 Jan 2025 18:48:15 GMT"  # 30 s after the fake clock's start

    async def body() -> None:
        async with SmartRecruitersClient(
            "https://sr.example/v1", "k" * 64,
            transport=_always_429({"Retry-After": date}, sent, time),
            pacer=time.pacer(), clock=time.utc, retry=RetryPolicy(throttle_retries=1),
        ) as sr:  # fmt: skip
            with pytest.raises(ThrottledError):
                await sr.list_orders()

    asyncio.run(body())
    assert sent == [0.0, 30.0]


def _http_date(moment: datetime) -> str:
    return format_datetime(moment, usegmt=True)


@pytest.mark.parametrize("service_ahead", [timedelta(minutes=10), timedelta(minutes=-10)])
def test_a_retry_after_date_is_read_on_the_clock_of_the_answer_that_gives_it(
    service_ahead: timedelta,
) -> None:
    """RFC 9110: the date is the server's, and so is the answer's ``Date``. Before, it was
    counted against this machine's clock: 10 minutes slow, "in 30 s" was a wait of 630 s,
    over the client's patience (the call failed, "wait 630 s"); 10 minutes fast, it was
    the 1 s floor, and the next call was refused again."""
    time = FakeTime()
    sent: list[float] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(time.seconds)
        theirs = time.utc() + service_ahead
        headers = {
            "Date": _http_date(theirs),
            "Retry-After": _http_date(theirs + timedelta(seconds=30)),
        }
        return httpx.Response(429, json={"message": "Too many requests"}, headers=headers)

    async def body() -> ThrottledError:
        async with SmartRecruitersClient(
            "https://sr.example/v1", "k" * 64, transport=httpx.MockTransport(handle),
            pacer=time.pacer(), clock=time.utc, retry=RetryPolicy(throttle_retries=2),
        ) as sr:  # fmt: skip
            with pytest.raises(ThrottledError) as caught:
                await sr.list_orders()
            return caught.value

    error = asyncio.run(body())
    assert error.wait_seconds == 30.0
    assert sent == [0.0, 30.0, 60.0]


def test_a_gateways_retry_after_date_in_front_of_berke_is_read_on_its_own_clock() -> None:
    """The same rule for Berke: a gateway 10 minutes ahead of this machine asking for 20 s."""
    theirs = NOW + timedelta(minutes=10)
    gateway = httpx.Response(
        429,
        text="Too Many Requests",
        headers={
            "Date": _http_date(theirs),
            "Retry-After": _http_date(theirs + timedelta(seconds=20)),
        },
    )
    sent: list[float] = []
    _berke_jobs_after(gateway, sent, retry=RetryPolicy(throttle_retries=1))
    assert sent == [0.0, 20.0]


AHEAD = NOW + timedelta(minutes=10)  # the service's clock, 10 minutes ahead of this machine's


@pytest.mark.parametrize(
    ("date", "retry_at", "seconds"),
    [
        (AHEAD, AHEAD + timedelta(seconds=30), 30.0),  # the service's clock: believed
        (NOW - timedelta(hours=23), NOW - timedelta(hours=23, seconds=-30), 30.0),
        (None, AHEAD + timedelta(seconds=30), 630.0),  # no Date: this machine's clock
        ("garbage", AHEAD + timedelta(seconds=30), 630.0),
        (NOW + timedelta(days=2), AHEAD + timedelta(seconds=30), 630.0),  # a broken clock
        (NOW - timedelta(days=3), NOW + timedelta(seconds=30), 30.0),  # a day or more behind
    ],
)
def test_a_retry_after_date_counts_from_the_answers_date_when_it_is_believed(
    date: datetime | str | None, retry_at: datetime, seconds: float
) -> None:
    headers = {"Retry-After": _http_date(retry_at)}
    if date is not None:
        headers["Date"] = date if isinstance(date, str) else _http_date(date)
    assert retry_after_seconds(httpx.Response(429, headers=headers), NOW) == seconds


def test_an_answer_dated_a_day_or_more_behind_is_not_believed() -> None:
    """A proxy whose clock says last year: believed, SmartRecruiters' clock offset
    (``_note_clock``) became minus a year. Only a Date ahead was checked."""
    behind = NOW - timedelta(hours=2)
    assert answer_date(httpx.Response(429, headers={"Date": _http_date(behind)}), NOW) == behind
    last_year = NOW - timedelta(days=400)
    assert answer_date(httpx.Response(429, headers={"Date": _http_date(last_year)}), NOW) is None


def test_a_huge_retry_after_is_clamped_and_handed_to_the_caller() -> None:
    time = FakeTime()
    sent: list[float] = []

    async def body() -> ThrottledError:
        async with SmartRecruitersClient(
            "https://sr.example/v1", "k" * 64,
            transport=_always_429({"Retry-After": "9" * 40}, sent, time),
            pacer=time.pacer(), clock=time.utc,
        ) as sr:  # fmt: skip
            with pytest.raises(ThrottledError) as caught:
                await sr.list_orders()
            return caught.value

    error = asyncio.run(body())
    assert sent == [0.0]  # longer than the client waits by itself: the caller schedules it
    assert error.wait_seconds == MAX_SERVICE_WAIT_SECONDS


# -- Berke's own figures ----------------------------------------------------------------------


def _berke_429(body: dict[str, Any], log: list[float], time: FakeTime) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        log.append(time.seconds)
        return httpx.Response(429, json=body, headers={"X-Response-Code": "429.1010"})

    return httpx.MockTransport(handle)


def _throttle(**fields: Any) -> dict[str, Any]:
    return {"status": "error", "response": "Limit reached.", "responseCode": "429", **fields}


@pytest.mark.parametrize(
    "fields",
    [
        {"estimatedMillisecondsToNextAllowedCall": 10**30},
        {"estimatedMillisecondsToNextAllowedCall": 10**30, "isDailyLimit": True},
        {"estimatedMillisecondsToNextAllowedCall": 1e300, "isDailyLimit": True},
        {"estimatedMillisecondsToNextAllowedCall": 5000,
         "callDeniedDateTime": "9999-12-31T23:59:59.9999999Z", "isDailyLimit": True},
        {"estimatedMillisecondsToNextAllowedCall": 5000,
         "callDeniedDateTime": "0001-01-01T00:00:00Z", "isDailyLimit": True},
        {"estimatedMillisecondsToNextAllowedCall": 5000,
         "callDeniedDateTime": "2025-01-20T18:47:44", "isDailyLimit": True},  # no zone
        {"estimatedMillisecondsToNextAllowedCall": -5000},
        {"estimatedMillisecondsToNextAllowedCall": "NaN"},
        {"estimatedMillisecondsToNextAllowedCall": "soon", "isDailyLimit": "perhaps"},
        {"callDeniedDateTime": {"not": "a time"}, "isDailyLimit": True},
    ],
)  # fmt: skip
def test_berkes_wait_figures_are_clamped_never_overflow(fields: dict[str, Any]) -> None:
    # Before: 10^30 ms raised OverflowError out of the client (and aborted a batch).
    time = FakeTime()
    sent: list[float] = []

    async def body() -> ThrottledError:
        async with BerkeClient(
            "https://berke.test/api", "token-123",
            transport=_berke_429(_throttle(**fields), sent, time),
            pacer=time.pacer(), clock=time.utc, retry=RetryPolicy(throttle_retries=0),
        ) as berke:  # fmt: skip
            with pytest.raises(ThrottledError) as caught:
                await berke.get_jobs()
            return caught.value

    error = asyncio.run(body())
    assert 0 < error.wait_seconds <= MAX_SERVICE_WAIT_SECONDS
    assert error.retry_at is not None
    assert NOW <= error.retry_at <= NOW + timedelta(seconds=MAX_SERVICE_WAIT_SECONDS)
    assert "Berke" in str(error)


def test_throttle_body_reads_a_naive_time_as_utc() -> None:
    body = BerkeThrottleBody.model_validate(
        {
            "callDeniedDateTime": "2025-01-20T18:47:44",
            "estimatedMillisecondsToNextAllowedCall": 2000,
        }
    )
    assert body.wait_seconds() == pytest.approx(2.0)
    assert body.next_allowed_at(NOW.replace(tzinfo=None)) == NOW + timedelta(seconds=2)


def test_berke_burst_429s_wait_at_least_a_doubling_floor() -> None:
    time = FakeTime()
    sent: list[float] = []
    body = _throttle(estimatedMillisecondsToNextAllowedCall=0, callDeniedDateTime=None)

    async def call() -> None:
        async with BerkeClient(
            "https://berke.test/api", "token-123", transport=_berke_429(body, sent, time),
            pacer=time.pacer(), clock=time.utc,
        ) as berke:  # fmt: skip
            with pytest.raises(ThrottledError):
                await berke.get_jobs()

    asyncio.run(call())
    gaps = [b - a for a, b in itertools.pairwise(sent)]
    assert gaps == [0.5, 1.0, 2.0, 4.0, 8.0]


def _berke_jobs_after(answer: httpx.Response, sent: list[float], **options: Any) -> None:
    """get_jobs, answered ``answer`` first, then jobs; ``sent``: when each try went (fake s)."""
    time = FakeTime()

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(time.seconds)
        if len(sent) == 1:
            return answer
        return httpx.Response(200, json=JOBS_OK, headers={"X-Response-Code": "200.0"})

    async def body() -> None:
        async with BerkeClient(
            "https://berke.test/api", "token-123", transport=httpx.MockTransport(handle),
            pacer=time.pacer(), clock=time.utc, sleep=time.sleep, **options,
        ) as berke:  # fmt: skip
            assert await berke.get_jobs() == []

    asyncio.run(body())


def test_a_gateways_429_in_front_of_berke_is_waited_out_as_its_retry_after_says() -> None:
    """No Berke envelope, no Berke figure: only the gateway's Retry-After says how long.
    Before (the header ignored), it was retried within a second, five times, then handed up."""
    gateway = httpx.Response(
        429, text="Too Many Requests", headers={"Retry-After": "20", "Content-Type": "text/plain"}
    )
    sent: list[float] = []
    _berke_jobs_after(gateway, sent, retry=RetryPolicy(throttle_retries=1))
    assert sent == [0.0, 20.0]


def test_berkes_own_estimate_wins_over_a_proxys_retry_after() -> None:
    """Before (the proxy's header first), Berke's 2 s wait was stretched to the header's 50."""
    berke_says_two_seconds = httpx.Response(
        429,
        json=_throttle(estimatedMillisecondsToNextAllowedCall=2000),
        headers={"X-Response-Code": "429.1010", "Retry-After": "50"},
    )
    sent: list[float] = []
    _berke_jobs_after(berke_says_two_seconds, sent, retry=RetryPolicy(throttle_retries=1))
    assert sent == [0.0, 2.0]


def test_a_gateways_retry_after_longer_than_the_clients_patience_is_handed_to_the_caller() -> None:
    """Over 60 s the caller schedules it, and nothing else is sent meanwhile."""
    gateway = httpx.Response(429, text="Too Many Requests", headers={"Retry-After": "600"})
    sent: list[float] = []
    with pytest.raises(ThrottledError) as caught:
        _berke_jobs_after(gateway, sent)
    assert caught.value.wait_seconds == 600.0
    assert sent == [0.0]


# -- a daily limit holds every call until it lifts ------------------------------------------


def test_after_a_daily_limit_no_call_leaves_before_the_announced_time() -> None:
    time = FakeTime()
    paths: list[str] = []
    daily = _throttle(
        callDeniedDateTime="2025-01-20T18:47:45Z",
        estimatedMillisecondsToNextAllowedCall=3_600_000,
        isDailyLimit=True,
    )

    def handle(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        if len(paths) == 1:
            return httpx.Response(429, json=daily, headers={"X-Response-Code": "429.1010"})
        return httpx.Response(200, json=JOBS_OK, headers={"X-Response-Code": "200.0"})

    async def body() -> None:
        async with BerkeClient(
            "https://berke.test/api", "token-123", transport=httpx.MockTransport(handle),
            pacer=time.pacer(), clock=time.utc,
        ) as berke:  # fmt: skip
            with pytest.raises(ThrottledError) as first:
                await berke.get_jobs()
            lifts = NOW + timedelta(hours=1)
            assert first.value.retry_at == lifts
            # Before: the next GetJobs went out at once. Now every call is refused unsent.
            time.seconds = 1800
            for call in (berke.get_jobs(), berke.create_assessment(
                CreateAssessmentRequest(first_name="Zoë", last_name="Müller")
            )):  # fmt: skip
                with pytest.raises(ThrottledError) as again:
                    await call
                assert again.value.is_daily_limit
                assert again.value.retry_at == lifts
                assert again.value.wait_seconds == pytest.approx(1800)
                assert "daily limit" in str(again.value)
            assert len(paths) == 1
            assert berke.pacer is not None
            assert berke.pacer.state(time.utc()).daily_limit_until == lifts
            # Once the time has come, calls go out again.
            time.seconds = 3600
            assert await berke.get_jobs() == []
            assert len(paths) == 2

    asyncio.run(body())


def test_a_wait_too_long_to_sit_out_holds_every_call_until_it_ends() -> None:
    """SmartRecruiters answers 429 with ``Retry-After: 3600``. The client hands that to the
    caller (longer than it waits by itself), and before remembered nothing: the next call
    (a poll's, the resumer's, a batch's next order's) went at once, and was denied in turn.
    Now, as for a daily limit, none leaves before the hour is up, and each is told when."""
    time = FakeTime()
    paths: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        paths.append(request.url.path)
        if len(paths) == 1:
            body = {"httpCode": 429, "code": "TOO_MANY_REQUESTS", "message": "Try again later"}
            return httpx.Response(429, json=body, headers={"Retry-After": "3600"})
        return httpx.Response(200, json=EMPTY_PAGE)

    async def body() -> None:
        pacer = time.pacer()
        async with SmartRecruitersClient(
            "https://sr.example/v1", "k" * 64, transport=httpx.MockTransport(handle),
            pacer=pacer, clock=time.utc,
        ) as sr:  # fmt: skip
            lifts = NOW + timedelta(hours=1)
            when = f"{local_time(lifts):%H:%M on %d}"
            with pytest.raises(ThrottledError) as first:
                await sr.list_orders()
            assert first.value.retry_at == lifts
            # The status bar is told too (``pacing_status``), until the wait ends.
            assert pacer.state(time.utc()).asked_to_wait_until == lifts
            assert pacer.state(lifts).asked_to_wait_until is None
            assert f"SmartRecruiters asked to wait until {when}" in str(first.value)
            time.seconds = 1800
            for call in (sr.list_orders(), sr.get_order("o-1"), sr.list_comments("o-1")):
                with pytest.raises(ThrottledError) as again:
                    await call
                assert not again.value.is_daily_limit
                assert again.value.retry_at == lifts
                assert again.value.wait_seconds == pytest.approx(1800)
                assert f"until {when}" in str(again.value)
                assert "no call is sent to it before then" in str(again.value)
            assert paths == ["/v1/assessments"]  # nothing sent within the hour
            time.seconds = 3600  # the hour is up: calls go again
            assert (await sr.list_orders()).content == []
            assert len(paths) == 2

    asyncio.run(body())


# -- Berke's clock is not this machine's ---------------------------------------------------

SKEW = timedelta(hours=2)


def _denied_at(when: datetime, **fields: Any) -> dict[str, Any]:
    """A 429 denied at ``when`` on Berke's clock."""
    return _throttle(callDeniedDateTime=when.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), **fields)


def test_a_burst_wait_stays_berkes_on_a_machine_clock_behind_berke() -> None:
    """Before, the wait counted from callDeniedDateTime (Berke's clock) to this machine's now:
    two hours behind Berke, a 2 s wait became 7202 s and the call failed ("waiting 7202.0 s
    before retrying") instead of going out 2 s later."""
    time = FakeTime()
    sent: list[float] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(time.seconds)
        if len(sent) == 1:
            denial = _denied_at(time.utc() + SKEW, estimatedMillisecondsToNextAllowedCall=2000)
            return httpx.Response(429, json=denial, headers={"X-Response-Code": "429.1010"})
        return httpx.Response(200, json=JOBS_OK, headers={"X-Response-Code": "200.0"})

    async def body() -> list[Any]:
        async with BerkeClient(
            "https://berke.test/api", "token-123", transport=httpx.MockTransport(handle),
            pacer=time.pacer(), sleep=time.sleep, clock=time.utc,
        ) as berke:  # fmt: skip
            return await berke.get_jobs()

    assert asyncio.run(body()) == []
    assert sent == [0.0, 2.0]


def test_a_daily_limit_lifts_when_berke_says_on_a_machine_clock_behind_berke() -> None:
    """Before, two hours behind Berke, a daily limit lifting in 10 minutes was held (and
    announced) until 2 h 10 min from now."""
    time = FakeTime()
    sent: list[float] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(time.seconds)
        if len(sent) == 1:
            denial = _denied_at(
                time.utc() + SKEW, estimatedMillisecondsToNextAllowedCall=600_000, isDailyLimit=True
            )
            return httpx.Response(429, json=denial, headers={"X-Response-Code": "429.1010"})
        return httpx.Response(200, json=JOBS_OK, headers={"X-Response-Code": "200.0"})

    async def body() -> None:
        async with BerkeClient(
            "https://berke.test/api", "token-123", transport=httpx.MockTransport(handle),
            pacer=time.pacer(), sleep=time.sleep, clock=time.utc,
        ) as berke:  # fmt: skip
            with pytest.raises(ThrottledError) as denied:
                await berke.get_jobs()
            lifts = NOW + timedelta(minutes=10)
            assert denied.value.retry_at == lifts
            assert local_time(lifts).strftime("%H:%M on %d %b") in str(denied.value)
            time.seconds = 11 * 60
            assert await berke.get_jobs() == []

    asyncio.run(body())
    assert sent == [0.0, 660.0]


def test_a_daily_limit_is_kept_on_a_machine_clock_ahead_of_berke() -> None:
    """Before, two hours ahead of Berke, "lifts in an hour" counted from callDeniedDateTime
    lay in the past here: the limit became a 1 s hold and every later call went out into the
    daily limit again, which Berke asks to be waited out before any call."""
    time = FakeTime()
    sent: list[float] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(time.seconds)
        denial = _denied_at(
            time.utc() - SKEW, estimatedMillisecondsToNextAllowedCall=3_600_000, isDailyLimit=True
        )
        return httpx.Response(429, json=denial, headers={"X-Response-Code": "429.1010"})

    async def body() -> None:
        async with BerkeClient(
            "https://berke.test/api", "token-123", transport=httpx.MockTransport(handle),
            pacer=time.pacer(), sleep=time.sleep, clock=time.utc,
        ) as berke:  # fmt: skip
            for _ in range(3):  # the resumer, or the next batch row, a minute later each
                with pytest.raises(ThrottledError) as denied:
                    await berke.get_jobs()
                assert denied.value.retry_at == NOW + timedelta(hours=1)
                time.seconds += 60

    asyncio.run(body())
    assert sent == [0.0]


# -- a simultaneous-calls limit waits for a call of ours to end ------------------------------


def test_a_simultaneous_calls_429_waits_for_a_call_in_flight_to_end() -> None:
    time = FakeTime()
    events: list[str] = []
    a_arrived = asyncio.Event()
    b_denied = asyncio.Event()
    release_a = asyncio.Event()
    simultaneous = _throttle(callExpiresOnCompletion=True, estimatedMillisecondsToNextAllowedCall=0)

    async def handle(request: httpx.Request) -> httpx.Response:
        # The first request is A's (B starts only once it has arrived); the rest are B's.
        caller = "B" if a_arrived.is_set() else "A"
        events.append(f"{caller} sent")
        if caller == "A":
            a_arrived.set()
            await release_a.wait()
        elif not b_denied.is_set():
            b_denied.set()
            return httpx.Response(429, json=simultaneous, headers={"X-Response-Code": "429.1012"})
        return httpx.Response(200, json=JOBS_OK, headers={"X-Response-Code": "200.0"})

    async def body() -> None:
        async with BerkeClient(
            "https://berke.test/api", "token-123", transport=httpx.MockTransport(handle),
            pacer=time.pacer(), clock=time.utc,
        ) as berke:  # fmt: skip
            first = asyncio.create_task(berke.get_jobs())
            await a_arrived.wait()
            second = asyncio.create_task(berke.get_jobs())
            await b_denied.wait()
            # Give B every chance to retry on a timer (the fake clock makes any timer
            # instant): before, it retried after a fixed 0.25 s while A was still running.
            for _ in range(200):
                await asyncio.sleep(0)
            events.append("A released")
            release_a.set()
            await asyncio.gather(first, second)

    asyncio.run(body())
    assert events == ["A sent", "B sent", "A released", "B sent"]
    assert time.slept == []  # no timer was involved


def test_a_simultaneous_429_with_nothing_of_ours_in_flight_waits_the_floor() -> None:
    # Another desk holds Berke's slots: there is no call of ours to wait for, so a timer it is,
    # never shorter than the floor.
    time = FakeTime()
    sent: list[float] = []
    body = _throttle(callExpiresOnCompletion=True)

    async def call() -> None:
        async with BerkeClient(
            "https://berke.test/api", "token-123", transport=_berke_429(body, sent, time),
            pacer=time.pacer(), clock=time.utc, retry=RetryPolicy(throttle_retries=3),
        ) as berke:  # fmt: skip
            with pytest.raises(ThrottledError) as caught:
                await berke.get_jobs()
            assert caught.value.simultaneous

    asyncio.run(call())
    gaps = [b - a for a, b in itertools.pairwise(sent)]
    assert gaps == [1.0, 1.0, 2.0]  # Berke's fallback second, then the doubling floor


def test_the_pacer_signals_the_end_of_a_call() -> None:
    pacer = Pacer(10, 1.0, 4)

    async def body() -> list[str]:
        seen: list[str] = []
        release = asyncio.Event()
        holding = asyncio.Event()

        async def hold() -> None:
            async with pacer.slot():
                holding.set()
                await release.wait()
            seen.append("ended")

        async def wait() -> None:
            await pacer.wait_for_call_end(after=pacer.calls_ended)
            seen.append("woken")

        task = asyncio.create_task(hold())
        await holding.wait()
        waiter = asyncio.create_task(wait())
        for _ in range(20):
            await asyncio.sleep(0)
        assert seen == []
        release.set()
        await asyncio.gather(task, waiter)
        # Waiting for an end that has already happened returns at once.
        await pacer.wait_for_call_end(after=pacer.calls_ended - 1)
        return seen

    assert sorted(asyncio.run(body())) == ["ended", "woken"]
