"""The candidates tree: grouping, roles, search, and the view's signals."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest

from app.domain.smartrecruiters import AssessmentOrder, OrderStatus
from app.ui.candidate_tree_model import (
    CANDIDATE_ROLE,
    CandidateFilterProxy,
    CandidateTreeModel,
    Column,
)
from app.ui.candidates_view import CandidatesView
from app.ui.filter_compat import RowsFilterProxy
from app.ui.order_table_model import (
    ORDER_ROLE,
    STATUS_COLOURS,
    OrderFilterProxy,
    OrderTableModel,
)


def make_order(
    order_id: str,
    candidate: tuple[str, str, str, str | None],
    job: str,
    company: str,
    created: str,
    *,
    status: str = "NEW",
) -> AssessmentOrder:
    cid, first, last, email = candidate
    payload: dict[str, Any] = {
        "id": order_id,
        "status": status,
        "createDate": f"{created}T10:00:00.000+0000",
        "candidate": {"id": cid, "firstName": first, "lastName": last},
        "job": {"name": job},
        "company": {"name": company},
    }
    if email is not None:
        payload["candidate"]["email"] = email
    return AssessmentOrder.model_validate(payload)


ZOE = ("c1", "Zoë", "Müller", "zoe.mueller@example.de")
ANA = ("c2", "Ana", "Ñúñez", None)
EMILE = ("c3", "Émile", "Dubois", "emile@example.fr")


@pytest.fixture
def orders() -> list[AssessmentOrder]:
    return [
        make_order("o1", ZOE, "Data Analyst", "Acme GmbH", "2025-05-01"),
        make_order("o2", ANA, "Backend Engineer", "Globex", "2025-04-20", status="IN_PROGRESS"),
        make_order("o3", ZOE, "Product Owner", "Initech", "2025-05-03", status="COMPLETED"),
        make_order("o4", EMILE, "Support Agent", "Acme GmbH", "2025-03-11", status="REJECTED"),
        make_order("o5", ZOE, "Data Analyst", "Acme GmbH", "2025-04-02"),
    ]


@pytest.fixture
def model(orders: list[AssessmentOrder]) -> CandidateTreeModel:
    model = CandidateTreeModel()
    model.set_orders(orders)
    return model


def texts(model: Any, parent: QModelIndex | None = None, column: int = 0) -> list[str]:
    parent = parent or QModelIndex()
    return [model.index(r, column, parent).data() for r in range(model.rowCount(parent))]


def test_candidates_are_grouped_and_sorted_by_name_ignoring_accents(
    model: CandidateTreeModel,
) -> None:
    # Émile sorts among the Es, not after Z as a plain code-point sort would put it.
    assert texts(model) == ["Ana Ñúñez", "Émile Dubois", "Zoë Müller"]
    assert texts(model, column=Column.STATUS) == ["1 order", "1 order", "3 orders"]
    assert model.candidate_count() == 3


def test_orders_are_children_newest_first(model: CandidateTreeModel) -> None:
    zoe = model.index(2, 0)
    assert model.rowCount(zoe) == 3
    assert [model.index(r, 0, zoe).data(ORDER_ROLE).id for r in range(3)] == ["o3", "o1", "o5"]
    assert texts(model, zoe) == ["Product Owner", "Data Analyst", "Data Analyst"]
    assert texts(model, zoe, Column.STATUS) == ["Completed", "New", "New"]
    assert texts(model, zoe, Column.COMPANY) == ["Initech", "Acme GmbH", "Acme GmbH"]
    # The candidate row shows the newest of the candidate's orders and their companies.
    assert model.index(2, Column.LATEST).data() == model.index(0, Column.LATEST, zoe).data()
    assert model.index(2, Column.LATEST).data().startswith("2025-05-0")
    assert model.index(2, Column.COMPANY).data() == "Initech, Acme GmbH"
    # Orders have no children, and only column 0 of a candidate has any.
    assert model.rowCount(model.index(0, 0, zoe)) == 0
    assert model.rowCount(model.index(2, 1)) == 0


def test_parent_points_back_to_the_candidate(model: CandidateTreeModel) -> None:
    zoe = model.index(2, 0)
    child = model.index(1, Column.COMPANY, zoe)
    assert model.parent(child) == zoe
    assert not model.parent(zoe).isValid()
    # The no-argument form is still QObject.parent().
    assert model.parent() is None


def test_roles(model: CandidateTreeModel) -> None:
    ana = model.index(0, 0)
    assert ana.data(ORDER_ROLE) is None
    assert ana.data(CANDIDATE_ROLE).id == "c2"
    order_index = model.index(0, Column.STATUS, ana)
    assert order_index.data(ORDER_ROLE).id == "o2"
    assert order_index.data(CANDIDATE_ROLE).id == "c2"
    assert order_index.data() == "In progress"
    colour = order_index.data(Qt.ItemDataRole.ForegroundRole)
    assert colour == STATUS_COLOURS[OrderStatus.IN_PROGRESS]
    # No email: shown as a dash and explained.
    assert model.index(0, Column.EMAIL).data() == "—"
    assert "invitation code" in model.index(0, Column.EMAIL).data(Qt.ItemDataRole.ToolTipRole)
    # Orders leave the email to their candidate's row.
    assert model.index(0, Column.EMAIL, ana).data() == ""
    assert model.index(2, Column.EMAIL).data() == "zoe.mueller@example.de"
    assert model.index(2, Column.STATUS).data(Qt.ItemDataRole.ToolTipRole) == ("2 new, 1 completed")
    assert model.index(2, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Candidate / job"


def test_index_of_order(model: CandidateTreeModel) -> None:
    index = model.index_of_order("o5")
    assert index.data(ORDER_ROLE).id == "o5"
    assert index.parent().data() == "Zoë Müller"
    assert not model.index_of_order("nope").isValid()


def test_qtmodeltester_on_model(qtmodeltester: Any, model: CandidateTreeModel) -> None:
    qtmodeltester.check(model)


def test_qtmodeltester_on_proxy_while_filtering(
    qtmodeltester: Any, model: CandidateTreeModel
) -> None:
    proxy = CandidateFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_search_text("analyst")
    proxy.sort(Column.LATEST, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(proxy)


def test_qtmodeltester_on_empty_model(qtmodeltester: Any) -> None:
    qtmodeltester.check(CandidateTreeModel())


def test_set_orders_twice_resets(
    qtbot: Any, qtmodeltester: Any, model: CandidateTreeModel, orders: list[AssessmentOrder]
) -> None:
    with qtbot.waitSignal(model.modelReset):
        model.set_orders(orders[:2])
    assert texts(model) == ["Ana Ñúñez", "Zoë Müller"]
    assert texts(model, column=Column.STATUS) == ["1 order", "1 order"]
    model.set_orders([])
    assert model.rowCount() == 0
    qtmodeltester.check(model)


def test_the_orders_proxy_still_filters_non_ascii(
    orders: list[AssessmentOrder],
) -> None:
    # The orders proxy filters in bulk (issue 5, 100,000 orders); the candidates proxy keeps
    # the shared Qt-version-aware base.
    source = OrderTableModel()
    source.set_orders(orders)
    proxy = OrderFilterProxy()
    proxy.setSourceModel(source)
    assert isinstance(CandidateFilterProxy(), RowsFilterProxy)
    proxy.set_search_text("Müller")
    assert proxy.rowCount() == 3
    proxy.set_search_text("")
    assert proxy.rowCount() == 5


# -- the view ----------------------------------------------------------------------------------


@pytest.fixture
def view(qtbot: Any, orders: list[AssessmentOrder]) -> CandidatesView:
    view = CandidatesView()
    qtbot.addWidget(view)
    view.set_orders(orders)
    view.resize(900, 500)
    view.show()
    qtbot.waitExposed(view)
    return view


def shown_candidates(view: CandidatesView) -> list[str]:
    return texts(view.proxy)


def test_view_basics(view: CandidatesView) -> None:
    assert view.tree.objectName() == "candidatesTree"
    assert view.search.placeholderText() == "Search candidates…"
    assert view.search.accessibleName()
    assert view.stack.currentWidget() is view.tree
    assert shown_candidates(view) == ["Ana Ñúñez", "Émile Dubois", "Zoë Müller"]
    # Every candidate's orders are in sight from the start.
    assert all(view.tree.isExpanded(view.proxy.index(r, 0)) for r in range(3))


def test_search_by_non_ascii_name(view: CandidatesView) -> None:
    view.search.setText("müller")
    assert shown_candidates(view) == ["Zoë Müller"]
    assert view.proxy.rowCount(view.proxy.index(0, 0)) == 3
    # Accents and case do not matter: an ASCII keyboard still finds her.
    view.search.setText("ZOE MULLER")
    assert shown_candidates(view) == ["Zoë Müller"]


def test_search_typed_on_the_keyboard(qtbot: Any, view: CandidatesView) -> None:
    QTest.keyClicks(view.search, "dubois")
    assert shown_candidates(view) == ["Émile Dubois"]


def test_search_by_job_of_one_order_shows_all_of_the_candidates_orders(
    view: CandidatesView,
) -> None:
    view.search.setText("product owner")
    assert shown_candidates(view) == ["Zoë Müller"]
    zoe = view.proxy.index(0, 0)
    assert texts(view.proxy, zoe) == ["Product Owner", "Data Analyst", "Data Analyst"]
    # The candidate that comes back into view comes back expanded.
    assert view.tree.isExpanded(zoe)


def test_search_words_may_match_different_fields(view: CandidatesView) -> None:
    view.search.setText("acme  zoe")
    assert shown_candidates(view) == ["Zoë Müller"]
    view.search.setText("acme")
    assert shown_candidates(view) == ["Émile Dubois", "Zoë Müller"]
    view.search.setText("example.fr")
    assert shown_candidates(view) == ["Émile Dubois"]


def test_no_match_shows_the_empty_state(view: CandidatesView) -> None:
    view.search.setText("nobody-here")
    assert view.proxy.rowCount() == 0
    assert view.stack.currentWidget() is view.empty_label
    assert "nobody-here" in view.empty_label.text()
    view.search.clear()
    assert view.stack.currentWidget() is view.tree
    assert len(shown_candidates(view)) == 3
    assert all(view.tree.isExpanded(view.proxy.index(r, 0)) for r in range(3))


def test_empty_inbox_has_its_own_words(qtbot: Any) -> None:
    view = CandidatesView()
    qtbot.addWidget(view)
    assert view.stack.currentWidget() is view.empty_label
    assert view.empty_label.text() == "No orders yet."


def test_set_orders_twice_in_the_view(view: CandidatesView, orders: list[AssessmentOrder]) -> None:
    view.search.setText("analyst")
    view.set_orders(orders[1:2])
    assert view.stack.currentWidget() is view.empty_label
    view.search.clear()
    assert shown_candidates(view) == ["Ana Ñúñez"]
    view.set_orders(orders)
    assert shown_candidates(view) == ["Ana Ñúñez", "Émile Dubois", "Zoë Müller"]
    assert view.tree.isExpanded(view.proxy.index(2, 0))


def test_sorting_by_a_header_sorts_candidates_and_their_orders(view: CandidatesView) -> None:
    view.tree.sortByColumn(Column.LATEST, Qt.SortOrder.AscendingOrder)
    assert shown_candidates(view) == ["Émile Dubois", "Ana Ñúñez", "Zoë Müller"]
    zoe = view.proxy.index(2, 0)
    assert [view.proxy.index(r, 0, zoe).data(ORDER_ROLE).id for r in range(3)] == [
        "o5",
        "o1",
        "o3",
    ]
    view.tree.sortByColumn(Column.STATUS, Qt.SortOrder.DescendingOrder)
    assert shown_candidates(view)[0] == "Zoë Müller"  # the most orders


def order_proxy_index(view: CandidatesView, order_id: str) -> QModelIndex:
    return view.proxy.mapFromSource(view.model.index_of_order(order_id))


def test_enter_on_an_order_emits_its_id(qtbot: Any, view: CandidatesView) -> None:
    view.tree.setFocus()
    view.tree.setCurrentIndex(order_proxy_index(view, "o1"))
    with qtbot.waitSignal(view.order_activated) as blocker:
        QTest.keyClick(view.tree, Qt.Key.Key_Return)
    assert blocker.args == ["o1"]


def test_double_click_on_an_order_emits_its_id(qtbot: Any, view: CandidatesView) -> None:
    index = order_proxy_index(view, "o4")
    view.tree.scrollTo(index)
    centre = view.tree.visualRect(index).center()
    with qtbot.waitSignal(view.order_activated) as blocker:
        # Qt's tree activates on the press-release-double-click sequence, as a user makes it.
        QTest.mouseClick(view.tree.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        QTest.mouseDClick(view.tree.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert blocker.args == ["o4"]


def test_activating_a_candidate_row_emits_nothing(qtbot: Any, view: CandidatesView) -> None:
    with qtbot.assertNotEmitted(view.order_activated):
        view.tree.activated.emit(view.proxy.index(0, 0))


def test_selecting_an_order_emits_its_id(qtbot: Any, view: CandidatesView) -> None:
    with qtbot.waitSignal(view.order_selected) as blocker:
        view.tree.setCurrentIndex(order_proxy_index(view, "o2"))
    assert blocker.args == ["o2"]
    with qtbot.assertNotEmitted(view.order_selected):
        view.tree.setCurrentIndex(view.proxy.index(1, 0))
