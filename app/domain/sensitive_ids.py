"""Numbers that must never be a Berke ``sourceCandidateId``.

The seed: "Do not use Social Security Numbers, bank IDs or other highly sensitive
personally-identifiable information here. Berke recommends a badge ID or HRIS ID." A match is
refused (by ``CreateAssessmentRequest``), so the check must be precise: it recognises a number
only by what makes it that number (a checksum, a date of birth, a written form no badge uses),
and never a plain run of digits that an HRIS system could just as well have issued.

What is recognised, and why these:

- **US Social Security Numbers**, written ``AAA-GG-SSSS`` (dashes or spaces), outside the
  ranges never issued (area 000, 666, 900–999; group 00; serial 0000). The seed names them.
  Nine bare digits are *not* flagged: nothing tells them from an employee number.
- **IBANs** (bank account numbers, the seed's "bank IDs"): a country's exact length and the
  ISO 13616 mod-97 checksum.
- **Payment card numbers**: a card network's prefix and length, and the Luhn checksum.
- **Nordic personal identity numbers**, whose checksums or written forms make them
  unmistakable, for the Nordic candidates the console serves: Norway's fødselsnummer and
  D-number (11 digits, a date and two mod-11 check digits), Sweden's personnummer and
  coordination number (``YYMMDD-NNNC`` or 12 digits, a date and Luhn), Finland's henkilötunnus
  (``DDMMYY-NNNC`` with its century sign and mod-31 check character), Denmark's CPR number
  written ``DDMMYY-SSSS`` (a date; Denmark dropped its checksum in 2007, so only the written form
  with its dash is taken as one).
- **Turkish national identity numbers** (T.C. Kimlik No), for the Turkish candidates Berke's
  customers hire and whose HR systems often key people by them: 11 digits, the first not 0,
  and two check digits (the 10th from the odd and even places, the 11th from the ten before).
  The weakest check here: about one eleven-digit number in a hundred passes it by chance, so
  only the bare 11 digits are taken, never a number written in groups or with a prefix.

Not recognised, deliberately: identity numbers with neither a checksum nor a distinctive written
form (they would refuse ordinary HRIS numbers), and passport numbers (no common shape).
"""

from __future__ import annotations

import calendar
import re
from typing import Final

#: The seed's sentence, quoted in every refusal.
SEED_REASON: Final = (
    "Berke: “Do not use Social Security Numbers, bank IDs or other highly sensitive "
    "personally-identifiable information here.” Use a badge or HRIS id instead"
)

_SSN = re.compile(r"(\d{3})([- ])(\d{2})\2(\d{4})", re.ASCII)
_IBAN = re.compile(r"([A-Z]{2})(\d{2})([A-Z0-9]{11,30})", re.ASCII)
# Digits, in groups separated by single spaces or dashes (unambiguous: no backtracking).
_CARD_WRITTEN = re.compile(r"\d+(?:[ -]\d+)*", re.ASCII)
_DIGITS = re.compile(r"\d+", re.ASCII)
_SWEDISH_SHORT = re.compile(r"(\d{6})([-+])(\d{4})", re.ASCII)
_SWEDISH_LONG = re.compile(r"(\d{8})-?(\d{4})", re.ASCII)
_FINNISH = re.compile(r"(\d{6})([-+A-FU-Y])(\d{3})([0-9A-Y])", re.ASCII)
_DANISH = re.compile(r"(\d{6})-(\d{4})", re.ASCII)

# ISO 13616 IBAN lengths by country (SWIFT's IBAN registry).
_IBAN_LENGTHS: Final[dict[str, int]] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip

# Card networks: (first digits from, to, allowed lengths). Visa, Mastercard, American Express,
# Discover, JCB, Diners Club, UnionPay, Maestro.
_CARD_NETWORKS: Final[list[tuple[int, int, frozenset[int]]]] = [
    (4, 4, frozenset({13, 16, 19})),
    (51, 55, frozenset({16})),
    (2221, 2720, frozenset({16})),
    (34, 34, frozenset({15})),
    (37, 37, frozenset({15})),
    (6011, 6011, frozenset(range(16, 20))),
    (644, 649, frozenset(range(16, 20))),
    (65, 65, frozenset(range(16, 20))),
    (3528, 3589, frozenset(range(16, 20))),
    (300, 305, frozenset(range(14, 20))),
    (36, 36, frozenset(range(14, 20))),
    (38, 39, frozenset(range(16, 20))),
    (62, 62, frozenset(range(16, 20))),
    (50, 50, frozenset(range(13, 20))),
    (56, 58, frozenset(range(13, 20))),
]

_FINNISH_CHECK: Final = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def looks_like_sensitive_id(value: str) -> str | None:
    """What sensitive number ``value`` is (in words, with an article), or None."""
    text = value.strip()
    upper = text.upper()
    checks = (
        (_is_ssn, "a US social security number"),
        (_is_iban, "a bank account number (IBAN)"),
        (_is_card, "a payment card number"),
        (_is_norwegian_id, "a Norwegian national identity number"),
        (_is_swedish_id, "a Swedish personal identity number"),
        (_is_finnish_id, "a Finnish personal identity code"),
        (_is_danish_cpr, "a Danish CPR number"),
        (_is_turkish_id, "a Turkish national identity number (T.C. Kimlik No)"),
    )
    for check, kind in checks:
        if check(upper):
            return kind
    return None


def refusal(kind: str) -> str:
    """The refusal of an id that looks like ``kind``, with the seed's reason."""
    return f"looks like {kind}. {SEED_REASON}"


# -- the checks ------------------------------------------------------------------------------


def _is_ssn(text: str) -> bool:
    found = _SSN.fullmatch(text)
    if found is None:
        return False
    area, group, serial = int(found.group(1)), int(found.group(3)), int(found.group(4))
    return 0 < area < 900 and area != 666 and group != 0 and serial != 0


def _is_iban(text: str) -> bool:
    compact = text.replace(" ", "")
    found = _IBAN.fullmatch(compact)
    if found is None or _IBAN_LENGTHS.get(found.group(1)) != len(compact):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _is_card(text: str) -> bool:
    if _CARD_WRITTEN.fullmatch(text) is None:
        return False
    digits = "".join(_DIGITS.findall(text))
    if not 13 <= len(digits) <= 19 or not _luhn_ok(digits):
        return False
    for low, high, lengths in _CARD_NETWORKS:
        prefix = int(digits[: len(str(low))])
        if low <= prefix <= high and len(digits) in lengths:
            return True
    return False


def _date_ok(day: int, month: int, year: int | None = None) -> bool:
    """A calendar date; without the year, 29 February counts (some year had it)."""
    if not 1 <= month <= 12:
        return False
    leap_or_year = 2000 if year is None else year
    return 1 <= day <= calendar.monthrange(leap_or_year, month)[1]


def _is_norwegian_id(text: str) -> bool:
    if len(text) != 11 or not text.isdigit() or not text.isascii():
        return False
    d = [int(ch) for ch in text]
    day = d[0] * 10 + d[1]
    month = d[2] * 10 + d[3]
    if day > 40:  # a D-number: the day plus 40
        day -= 40
    if not _date_ok(day, month):
        return False
    for weights, position in (
        ((3, 7, 6, 1, 8, 9, 4, 5, 2), 9),
        ((5, 4, 3, 2, 7, 6, 5, 4, 3, 2), 10),
    ):
        rest = sum(w * x for w, x in zip(weights, d, strict=False)) % 11
        check = 0 if rest == 0 else 11 - rest
        if check == 10 or check != d[position]:
            return False
    return True


def _swedish_date_ok(digits: str) -> bool:
    """YYMMDD (or YYYYMMDD) with the day plus 60 for a coordination number."""
    month, day = int(digits[-4:-2]), int(digits[-2:])
    if day > 60:
        day -= 60
    year = int(digits[:4]) if len(digits) == 8 else None
    if year is not None and not 1800 <= year <= 2099:
        return False
    return _date_ok(day, month, year)


def _is_swedish_id(text: str) -> bool:
    short = _SWEDISH_SHORT.fullmatch(text)
    if short is not None:
        date, serial = short.group(1), short.group(3)
    else:
        long = _SWEDISH_LONG.fullmatch(text)
        if long is None:
            return False
        date, serial = long.group(1), long.group(2)
    return _swedish_date_ok(date) and _luhn_ok(date[-6:] + serial)


def _is_finnish_id(text: str) -> bool:
    found = _FINNISH.fullmatch(text)
    if found is None:
        return False
    date, individual, check = found.group(1), found.group(3), found.group(4)
    if not _date_ok(int(date[:2]), int(date[2:4])):
        return False
    return _FINNISH_CHECK[int(date + individual) % 31] == check


def _is_danish_cpr(text: str) -> bool:
    found = _DANISH.fullmatch(text)
    return found is not None and _date_ok(int(found.group(1)[:2]), int(found.group(1)[2:4]))


def _is_turkish_id(text: str) -> bool:
    if len(text) != 11 or not text.isdigit() or not text.isascii() or text[0] == "0":
        return False
    d = [int(ch) for ch in text]
    odd, even = sum(d[0:9:2]), sum(d[1:8:2])
    return d[9] == (7 * odd - even) % 10 and d[10] == sum(d[:10]) % 10
