"""How many of an order's comments the coordinator has seen, through failed polls, their own
comments and retries; and a link recovered from Berke's status held to the create's URL rule.
Each test failed before its fix (a review of this stop's diff)."""

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from app.clients.errors import NotFoundError, Service
from app.domain.berke import AssessmentStatus, CreateAssessmentRequest, CreateAssessmentResponse
from app.domain.smartrecruiters import AssessmentComment, AssessmentOrder
from app.store.berke_watch import BerkeWatchStore
from app.store.database import Database
from app.workflows.refusals import StepDeferredError
from app.workflows.step_create import _link_from_status
from app.workflows.watch import watch_comments


def _order(oid: str) -> AssessmentOrder:
    return AssessmentOrder.model_validate(
        {
            "id": oid,
            "status": "IN_PROGRESS",
            "candidate": {"id": "c1", "firstName": "A", "lastName": "B"},
        }
    )


def test_first_poll_failing_then_succeeding_floods_old_comments(tmp_path: Path) -> None:
    """An order whose first comments poll fails (comments_unanswered makes its row with a
    checked_at) then answers with 3 old comments: they are not news."""
    store = BerkeWatchStore(Database(tmp_path / "d.sqlite3"))
    fail = {"on": True}

    async def list_comments(order_id: str) -> list[AssessmentComment]:
        if fail["on"]:
            raise NotFoundError(Service.SMARTRECRUITERS, http_status=404)
        return [AssessmentComment(message=f"old {i}") for i in range(3)]

    desk: Any = SimpleNamespace(
        berke_watch=store, session=SimpleNamespace(sr=SimpleNamespace(list_comments=list_comments))
    )
    now = datetime.now(UTC)
    orders = [_order("O-1")]
    assert asyncio.run(watch_comments(desk, orders, now=now)) == set()
    fail["on"] = False
    flagged = asyncio.run(watch_comments(desk, orders, now=now + timedelta(hours=2)))
    assert flagged == set(), "3 old comments flagged as new after a failed first poll"


def test_a_recruiters_comment_after_a_retried_own_comment_is_news(tmp_path: Path) -> None:
    store = BerkeWatchStore(Database(tmp_path / "d.sqlite3"))
    assert not store.comments_polled("O-1", 3)  # first look: 3 old comments
    # The coordinator's comment reached SR but its answer was lost (the step stays pending).
    assert store.comments_polled("O-1", 4)  # the poll counts it: "1 new comment"
    store.comments_seen("O-1", 4)  # the coordinator opens the order: seen
    store.comment_written_here("O-1", 4)  # the retry finds it among the 4 listed
    assert not store.comments_polled("O-1", 4)
    # The recruiter now answers: 5 comments, one of them not seen by the coordinator.
    assert store.comments_polled("O-1", 5), "the recruiter's new comment is never flagged"


def test_a_baseline_makes_every_comment_news_but_those_seen_and_leaves_a_polled_order(
    tmp_path: Path,
) -> None:
    """An order that came while the desk watched: its first poll counts every comment as
    news (before: all taken for old news), but those the pane showed and the coordinator's
    own; an order polled already keeps what it counted."""
    store = BerkeWatchStore(Database(tmp_path / "d.sqlite3"))
    assert not store.comments_polled("O-old", 3)  # polled before: 3 seen
    store.comments_seen("O-shown", 1)  # the pane showed its one comment
    store.comments_baseline(["O-new", "O-shown", "O-old"])
    store.comment_written_here("O-own")
    store.comments_baseline(["O-own"])
    assert store.comments_polled("O-new", 2), "comments written before the first poll lost"
    assert not store.comments_polled("O-shown", 1)
    assert store.comments_polled("O-shown", 2)
    assert not store.comments_polled("O-own", 1)  # the coordinator's own comment
    assert not store.comments_polled("O-old", 3)
    store.comments_baseline(["O-late"])  # after the others' polls, yet first in the queue
    asked: list[str] = []

    async def list_comments(order_id: str) -> list[AssessmentComment]:
        asked.append(order_id)
        return []

    desk: Any = SimpleNamespace(
        berke_watch=store, session=SimpleNamespace(sr=SimpleNamespace(list_comments=list_comments))
    )
    orders = [_order(i) for i in ("O-old", "O-new", "O-late")]
    asyncio.run(watch_comments(desk, orders, now=datetime.now(UTC) + timedelta(hours=1), budget=1))
    assert asked == ["O-late"]


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)//ABC", "https://a.example/" + "x" * 3000 + "/ABC"]
)
def test_a_recovered_link_follows_the_same_url_rule_as_a_created_one(url: str) -> None:
    """The lost-answer recovery stored the status's address unchecked: one the create's own
    answer is refused for. It is taken as no address: the account's prefix and the code, or
    the recovery waits."""
    with pytest.raises(ValueError, match="assessment URL"):
        CreateAssessmentResponse.model_validate(
            {"sourceCandidateId": "S1", "invitationCode": "ABC", "assessmentUrl": url}
        )
    status = AssessmentStatus.model_validate(
        {"sourceCandidateId": "S1", "invitationCode": "ABC", "assessmentUrl": url}
    )
    request = CreateAssessmentRequest(first_name="A", last_name="B", email_address="a@b.example")
    for prefix in (None, "https://berke.example/start/"):
        desk: Any = SimpleNamespace(
            journal=SimpleNamespace(orders_linked_to=lambda code: []),
            results=SimpleNamespace(meta=lambda key, prefix=prefix: prefix),
        )
        if prefix is None:
            with pytest.raises(StepDeferredError, match="URL is not known yet"):
                asyncio.run(_link_from_status(desk, "O-1", status, request))
        else:
            linked = asyncio.run(_link_from_status(desk, "O-1", status, request))
            assert linked.link.assessment_url == "https://berke.example/start/ABC"
