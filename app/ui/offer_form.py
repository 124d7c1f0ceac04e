"""The offer form: every field of a SmartRecruiters offer, checked by the domain model as you
type, plus the Partner Portal Cost with the FAQ's warning and its one-click fix.

The widgets only collect text; :class:`Offer` decides what is valid and ``field_errors`` words
the problems, so the form never accepts what the client would refuse. The status choice never
offers ACTIVE (only SmartRecruiters' partners team activates). The dialog does not call the
service: it emits ``submitted`` and the offers view runs the workflow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QDate, QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.domain.field_errors import FORM_LEVEL, field_errors
from app.domain.offer_cost import (
    CostKind,
    OfferCost,
    cost_advice,
    currency_problem,
    expected_cost,
    parse_cost,
)
from app.domain.smartrecruiters import (
    PARTNER_SETTABLE_OFFER_STATUSES,
    Offer,
    OfferStatus,
    OfferType,
    Price,
)
from app.ui.berke_form import status_colours
from app.ui.form_grid import add_section, chain_tab_order
from app.ui.offer_table_model import TYPE_LABELS

MAX_TEXT = 255

# Keys of the rows: the service's own spellings (dotted for nested fields), so an error the
# service names ("Field 'terms.price.amount' …") lands under the right input.
CATALOG_ID = "catalogId"
NAME = "name"
DESCRIPTION = "description"
STATUS = "status"
TERMS_TYPE = "terms.type"
AMOUNT = "terms.price.amount"
CURRENCY = "terms.price.currencyCode"
EXPIRATION = "availability.expirationDate"
INDUSTRIES = "availability.industries"
LOCATIONS = "availability.locations"
COMPANIES = "availability.companies"
SPECIAL = "availability.specialOffer"
TARGET_MARKET = "targetMarket"
COST_KIND = "cost.kind"
COST_VALUE = "cost.value"

# Statuses a partner may send, in the order they happen; ACTIVE is never among them.
SETTABLE_IN_ORDER = [s for s in OfferStatus if s in PARTNER_SETTABLE_OFFER_STATUSES]

_FIELD_NAMED = re.compile(r"Field '([\w.]+)'")
_ALL_KEYS = frozenset(
    {CATALOG_ID, NAME, DESCRIPTION, STATUS, TERMS_TYPE, AMOUNT, CURRENCY, EXPIRATION,
     INDUSTRIES, LOCATIONS, COMPANIES, SPECIAL, TARGET_MARKET, COST_KIND, COST_VALUE}
)  # fmt: skip


def field_key_for(service_message: str) -> str | None:
    """The form row a SmartRecruiters error names ("Field 'terms.price.amount' must…",
    "An offer with catalogId 'X' already exists"), or None."""
    named = _FIELD_NAMED.search(service_message)
    if named:
        key = named.group(1)
        if key in _ALL_KEYS:
            return key
        return TERMS_TYPE if key.startswith("terms") else None
    if CATALOG_ID.casefold() in service_message.casefold():
        return CATALOG_ID
    return None


def split_list(text: str) -> list[str]:
    """A comma-separated line as a list, blanks dropped."""
    return [part.strip() for part in text.split(",") if part.strip()]


@dataclass
class _Row:
    label: QLabel
    input: QWidget
    error: QLabel
    rule: str


class OfferForm(QDialog):
    """Create an offer (``offer`` None) or update one.

    Emits ``submitted(Offer, OfferCost | None)``; the caller answers with ``accept()`` or
    ``show_server_error``.
    """

    submitted = Signal(object, object)

    def __init__(
        self,
        offer: Offer | None = None,
        cost: OfferCost | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._original = offer
        self._rows: dict[str, _Row] = {}
        self._offer: Offer | None = None
        self._cost: OfferCost | None = None
        self._errors: dict[str, str] = {}
        self._server_errors: dict[str, str] = {}
        self._server_form_error = ""
        self._busy = False
        self._save_text = "Save changes" if offer else "Create offer"

        self.setObjectName("offerForm")
        self.setWindowTitle(f"Edit offer — {offer.name}" if offer else "New offer")
        self.setSizeGripEnabled(True)
        self._build_widgets()
        self._fields = QWidget()
        self._build_layout()
        self._apply_colours()
        if offer is not None:
            self._fill(offer, cost)
        self._connect()
        self._revalidate()
        self.resize(640, min(860, int(self.screen().availableGeometry().height() * 0.9)))

    # -- building ---------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.catalog_id = self._line_edit("e.g. BERKE-FIT")
        self.name = self._line_edit("What customers see in the Marketplace")
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        lines = self.description.fontMetrics().lineSpacing()
        self.description.setMinimumHeight(4 * lines + 12)
        self.description.setMaximumHeight(8 * lines + 12)

        self.status = QComboBox()
        if self._original is not None:
            current = self._original.status.value if self._original.status else "unknown"
            # Not sending a status keeps the current one, even ACTIVE, which may not be sent.
            self.status.addItem(f"Unchanged ({current})", None)
        for status in SETTABLE_IN_ORDER:
            self.status.addItem(status.value, status)

        self.terms_type = QComboBox()
        for offer_type in OfferType:
            self.terms_type.addItem(f"{TYPE_LABELS[offer_type]} ({offer_type.value})", offer_type)
        self.amount = self._line_edit("Empty for a free offer; e.g. 20.00")
        self.currency = self._line_edit("e.g. USD")
        self.currency.setMaxLength(3)
        # Short codes and numbers: wide boxes would suggest long text is expected.
        self.currency.setMinimumWidth(80)
        self.currency.setMaximumWidth(120)

        self.expires = QCheckBox("Expires on")
        self.expiration = QDateEdit()
        self.expiration.setCalendarPopup(True)
        self.expiration.setDisplayFormat("yyyy-MM-dd")
        self.expiration.setDate(QDate.currentDate().addYears(1))
        self.expiration.setEnabled(False)
        self.expiry_box = QWidget()
        expiry_layout = QHBoxLayout(self.expiry_box)
        expiry_layout.setContentsMargins(0, 0, 0, 0)
        expiry_layout.addWidget(self.expires)
        expiry_layout.addWidget(self.expiration, 1)

        self.industries = self._line_edit("Empty for every industry; separate with commas")
        self.locations = self._line_edit("Empty for every location; separate with commas")
        self.companies = QComboBox()
        self.companies.addItem("All companies (ALL)", "ALL")
        self.companies.addItem("Companies I invited (INVITED_BY_ME)", "INVITED_BY_ME")
        self.special_offer = QCheckBox("Show as a special offer")
        self.target_market = self._line_edit("e.g. GLOBAL")
        self._build_cost_widgets()
        self._build_buttons()

    def _build_cost_widgets(self) -> None:
        self.cost_kind = QComboBox()
        self.cost_kind.addItem("Not recorded", None)
        for kind in CostKind:
            self.cost_kind.addItem(kind.label, kind)
        self.cost_value = self._line_edit("0 or 70")
        self.cost_value.setMinimumWidth(80)
        self.cost_value.setMaximumWidth(120)
        self.cost_box = QWidget()
        cost_layout = QHBoxLayout(self.cost_box)
        cost_layout.setContentsMargins(0, 0, 0, 0)
        cost_layout.addWidget(self.cost_kind, 1)
        cost_layout.addWidget(self.cost_value)

        self.cost_warning = QLabel()
        self.cost_warning.setObjectName("costWarning")
        self.cost_warning.setWordWrap(True)
        self.cost_warning.hide()
        self.cost_fix = QPushButton()
        self.cost_fix.setObjectName("costFix")
        self.cost_fix.setAutoDefault(False)
        self.cost_fix.hide()

    def _build_buttons(self) -> None:
        self.form_error = QLabel()
        self.form_error.setObjectName("error_form")
        self.form_error.setWordWrap(True)
        self.form_error.hide()
        self.cancel_button = QPushButton("Cancel")
        self.save_button = QPushButton(self._save_text)
        self.save_button.setObjectName("saveButton")
        self.save_button.setToolTip("Send the offer to SmartRecruiters (Ctrl+Enter)")
        for button in (self.cancel_button, self.save_button):
            # Enter in a line edit must not send: only the button or Ctrl+Enter do.
            button.setAutoDefault(False)
            button.setDefault(False)

    def _line_edit(self, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.setClearButtonEnabled(True)
        edit.setMinimumWidth(360)
        return edit

    def _build_layout(self) -> None:
        grid = self._grid = QGridLayout(self._fields)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 1)

        self._section("Offer", first=True)
        self._add(
            CATALOG_ID,
            "&Catalog id",
            self.catalog_id,
            f"Required, up to {MAX_TEXT} characters; unique in your catalogue.",
        )
        self._add(NAME, "&Name", self.name, f"Required, up to {MAX_TEXT} characters.")
        self._add(DESCRIPTION, "&Description", self.description, "Required.")
        self._add(
            STATUS,
            "&Status",
            self.status,
            "INACTIVE, UNDER_REVIEW or REJECTED. ACTIVE is not offered: SmartRecruiters' "
            "partners team activates offers after review.",
        )
        self._section("Terms")
        self._add(TERMS_TYPE, "&Type", self.terms_type, "Required: one of the five offer types.")
        self._add(
            AMOUNT, "&Price", self.amount, "A decimal such as 20.00; empty (or 0) for a free offer."
        )
        self._add(
            CURRENCY,
            "C&urrency",
            self.currency,
            "With a price: a three-letter ISO 4217 code such as USD.",
        )
        self._section("Availability")
        self._add(
            EXPIRATION,
            "E&xpiration",
            self.expiry_box,
            "Optional: the day the offer leaves the Marketplace.",
        )
        self._add(
            INDUSTRIES,
            "&Industries",
            self.industries,
            "Optional: the industries the offer is shown to, separated by commas.",
        )
        self._add(
            LOCATIONS,
            "&Locations",
            self.locations,
            "Optional: the locations the offer is shown to, separated by commas.",
        )
        self._add(
            COMPANIES,
            "Co&mpanies",
            self.companies,
            "Every company, or only the companies you invited.",
        )
        self._add(
            SPECIAL,
            "Special",
            self.special_offer,
            "Optional: highlight the offer as a special offer.",
        )
        self._add(
            TARGET_MARKET,
            "Target &market",
            self.target_market,
            "Optional: the market the offer is meant for, e.g. GLOBAL.",
        )
        self._section("Partner Portal cost")
        self._add(
            COST_KIND,
            "C&ost",
            self.cost_box,
            "What the offer's Cost is set to in the Partner Portal (SmartRecruiters' API "
            "does not carry it). Free: Flat rate 0. Paid: Percentage 70.",
        )
        row = self._grid.rowCount()
        self._grid.addWidget(self.cost_warning, row, 1)
        fix_line = QHBoxLayout()
        fix_line.addWidget(self.cost_fix)
        fix_line.addStretch(1)
        self._grid.addLayout(fix_line, row + 1, 1)
        # The cost value shares the cost row; its own error line sits with the kind's.
        self._rows[COST_VALUE] = _Row(
            self._rows[COST_KIND].label, self.cost_value, self._rows[COST_KIND].error, ""
        )
        grid.setRowStretch(grid.rowCount(), 1)  # spare height below the rows

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)

        # Error lines wrap, and a layout's minimum ignores wrapped height: scrolling keeps the
        # rows from being squeezed over each other on a short screen.
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setWidget(self._fields)
        self._scroll.viewport().setBackgroundRole(QPalette.ColorRole.Window)
        self._fields.setBackgroundRole(QPalette.ColorRole.Window)

        outer = QVBoxLayout(self)
        outer.addWidget(self._scroll, 1)
        outer.addSpacing(6)
        outer.addWidget(self.form_error)
        outer.addLayout(buttons)

        order: list[QWidget] = [
            self.catalog_id, self.name, self.description, self.status, self.terms_type,
            self.amount, self.currency, self.expires, self.expiration, self.industries,
            self.locations, self.companies, self.special_offer, self.target_market,
            self.cost_kind, self.cost_value, self.cost_fix, self.cancel_button, self.save_button,
        ]  # fmt: skip
        chain_tab_order(order)

    def _section(self, title: str, first: bool = False) -> None:
        add_section(self._grid, title, first=first)

    def _add(self, key: str, text: str, widget: QWidget, rule: str) -> None:
        label = QLabel(text)
        focus = {
            EXPIRATION: self.expires, COST_KIND: self.cost_kind
        }.get(key, widget)  # fmt: skip
        label.setBuddy(focus)
        focus.setAccessibleName(text.replace("&", ""))
        focus.setAccessibleDescription(rule)
        widget.setToolTip(rule)
        label.setToolTip(rule)
        error = QLabel()
        error.setObjectName(f"error_{key}")
        error.setWordWrap(True)
        error.setTextFormat(Qt.TextFormat.PlainText)
        error.hide()
        row = self._grid.rowCount()
        if isinstance(widget, QPlainTextEdit):
            self._grid.addWidget(label, row, 0, Qt.AlignmentFlag.AlignTop)
        else:
            self._grid.addWidget(label, row, 0)
        self._grid.addWidget(widget, row, 1)
        self._grid.addWidget(error, row + 1, 1)
        self._rows[key] = _Row(label, widget, error, rule)

    def _fill(self, offer: Offer, cost: OfferCost | None) -> None:
        self.catalog_id.setText(offer.catalog_id)
        self.name.setText(offer.name)
        self.description.setPlainText(offer.description)
        self.terms_type.setCurrentIndex(max(self.terms_type.findData(offer.terms.type), 0))
        if offer.terms.price is not None:
            self.amount.setText(offer.terms.price.amount)
            self.currency.setText(offer.terms.price.currency_code)
        availability = offer.availability
        if availability is not None:
            if availability.expiration_date:
                date = QDate.fromString(availability.expiration_date[:10], Qt.DateFormat.ISODate)
                if date.isValid():
                    self.expires.setChecked(True)
                    self.expiration.setEnabled(True)
                    self.expiration.setDate(date)
            self.industries.setText(", ".join(availability.industries or []))
            self.locations.setText(", ".join(availability.locations or []))
            companies = availability.companies
            if isinstance(companies, list):
                # A list set by another client: kept as it is unless the coordinator changes it.
                self.companies.addItem(f"These companies: {', '.join(companies)}", companies)
                self.companies.setCurrentIndex(self.companies.count() - 1)
            else:
                index = self.companies.findData(companies or "ALL")
                self.companies.setCurrentIndex(max(index, 0))
            self.special_offer.setChecked(availability.is_special_offer)
        if isinstance(offer.target_market, str):
            self.target_market.setText(offer.target_market)
        if cost is not None:
            self.cost_kind.setCurrentIndex(max(self.cost_kind.findData(cost.kind), 0))
            self.cost_value.setText(f"{cost.value.normalize():f}")
        for edit in (self.catalog_id, self.name, self.industries, self.locations):
            edit.setCursorPosition(0)

    def _connect(self) -> None:
        for edit in (self.catalog_id, self.name, self.amount, self.currency, self.industries,
                     self.locations, self.target_market, self.cost_value):  # fmt: skip
            edit.textChanged.connect(lambda _t, e=edit: self._edited(e))
        self.description.textChanged.connect(lambda: self._edited(self.description))
        for box in (self.status, self.terms_type, self.companies, self.cost_kind):
            box.currentIndexChanged.connect(lambda _i, b=box: self._edited(b))
        self.expires.toggled.connect(self.expiration.setEnabled)
        self.expires.toggled.connect(lambda _c: self._edited(self.expiry_box))
        self.expiration.dateChanged.connect(lambda _d: self._edited(self.expiry_box))
        self.special_offer.toggled.connect(lambda _c: self._edited(self.special_offer))
        self.cost_fix.clicked.connect(self.apply_cost_fix)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.submit)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self.submit)

    # -- reading the form -------------------------------------------------------------------

    def data(self) -> dict[str, Any]:
        """The form as an offer body (the service's spellings); blank optional text is absent."""
        availability: dict[str, Any] = {
            "companies": self.companies.currentData(),
            "specialOffer": self.special_offer.isChecked(),
        }
        if self.expires.isChecked():
            availability["expirationDate"] = self.expiration.date().toString(Qt.DateFormat.ISODate)
        for key, edit in (("industries", self.industries), ("locations", self.locations)):
            values = split_list(edit.text())
            if values:
                availability[key] = values
        terms: dict[str, Any] = {"type": self.terms_type.currentData()}
        amount, currency = self.amount.text().strip(), self.currency.text().strip()
        if amount or currency:
            terms["price"] = {"amount": amount, "currencyCode": currency}
        data: dict[str, Any] = {
            "catalogId": self.catalog_id.text(),
            "name": self.name.text(),
            "description": self.description.toPlainText(),
            "terms": terms,
            "availability": availability,
        }
        if self.status.currentData() is not None:
            data["status"] = self.status.currentData()
        if self.target_market.text().strip():
            data["targetMarket"] = self.target_market.text().strip()
        return data

    def _cost_kind(self) -> CostKind | None:
        # Qt hands a str-based enum back as a plain str: rebuild the enum.
        data = self.cost_kind.currentData()
        return CostKind(data) if data else None

    def offer(self) -> Offer | None:
        """The offer to send when the form is valid, else None."""
        return self._offer

    def cost(self) -> OfferCost | None:
        return self._cost

    def errors(self) -> dict[str, str]:
        """The problems shown now, by field key (for tests and accessibility)."""
        return dict(self._errors)

    # -- validation -------------------------------------------------------------------------

    def _edited(self, widget: QWidget) -> None:
        # A service's complaint about a value holds until that value changes.
        for key, row in self._rows.items():
            if row.input is widget:
                self._server_errors.pop(key, None)
        self._server_form_error = ""
        self._revalidate()

    def _validate(self, data: dict[str, Any]) -> tuple[Offer | None, dict[str, str]]:
        errors: dict[str, str] = {}
        price = data["terms"].get("price")
        if price is not None:
            if not price["amount"]:
                errors[AMOUNT] = "Required with a currency; leave both empty for a free offer."
            else:
                try:
                    Price.model_validate(price)
                except ValidationError as exc:
                    for key, message in field_errors(exc).items():
                        errors.setdefault(f"terms.price.{key}", message)
            problem = currency_problem(price["currencyCode"])
            if problem:
                errors.setdefault(CURRENCY, problem)
        if errors:
            # The price's own lines say what is wrong; check the rest without it.
            data = {**data, "terms": {"type": data["terms"]["type"]}}
        try:
            offer: Offer | None = Offer.model_validate(data)
        except ValidationError as exc:
            offer = None
            for key, message in field_errors(exc).items():
                errors.setdefault(TERMS_TYPE if key == "terms" else key, message)
        return (offer if not errors else None), errors

    def _revalidate(self) -> None:
        data = self.data()
        self._offer, errors = self._validate(data)
        try:
            self._cost = parse_cost(self._cost_kind(), self.cost_value.text())
        except ValueError as exc:
            self._cost = None
            errors[COST_VALUE] = str(exc)
        self.cost_value.setEnabled(self._cost_kind() is not None)

        shown = {**errors, **self._server_errors}
        self._errors = shown
        form_level = [self._server_form_error] if self._server_form_error else []
        placed: set[str] = set()
        for key, row in self._rows.items():
            text = shown.get(key, "")
            if key == COST_VALUE:
                continue
            if key == COST_KIND:
                text = text or shown.get(COST_VALUE, "")
                placed.add(COST_VALUE)
            row.error.setText(text)
            row.error.setVisible(bool(text))
            row.input.setAccessibleDescription(text or row.rule)
            placed.add(key)
        # Errors naming no field on screen still have to be seen.
        form_level += [
            message if key == FORM_LEVEL else f"{key}: {message}"
            for key, message in shown.items()
            if key not in placed
        ]
        self.form_error.setText("\n".join(form_level))
        self.form_error.setVisible(bool(form_level))
        self._update_cost_warning(data, errors)
        self.save_button.setEnabled(self.can_submit())

    def _update_cost_warning(self, data: dict[str, Any], errors: dict[str, str]) -> None:
        """The FAQ's warning, as soon as the price and the cost can be read, even while
        another field (a name, say) is still wrong."""
        advice: str | None = None
        if not any(key.startswith("terms") or key.startswith("cost") for key in errors):
            stand_in = Offer.model_validate(
                {"catalogId": "-", "name": "-", "description": "-", "terms": data["terms"]}
            )
            advice = cost_advice(stand_in, self._cost)
            wanted = expected_cost(stand_in)
            self.cost_fix.setText(f"Set the cost to “{wanted}”")
            self.cost_fix.setToolTip(
                f"Record the Cost as {wanted}, then set the same in the Partner Portal."
            )
        self.cost_warning.setText(f"⚠ {advice}" if advice else "")
        self.cost_warning.setVisible(bool(advice))
        self.cost_fix.setVisible(bool(advice))

    def cost_warning_text(self) -> str:
        return self.cost_warning.text() if not self.cost_warning.isHidden() else ""

    def apply_cost_fix(self) -> None:
        """Set the Cost the FAQ asks for, given the price now typed."""
        data = self.data()
        try:
            stand_in = Offer.model_validate(
                {"catalogId": "-", "name": "-", "description": "-", "terms": data["terms"]}
            )
        except ValidationError:
            return
        wanted = expected_cost(stand_in)
        self.cost_kind.setCurrentIndex(self.cost_kind.findData(wanted.kind))
        self.cost_value.setText(f"{wanted.value.normalize():f}")

    def can_submit(self) -> bool:
        return (
            self._offer is not None
            and COST_VALUE not in self._errors
            and not self._server_errors
            and not self._busy
        )

    # -- submitting -------------------------------------------------------------------------

    def submit(self) -> None:
        """Emit ``submitted`` once: busy until ``set_busy(False)`` or a server error."""
        if not self.can_submit() or self._offer is None:
            return
        self._server_form_error = ""
        self.set_busy(True)  # before emitting: a queued second click must find the door shut
        self.submitted.emit(self._offer, self._cost)

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.save_button.setText("Sending…" if busy else self._save_text)
        self._fields.setEnabled(not busy)
        self._revalidate()

    def is_busy(self) -> bool:
        return self._busy

    def show_server_error(self, message: str, key: str | None = None) -> None:
        """Put the service's complaint under the field ``key`` (see ``field_key_for``), else
        at the bottom. Ends the busy state; the input is kept."""
        if key is not None and key not in self._rows:
            key = None
        if key is None:
            self._server_form_error = message
        else:
            self._server_errors[key] = message
        self.set_busy(False)
        if key is not None:
            widget = self._rows[key].input
            target = {self.expiry_box: self.expires, self.cost_box: self.cost_kind}.get(
                widget, widget
            )
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def reject(self) -> None:
        # Closing mid-call would leave the coordinator not knowing whether it was saved.
        if not self._busy:
            super().reject()

    # -- look -------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_colours()

    def _apply_colours(self) -> None:
        error, advice = status_colours(self.palette())
        for row in self._rows.values():
            row.error.setStyleSheet(f"color: {error};")
        self.form_error.setStyleSheet(f"color: {error};")
        self.cost_warning.setStyleSheet(f"color: {advice};")
