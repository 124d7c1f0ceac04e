"""An in-memory keyring backend for tests: nothing a test stores reaches a real keyring."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

import keyring
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


class BackendGoneError(Exception):
    """What a keyring backend raises of its own, unwrapped by keyring: secretstorage's
    SecretServiceNotAvailableException, jeepney's DBusErrorResponse, pywin32-ctypes' error."""


class UnreachableKeyring(MemoryKeyring):
    """The Secret Service backend after the D-Bus session went away; its words may quote
    what it was given."""

    def get_password(self, service: str, username: str) -> str | None:
        raise BackendGoneError("DBUS_SESSION_BUS_ADDRESS is unset")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise BackendGoneError(f"could not store {password}")

    def delete_password(self, service: str, username: str) -> None:
        raise BackendGoneError("gone")


K = TypeVar("K", bound=MemoryKeyring)


@contextmanager
def memory_keyring() -> Iterator[MemoryKeyring]:
    with installed_keyring(MemoryKeyring()) as backend:
        yield backend


@contextmanager
def installed_keyring(backend: K) -> Iterator[K]:
    """``backend`` is the keyring for the block, the one before it put back after."""
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)
