"""The Offers room: the Marketplace catalogue as a list, a detail pane and the moves on it."""

from app.ui.offers.offers_view import OffersView

__all__ = ["OffersView"]
