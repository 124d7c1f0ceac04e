"""When two orders are one candidate's: the same SmartRecruiters candidate, or the same email
and the same name. One rule for the batch (which gives a candidate's second order the first
one's assessment) and the Candidates tab (which shows a candidate's orders together). The tab
follows the rule from order to order (a group is a partition: Ana's orders under two ids, one
without her email, are shown as hers); the batch reuses an assessment only between orders that
share a key themselves: across a whole inbox, chains through third orders would give one
person's assessment to another, and a second assessment costs less than that.

Without pydantic (the order is only read): the tab's rows give the same fields as text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.domain.text_fold import fold

if TYPE_CHECKING:
    from app.domain.smartrecruiters import AssessmentOrder


def identity_keys(candidate_id: str, name: str, email: str) -> list[str]:
    """What makes two orders one candidate's, from the candidate's id, full name and email:
    two orders sharing any key are one candidate's. Not the email alone: two people may
    share one (a family's), and the second was given the first one's assessment, its
    invitation and its result. The name in any case or accents, spaces trimmed ("José Núñez"
    is "Jose Nunez"). A blank id is no one's: two people sent without one were taken for one.
    """
    keys = [f"id:{candidate_id}"] if candidate_id.strip() else []
    if email:
        keys.append(f"email:{email.casefold()}|{fold(' '.join(name.split()))}")
    return keys


def candidate_keys(order: AssessmentOrder) -> set[str]:
    """``identity_keys`` of the order's candidate."""
    candidate = order.candidate
    return set(identity_keys(candidate.id, candidate.full_name, candidate.email or ""))
