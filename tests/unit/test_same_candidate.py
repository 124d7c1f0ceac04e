"""Two orders are one candidate's by SmartRecruiters' candidate id, or by the same email and
the same name: not the email alone (two people may share one), and a name spelled with or
without its accents, in either Unicode form, is the same name."""

from __future__ import annotations

import unicodedata

from app.domain.smartrecruiters import AssessmentOrder
from app.workflows.batch import OrdersByCandidate


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
