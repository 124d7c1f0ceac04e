"""Why an action may not be started on the orders selected, asked of the board's memory: the
rules of ``order_rules`` (through ``order_actions.action_refusal``, as the action itself asks)
plus what only the board knows, a step of that kind under way or waiting elsewhere. A view
asks on every change of the selection, for thousands of orders after Ctrl+A: in memory only."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain

from app.domain.berke_progress import BerkeProgress
from app.domain.journal_terms import StepKind
from app.domain.order_rules import OrderAction, still_in_use, why_not
from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.workflows import order_actions as actions
from app.workflows.batch_rules import batch_refusal
from app.workflows.board_memory import BoardMemory
from app.workflows.desk import Desk, action_key
from app.workflows.results import result_made_reason

NO_ORDER = "Select an order first."


class OrderRules:
    """The board's refusals, from its memory and the desk's in-flight registry. It holds
    no board: a closed board is freed by reference counting alone (``app.workflows.heap``
    freezes what lives on, so a cycle through it would keep it for good)."""

    def __init__(self, memory: BoardMemory, desk: Desk) -> None:
        self._memory = memory
        self._desk = desk

    def is_busy(self, action: OrderAction, order_id: str) -> bool:
        """Whether ``action`` is under way on the order (``Desk.claim``)."""
        return self._desk.is_claimed(action_key(action, order_id))

    def reason(self, action: OrderAction, order_ids: Sequence[str]) -> str | None:
        """None when ``action`` may be started on these orders; else why not, in words. What
        is under way asks this too, so that it finishes while the connection closes."""
        orders = [o for o in map(self._memory.orders.get, order_ids) if o is not None]
        if not orders:
            return NO_ORDER
        if action is OrderAction.CREATE_ACCEPT_INVITE and len(orders) > 1:
            # The batch takes the ones it can (new ones, and accepted ones never invited).
            # Whether any: the new ones asked first, thousands selected stop at the first.
            new = OrderStatus.NEW
            fresh = (o for o in orders if o.status is new)
            first_new = chain(fresh, (o for o in orders if o.status is not new))
            if any(self.batch_reason(o) is None for o in first_new):
                return None
            return "Only new orders can be created, accepted and invited in one go."
        if action is OrderAction.REJECT and len(orders) > 1:
            gone_since = self._memory.gone_since
            if any(why_not(action, o, None, gone_since=gone_since(o.id)) is None for o in orders):
                return None
            return "None of the selected orders can be rejected."
        if action is OrderAction.DELIVER and len(orders) > 1:
            # Only an order whose candidate completed the assessment may be (``why_not``
            # refuses the others): thousands selected, at every poll, are not each asked all.
            complete = BerkeProgress.COMPLETE
            state = self._memory.state
            done = (o for o in orders if state(o.id).berke_progress is complete)
            if any(self.order_reason(action, o) is None for o in done):
                return None
            return "None of the selected orders is ready to deliver."
        if len(orders) > 1:
            return "Select a single order for this action."
        return self.order_reason(action, orders[0])

    def order_reason(self, action: OrderAction, order: AssessmentOrder) -> str | None:
        """``reason`` for the one order."""
        if action is OrderAction.CREATE_ACCEPT_INVITE:
            return self.batch_reason(order)
        if self.is_busy(action, order.id):
            return "Already being sent…"
        memory = self._memory
        state = memory.state(order.id)
        link = state.link
        if action is OrderAction.REMIND and link is not None:
            invited_elsewhere = memory.invited_elsewhere_at(order.id)
            if invited_elsewhere is not None:
                # A reused assessment: its invitation went with the other order. The rules are
                # asked as if this one had sent it (a completed assessment is still refused).
                link = link.model_copy(update={"invited_at": link.invited_at or invited_elsewhere})
        # As the action itself asks (``order_actions._check``): a step waiting refuses it too
        # (offered, the form would be filled in for nothing), after the order's own rules.
        reason = actions.action_refusal(
            action,
            order,
            link,
            state.berke_progress,
            gone_since=state.gone_since,
            pending=state.pending,
            accept_refused=state.accept_refused,
        )
        if reason is not None:
            return reason
        if action is OrderAction.CREATE_ASSESSMENT and memory.create_waiting_for_candidate(order):
            # The form is not offered for an order whose candidate's other order waits for
            # its create (``order_actions.other_create_waiting``).
            return actions.OTHER_CREATE_WAITING
        if action is OrderAction.REMIND and memory.other_invite_waiting(order.id):
            return actions.OTHER_INVITE_WAITING  # as ``send_invitation``'s resend
        if action is OrderAction.DELETE_IN_BERKE:
            return still_in_use(memory.open_orders_sharing(order.id))
        if action is OrderAction.COMPLETE and state.result_id is not None:
            # An earlier attempt made its result and did not complete it: a result typed now
            # would be refused (a second verdict), so the dialog is not offered for it.
            return result_made_reason(completion_failed=StepKind.COMPLETE in state.failed)
        return None

    def batch_reason(self, order: AssessmentOrder) -> str | None:
        """``batch_rules.batch_refusal`` from the board's memory: the plan asks it of the
        store (``batch.why_not_in_batch``)."""
        allowed = actions.http_assessment_urls_allowed(self._desk)
        facts = self._memory.batch_facts(order, allow_http_loopback=allowed)
        return batch_refusal(facts)
