"""Sorting the offers (a click on a column header was the only way: no menu, palette entry or
key sorted them) orders only the page shown: SmartRecruiters' listing takes no sort. With a
catalogue of 600 offers at 25 a page, "Name ▲" showed the first 25 SmartRecruiters listed, in
order, and Next another 25 in order: the list looked sorted and was not, and nothing said it
was sorted within the page. Now the list says so whenever it is sorted, and the sort is
reached from the keyboard too (the room's Sort button, the window's Ctrl+K palette)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt

from app.domain.text_fold import sort_text
from app.ui.offers.offer_table_model import Column
from app.workflows import offers
from app.workflows.desk import Desk
from app.workflows.offer_catalog import OfferCatalog
from tests.ui.conftest import open_offers_view

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from app.sandbox import SandboxServer


def test_a_sort_says_it_orders_this_page_only(
    qtbot: QtBot, live_desk: Desk, monkeypatch: pytest.MonkeyPatch, sandbox: SandboxServer
) -> None:
    monkeypatch.setattr(offers, "PAGE_SIZE", 2)  # stands for 25 of a 600-offer catalogue
    view = open_offers_view(qtbot, live_desk)
    note = view.offer_list.sort_note
    assert note.isHidden()  # in SmartRecruiters' order: nothing to say
    view.offer_list.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
    page = [view.proxy.index(r, Column.NAME).data() for r in range(view.proxy.rowCount())]
    every_name = sorted((o["name"] for o in sandbox.app.state.sr.offers.values()), key=sort_text)
    assert page == sorted(page, key=sort_text)
    assert page != every_name[: len(page)]  # the page sorted, not the catalogue
    assert note.isVisible(), "sorted by name, nothing says the sort is within the page"
    assert "Sorted by Name (A to Z) within this page only" in note.text()
    # Unsorted again: SmartRecruiters' order, and the note goes.
    view.offer_list.sorting.unsorted.trigger()
    assert note.isHidden()


def test_the_offers_are_sorted_from_the_keyboard(
    qtbot: QtBot, live_desk: Desk, tmp_path: Path
) -> None:
    """The room's Sort button (a Tab stop, its menu opened by Space) and the window's palette
    hold the sort actions: only a mouse's click on a header sorted the offers."""
    from app.ui.common.command_palette import action_title, matching_actions
    from app.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.set_offer_catalog(OfferCatalog(live_desk.session, live_desk.db))
    with qtbot.waitSignal(window.offers.loaded):
        window.rooms.setCurrentWidget(window.offers)
    view = window.offers
    assert view.offer_list.sorting.button.focusPolicy() & Qt.FocusPolicy.TabFocus
    found = matching_actions("sort offers price", window.actions())
    assert [action_title(item.action) for item in found if item.action] == [
        "Sort the offers on this page by Price"
    ]
    window.rooms.setCurrentWidget(window.orders)
    assert found[0].action is not None
    found[0].action.trigger()
    assert window.rooms.currentWidget() is view  # where the sort is seen
    header = view.offer_list.table.horizontalHeader()
    assert header.sortIndicatorSection() == Column.PRICE
    assert view.offer_list.sorting.by_column[Column.PRICE].isChecked()
    view.offer_list.sorting.descending.trigger()
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert "highest first" in view.offer_list.sort_note.text()
