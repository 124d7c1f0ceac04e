"""One start of the app's key store, in a process of its own: ``python -m
tests.secret_service.probe`` reads a list of operations (JSON) on stdin, runs them through
``app.store.credentials.KeyStore`` with whatever keyring ``keyring`` finds on this session bus,
and prints what happened (JSON) on stdout.

A new process per call is the point: a key read back here was kept by the keyring, not by
anything in the memory of an earlier start of the app.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from app.domain.connection import Credentials
from app.store.credentials import BERKE_TOKEN, SR_KEY, KeyStore, keyring_service

Operation = dict[str, Any]


def _status(keys: KeyStore) -> dict[str, Any]:
    status = keys.status
    return {"usable": status.usable, "backend": status.backend, "reason": status.reason}


def _read(keys: KeyStore, profile: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for service in (SR_KEY, BERKE_TOKEN):
        secret = keys.get(profile, service)
        found[service] = secret.get_secret_value() if secret is not None else None
        found[f"{service}_where"] = keys.where(profile, service).value
    return found


def _items(profile: str) -> int:
    """How many keyring items hold this profile's Berke token (one, or rotation duplicated)."""
    import secretstorage

    connection = secretstorage.dbus_init()
    try:
        collection = secretstorage.get_default_collection(connection)
        found = collection.search_items(
            {"service": keyring_service(), "username": f"{profile}/{BERKE_TOKEN}"}
        )
        return len(list(found))
    finally:
        connection.close()


def _lock() -> bool:
    """Lock the login keyring, as a screen lock or a timeout would."""
    import secretstorage

    connection = secretstorage.dbus_init()
    try:
        collection = secretstorage.get_default_collection(connection)
        collection.lock()
        return collection.is_locked()
    finally:
        connection.close()


def run(operations: list[Operation]) -> list[Any]:
    file_path = Path(os.environ["ASSESSMENT_DESK_HOME"]) / "keys-unencrypted.json"
    results: list[Any] = []
    keys = KeyStore(file_path=file_path)
    for operation in operations:
        op = operation["op"]
        profile = operation.get("profile", "Production")
        if op == "start":  # the app's start: a new key store, opted in to the file or not
            keys = KeyStore(file_opt_in=operation.get("file_opt_in", False), file_path=file_path)
            results.append(None)
        elif op == "status":
            results.append(_status(keys))
        elif op == "store":
            credentials = Credentials(
                sr_partner_key=SecretStr(operation["sr"]),
                berke_api_token=SecretStr(operation["berke"]),
            )
            results.append(keys.store_credentials(profile, credentials).value)
        elif op == "set":
            results.append(keys.set(profile, operation["service"], operation["value"]).value)
        elif op == "read":
            results.append(_read(keys, profile))
        elif op == "delete":
            keys.delete_profile(profile)
            results.append(None)
        elif op == "items":
            results.append(_items(profile))
        elif op == "lock":
            results.append(_lock())
        else:
            raise ValueError(f"unknown operation {op!r}")
    return results


if __name__ == "__main__":
    sys.stdout.write(json.dumps(run(json.loads(sys.stdin.read()))) + "\n")
