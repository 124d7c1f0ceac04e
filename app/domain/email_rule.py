"""What Berke's "well-formed email address" admits: one rule for the form, the batch and the
journal (through the request models), written once for the app.

The rule, in the terms of ``shared/api/berke.md`` (``emailAddress``: "1–100, well-formed";
``emailReportToList``: "one or more well-formed addresses"; SendInvitation's ``emailAddress``
and ``senderEmail``). The reference does not define "well-formed", so it is read as the address
an ordinary SMTP mailer delivers to, which is what Berke does with it (reminders, reports,
invitations):

- ``local-part@domain``, ASCII only, at most 254 characters (RFC 5321's path limit). No
  internationalised local part (``mette.kjær@…``): RFC 6531 mail needs SMTPUTF8 on every hop,
  which Berke does not promise, so such an address could be taken and never delivered.
- local part: 1–64 characters, RFC 5322's dot-atom: letters, digits and
  ``! # $ % & ' * + / = ? ^ _ ` { | } ~ -``, with single dots between them (never first, last
  or doubled). No quoted strings, no comments.
- domain: two or more labels separated by dots; each 1–63 letters, digits or hyphens, never
  starting or ending with a hyphen; the last one (the top-level domain) letters only, 2–63, or
  an internationalised one in its ASCII ``xn--`` form. No IP literals (``user@[10.0.0.1]``).

The sandbox, which may import nothing of the app, writes the same rule in
``app/sandbox/email_rule.py``; ``tests/email_rule_table.py`` holds the addresses both are
tested against, so the two cannot drift apart unnoticed.

Checked with plain string operations and short, anchored patterns: no pattern here can
backtrack over a long address.
"""

from __future__ import annotations

import re
from typing import Final

MAX_ADDRESS: Final = 254
#: The longest address Berke takes (CreateAssessment's and SendInvitation's emailAddress,
#: "1–100"): a well-formed address may be longer.
BERKE_ADDRESS_MAX: Final = 100
MAX_LOCAL: Final = 64

_ATEXT: Final = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-"
)
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
# Domains ignore case, and so does the prefix of an internationalised one ("XN--P1AI").
_TOP_LEVEL = re.compile(r"[A-Za-z]{2,63}|(?i:xn)--[A-Za-z0-9-]{1,59}")


def is_well_formed_email(value: str) -> bool:
    """Whether Berke's "well-formed" admits ``value`` (see the module docstring)."""
    if len(value) > MAX_ADDRESS or not value.isascii() or value.count("@") != 1:
        return False
    local, domain = value.split("@")
    return _local_ok(local) and _domain_ok(domain)


def well_formed_or_none(value: str | None) -> str | None:
    """A validator: ``value`` as it is if absent or well-formed, else the one error every form
    says about an address Berke would refuse."""
    if value is not None and not is_well_formed_email(value):
        raise ValueError("is not a well-formed email address")
    return value


def _local_ok(local: str) -> bool:
    if not 1 <= len(local) <= MAX_LOCAL:
        return False
    atoms = local.split(".")
    return all(atoms) and all(ch in _ATEXT for atom in atoms for ch in atom)


def _domain_ok(domain: str) -> bool:
    labels = domain.split(".")
    if len(labels) < 2:
        return False
    *names, top = labels
    return all(_LABEL.fullmatch(name) for name in names) and (
        _TOP_LEVEL.fullmatch(top) is not None and not top.endswith("-")
    )


#: How many refused addresses a message names; the rest are counted.
LIST_NAMED: Final = 3


def email_list_problem(value: str) -> str | None:
    """Why ``value`` is not a comma-separated list of well-formed addresses, in a sentence
    that says what to do; None when it is one. Every address is judged, so a list of 500 bad
    ones says so (and names a few), not only that it is long."""
    parts = [part.strip() for part in value.split(",")]
    semicolons = ";" in value
    pieces = [piece.strip() for part in parts for piece in part.split(";")]
    if semicolons and all(is_well_formed_email(piece) for piece in pieces if piece):
        return "separate the addresses with commas, not semicolons"
    if any(not part for part in parts):
        return "has an empty entry: separate the addresses with single commas"
    bad = [part for part in parts if not is_well_formed_email(part)]
    if not bad:
        return None
    named = ", ".join(f"“{part}”" for part in bad[:LIST_NAMED])
    if len(bad) == 1:
        found = f"has an address that is not well-formed: {named}"
    else:
        more = f" and {len(bad) - LIST_NAMED:,} more" if len(bad) > LIST_NAMED else ""
        found = f"has {len(bad):,} addresses that are not well-formed: {named}{more}"
    return found + (" (separate addresses with commas, not semicolons)" if semicolons else "")
