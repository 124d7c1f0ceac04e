"""When two orders are one candidate's: the same SmartRecruiters candidate, or the same email
and the same name. One rule for the batch (which gives a candidate's second order the first
one's assessment) and the Candidates tab (which shows a candidate's orders together). The tab
follows the rule from order to order (a group is a partition: Ana's orders under two ids, one
without her email, are shown as hers); the batch reuses an assessment only between orders that
share a key themselves: across a whole inbox, chains through third orders would give one
person's assessment to another, and a second assessment costs less than that. The batch keeps
to one company (``candidate_keys``): another company's order is another customer's, who must
not get the first one's report; the tab shows a person's orders of every company together.

Without pydantic (the order is only read): the tab's rows give the same fields as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.domain.text_fold import fold, fold_case, visible

if TYPE_CHECKING:
    from app.domain.smartrecruiters import AssessmentOrder


@dataclass(frozen=True)
class IdentityKeys:
    """An order's candidate as keys: what the order is filed under (``own``) and what finds
    the orders of its candidate (``sought``). Two: a name without accents finds one with
    them, but two names with different accents (Hùng, Hưng) must not meet through their
    common unaccented form. The relation is symmetric: A's sought keys meet B's own keys
    exactly when B's meet A's."""

    own: frozenset[str]
    sought: frozenset[str]

    def matches(self, other: IdentityKeys) -> bool:
        """Whether the two are one candidate's."""
        return not self.sought.isdisjoint(other.own)


def identity_keys(candidate_id: str, name: str, email: str) -> IdentityKeys:
    """What makes two orders one candidate's, from the candidate's id, full name and email.
    Not the email alone: two people may share one (a family's), and the second was given the
    first one's assessment, its invitation and its result; so an order without a name is
    known by its id only. The name in any case ("KILIÇ" is "Kılıç": ``fold_case``), spaces
    trimmed, characters that are not drawn left out (``visible``), in either Unicode form; its
    accents aside only against a name typed without any ("José Núñez" is "Jose Nunez", on an
    ASCII keyboard), not between two names that have them: Nguyễn Văn Hùng and Nguyễn Văn Hưng
    are brothers. A blank id is no one's: two people sent without one were taken for one.
    """
    own = {f"id:{candidate_id}"} if candidate_id.strip() else set()
    sought = set(own)
    # As drawn, before "typed" is asked whether it is ASCII: a zero-width space in "Jose Nunez"
    # made it another name than José Núñez typed without the accents.
    typed = " ".join(visible(name).split())
    exact = fold_case(typed)
    if email and exact:
        at = f"email:{email.casefold()}|"
        own.add(f"{at}exact:{exact}")
        sought.add(f"{at}exact:{exact}")
        # Typed without accents as typed, not as folded: "Aydın Sen" folds to ASCII ("ı" is
        # "i" in any case), and was taken for Aydın Şen typed on an ASCII keyboard.
        if typed.isascii():
            own.add(f"{at}ascii:{exact}")
            sought.add(f"{at}folded:{exact}")  # a name with accents that fold to this one
        else:
            own.add(f"{at}folded:{fold(exact)}")
            sought.add(f"{at}ascii:{fold(exact)}")  # this name typed without its accents
    return IdentityKeys(frozenset(own), frozenset(sought))


def candidate_keys(order: AssessmentOrder) -> IdentityKeys:
    """``identity_keys`` of the order's candidate, within the order's company: what the batch
    and the form reuse an assessment by. Another company's order may carry the same name and
    email (its recruiter typed them; SmartRecruiters checks neither): it was given the first
    company's assessment, and sent its report."""
    candidate = order.candidate
    keys = identity_keys(candidate.id, candidate.full_name, candidate.email or "")
    company = f"company:{order.company.id if order.company and order.company.id else ''}|"
    return IdentityKeys(
        frozenset(company + key for key in keys.own),
        frozenset(company + key for key in keys.sought),
    )
