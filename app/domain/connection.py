"""Where the console connects: the non-secret half of a connection (secrets live in the keyring)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr

SR_PRODUCTION_URL = "https://api.smartrecruiters.com/v1"
BERKE_PRODUCTION_URL = "https://site.berkeassessment.com/api"


class ConnectionSettings(BaseModel):
    """Base URLs and the options that go with them. Never holds a key."""

    model_config = ConfigDict(extra="ignore")

    sr_base_url: str = Field(default=SR_PRODUCTION_URL, title="SmartRecruiters API address")
    berke_base_url: str = Field(default=BERKE_PRODUCTION_URL, title="Berke API address")
    berke_username: str | None = Field(default=None, title="Berke user (optional)", max_length=50)
    poll_interval_seconds: int = Field(
        default=60, ge=15, le=3600, title="Poll for new orders every"
    )


class Credentials(BaseModel):
    """The two secrets. ``SecretStr`` keeps them out of reprs, logs and tracebacks."""

    sr_partner_key: SecretStr
    berke_api_token: SecretStr
