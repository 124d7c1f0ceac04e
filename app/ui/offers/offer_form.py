"""The offer form: every field of a SmartRecruiters offer, checked by the domain model as you
type, plus the Partner Portal Cost with the FAQ's warning and its one-click fix.

The widgets only collect text; :class:`Offer` decides what is valid and ``field_errors`` words
the problems, so the form never accepts what the client would refuse. The status is not the
form's: an offer is created INACTIVE, and Submit for review and Withdraw move it, with their
rules and confirmation (a status sent with an edit would go round both). The dialog does not
call the service: it emits ``submitted`` and the offer actions run the call.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from app.domain.field_errors import field_errors
from app.domain.offer_cost import (
    CostKind,
    OfferCost,
    cost_advice,
    currency_problem,
    expected_cost,
    parse_cost,
)
from app.domain.smartrecruiters import (
    OFFER_STAMPS,
    Availability,
    Offer,
    OfferType,
    Price,
)
from app.ui.common.tooltips import plain_tooltip
from app.ui.common.validated_form import ValidatedForm
from app.ui.offers.offer_table_model import TYPE_LABELS
from app.views.text import one_line, title_name

MAX_TEXT = 255
SENDING_TEXT = "Sending…"

# Keys of the rows: the service's own spellings (dotted for nested fields), so an error the
# service names ("Field 'terms.price.amount' …") lands under the right input.
CATALOG_ID = "catalogId"
NAME = "name"
DESCRIPTION = "description"
TERMS_TYPE = "terms.type"
AMOUNT = "terms.price.amount"
CURRENCY = "terms.price.currencyCode"
EXPIRATION = "availability.expirationDate"
#: Said beside an expiry already past: a year typed wrong ("2025" for "2026") sent an offer
#: that left the Marketplace before SmartRecruiters' partners team had reviewed it.
PAST_EXPIRY = "This date has passed: the offer would leave the Marketplace at once."
INDUSTRIES = "availability.industries"
LOCATIONS = "availability.locations"
COMPANIES = "availability.companies"
SPECIAL = "availability.specialOffer"
TARGET_MARKET = "targetMarket"
COST_KIND = "cost.kind"
COST_VALUE = "cost.value"

#: What the form sends: the offer, and the Cost to record for it (None: not recorded).
OfferDraft = tuple[Offer, OfferCost | None]


def split_lines(text: str) -> list[str]:
    """One value per line, blanks dropped. Not commas: "Paris, France" is one location, and
    "Oil, Gas & Energy" one industry."""
    return [line.strip() for line in text.splitlines() if line.strip()]


#: A list or value shown in a field's place: cut to this (in full in its tooltip).
SHOWN_SHORT = 60


def check_offer(data: dict[str, Any]) -> tuple[Offer | None, dict[str, str]]:
    """The offer ``data`` describes (None when any field is wrong) and the problems by key.

    The price is checked on its own first, so that a half-typed amount gets its own sentence
    and the rest of the offer is still checked without it.
    """
    errors: dict[str, str] = {}
    price = data["terms"].get("price")
    if price is not None:
        # The form's own words for the currency first: the model's are for a service's answer.
        problem = currency_problem(price["currencyCode"])
        if problem:
            errors[CURRENCY] = problem
        if not price["amount"]:
            errors[AMOUNT] = "Required with a currency; leave both empty for a free offer."
        else:
            try:
                Price.model_validate(price)
            except ValidationError as exc:
                for key, message in field_errors(exc).items():
                    errors.setdefault(f"terms.price.{key}", message)
    if errors:
        data = {**data, "terms": {"type": data["terms"]["type"]}}
    try:
        offer: Offer | None = Offer.model_validate(data)
    except ValidationError as exc:
        offer = None
        for key, message in field_errors(exc).items():
            errors.setdefault(TERMS_TYPE if key == "terms" else key, message)
    return (offer if not errors else None), errors


def _priced_stand_in(terms: dict[str, Any]) -> Offer:
    """An offer with only these terms: what the Cost rule reads, whatever else is typed."""
    return Offer.model_validate({"catalogId": "-", "name": "-", "description": "-", "terms": terms})


class OfferForm(ValidatedForm[OfferDraft]):
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
        super().__init__(
            submit_text="Save changes" if offer else "Create offer",
            busy_text=SENDING_TEXT,
            submit_name="saveButton",
            submit_tip="Send the offer to SmartRecruiters (Ctrl+Enter)",
            parent=parent,
        )
        self._original = offer
        self._offer: Offer | None = None
        self._cost: OfferCost | None = None
        self._elsewhere: str | None = None  # why it can no longer be saved (``cannot_save``)
        # The expiry as SmartRecruiters holds it, and the date the form shows for it: sent
        # back as it was while that date is left alone (a timestamp was cut to its day, and
        # a text the form could not read was dropped, so the offer never expired).
        self._kept_expiry: tuple[QDate, str] | None = None
        self.save_button = self.submit_button

        self.setObjectName("offerForm")
        self.setWindowTitle(f"Edit offer — {title_name(offer.name)}" if offer else "New offer")
        self._build_widgets()
        self._build_rows()
        self.cost_warning = self._rows[COST_KIND].advice
        if offer is not None:
            self._fill(offer, cost)
        self.expires.toggled.connect(self.expiration.setEnabled)
        self.cost_fix.clicked.connect(self.apply_cost_fix)
        self._finish()
        # As wide as the fields need (they widen with the desktop's text size), within the
        # screen: at 640 px, at 150 % text, 638 px of fields had a 604 px scroll area that
        # does not scroll sideways, and were cut off on the right.
        self.resize(self._preferred_size(min_width=640))

    # -- building ---------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.catalog_id = self._line_edit("e.g. BERKE-FIT")
        self.name = self._line_edit("What customers see in the Marketplace")
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        lines = self.description.fontMetrics().lineSpacing()
        self.description.setMinimumHeight(4 * lines + 12)
        self.description.setMaximumHeight(8 * lines + 12)

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

        self.industries = self._list_edit("Empty for every industry; one per line")
        self.locations = self._list_edit("Empty for every location; one per line")
        self.companies = QComboBox()
        # Sized by its choices' start, not its longest one (another client's company list).
        self.companies.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.companies.setMinimumContentsLength(30)
        self.companies.addItem("All companies (ALL)", "ALL")
        self.companies.addItem("Companies I invited (INVITED_BY_ME)", "INVITED_BY_ME")
        self.special_offer = QCheckBox("Show as a special offer")
        self.target_market = self._line_edit("e.g. GLOBAL")
        self._build_cost_widgets()

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

        self.cost_fix = QPushButton()
        self.cost_fix.setObjectName("costFix")
        self.cost_fix.setAutoDefault(False)
        self.cost_fix.hide()
        self.cost_fix_line = QWidget()
        fix_layout = QHBoxLayout(self.cost_fix_line)
        fix_layout.setContentsMargins(0, 0, 0, 0)
        fix_layout.addWidget(self.cost_fix)
        fix_layout.addStretch(1)

    def _list_edit(self, placeholder: str) -> QPlainTextEdit:
        edit = QPlainTextEdit()
        edit.setPlaceholderText(placeholder)
        edit.setTabChangesFocus(True)
        lines = edit.fontMetrics().lineSpacing()
        edit.setFixedHeight(3 * lines + 12)
        return edit

    def _line_edit(self, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.setClearButtonEnabled(True)
        edit.setMinimumWidth(360)
        return edit

    def _build_rows(self) -> None:
        self._section("Offer", first=True)
        self._add(
            CATALOG_ID,
            "&Catalog id",
            self.catalog_id,
            f"Required, up to {MAX_TEXT} characters; unique in your catalogue.",
        )
        self._add(NAME, "&Name", self.name, f"Required, up to {MAX_TEXT} characters.")
        self._add(DESCRIPTION, "&Description", self.description, "Required.")
        self._section("Terms")
        self._add(TERMS_TYPE, "&Type", self.terms_type, "Required: one of the five offer types.")
        self._add(
            AMOUNT,
            "&Price",
            self.amount,
            # "Empty (or 0)" read as if 0 alone were enough; the currency was then required.
            "A decimal such as 20.00, with its currency; empty for a free offer (0 with a "
            "currency is free too).",
        )
        self._add(
            CURRENCY,
            "C&urrency",
            self.currency,
            "With a price: a three-letter ISO 4217 code such as USD.",
        )
        # Who sees it, and its Cost, to the right where the screen is wide enough: in one
        # column the form was taller than a 1280×800 screen, its Cost's fix under a scroll.
        self._next_column()
        self._section("Availability", first=True)
        expiry_rule = "Optional: the day the offer leaves the Marketplace."
        self._add(
            EXPIRATION,
            "E&xpiration",
            self.expiry_box,
            expiry_rule,
            focus=self.expires,
            watch=(self.expires, self.expiration),
        )
        # The row's label names the box ("Expires on"), its buddy: the date, a Tab stop of its
        # own, was heard as a bare "2027-12-07".
        self.expiration.setAccessibleName("Expiration date")
        self.expiration.setAccessibleDescription(expiry_rule)
        self._add(
            INDUSTRIES,
            "&Industries",
            self.industries,
            "Optional: the industries the offer is shown to, one per line.",
        )
        self._add(
            LOCATIONS,
            "&Locations",
            self.locations,
            "Optional: the locations the offer is shown to, one per line.",
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
            "Target mar&ket",
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
            focus=self.cost_kind,
            watch=(self.cost_kind,),
            below=self.cost_fix_line,
        )
        # The value shares the kind's line: its problems show there, after the kind's own.
        self._add_beside(COST_VALUE, self.cost_value, COST_KIND, "Cost value")

    def _tab_order(self) -> list[QWidget]:
        order = super()._tab_order()
        order.insert(order.index(self.cost_value) + 1, self.cost_fix)
        return order

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
                self._fill_expiry(availability.expiration_date)
            self.industries.setPlainText("\n".join(availability.industries or []))
            self.locations.setPlainText("\n".join(availability.locations or []))
            companies = availability.companies
            if isinstance(companies, list):
                # A list set by another client: kept as it is unless the coordinator changes it.
                # Shown short (a long list widened the whole form past the screen), in full
                # in its tooltip.
                listed = ", ".join(companies)
                self.companies.addItem(
                    f"These companies: {one_line(listed, SHOWN_SHORT)}", companies
                )
                last = self.companies.count() - 1
                self.companies.setItemData(last, plain_tooltip(listed), Qt.ItemDataRole.ToolTipRole)
                self.companies.setCurrentIndex(last)
            else:
                index = self.companies.findData(companies or "ALL")
                if index < 0 and companies:
                    # A value set by another client that the form has no entry for: kept as
                    # it is unless changed (it fell back to ALL, opening the offer to all).
                    self.companies.addItem(
                        f"Unchanged: {one_line(companies, SHOWN_SHORT)}", companies
                    )
                    index = self.companies.count() - 1
                self.companies.setCurrentIndex(index)
            self.special_offer.setChecked(availability.is_special_offer)
        if isinstance(offer.target_market, str):
            self.target_market.setText(offer.target_market)
            # Left empty, nothing is sent for it, and SmartRecruiters keeps what it has.
            self.target_market.setPlaceholderText(
                f"Empty keeps “{one_line(offer.target_market, SHOWN_SHORT)}”"
            )
        elif offer.target_market is not None:
            self._show_kept_market(json.dumps(offer.target_market, ensure_ascii=False))
        if cost is not None:
            self.cost_kind.setCurrentIndex(max(self.cost_kind.findData(cost.kind), 0))
            self.cost_value.setText(f"{cost.value.normalize():f}")
        for edit in (self.catalog_id, self.name):
            edit.setCursorPosition(0)

    def _show_kept_market(self, held: str) -> None:
        """Another client's target market that is not text (``{"countries": [...]}``): the
        form cannot edit it and sends it back as it is. The field says so, and takes no
        typing: left empty, it looked cleared."""
        self.target_market.setReadOnly(True)
        self.target_market.setClearButtonEnabled(False)
        self.target_market.setPlaceholderText(f"Unchanged: {one_line(held, SHOWN_SHORT)}")
        self.target_market.setToolTip(
            plain_tooltip(f"Kept as SmartRecruiters has it (this form cannot change it): {held}")
        )

    def _fill_expiry(self, expiry: str) -> None:
        date = QDate.fromString(expiry[:10], Qt.DateFormat.ISODate)
        box = self.expiration
        if not (date.isValid() and box.minimumDate() <= date <= box.maximumDate()):
            # Not a date the form can show (unreadable, or outside the box's range, as another
            # client's "0001-01-01": the box would move it to 1752-09-14, sent as if picked):
            # the box shows SmartRecruiters' own text at its lowest date, yesterday (a day no
            # offer is set to expire on), so that a step up or the calendar starts at today;
            # any date picked replaces it.
            date = QDate.currentDate().addDays(-1)
            self.expiration.setMinimumDate(date)
            self.expiration.setSpecialValueText(f"Unchanged: {one_line(expiry, SHOWN_SHORT)}")
            self.expiration.setToolTip(plain_tooltip(f"As SmartRecruiters has it: {expiry}"))
        self._kept_expiry = (date, expiry)
        self.expires.setChecked(True)
        self.expiration.setEnabled(True)
        self.expiration.setDate(date)

    def _expiry(self) -> str:
        date = self.expiration.date()
        kept = self._kept_expiry
        if kept is not None and date == kept[0]:
            return kept[1]
        return date.toString(Qt.DateFormat.ISODate)

    # -- reading the form -------------------------------------------------------------------

    def data(self) -> dict[str, Any]:
        """The form as an offer body (the service's spellings); blank optional text is absent.
        What the offer holds that the form has no field for (at the top, in its availability
        and terms) is sent back as it was (the update replaces the whole document)."""
        original = self._original.availability if self._original is not None else None
        availability: dict[str, Any] = {
            **((original.model_extra or {}) if original is not None else {}),
            "companies": self.companies.currentData(),
            "specialOffer": self._special_offer(original),
        }
        if self.expires.isChecked():
            availability["expirationDate"] = self._expiry()
        for key, edit in (("industries", self.industries), ("locations", self.locations)):
            values = split_lines(edit.toPlainText())
            if values:
                availability[key] = values
        kept = self._original.terms if self._original is not None else None
        terms: dict[str, Any] = {
            **((kept.model_extra or {}) if kept is not None else {}),  # as availability's
            "type": self.terms_type.currentData(),
        }
        amount, currency = self.amount.text().strip(), self.currency.text().strip()
        if amount or currency:
            price = kept.price if kept is not None else None
            terms["price"] = {
                **((price.model_extra or {}) if price is not None else {}),
                "amount": amount,
                "currencyCode": currency,
            }
        data: dict[str, Any] = {
            **self._kept_fields(),
            "catalogId": self.catalog_id.text(),
            "name": self.name.text(),
            "description": self.description.toPlainText(),
            "terms": terms,
            "availability": availability,
        }
        if self.target_market.text().strip():
            data["targetMarket"] = self.target_market.text().strip()
        return data

    def _kept_fields(self) -> dict[str, Any]:
        """The offer's top-level fields the form has no input for, as SmartRecruiters holds
        them (one added after this desk was written, a target market that is not text); not
        the service's own time stamps."""
        original = self._original
        if original is None:
            return {}
        extra = original.model_extra or {}
        kept = {key: value for key, value in extra.items() if key not in OFFER_STAMPS}
        if not isinstance(original.target_market, str | None):
            kept[TARGET_MARKET] = original.target_market
        return kept

    def _special_offer(self, original: Availability | None) -> bool | str | None:
        """The flag as ticked; another client's spelling of it ("yes", "TRUE") sent back as
        it was while the box is left as it showed it."""
        ticked = self.special_offer.isChecked()
        if (
            original is not None
            and original.special_offer is not None
            and ticked == original.is_special_offer
        ):
            return original.special_offer
        return ticked

    def _cost_kind(self) -> CostKind | None:
        # Qt hands a str-based enum back as a plain str: rebuild the enum.
        data = self.cost_kind.currentData()
        return CostKind(data) if data else None

    def offer(self) -> Offer | None:
        """The offer to send when its fields are valid, else None."""
        return self._offer

    def cost(self) -> OfferCost | None:
        return self._cost

    # -- validation -------------------------------------------------------------------------

    def _edited(self, key: str) -> None:
        # Any change may answer the service's general complaint too: it goes with the edit.
        self._server_form_error = ""
        super()._edited(key)

    def _check(self) -> tuple[OfferDraft | None, dict[str, str]]:
        self._offer, errors = check_offer(self.data())
        try:
            self._cost = parse_cost(self._cost_kind(), self.cost_value.text())
        except ValueError as exc:
            self._cost = None
            errors[COST_VALUE] = str(exc)
        if self._offer is None or errors:
            return None, errors
        return (self._offer, self._cost), errors

    def _advice(self, errors: dict[str, str]) -> dict[str, list[str]]:
        """An expiry already past, and the FAQ's Cost warning as soon as the price and the
        cost can be read, even while another field (a name, say) is still wrong."""
        advice = {EXPIRATION: [PAST_EXPIRY]} if self._expiry_passed() else {}
        if any(key.startswith(("terms", "cost")) for key in errors):
            return advice
        stand_in = _priced_stand_in(self.data()["terms"])
        wanted = expected_cost(stand_in)
        self.cost_fix.setText(f"Set the cost to “{wanted}”")
        self.cost_fix.setToolTip(
            f"Record the Cost as {wanted}, then set the same in the Partner Portal."
        )
        cost = cost_advice(stand_in, self._cost)
        return {**advice, COST_KIND: [cost]} if cost else advice

    def _expiry_passed(self) -> bool:
        """An expiry picked before today: said, not refused (the date stays the
        coordinator's to choose). The expiry SmartRecruiters holds already, kept unchanged,
        is not one picked (nor the day the form shows for one it cannot read)."""
        if not self.expires.isChecked():
            return False
        date, kept = self.expiration.date(), self._kept_expiry
        return date < QDate.currentDate() and (kept is None or date != kept[0])

    def _refreshed(self) -> None:
        self.cost_value.setEnabled(self._cost_kind() is not None)
        self.cost_fix.setVisible(bool(self.cost_warning_text()))

    def _key_for(self, field: str | None) -> str | None:
        key = super()._key_for(field)
        if key is None and field and field.strip().startswith("terms"):
            return TERMS_TYPE  # a part of the terms with no row of its own
        return key

    def _send(self, value: OfferDraft) -> None:
        self.submitted.emit(*value)

    def cannot_save(self, reason: str) -> None:
        """It can no longer be saved (the connection changed since it was opened): said on
        the form, and Save is off for good; what was typed stays, to be copied."""
        self._elsewhere = reason
        self.show_server_error(reason)
        self.save_button.setToolTip(reason)

    def _ready(self) -> bool:
        return self._elsewhere is None

    def cost_warning_text(self) -> str:
        return self.cost_warning.text() if not self.cost_warning.isHidden() else ""

    def apply_cost_fix(self) -> None:
        """Set the Cost the FAQ asks for, given the price now typed."""
        try:
            stand_in = _priced_stand_in(self.data()["terms"])
        except ValidationError:
            return
        wanted = expected_cost(stand_in)
        self.cost_kind.setCurrentIndex(self.cost_kind.findData(wanted.kind))
        self.cost_value.setText(f"{wanted.value.normalize():f}")
