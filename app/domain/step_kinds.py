"""The kinds and states of a journaled step, in words.

Without pydantic (``app.domain.journal_terms`` re-exports them beside the link's model): the
inbox's rows say which steps are under way or failed in a working day's first frame, before
any model is loaded.
"""

from __future__ import annotations

from enum import StrEnum


class StepKind(StrEnum):
    """The kinds of journaled call to a service (what the activity list shows). Not the same
    as ``order_rules.OrderAction``, what a coordinator may do to an order: one action may make
    several steps (create, accept and invite), and a step may have no button (create result)."""

    CREATE_ASSESSMENT = "create_assessment"
    ACCEPT = "accept"
    REJECT = "reject"
    INVITE = "invite"
    COMPLETE = "complete"
    CREATE_RESULT = "create_result"
    UPLOAD = "upload"
    COMMENT = "comment"
    DELETE_ASSESSMENT = "delete_assessment"
    REUSE_ASSESSMENT = "reuse_assessment"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def not_done(self) -> str:
        """The step failed (or was cancelled), in words: what the order's Activity list leads
        its line with ("Invitation not sent to …"), and what its row and flag say. Before,
        those said the step's name ("Failed: Send Berke invitation") where the list said
        "Invitation to … not sent": two names for one failure."""
        return _NOT_DONE[self]


_LABELS = {
    StepKind.CREATE_ASSESSMENT: "Create Berke assessment",
    StepKind.ACCEPT: "Accept order",
    StepKind.REJECT: "Reject order",
    StepKind.INVITE: "Send Berke invitation",
    StepKind.COMPLETE: "Complete order",
    StepKind.CREATE_RESULT: "Create result",
    StepKind.UPLOAD: "Upload attachment",
    StepKind.COMMENT: "Add comment",
    StepKind.DELETE_ASSESSMENT: "Delete Berke assessment",
    StepKind.REUSE_ASSESSMENT: "Reuse Berke assessment",
}

_NOT_DONE = {
    StepKind.CREATE_ASSESSMENT: "Berke assessment not created",
    StepKind.ACCEPT: "Order not accepted",
    StepKind.REJECT: "Order not rejected",
    StepKind.INVITE: "Invitation not sent",
    StepKind.COMPLETE: "Order not completed",
    StepKind.CREATE_RESULT: "Result not created",
    StepKind.UPLOAD: "Report not uploaded",
    StepKind.COMMENT: "Comment not added",
    StepKind.DELETE_ASSESSMENT: "Berke assessment not deleted",
    StepKind.REUSE_ASSESSMENT: "Berke assessment not reused",
}


class StepState(StrEnum):
    PENDING = "pending"  # written before the call; still pending after a crash means "resume"
    DONE = "done"
    FAILED = "failed"
    #: Waiting to be sent, and cancelled by the coordinator before it went: never sent (the
    #: resumer, a restart and Retry leave it alone).
    CANCELLED = "cancelled"


#: How a step ends without being done: failed, or cancelled waiting. Either may have gone on an
#: earlier try whose answer was lost (the journal's ``may_have_gone``).
ENDED_UNSENT = frozenset({StepState.FAILED, StepState.CANCELLED})
