"""``assessment-desk --configure``: point the console at real endpoints from a terminal.

Addresses go to the settings file; the two keys go to the OS keyring and nowhere else. (The
settings dialog will do the same from the window.)
"""

from __future__ import annotations

import getpass

from pydantic import SecretStr

from app.clients.errors import Service
from app.clients.http import require_secure_base_url
from app.domain.connection import (
    BERKE_PRODUCTION_URL,
    SR_PRODUCTION_URL,
    ConnectionSettings,
    Credentials,
)
from app.store.credentials import KeyringUnavailableError, store_credentials
from app.store.settings_file import load_settings, save_settings


def _ask(prompt: str, default: str) -> str:
    answer = input(f"{prompt} [{default}]: ").strip()
    return answer or default


def configure_interactively() -> int:
    current = load_settings() or ConnectionSettings()
    try:
        sr_url = require_secure_base_url(
            _ask("SmartRecruiters API address", current.sr_base_url or SR_PRODUCTION_URL),
            Service.SMARTRECRUITERS,
        )
        berke_url = require_secure_base_url(
            _ask("Berke API address", current.berke_base_url or BERKE_PRODUCTION_URL),
            Service.BERKE,
        )
    except ValueError as exc:
        print(exc)
        return 2
    username = input("Berke user (optional, Enter for the API's default user): ").strip() or None
    sr_key = getpass.getpass("SmartRecruiters partner API key (64 characters, hidden): ").strip()
    token = getpass.getpass("Berke API token (hidden): ").strip()
    if not sr_key or not token:
        print("Both keys are needed; nothing was changed.")
        return 2
    try:
        store_credentials(
            Credentials(sr_partner_key=SecretStr(sr_key), berke_api_token=SecretStr(token))
        )
    except KeyringUnavailableError as exc:
        print(f"{exc} Nothing was saved; the console stays in demo mode.")
        return 1
    path = save_settings(
        current.model_copy(
            update={"sr_base_url": sr_url, "berke_base_url": berke_url, "berke_username": username}
        )
    )
    print(f"Saved the addresses to {path} and the keys to the system keyring.")
    return 0
