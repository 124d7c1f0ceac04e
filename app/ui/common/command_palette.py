"""The command palette (Ctrl+K, Ctrl+Shift+P): type a few letters, reach any action of the
window or any order by its candidate's name, email, order id, Berke code or Berke id.

Actions come from the window (every QAction with a text, as the menus name them, the disabled
ones greyed with the reason); orders from the Orders room's own search, so the palette finds
exactly what the search field would. Enter runs the action or shows the order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QLineEdit,
    QListView,
    QMenu,
    QMenuBar,
    QVBoxLayout,
    QWidget,
)

from app.ui.common.labels import plain_label, without_mnemonic
from app.ui.common.screens import available_room
from app.ui.common.tooltips import plain_tooltip
from app.views.candidate_groups import fold
from app.views.text import one_line

AnyIndex = QModelIndex | QPersistentModelIndex

MAX_ORDERS = 30


@dataclass(frozen=True)
class OrderHit:
    """An order the palette offers: its id, and how it is shown."""

    order_id: str
    title: str  # "Zoë Müller"
    detail: str  # "New · Data Analyst · Acme · K7Q2"


@dataclass(frozen=True)
class PaletteItem:
    title: str
    detail: str
    enabled: bool
    action: QAction | None = None
    order_id: str | None = None


def reachable_actions(menu_bar: QMenuBar, extra: Sequence[QAction] = ()) -> list[QAction]:
    """The actions of the window's menus (and sub-menus), then ``extra``: what a coordinator
    can reach, not every QAction some widget happens to own (a context menu's toggles)."""
    found: list[QAction] = []

    def walk(actions: Sequence[QAction]) -> None:
        for action in actions:
            sub = action.menu()
            if isinstance(sub, QMenu):
                walk(sub.actions())
            elif not action.isSeparator():
                found.append(action)

    walk(menu_bar.actions())
    return [*found, *(a for a in extra if a not in found)]


#: An action's property holding words it is found by beyond its name ("sync" for Refresh).
KEYWORDS = "paletteKeywords"


def add_keywords(action: QAction, words: str) -> None:
    """Words a coordinator may type for ``action`` besides its name: the status bar and the
    README say "sync" for Refresh, and "invite" is not in "Send invitation"."""
    action.setProperty(KEYWORDS, words)


#: An action's property holding its name in the palette, when its menu item's name says what
#: it does only under its menu's ("Job" under View › Inbox columns).
PALETTE_TITLE = "paletteTitle"


def set_palette_title(action: QAction, title: str) -> None:
    action.setProperty(PALETTE_TITLE, title)


def action_title(action: QAction) -> str:
    title = action.property(PALETTE_TITLE)
    if isinstance(title, str) and title:
        return title
    return without_mnemonic(action.text()).rstrip("…")


def matching_actions(query: str, actions: Sequence[QAction]) -> list[PaletteItem]:
    """The actions whose name holds every word typed (any case, any accents)."""
    words = fold(query).split()
    found: list[PaletteItem] = []
    seen: set[str] = set()
    for action in actions:
        title = action_title(action)
        if not title or title in seen or action.isSeparator() or action.menu() is not None:
            continue
        # The tooltip of an action that is off is its reason: the fixed words are searched too.
        extra = action.property(KEYWORDS)
        haystack = fold(f"{title} {action.toolTip()} {action.statusTip()} {extra or ''}")
        if all(word in haystack for word in words):
            seen.add(title)
            shortcut = action.shortcut().toString()
            detail = shortcut if action.isEnabled() else action.toolTip()
            found.append(PaletteItem(title, detail, action.isEnabled(), action=action))
    # Enabled first: what can be done now.
    return sorted(found, key=lambda item: not item.enabled)


class PaletteModel(QAbstractListModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: list[PaletteItem] = []

    def set_items(self, items: list[PaletteItem]) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            # Names and jobs as the services sent them: on one line, and never reordering the
            # facts drawn after them.
            title = one_line(item.title, None)
            return f"{title}    {one_line(item.detail, None)}" if item.detail else title
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(item.detail or None)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.items[index.row()].enabled:
            return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return Qt.ItemFlag.ItemIsSelectable  # shown greyed, with the reason


HINT = "Enter: run the action or show the order · Esc: close"


class CommandPalette(QDialog):
    """A search box over the window's actions and orders."""

    order_chosen = Signal(str)

    def __init__(
        self,
        actions: Callable[[], Sequence[QAction]],
        orders: Callable[[str, int], list[OrderHit]],
        parent: QWidget | None = None,
        *,
        order_known: Callable[[str], bool] = lambda _order_id: True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("commandPalette")
        self.setWindowTitle("Go to an action or an order")
        self._actions = actions
        self._orders = orders
        self._order_known = order_known
        self.query = QLineEdit()
        self.query.setObjectName("paletteQuery")
        self.query.setPlaceholderText("An action, or an order: name, email, code, order id…")
        self.query.setAccessibleName("Find an action or an order")
        self.model = PaletteModel(self)
        self.list = QListView()
        self.list.setObjectName("paletteList")
        self.list.setAccessibleName("Matching actions and orders")
        self.list.setModel(self.model)
        self.list.setUniformItemSizes(True)
        # Wrapped: a refusal says its reason, and one of 300 characters widened the palette
        # to 2,000 pixels, past the screen.
        self.hint = plain_label(HINT, "paletteHint")
        layout = QVBoxLayout(self)
        layout.addWidget(self.query)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.hint)
        self.query.textChanged.connect(self.refresh)
        self.query.returnPressed.connect(self.run_current)
        self.list.activated.connect(lambda _index: self.run_current())
        self.list.selectionModel().currentChanged.connect(lambda *_a: self._say_current())
        self.query.installEventFilter(self)
        screen = available_room(self)
        self.resize(min(640, screen.width() - 40), min(420, int(screen.height() * 0.7)))
        self.refresh()

    def refresh(self) -> None:
        query = self.query.text()
        items = matching_actions(query, self._actions())
        if query.strip():
            items += [
                PaletteItem(hit.title, hit.detail, True, order_id=hit.order_id)
                for hit in self._orders(query, MAX_ORDERS)
            ]
        self.model.set_items(items)
        # An empty list says why, where the hint is (a blank list looked broken).
        self.hint.setText(
            f"No action or order matches “{one_line(query.strip(), 60)}”."
            if not items and query.strip()
            else HINT
        )
        first = next((row for row, item in enumerate(items) if item.enabled), None)
        if first is not None:
            self.list.setCurrentIndex(self.model.index(first))
        self._say_current()  # the reset made none current, silently

    def _say_current(self) -> None:
        """The entry Enter runs, in the box's accessible description: the keyboard stays in
        the box, and Qt tells a screen reader of a list's current row only while the list
        itself has the focus (Up and Down moved it, and nothing was heard)."""
        item = self.current_item()
        if item is None:
            # Nothing Enter would run: why, when the hint says it ("No action or order…").
            said = self.hint.text() if self.hint.text() != HINT else ""
        else:
            parts = (item.title, "" if item.enabled else "unavailable", one_line(item.detail, None))
            said = ", ".join(part for part in parts if part)
        self.query.setAccessibleDescription(said)

    def current_item(self) -> PaletteItem | None:
        index = self.list.currentIndex()
        return self.model.items[index.row()] if index.isValid() else None

    def run_current(self) -> None:
        item = self.current_item()
        if item is None or not item.enabled:
            return
        # The list was drawn a while ago (a sync, a poll, a step since): an action turned off
        # meanwhile, or an order no longer shown, closed the palette and did nothing.
        stale = self._no_longer(item)
        if stale:
            self.refresh()
            self.hint.setText(stale)
            # The refused item stays the current one (greyed now), or none: refresh() chose the
            # first that can run, and a second Enter ran an action never chosen.
            row = next(
                (
                    i
                    for i, listed in enumerate(self.model.items)
                    if (listed.action, listed.order_id) == (item.action, item.order_id)
                ),
                None,
            )
            # Through the selection model: the view's own setCurrentIndex skips a greyed row.
            self.list.selectionModel().setCurrentIndex(
                self.model.index(row) if row is not None else QModelIndex(),
                QItemSelectionModel.SelectionFlag.ClearAndSelect,
            )
            self._say_current()  # no row left current sends no change
            return
        self.accept()
        if item.action is not None:
            item.action.trigger()
        elif item.order_id is not None:
            self.order_chosen.emit(item.order_id)

    def _no_longer(self, item: PaletteItem) -> str:
        """Why ``item`` cannot be run now, though it could when listed ("" when it can)."""
        if item.action is not None and not item.action.isEnabled():
            why = item.action.toolTip()
            # An action without a tooltip answers with its own name: that is no reason.
            if without_mnemonic(why).rstrip("…") == item.title:
                why = ""
            return f"{item.title} is not available now{f': {why}' if why else '.'}"
        if item.order_id is not None and not self._order_known(item.order_id):
            return f"{item.title}’s order is no longer among the orders shown."
        return ""

    def eventFilter(self, watched: Any, event: Any) -> bool:
        # Up and Down move in the list while typing goes on in the box.
        if (
            watched is self.query
            and isinstance(event, QKeyEvent)
            and event.type() == QKeyEvent.Type.KeyPress
            and event.key() in _MOVES
        ):
            self.list.keyPressEvent(event)
            return True
        return super().eventFilter(watched, event)


_MOVES = frozenset({Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown})
