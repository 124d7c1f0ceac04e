"""What the order board holds in memory of each order: the order as last read, its local
state, and the indexes its rules ask of every order shown (the orders of one Berke
assessment, the creates waiting). Plain Python and no I/O: the board reads the store off the
GUI thread and sets here what it read; a view may ask on every paint."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime

from app.domain.order_freshness import is_older
from app.domain.order_rules import OPEN_STATUSES
from app.domain.order_state import NO_STATE, OrderState
from app.domain.smartrecruiters import AssessmentOrder
from app.domain.step_kinds import StepKind
from app.workflows import order_actions as actions
from app.workflows.batch import CandidateKeys
from app.workflows.batch_rules import BatchFacts, OtherOrderInvitation, invitation_elsewhere


class BoardMemory:
    """Each order and its local state, as the board last read them."""

    def __init__(self) -> None:
        self.orders: dict[str, AssessmentOrder] = {}
        self.candidate_keys = CandidateKeys()
        self._states: dict[str, OrderState] = {}
        #: The orders whose Berke create waits in the journal: each order offered the form or
        #: the batch asks whether one of its candidate's is among them (a selection of 2,750
        #: asking every order's state froze the window for seconds).
        self._creates_waiting: set[str] = set()
        #: Each Berke assessment (its id, casefolded) and the orders linked to it: a reused
        #: assessment has several, and what is done to it concerns them all.
        self._linked: dict[str, set[str]] = {}
        #: How many times each order's local state was set: a refresh whose read began
        #: before another setting landed holds what may be older (``OrderBoard.refresh``).
        self._settings: dict[str, int] = {}

    # -- setting ---------------------------------------------------------------------------------

    def load(self, orders: Iterable[AssessmentOrder], states: Mapping[str, OrderState]) -> None:
        """Everything held before is forgotten: these orders and states instead."""
        self.orders = {order.id: order for order in orders}
        self._states = {}
        self._creates_waiting = set()
        self._linked = {}
        for order_id, state in states.items():
            self.set_state(order_id, state)

    def take(self, orders: Iterable[AssessmentOrder]) -> list[AssessmentOrder]:
        """These orders, each unless the copy held is newer (an action's answer that came
        while they were read); the ones taken."""
        taken = [
            order
            for order in orders
            if (held := self.orders.get(order.id)) is None or not is_older(order, held)
        ]
        self.orders.update((order.id, order) for order in taken)
        return taken

    def set_state(self, order_id: str, state: OrderState) -> None:
        before = self._states.get(order_id)
        self._states[order_id] = state
        self._settings[order_id] = self._settings.get(order_id, 0) + 1
        if StepKind.CREATE_ASSESSMENT in state.pending:
            self._creates_waiting.add(order_id)
        else:
            self._creates_waiting.discard(order_id)
        old, new = assessment_key(before), assessment_key(state)
        if old != new:
            if old is not None:
                self._linked.get(old, set()).discard(order_id)
            if new is not None:
                self._linked.setdefault(new, set()).add(order_id)

    def settings(self, order_id: str) -> int:
        """How many times the order's state was set (``set_state``)."""
        return self._settings.get(order_id, 0)

    # -- reading ---------------------------------------------------------------------------------

    def state(self, order_id: str) -> OrderState:
        return self._states.get(order_id, NO_STATE)

    def assessment_of(self, order_id: str) -> str | None:
        """The Berke assessment the order is linked to (``assessment_key``), if any."""
        return assessment_key(self._states.get(order_id))

    def linked_with(self, order_id: str) -> set[str]:
        """The orders linked to this order's Berke assessment, itself included (none when it
        has no assessment)."""
        key = self.assessment_of(order_id)
        return set(self._linked.get(key, ())) if key is not None else set()

    def with_sharing(
        self, order_ids: list[str], links_before: Mapping[str, str | None] | None = None
    ) -> list[str]:
        """These orders and the others linked to the same assessments, before (the keys in
        ``links_before``) and after a change: their flags and actions may change with these
        (one rejected, its twin's assessment may be cancelled)."""
        keys = {self.assessment_of(order_id) for order_id in order_ids}
        keys |= set((links_before or {}).values())
        sharing = {other for key in keys if key is not None for other in self._linked.get(key, ())}
        return list(dict.fromkeys([*order_ids, *sorted(sharing)]))

    def gone_since(self, order_id: str) -> datetime | None:
        """Since when SmartRecruiters no longer has the order (None: it has it)."""
        state = self._states.get(order_id)
        return state.gone_since if state is not None else None

    def open_orders_sharing(self, order_id: str) -> list[AssessmentOrder]:
        """The other orders, new or in progress, linked to this order's Berke assessment."""
        others = (self.orders.get(other) for other in self.linked_with(order_id) - {order_id})
        return [
            o
            for o in others
            if o is not None and o.status in OPEN_STATUSES and self.gone_since(o.id) is None
        ]

    def invited_elsewhere_at(self, order_id: str) -> datetime | None:
        """When this desk last sent the order's assessment's invitation for another order
        linked to it (a reused assessment); None when it never did."""
        times = [
            state.link.invited_at
            for other in self.linked_with(order_id) - {order_id}
            if (state := self._states.get(other)) is not None
            and state.link is not None
            and state.link.invited_at is not None  # invitation_sent
        ]
        return max(times, default=None)

    def invitation_unsure_elsewhere(self, order_id: str) -> bool:
        """Whether the candidate may have the invitation through another order linked to the
        order's assessment: its send waits in the journal, or is in doubt (it may have gone,
        its answer lost, with no count from Berke). The attention flag's question; the
        batch's is ``batch_rules.invitation_elsewhere``."""
        others = [self._states.get(other) for other in self.linked_with(order_id) - {order_id}]
        if any(s is not None and StepKind.INVITE in s.pending for s in others):
            return True
        return any(s is not None and s.invitation_doubt is not None for s in others)

    def create_waiting_for_candidate(self, order: AssessmentOrder) -> bool:
        """``order_actions.create_waiting_for_candidate`` from the states held: whether a
        create waits for another order of the order's candidate."""
        if not self._creates_waiting - {order.id}:  # most of the time: no key is worked out
            return False
        return actions.create_waiting_for_candidate(
            order, self._creates_waiting, self.orders.get, self.candidate_keys.of
        )

    def other_invite_waiting(self, order_id: str) -> bool:
        """Whether another order linked to this order's assessment has its invitation (or
        reminder) waiting in the journal."""
        for other in self.linked_with(order_id) - {order_id}:
            state = self._states.get(other)
            if state is not None and StepKind.INVITE in state.pending:
                return True
        return False

    def batch_facts(self, order: AssessmentOrder, *, allow_http_loopback: bool) -> BatchFacts:
        """``BatchFacts`` of the order as held here (``batch.stored_batch_facts`` reads the
        same from the store)."""
        state = self.state(order.id)
        facts = BatchFacts(
            order,
            state.link,
            berke=state.berke_progress,
            gone_since=state.gone_since,
            pending=state.pending,
            allow_http_loopback=allow_http_loopback,
        )
        if state.link is None:
            return replace(facts, other_create_waiting=self.create_waiting_for_candidate(order))
        others = (self._states.get(other) for other in self.linked_with(order.id) - {order.id})
        return replace(
            facts,
            accepted_here=state.accepted_here,
            invitation_doubt=state.invitation_doubt is not None,
            elsewhere=invitation_elsewhere(
                OtherOrderInvitation(
                    sent=other.link.invitation_sent,
                    waiting=StepKind.INVITE in other.pending,
                    may_have_gone=other.invitation_in_doubt,
                )
                for other in others
                if other is not None and other.link is not None
            ),
        )


def assessment_key(state: OrderState | None) -> str | None:
    """The Berke assessment an order is linked to (Berke's ids ignore case), if any."""
    if state is None or state.link is None:
        return None
    return state.link.source_candidate_id.casefold()
