"""An offer saved (or moved) from a page that will not hold it (a new offer of a catalogue of
more than one page, one withdrawn under a status filter it no longer matches) stays the one
shown after the save. Before, the list's re-read selected the page's first row and the pane
followed it: the coordinator's offer was nowhere on screen, and the moves acted on another.
Now the pane keeps it, says it is not in the list shown, and no row is selected."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.domain.smartrecruiters import OfferStatus
from app.workflows import offers
from app.workflows.desk import Desk
from tests.ui.conftest import open_offers_view

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from app.sandbox import SandboxServer


def test_a_created_offer_stays_shown_when_its_page_is_another(
    qtbot: QtBot, live_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 2 a page stands for 25 a page of a 600-offer catalogue: the new offer lands on the last.
    monkeypatch.setattr(offers, "PAGE_SIZE", 2)
    view = open_offers_view(qtbot, live_desk)
    assert view._total is not None
    assert view._total > 2  # more than one page

    qtbot.mouseClick(view.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.form is not None and view.form.isVisible())
    form = view.form
    assert form is not None
    form.catalog_id.setText(f"NEW-{uuid.uuid4().hex[:8]}")
    form.name.setText("My brand new offer")
    form.description.setPlainText("d")
    with qtbot.waitSignal(view.loaded) as blocker:
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [True]
    qtbot.waitUntil(lambda: view.form is None)

    shown = view.selected_offer()
    assert shown is not None
    assert shown.name == "My brand new offer", (
        f"after creating 'My brand new offer' the pane shows {shown.name!r} "
        f"(page {view.page_label.text()}); the new offer is on no page shown"
    )
    assert view.detail.off_page.isVisible()  # why no row of the list is selected
    assert "Not in the list shown" in view.detail.off_page.text()
    assert not view.offer_list.table.selectionModel().hasSelection()
    assert view.edit_button.isEnabled()  # the moves act on it
    # Choosing an offer of the list shows that one, and the note goes.
    assert view.select_offer(view.model.offer_at(0).id or "")
    assert view.detail.off_page.isHidden()
    assert view.selected_offer() == view.model.offer_at(0)


def test_a_withdrawn_offer_stays_shown_when_the_status_filter_no_longer_holds_it(
    qtbot: QtBot, live_desk: Desk, sandbox: SandboxServer
) -> None:
    view = open_offers_view(qtbot, live_desk)
    with qtbot.waitSignal(view.loaded):
        view.status_filter.setCurrentIndex(view.status_filter.findData(OfferStatus.ACTIVE))
    assert view.model.rowCount() > 1
    active = view.model.offer_at(1)
    assert active.id is not None
    assert view.select_offer(active.id)
    qtbot.mouseClick(view.withdraw_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: any(b.isVisible() for b in view.findChildren(QMessageBox)))
    box = next(b for b in view.findChildren(QMessageBox) if b.isVisible())
    with qtbot.waitSignal(view.loaded):
        next(b for b in box.buttons() if b.text() == "Withdraw").click()
    shown = view.selected_offer()
    assert shown is not None
    assert shown.id == active.id
    assert shown.status is OfferStatus.INACTIVE
    assert view.model.row_of(active.id) is None  # the Active filter's page holds it no more
    assert view.detail.off_page.isVisible()
