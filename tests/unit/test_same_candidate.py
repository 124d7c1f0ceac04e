"""Two orders are one candidate's by SmartRecruiters' candidate id, or by the same email and
the same name: not the email alone (two people may share one), and a name spelled with or
without its accents, in either Unicode form, is the same name."""

from __future__ import annotations

import sys
import threading
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.same_candidate import IdentityKeys, identity_keys
from app.domain.smartrecruiters import AssessmentOrder
from app.domain.text_fold import fold, fold_case, visible
from app.workflows import batch
from app.workflows.batch import CandidateKeys, OrdersByCandidate, candidate_keys

#: Spellings of a few names: with and without accents, in either Unicode form, in any case.
SPELLINGS = [
    "José Núñez", unicodedata.normalize("NFD", "José Núñez"), "Jose  Nunez", "JOSÉ NÚÑEZ",
    "Nguyễn Văn Hùng", "Nguyễn Văn Hưng", "Nguyen Van Hung", "nguyễn văn hưng",
    "Işık", "Isik", "IŞIK", "Ayşe Kılıç", "AYŞE KILIÇ", "İsmail", "ISMAIL",
    "Straße", "Strasse", "Łucja Wałęsa", "Lucja Walesa", "Søren", "Soren",
    "Jo\u00adse Nunez", "Nu\u200bñez", "\u200b", "", " ",
]  # fmt: skip


def _order(
    order_id: str, candidate_id: str, first: str, last: str, email: str, *, company: str = "acme"
) -> AssessmentOrder:
    return AssessmentOrder.model_validate(
        {"id": order_id, "status": "NEW",
         "candidate": {"id": candidate_id, "firstName": first, "lastName": last, "email": email},
         "company": {"id": company, "name": company.title()}}
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


@pytest.mark.parametrize(
    ("mixed", "capitals"),
    [
        ("Ayşe Kılıç", "AYŞE KILIÇ"),
        ("İsmail Yılmaz", "İSMAİL YILMAZ"),
        ("Işık Demir", "IŞIK DEMİR"),
        ("Şule Çakır", "ŞULE ÇAKIR"),
        ("Şule Çakır", unicodedata.normalize("NFD", "ŞULE ÇAKIR")),
        ("İsmail Yılmaz", "i\u0307smail yılmaz"),  # "İ" lower-cased by Python: a dot above left
    ],
)
def test_a_turkish_name_in_capitals_is_the_same_name(mixed: str, capitals: str) -> None:
    """Case aside, "KILIÇ" is "Kılıç"; ``str.casefold`` is not Turkish-aware ("I" to "i",
    "ı" left, "İ" to "i" with a dot above), and her second order (same email, same company)
    was given a second assessment and a second invitation."""
    (first_name, last_name), (first_caps, last_caps) = mixed.split(), capitals.split()
    first = _order("o1", "c1", first_name, last_name, "ayse.kilic@example.com")
    second = _order("o2", "c2", first_caps, last_caps, "ayse.kilic@example.com")
    assert identity_keys("", mixed, "a@x.org").matches(identity_keys("", capitals, "a@x.org"))
    assert OrdersByCandidate([first, second]).others(second) == ["o1"]


def test_names_apart_only_by_their_accents_are_two_people() -> None:
    """Nguyễn Văn Hùng and Nguyễn Văn Hưng, brothers sharing the family's address, were one
    candidate: the name was compared with every accent dropped ("hung" both), and the second
    brother's order was given the first one's assessment and result. Accents are set aside
    only against a name typed without any."""
    hung = _order("o1", "c1", "Văn Hùng", "Nguyễn", "nguyen@x.org")
    hung_too = _order("o2", "c2", "Văn Hưng", "Nguyễn", "nguyen@x.org")
    assert OrdersByCandidate([hung, hung_too]).others(hung) == []
    assert OrdersByCandidate([hung, hung_too]).others(hung_too) == []
    typed_plain = _order("o3", "c3", "Van Hung", "Nguyen", "nguyen@x.org")
    assert OrdersByCandidate([hung, typed_plain]).others(hung) == ["o3"]


@given(
    a=st.sampled_from(SPELLINGS),
    b=st.sampled_from(SPELLINGS),
    email_a=st.sampled_from(["", "family@x.org", "Family@X.org"]),
    email_b=st.sampled_from(["", "family@x.org"]),
)
def test_one_candidate_is_a_symmetric_relation(a: str, b: str, email_a: str, email_b: str) -> None:
    """A finds B exactly when B finds A, and a name and email match as the rule says: the
    same name (case, spaces and Unicode form aside), or one of them typed without accents."""
    keys_a, keys_b = identity_keys("", a, email_a), identity_keys("", b, email_b)
    assert keys_a.matches(keys_b) == keys_b.matches(keys_a)

    def exact(name: str) -> str:
        return fold_case(" ".join(visible(name).split()))

    same_name = exact(a) == exact(b) or (
        (visible(a).isascii() or visible(b).isascii()) and fold(exact(a)) == fold(exact(b))
    )
    same_email = email_a.casefold() == email_b.casefold() != ""
    assert keys_a.matches(keys_b) == (same_email and same_name and exact(a) != "")


@pytest.mark.parametrize(
    "mark", ["\u00ad", "\u200b", "\u200d", "\u2060", "\u034f"], ids=lambda m: f"U+{ord(m):04X}"
)
def test_a_name_with_a_character_not_drawn_is_the_name_as_drawn(mark: str) -> None:
    """ "Ste\u00adfan Weber" reads "Stefan Weber": the same person (same email), whose second
    order came under another SmartRecruiters id, was another candidate; the batch offered no
    reuse and made a second assessment."""
    plain = _order("o1", "c1", "Stefan", "Weber", "stefan@example.com")
    marked = _order("o2", "c2", f"Ste{mark}fan", "Weber", "stefan@example.com")
    assert OrdersByCandidate([plain, marked]).others(marked) == ["o1"]
    # Typed without accents, as the name with them: the mark made it not ASCII.
    accented = identity_keys("c3", "José Núñez", "jose@example.com")
    assert identity_keys("c4", f"Jo{mark}se Nunez", "jose@example.com").matches(accented)
    # Still not a look-alike (a Cyrillic "А"), nor the same name at another email.
    ana = identity_keys("c1", "Ana Silva", "ana@example.com")
    assert not ana.matches(identity_keys("c2", f"\u0410na{mark} Silva", "ana@example.com"))
    assert not ana.matches(identity_keys("c2", f"A{mark}na Silva", "ana.s@example.com"))


def test_people_without_a_name_sharing_an_email_are_two_candidates() -> None:
    """Two SmartRecruiters candidates sent without their names, sharing a family address,
    were matched on the address alone: the second person's order was given the first
    person's assessment."""
    alice = _order("o1", "c1", "", "", "okafor@x.org")
    bob = _order("o2", "c2", "", "", "okafor@x.org")
    assert OrdersByCandidate([alice, bob]).others(bob) == []
    same_id = _order("o3", "c1", "", "", "alice@x.org")
    assert OrdersByCandidate([alice, bob, same_id]).others(alice) == ["o3"]


def test_another_companys_order_is_never_the_same_candidate() -> None:
    """An order of another SmartRecruiters company carrying the same name and email (typed
    by its recruiter) was one candidate with the first company's: it was given that
    company's assessment and sent its report. Same name, email, even candidate id: still
    another customer's candidate, for reuse."""
    acme = _order("o1", "c1", "Alice", "Sandoval", "alice@x.org", company="acme")
    globex = _order("o2", "c1", "Alice", "Sandoval", "alice@x.org", company="globex")
    acme_again = _order("o3", "c9", "Alice", "Sandoval", "alice@x.org", company="acme")
    assert OrdersByCandidate([acme, globex, acme_again]).others(acme) == ["o3"]
    assert OrdersByCandidate([acme, globex, acme_again]).others(globex) == []


def test_an_orders_keys_are_worked_out_once_per_copy_of_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A batch indexes every order twice (its plan, its run) and a form once more: the names
    of 5,000 orders were folded each time (40 ms)."""
    worked_out: list[str] = []

    def counted(order: AssessmentOrder) -> IdentityKeys:
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

    def counted(order: AssessmentOrder) -> IdentityKeys:
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


@pytest.mark.parametrize(
    ("one", "other"), [("Aydın Sen", "Aydın Şen"), ("Yıldız Ozer", "Yıldız Özer")]
)
def test_two_names_that_both_have_accents_are_compared_with_them(one: str, other: str) -> None:
    """A name whose only Turkish letter is "ı" folds to ASCII ("ı" is "i" in any case), and
    was taken for one typed on an ASCII keyboard: "Aydın Sen" and "Aydın Şen", sharing the
    family's address, were one candidate, the second given the first one's assessment."""
    family = "aile@example.com"
    assert not identity_keys("", one, family).matches(identity_keys("", other, family))
    assert not identity_keys("", other, family).matches(identity_keys("", one, family))
    # What the Turkish fold is for, kept: typed without accents, or in capitals.
    assert identity_keys("", other, family).matches(identity_keys("", other.upper(), family))
    plain = other.replace("ı", "i").replace("Ş", "S").replace("Ö", "O")
    assert identity_keys("", other, family).matches(identity_keys("", plain, family))
