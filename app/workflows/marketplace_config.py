"""Read and set the partner's Marketplace configuration through the SmartRecruiters client.

No journal: setting a value is one call whose answer the coordinator sees at once, and nothing
is left half done to resume. Every outcome comes back as a value with sentences, never as an
exception, so the settings page only has to show it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pydantic import ValidationError

from app.clients.errors import ApiError
from app.clients.smartrecruiters import SmartRecruitersClient
from app.domain.field_errors import FORM_LEVEL, field_errors
from app.domain.marketplace_config import (
    CONFIG_INFO,
    MarketplaceConfigId,
    MarketplaceConfigUpdate,
    config_values,
)
from app.domain.redaction import redact

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConfigReading:
    """Every documented setting with its value (None: not set, or not read)."""

    values: dict[MarketplaceConfigId, str | None]
    error: str | None = None  # why the settings could not be read, in words

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class ConfigSaving:
    config_id: MarketplaceConfigId
    value: str | None = None  # the value SmartRecruiters now holds, when saved
    field_error: str | None = None  # the value was refused here, before anything was sent
    error: str | None = None  # SmartRecruiters or the network refused, in words

    @property
    def ok(self) -> bool:
        return self.field_error is None and self.error is None


def value_problem(config_id: MarketplaceConfigId, text: str) -> str | None:
    """Why ``text`` cannot be sent as this setting, as a sentence; None when it can."""
    try:
        MarketplaceConfigUpdate(id=config_id, value=text)
    except ValidationError as exc:
        found = field_errors(exc)
        return found.get("value") or found.get(FORM_LEVEL) or next(iter(found.values()))
    return None


async def read_marketplace_config(client: SmartRecruitersClient) -> ConfigReading:
    """``GET /configs``: one call for all five settings."""
    try:
        entries = await client.list_configs()
    except ApiError as exc:
        log.warning("Reading the Marketplace configuration failed: %r", exc)
        return ConfigReading(
            dict.fromkeys(MarketplaceConfigId),
            f"The Marketplace configuration could not be read. {exc}",
        )
    return ConfigReading(config_values(entries))


async def save_marketplace_config(
    client: SmartRecruitersClient, config_id: MarketplaceConfigId, text: str
) -> ConfigSaving:
    """Check ``text`` for this setting, then ``POST /configs``; the answer says what is stored."""
    problem = value_problem(config_id, text)
    if problem is not None:
        return ConfigSaving(config_id, field_error=problem)
    title = CONFIG_INFO[config_id].title
    # A header value may hold a secret ("Authorization: Bearer …"): should the service's
    # refusal quote it, neither the words shown nor the log repeat it.
    secrets = [] if config_id.is_url else [text.strip(), text.partition(":")[2].strip()]
    try:
        stored = await client.set_config(config_id, text)
    except ApiError as exc:
        log.warning(
            "Saving the Marketplace setting %s failed: %s",
            config_id.value,
            redact(repr(exc), secrets),
        )
        return ConfigSaving(config_id, error=redact(f"“{title}” was not saved. {exc}", secrets))
    return ConfigSaving(config_id, value=stored.value)


class MarketplaceConfigAccess:
    """The Marketplace configuration of one connection, for a settings page that must not hold
    a client itself: where it lives, read all, save one."""

    def __init__(self, client: SmartRecruitersClient, *, demo: bool = False) -> None:
        self._client = client
        #: The client of a demo session: the built-in simulator's settings, thrown away with
        #: it. The page says so, or a notification URL saved there reads as given to
        #: SmartRecruiters.
        self.demo = demo

    @property
    def where(self) -> str:
        """The SmartRecruiters address, for "Settings of SmartRecruiters at …" (never a key)."""
        return self._client.base_url

    def same_connection(self, other: MarketplaceConfigAccess) -> bool:
        """Whether both reach the same client: two profiles may share an address, not a key."""
        return self._client is other._client

    async def read(self) -> ConfigReading:
        return await read_marketplace_config(self._client)

    async def save(self, config_id: MarketplaceConfigId, text: str) -> ConfigSaving:
        return await save_marketplace_config(self._client, config_id, text)
