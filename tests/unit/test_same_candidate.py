"""Two orders are one candidate's by SmartRecruiters' candidate id, or by the same email and
the same name: not the email alone (two people may share one), and a name spelled with or
without its accents, in either Unicode form, is the same name."""

from __future__ import annotations

import sys
import threading
import unicodedata

import pytest

from app.domain.smartrecruiters import AssessmentOrder
from app.workflows import batch
from app.workflows.batch import CandidateKeys, OrdersByCandidate, candidate_keys


def _order(order_id: str, candidate_id: str, first: str, last: str, email: str) -> AssessmentOrder:
    return AssessmentOrder.model_validate(
        {"id": order_id, "status": "NEW",
         "candidate": {"id": candidate_id, "firstName": first, "lastName": last, "email": email}}
    )  # fmt: skip


def test_one_name_however_it_is_spelled_is_one_candidate() -> None:
    composed = _order("o1", "c1", unicodedata.normalize("NFC", "José"), "Núñez", "jose@x.org")
    decomposed = _order("o2", "c2", unicodedata.normalize("NFD", "José"), "Núñez", "Jose@X.org")
    plain = _order("o3", "c3", "Jose", " Nunez ", "jose@x.org")
    assert OrdersByCandidate([composed, decomposed, plain]).others(composed) == ["o2", "o3"]


def test_another_name_on_the_same_email_is_another_person() -> None:
    alice = _order("o1", "c1", "Alice", "Sandoval", "family@x.org")
    bob = _order("o2", "c2", "Bob", "Sandoval", "family@x.org")
    same_id = _order("o3", "c1", "Alicia", "Sandoval", "alice@x.org")
    assert OrdersByCandidate([alice, bob, same_id]).others(alice) == ["o3"]


def test_an_orders_keys_are_worked_out_once_per_copy_of_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A batch indexes every order twice (its plan, its run) and a form once more: the names
    of 5,000 orders were folded each time (40 ms)."""
    worked_out: list[str] = []

    def counted(order: AssessmentOrder) -> set[str]:
        worked_out.append(order.id)
        return candidate_keys(order)

    monkeypatch.setattr(batch, "candidate_keys", counted)
    keys = CandidateKeys()
    alice = _order("o1", "c1", "Alice", "Sandoval", "alice@x.org")
    bob = _order("o2", "c2", "Bob", "Sandoval", "bob@x.org")
    assert OrdersByCandidate([alice, bob], keys.of).others(alice) == []
    assert OrdersByCandidate([alice, bob], keys.of).others(bob) == []
    assert worked_out == ["o1", "o2"]

    # A sync brings a new copy of Bob's order: he is now Alice's, by name and email.
    renamed = _order("o2", "c2", "Alice", "Sandoval", "alice@x.org")
    assert OrdersByCandidate([alice, renamed], keys.of).others(alice) == ["o2"]
    assert worked_out == ["o1", "o2", "o2"]


def test_the_keys_of_orders_gone_are_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    keys = CandidateKeys()
    alice = _order("o1", "c1", "Alice", "Sandoval", "alice@x.org")
    bob = _order("o2", "c2", "Bob", "Sandoval", "bob@x.org")
    OrdersByCandidate([alice, bob], keys.of)
    keys.forget_all_but(["o1"])
    worked_out: list[str] = []

    def counted(order: AssessmentOrder) -> set[str]:
        worked_out.append(order.id)
        return candidate_keys(order)

    monkeypatch.setattr(batch, "candidate_keys", counted)
    OrdersByCandidate([alice, bob], keys.of)
    assert worked_out == ["o2"]


def test_two_indexes_built_at_once_share_the_keys_safely() -> None:
    """A batch's plan and a form's offer to reuse may index the orders in two worker threads
    at once: forgetting walked the keys while the other thread added some ("dictionary
    changed size during iteration": the plan or the offer failed)."""
    keys = CandidateKeys()
    inboxes = [  # four inboxes of 120 orders, each a different set of ids
        [
            _order(f"o{i + 100 * n}", f"c{i}", f"Name{n}", "Sandoval", f"x{i}@x.org")
            for i in range(120)
        ]
        for n in range(4)
    ]
    failures: list[BaseException] = []

    def index_again_and_again(start: int) -> None:
        try:
            for round_ in range(150):
                orders = inboxes[(round_ + start) % len(inboxes)]
                keys.forget_all_but(order.id for order in orders)
                OrdersByCandidate(orders, keys.of)
        except RuntimeError as exc:
            failures.append(exc)

    switching = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # the threads take turns as often as they can
    try:
        threads = [threading.Thread(target=index_again_and_again, args=(n,)) for n in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switching)
    assert failures == []
