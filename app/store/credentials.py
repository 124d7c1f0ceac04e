"""API keys in the OS keyring. keyring is imported lazily: it costs start-up time and the demo
mode never needs it."""

from __future__ import annotations

import logging

from pydantic import SecretStr

from app.domain.connection import Credentials

log = logging.getLogger(__name__)

KEYRING_SERVICE = "assessment-desk"
SR_KEY_NAME = "smartrecruiters-partner-key"
BERKE_TOKEN_NAME = "berke-api-token"


class KeyringUnavailableError(RuntimeError):
    """No usable keyring on this machine (e.g. a headless Linux without a secret service)."""


def load_credentials() -> Credentials | None:
    """Both secrets from the keyring, or None if either is missing or no keyring works."""
    try:
        import keyring
        from keyring.errors import KeyringError

        sr_key = keyring.get_password(KEYRING_SERVICE, SR_KEY_NAME)
        token = keyring.get_password(KEYRING_SERVICE, BERKE_TOKEN_NAME)
    except (KeyringError, RuntimeError, OSError) as exc:
        log.info("No usable keyring (%s); starting without stored credentials", type(exc).__name__)
        return None
    if not sr_key or not token:
        return None
    return Credentials(sr_partner_key=SecretStr(sr_key), berke_api_token=SecretStr(token))


def store_credentials(credentials: Credentials) -> None:
    import keyring
    from keyring.errors import KeyringError, NoKeyringError

    try:
        keyring.set_password(
            KEYRING_SERVICE, SR_KEY_NAME, credentials.sr_partner_key.get_secret_value()
        )
        keyring.set_password(
            KEYRING_SERVICE, BERKE_TOKEN_NAME, credentials.berke_api_token.get_secret_value()
        )
    except NoKeyringError as exc:
        raise KeyringUnavailableError(
            "This computer has no usable keyring to keep the keys safely."
        ) from exc
    except KeyringError as exc:
        raise KeyringUnavailableError(
            f"The keyring refused to store the keys ({type(exc).__name__})."
        ) from exc
