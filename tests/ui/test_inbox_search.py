"""The inbox's search finds what the rows show, as typed on any keyboard: a name without its
accents (as the Candidates tab and the palette already did), and the date the "Ordered on"
column shows, in the coordinator's own time zone. Each test failed before its fix."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.domain.smartrecruiters import OrderStatus
from app.ui.common.messages import Messages
from app.ui.orders.cached_orders import CachedOrders
from app.ui.orders.candidate_table_model import CandidateTableModel
from app.ui.orders.order_filter_proxy import OrderFilterProxy
from app.ui.orders.order_table_model import OrderTableModel
from app.ui.orders.orders_room import OrdersRoom
from app.views.inbox_columns import INBOX, berke_cell
from app.views.order_rows import OrderColumns, OrderRow
from tests.zones import living_in

WHEN = "2026-03-14T10:00:00.000+00:00"


def row(order_id: str, created: str, name: str = "Ana Silva") -> OrderRow:
    return OrderRow(
        id=order_id, status=OrderStatus.NEW, candidate_id="c-" + order_id, candidate=name,
        email="", job="Nurse", company="Acme", requestor="", created=created, assessment="",
        activity="", berke="", attention="", berke_id="",
    )  # fmt: skip


def inbox(rows: list[OrderRow]) -> tuple[OrderTableModel, OrderFilterProxy]:
    model = OrderTableModel()
    proxy = OrderFilterProxy()
    proxy.setSourceModel(model)
    model.set_rows(OrderColumns.of_rows(rows))
    return model, proxy


@pytest.fixture
def in_tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with living_in(monkeypatch, "Asia/Tokyo"):
        yield


def test_the_date_the_ordered_on_column_shows_is_what_a_search_finds(
    qapp: QApplication, in_tokyo: None
) -> None:
    model, proxy = inbox([row("o-1", "2026-03-14T20:30:00.000+00:00")])
    shown = model.text(0, INBOX.index("ordered"))
    assert shown.startswith("2026-03-15")  # 05:30 in Tokyo
    proxy.set_search_text("2026-03-15")
    assert proxy.rowCount() == 1
    proxy.set_search_text("2026-03-14")  # a date shown nowhere
    assert proxy.rowCount() == 0


def test_a_name_typed_without_its_accents_is_found_in_the_inbox_as_in_the_candidates_tab(
    qapp: QApplication,
) -> None:
    rows = [row("o-1", "2026-03-14T10:00:00.000+00:00", "Zoë Müller"),
            row("o-2", "2026-03-14T11:00:00.000+00:00", "Anaïs Girard")]  # fmt: skip
    candidates = CandidateTableModel()
    candidates.set_rows(OrderColumns.of_rows(rows))
    candidates.set_search_text("zoe muller")
    _model, proxy = inbox(rows)
    for typed, found in (("zoe muller", 1), ("ZOË", 1), ("anais", 1), ("müller girard", 0)):
        proxy.set_search_text(typed)
        assert proxy.rowCount() == found, typed


@pytest.mark.parametrize("typed", ["Işık", "ışık", "IŞIK", "isik", "ISIK"])
def test_a_turkish_name_is_found_however_its_i_is_typed(qapp: QApplication, typed: str) -> None:
    """The dotless "ı" has no accent to drop and casefolding keeps it: "Işık" folded to "isık",
    so the name typed in lower case ("ışık"), upper case ("IŞIK") or ASCII ("isik") found
    nothing."""
    rows = [row("o-1", "2026-03-14T10:00:00.000+00:00", "Işık Yılmaz"),
            row("o-2", "2026-03-14T11:00:00.000+00:00", "Ana Silva")]  # fmt: skip
    _model, proxy = inbox(rows)
    proxy.set_search_text(typed)
    assert proxy.rowCount() == 1


@pytest.fixture
def in_honolulu(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with living_in(monkeypatch, "Pacific/Honolulu"):  # behind UTC: year 1's first hours are year 0
        yield


@pytest.mark.parametrize("kept", ["0001-01-01T05:00:00.000+00:00", "0001-01-01T00:00:00.000+01:00"])
def test_a_time_kept_out_of_range_shows_nothing_rather_than_failing_the_paint(
    qapp: QApplication, in_honolulu: None, kept: str
) -> None:
    """Such a time (a snapshot's, or cached before the models refused it) raised OverflowError
    in the local zone, in every paint and search of its row."""
    model, proxy = inbox([row("o-1", kept)])
    assert model.text(0, INBOX.index("ordered")) == ""
    assert berke_cell(f"Complete · {kept}") == "Complete"
    proxy.set_search_text("0001")
    assert proxy.rowCount() == 0


def test_an_email_id_or_code_is_found_as_shown_or_without_its_accents(
    qapp: QApplication,
) -> None:
    """What is typed is folded (accents dropped), and only the names were in what it looks in:
    an accented email, order id, Berke code or id, typed exactly as shown, found nothing."""
    accented = row("ordre-été-7", "2026-03-14T10:00:00.000+00:00")._replace(
        email="björn.ek@exämple.se", assessment="CÓD-1", berke_id="AD-Ñ9"
    )
    _model, proxy = inbox([accented, row("o-2", "2026-03-14T11:00:00.000+00:00")])
    for typed in ("björn", "BJÖRN.EK@EXÄMPLE.SE", "bjorn", "ordre-été-7", "ordre-ete",
                  "cód-1", "cod-1", "ad-ñ9", "ad-n9"):  # fmt: skip
        proxy.set_search_text(typed)
        assert proxy.rowCount() == 1, typed
    proxy.set_search_text("björk")
    assert proxy.rowCount() == 0


def test_a_berke_completion_is_found_by_the_date_shown_not_its_utc_date(
    qapp: QApplication, in_tokyo: None
) -> None:
    """The Berke column was searched by the text the row keeps, "Complete · <UTC time>": a
    completion of 05:30 in Tokyo (its cell "Complete 15 Mar", its tip "2026-03-15 05:30") was
    found under the day before, a date its row shows nowhere, as "Ordered on" was before."""
    done = "Complete · 2026-03-14T20:30:00.000+00:00"
    completed = row("o-1", "2026-03-10T10:00:00.000+00:00")._replace(
        status=OrderStatus.IN_PROGRESS, berke=done
    )
    model, proxy = inbox([completed])
    assert model.text(0, INBOX.index("berke")) == "Complete 15 Mar"
    for typed, found in (("2026-03-14", 0), ("2026-03-15", 1), ("complete 2026-03-15", 1)):
        proxy.set_search_text(typed)
        assert proxy.rowCount() == found, typed


def test_the_count_of_one_order_says_order(
    qtbot: QtBot, tmp_path: Path, running_loop: asyncio.AbstractEventLoop
) -> None:
    """Before: "0 of 1 orders · 1 new" under a search that hid the only order."""
    host = QWidget()
    qtbot.addWidget(host)
    room = OrdersRoom(Messages(host), host)
    said: list[str] = []
    room.counts_changed.connect(said.append)
    room.set_source(CachedOrders(tmp_path / "day.sqlite", OrderColumns.of_rows([row("o-1", WHEN)])))
    qtbot.waitUntil(lambda: bool(said) and said[-1] == "1 order · 1 new")
    room.search.setText("nobody by this name")
    qtbot.waitUntil(lambda: said[-1] == "0 of 1 order · 1 new")
