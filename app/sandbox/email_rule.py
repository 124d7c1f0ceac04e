"""Berke's "well-formed email address", as the simulated Berke checks it.

The same rule as the app's ``app/domain/email_rule.py``, written again here because the sandbox
imports nothing of the app (it must be able to catch the app's bugs). Both are tested against
the one table of addresses in ``tests/email_rule_table.py``.

The rule, in the terms of ``shared/api/berke.md`` ("well-formed" is not defined there, so it is
read as the address an ordinary SMTP mailer delivers to):

- ``local-part@domain``, ASCII only (no RFC 6531 internationalised local part), at most 254
  characters;
- local part: 1–64 characters, RFC 5322's dot-atom (letters, digits and
  ``! # $ % & ' * + / = ? ^ _ ` { | } ~ -``, single dots between them); no quoted strings;
- domain: two or more labels of 1–63 letters, digits or hyphens (no hyphen first or last); the
  last one letters only (2–63) or an ``xn--`` internationalised top-level domain; no IP literals.
"""

from __future__ import annotations

import re

MAX_ADDRESS = 254
MAX_LOCAL = 64

_ATEXT = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-"
)
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
# Domains ignore case, and so does the prefix of an internationalised one ("XN--P1AI").
_TOP_LEVEL = re.compile(r"[A-Za-z]{2,63}|(?i:xn)--[A-Za-z0-9-]{1,59}")


def is_email(value: str) -> bool:
    """Whether Berke would take ``value`` as one well-formed address."""
    if len(value) > MAX_ADDRESS or not value.isascii() or value.count("@") != 1:
        return False
    local, domain = value.split("@")
    if not 1 <= len(local) <= MAX_LOCAL:
        return False
    atoms = local.split(".")
    if not all(atoms) or any(ch not in _ATEXT for atom in atoms for ch in atom):
        return False
    labels = domain.split(".")
    if len(labels) < 2:
        return False
    *names, top = labels
    if not all(_LABEL.fullmatch(name) for name in names):
        return False
    return _TOP_LEVEL.fullmatch(top) is not None and not top.endswith("-")
