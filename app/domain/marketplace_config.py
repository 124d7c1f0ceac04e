"""The partner's Marketplace configuration on SmartRecruiters (``/configs``).

The reference lists five ids and a ``{id, value}`` shape, nothing more. The rules here are the
console's own, checked before anything is sent: SmartRecruiters calls the URL settings from the
internet, and sends the header settings as HTTP header values.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

# Characters an HTTP field value cannot carry (RFC 9110 5.5): CR/LF would split the header.
_CONTROL = frozenset(chr(c) for c in (*range(0x00, 0x09), *range(0x0A, 0x20), 0x7F))


class MarketplaceConfigId(StrEnum):
    """The ids the reference documents, in its order and spelling (``resultURL``)."""

    ASSESSMENT_NOTIFICATION_URL = "assessmentNotificationUrl"
    RESULT_URL = "resultURL"
    RESULT_HEADER = "resultHeader"
    INLINE_ASSESSMENT_ORDER_URL = "inlineAssessmentOrderUrl"
    INLINE_ASSESSMENT_ORDER_HEADER = "inlineAssessmentOrderHeader"

    @property
    def is_url(self) -> bool:
        return self in _URL_IDS

    @property
    def is_inline(self) -> bool:
        """Inline assessments are "in development" at SmartRecruiters (FAQ)."""
        return self in (
            MarketplaceConfigId.INLINE_ASSESSMENT_ORDER_URL,
            MarketplaceConfigId.INLINE_ASSESSMENT_ORDER_HEADER,
        )


_URL_IDS = frozenset(
    {
        MarketplaceConfigId.ASSESSMENT_NOTIFICATION_URL,
        MarketplaceConfigId.RESULT_URL,
        MarketplaceConfigId.INLINE_ASSESSMENT_ORDER_URL,
    }
)


@dataclass(frozen=True)
class ConfigInfo:
    title: str
    help: str


CONFIG_INFO: dict[MarketplaceConfigId, ConfigInfo] = {
    MarketplaceConfigId.ASSESSMENT_NOTIFICATION_URL: ConfigInfo(
        "New-order notification URL",
        "SmartRecruiters POSTs the id of each new order here, once, without retry. This "
        "console does not need it: it polls for new orders.",
    ),
    MarketplaceConfigId.RESULT_URL: ConfigInfo(
        "Result URL", "An address of yours that SmartRecruiters calls for results."
    ),
    MarketplaceConfigId.RESULT_HEADER: ConfigInfo(
        "Result header", "An HTTP header value SmartRecruiters sends with the result URL."
    ),
    MarketplaceConfigId.INLINE_ASSESSMENT_ORDER_URL: ConfigInfo(
        "Inline order URL",
        "For inline assessments, which SmartRecruiters says are still in development: "
        "setting it does not activate them.",
    ),
    MarketplaceConfigId.INLINE_ASSESSMENT_ORDER_HEADER: ConfigInfo(
        "Inline order header",
        "An HTTP header value sent with the inline order URL (inline assessments are still in "
        "development).",
    ),
}


class MarketplaceConfig(BaseModel):
    """One entry as SmartRecruiters gives it. An id this console does not know is kept (the
    service may add some); a value that is not text is shown as its JSON text."""

    model_config = ConfigDict(defer_build=True, extra="allow")

    id: str
    value: str | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        if value is None or isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False)

    @property
    def known_id(self) -> MarketplaceConfigId | None:
        try:
            return MarketplaceConfigId(self.id)
        except ValueError:
            return None


class MarketplaceConfigUpdate(BaseModel):
    """The body of ``POST /configs``: a documented id and a value that makes sense for it."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    id: MarketplaceConfigId
    value: str

    @field_validator("value")
    @classmethod
    def _fits_the_id(cls, value: str, info: ValidationInfo) -> str:
        value = value.strip()
        if not value:
            # The reference documents no way to clear a setting; an empty one would only
            # replace a working value by nothing.
            raise ValueError("enter a value (SmartRecruiters documents no way to clear one)")
        config_id = info.data.get("id")
        if isinstance(config_id, MarketplaceConfigId) and config_id.is_url:
            problem = url_problem(value)
            if problem is not None:
                raise ValueError(problem)
        elif any(ch in _CONTROL for ch in value):
            raise ValueError("a header value cannot hold line breaks or control characters")
        return value


def url_problem(value: str) -> str | None:
    """Why ``value`` cannot be a URL SmartRecruiters calls, or None.

    https only: SmartRecruiters calls it across the internet, with the header settings, which
    may hold a secret of yours.
    """
    if any(ch.isspace() or ch in _CONTROL for ch in value):
        return "a URL cannot contain spaces or line breaks"
    parts = urlsplit(value)
    if parts.scheme.lower() != "https" or not parts.hostname:
        return "must be a full address starting with https://"
    if parts.username or parts.password:
        return "must not carry a user name or password; use the header setting for that"
    return None


def config_values(entries: list[MarketplaceConfig]) -> dict[MarketplaceConfigId, str | None]:
    """Every documented id with its value; None where the service has none."""
    values: dict[MarketplaceConfigId, str | None] = dict.fromkeys(MarketplaceConfigId)
    for entry in entries:
        known = entry.known_id
        if known is not None:
            values[known] = entry.value
    return values
