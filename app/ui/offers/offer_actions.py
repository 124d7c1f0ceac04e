"""The moves a partner may make on offers: create, edit, submit for review, withdraw, and
record the Cost the FAQ asks for. ACTIVE is never offered.

The buttons say why they are disabled; each move runs through the catalogue, never twice at
once for one offer, and its failure is told in the service's words.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from app.domain.offer_cost import OfferCost
from app.domain.smartrecruiters import Offer, OfferStatus
from app.ui.common.async_dialogs import confirm
from app.ui.common.messages import Messages
from app.ui.common.task_group import NamedTasks
from app.ui.offers.offer_form import OfferForm
from app.views.text import PART_SHOWN, as_refusal, one_line
from app.workflows.offer_catalog import (
    OfferCatalog,
    OfferChangedMeanwhileError,
    OfferError,
    SentCreate,
)

NEW, EDIT, SUBMIT, WITHDRAW = "new", "edit", "submit", "withdraw"

#: Why an offer form opened before a change of connection is not saved.
CONNECTION_CHANGED = (
    "The connection changed since this form was opened: the offer was not saved. Open the "
    "form again to save it with the connection in use now."
)

_TIPS = {
    NEW: "Create an offer in your SmartRecruiters catalogue (it starts INACTIVE)",
    EDIT: "Change the selected offer (sent to SmartRecruiters as a POST)",
    SUBMIT: "Ask SmartRecruiters' partners team to review and activate the offer",
    WITHDRAW: "Take the offer back to INACTIVE (off the Marketplace, out of review)",
}


class OfferActions(QWidget):
    """The row of offer buttons, and the calls behind them."""

    #: An offer was created or saved: the room shows it, with the Cost just recorded, and
    #: fetches the page again.
    saved = Signal(object, object)  # Offer, OfferCost | None
    #: An offer moved (submitted or withdrawn): the room shows it and fetches again.
    moved = Signal(object)  # Offer
    #: A Cost was recorded here for an offer (nothing was sent).
    cost_recorded = Signal(object, object)  # Offer, OfferCost | None

    def __init__(
        self,
        messages: Messages | None = None,
        tasks: NamedTasks | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._messages = messages or Messages(self)
        self._catalog: OfferCatalog | None = None
        self._offer: Offer | None = None
        self._cost: OfferCost | None = None
        self._in_flight: set[str] = set()  # offer ids with a call under way
        self._tasks = tasks or NamedTasks()  # the room's, so that it can wait for all its work
        self.form: OfferForm | None = None
        self._form_catalog: OfferCatalog | None = None  # the account the form was opened for
        # Per open form: the offer as last seen in SmartRecruiters (see ``_save``).
        self._baselines: dict[OfferForm, Offer] = {}
        # Per open form: what its saves sent that may have gone through though they failed
        # here (the answer lost, or the Cost not recorded after). An edit takes
        # SmartRecruiters holding one of them as its own change, not a colleague's.
        self._unsure_sends: dict[OfferForm, list[Offer]] = {}
        # Per open "New offer" form: its creates that may have gone through, each with what
        # was there before it. Only an offer one of them made is taken as its own, and
        # updated to the corrected form: a look-alike made elsewhere, and its recorded Cost,
        # never are.
        self._unsure_creates: dict[OfferForm, list[SentCreate]] = {}

        self.new_button = QPushButton("&New…")
        self.new_button.setObjectName("newOffer")
        self.edit_button = QPushButton("&Edit…")
        self.edit_button.setObjectName("editOffer")
        self.submit_button = QPushButton("S&ubmit for review")
        self.submit_button.setObjectName("submitOffer")
        self.withdraw_button = QPushButton("&Withdraw")
        self.withdraw_button.setObjectName("withdrawOffer")
        self._buttons = {
            NEW: self.new_button,
            EDIT: self.edit_button,
            SUBMIT: self.submit_button,
            WITHDRAW: self.withdraw_button,
        }
        self.new_button.clicked.connect(self.new_offer)
        self.edit_button.clicked.connect(self.edit_offer)
        self.submit_button.clicked.connect(self.submit_offer)
        self.withdraw_button.clicked.connect(self.withdraw_offer)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for button in self._buttons.values():
            layout.addWidget(button)
        self.update_state()

    def set_catalog(self, catalog: OfferCatalog | None) -> None:
        self._catalog = catalog
        form = self.form
        if form is not None and catalog is not self._form_catalog:
            # Saved now, the offer would go to another account: said at once, Save off,
            # instead of offered and refused the same way on every click.
            form.cannot_save(CONNECTION_CHANGED)
        self.update_state()

    def set_offer(self, offer: Offer | None, cost: OfferCost | None) -> None:
        """The offer the moves apply to (the one shown), with its recorded Cost."""
        self._offer = offer
        self._cost = cost
        self.update_state()

    def _say(self, title: str, text: str) -> None:
        """An error box of the room: its text holds the service's words (a refusal, an
        offer's name), on the screen however long, and without bidirectional controls."""
        self._messages.error(title, as_refusal(text))

    # -- what is allowed ------------------------------------------------------------------------

    def why_not(self, action: str) -> str | None:
        """None when ``action`` (new, edit, submit, withdraw) is allowed now, else why not."""
        if self._catalog is None:
            return "Not connected yet."
        if action == NEW:
            return None
        offer = self._offer
        if offer is None:
            return "Select an offer first."
        if not offer.id:
            # Listed so by another client or a proxy: with no id, no call can name it.
            return "SmartRecruiters listed this offer without an id: it cannot be changed here."
        if offer.id in self._in_flight:
            return "A call for this offer is under way."
        if action == SUBMIT:
            return OfferCatalog.why_not_submit(offer)
        if action == WITHDRAW:
            return OfferCatalog.why_not_withdraw(offer)
        return None

    def update_state(self) -> None:
        for action, button in self._buttons.items():
            reason = self.why_not(action)
            button.setEnabled(reason is None)
            button.setToolTip(reason or _TIPS[action])

    # -- create and edit ------------------------------------------------------------------------

    def new_offer(self) -> None:
        if self.why_not(NEW) is None:
            self._open_form(None, None)

    def edit_offer(self) -> None:
        offer = self._offer
        if offer is not None and offer.id and self.why_not(EDIT) is None:
            self._tasks.start(self._edit(offer.id, self._cost))

    async def _edit(self, offer_id: str, cost: OfferCost | None) -> None:
        """The form is filled with the offer as SmartRecruiters holds it now, not the list's
        copy: what it saves replaces the whole offer."""
        catalog = self._catalog
        if catalog is None:
            return
        self._in_flight.add(offer_id)
        self.update_state()
        try:
            offer = await catalog.read(offer_id)
        except OfferError as exc:
            self._say("Edit offer", str(exc))
            return
        finally:
            self._in_flight.discard(offer_id)
            self.update_state()
        if self._catalog is catalog:
            self._open_form(offer, cost)

    def _open_form(self, offer: Offer | None, cost: OfferCost | None) -> None:
        form = OfferForm(offer, cost, parent=self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        opened_with = self._catalog  # the account the form was filled in for
        form.submitted.connect(
            lambda sent, sent_cost: self._tasks.start(
                self._save(form, opened_with, offer, sent, sent_cost)
            )
        )
        form.destroyed.connect(lambda _o=None: self._forget_form(form))
        self.form = form
        self._form_catalog = opened_with
        form.open()

    def _forget_form(self, form: OfferForm) -> None:
        self._baselines.pop(form, None)
        self._unsure_sends.pop(form, None)
        self._unsure_creates.pop(form, None)
        if self.form is form:
            self.form = None

    async def _save(
        self,
        form: OfferForm,
        opened_with: OfferCatalog | None,
        original: Offer | None,
        offer: Offer,
        cost: OfferCost | None,
    ) -> None:
        catalog = self._catalog
        if catalog is None:
            form.show_server_error("Not connected.")
            return
        if catalog is not opened_with:
            # Another profile applied while the form was open (a switch waits for work under
            # way): saving now would put this offer in the other account.
            form.cannot_save(CONNECTION_CHANGED)
            return
        # What the edit started from (or the last version seen since): a change made after it
        # is not undone unasked. Kept with the form across its saves.
        read = self._baselines.get(form, original)
        unsure = self._unsure_sends.setdefault(form, [])
        creates = self._unsure_creates.setdefault(form, [])
        while True:
            try:
                with form.answering():
                    if original is None or original.id is None:
                        saved = await catalog.create(offer, cost, sent_before=tuple(creates))
                    else:
                        saved = await catalog.update(
                            original.id, offer, cost, read=read, sent_before=tuple(unsure)
                        )
                break
            except OfferChangedMeanwhileError as exc:
                if not await confirm(
                    form,
                    "Offer changed meanwhile",
                    str(exc),
                    informative="Save yours anyway, or keep editing (nothing was sent; to see "
                    "their version, close this form and open the offer again).",
                    ok_text="Save mine anyway",
                    cancel_text="Keep editing",
                ):
                    form.show_server_error(f"Not saved: {exc}")
                    return
                read = self._baselines[form] = exc.now  # theirs, seen and overruled
                form.set_busy(True)
            except OfferError as exc:
                if exc.sent is not None:
                    creates.append(exc.sent)
                elif exc.may_have_gone_through:
                    unsure.append(offer)
                # One that may have gone through asks for Save again, unchanged: on the form,
                # not under a field, where it would turn Save off until that field changed.
                field = None if exc.may_have_gone_through else exc.field
                form.show_server_error(str(exc), field)
                return
        form.accept()
        if self._catalog is catalog:  # saved in the account still shown
            self.saved.emit(saved, cost)

    # -- submit and withdraw --------------------------------------------------------------------

    def submit_offer(self) -> None:
        offer = self._offer
        if offer is not None and offer.id and self.why_not(SUBMIT) is None:
            self._tasks.start(self._move(offer, offer.id, SUBMIT))

    def withdraw_offer(self) -> None:
        offer = self._offer
        if offer is not None and offer.id and self.why_not(WITHDRAW) is None:
            self._tasks.start(self._move(offer, offer.id, WITHDRAW))

    async def _move(self, offer: Offer, offer_id: str, how: str) -> None:
        catalog = self._catalog
        if catalog is None:
            return
        title = "Submit offer for review" if how == SUBMIT else "Withdraw offer"
        self._in_flight.add(offer_id)
        self.update_state()
        try:
            shown = await self._carry_out(catalog, offer, offer_id, how, title)
        finally:
            self._in_flight.discard(offer_id)
            self.update_state()
        if shown is not None and self._catalog is catalog:
            self.moved.emit(shown)

    async def _carry_out(
        self, catalog: OfferCatalog, offer: Offer, offer_id: str, how: str, title: str
    ) -> Offer | None:
        """The move, if SmartRecruiters' copy still allows it (and the coordinator confirms a
        withdrawal from the Marketplace). Returns the offer to show as it is now, or None when
        there is nothing new to show."""
        if how == WITHDRAW:
            # The list is not polled: the partners team may have activated the offer since
            # it was read. Whether to ask is decided from the offer as it is now, as an edit
            # is filled from it, or a live offer is taken off the Marketplace unasked.
            try:
                now = await catalog.read(offer_id)
            except OfferError as exc:
                self._say(title, f"Not withdrawn: {exc}")
                return None
            why = catalog.why_not_withdraw(now)
            if why is not None:
                self._say(
                    title,
                    f"“{one_line(now.name, PART_SHOWN)}” changed in SmartRecruiters since the "
                    f"list was read. {why}",
                )
                return now
            if now.status is OfferStatus.ACTIVE and not await self._confirm_withdraw(
                title, offer, now
            ):
                # Not withdrawn; a list that said otherwise shows it as it is now.
                return now if now.status is not offer.status else None
        try:
            call = catalog.submit if how == SUBMIT else catalog.withdraw
            return await call(offer_id)
        except OfferError as exc:
            self._say(title, str(exc))
            # Refused most often because the offer moved elsewhere: show it as it is now, or
            # the buttons keep offering what was just refused.
            try:
                return await catalog.read(offer_id)
            except OfferError:
                return None  # said already; the next page load shows it

    async def _confirm_withdraw(self, title: str, listed: Offer, now: Offer) -> bool:
        activated = (
            ""
            if listed.status is OfferStatus.ACTIVE
            else "It is live now: SmartRecruiters' partners team activated it after the list "
            "was read. "
        )
        return await confirm(
            self,
            title,
            f"Withdraw “{one_line(now.name, PART_SHOWN)}” from the Marketplace?",
            informative=f"{activated}Customers can no longer order it. To list it again it has "
            "to be submitted and reviewed by SmartRecruiters' partners team.",
            ok_text="Withdraw",
        )

    # -- the Cost -------------------------------------------------------------------------------

    def record_cost(self, offer: Offer, cost: OfferCost) -> None:
        """Record ``cost`` for ``offer`` (after the coordinator set it in the Partner Portal)."""
        if offer.id and self._catalog is not None:
            self._tasks.start(self._record_cost(self._catalog, offer, offer.id, cost))

    async def _record_cost(
        self, catalog: OfferCatalog, offer: Offer, offer_id: str, cost: OfferCost
    ) -> None:
        try:
            await catalog.record_cost(offer_id, cost)
        except OfferError as exc:
            self._say("Record the cost", str(exc))
            return
        self.cost_recorded.emit(offer, cost)
