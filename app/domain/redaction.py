"""Replacing secrets in text: shared by the clients (error messages) and the logs (a filter)."""

from __future__ import annotations

from collections.abc import Iterable

MIN_REDACTED_LENGTH = 6
REDACTED = "«redacted»"


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret (and the first 8 characters of a long one) replaced.

    Secrets shorter than 6 characters are not real keys (a test token such as "t") and
    replacing them would shred ordinary words.
    """
    for secret in secrets:
        if len(secret) < MIN_REDACTED_LENGTH:
            continue
        text = text.replace(secret, REDACTED)
        # Services sometimes echo a key shortened; do not leak a recognisable head of it.
        if len(secret) >= 16:
            text = text.replace(secret[:8], REDACTED)
    return text
