"""Replacing secrets in text: shared by the clients (error messages), the logs (a filter) and
the error text users are shown.

A key leaks in more shapes than its own spelling: a service echoes it upper-cased, a URL or
form body carries it percent-encoded, an XML answer quotes it with entities, an error shows
only its tail. So a secret is caught

- in any ASCII letter case;
- as any run of ``WINDOW`` (12) or more of its characters, anywhere in it (its tail, its
  middle), and for a long secret as its first 8 characters too;
- with percent escapes (``%2B``) and XML/HTML entities (``&amp;``, ``&#43;``, ``&#x2B;``)
  mixed into any of these;
- encoded: in hex, and in base64 (at any of its three alignments in a longer encoded text,
  as a service echoing an Authorization header or a request dump would show it).

It runs on every log line, so it must stay linear and cheap: the secrets' fixed-length windows
are put in a set once (per set of secrets), one regular expression with no nested repetition
finds the runs of text made of the secrets' characters (and escapes), and only runs long enough
to hold a window are looked at, window by window, with set lookups.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

MIN_REDACTED_LENGTH = 6
REDACTED = "«redacted»"
#: Any run of this many characters of a secret is taken for the secret.
WINDOW = 12
#: A long secret's head this long is redacted too: services echo a key shortened ("AbCd1234…").
HEAD = 8
HEAD_FROM_LENGTH = 16

#: ASCII letters only: ``str.lower`` may change a string's length (``"İ".lower()``), and the
#: positions found in the lowered text must be positions in the original.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ESCAPE = re.compile(
    r"%(?P<pct>[0-9A-Fa-f]{2})"
    r"|&(?:#(?P<dec>[0-9]{1,7})|#[xX](?P<hex>[0-9A-Fa-f]{1,6})|(?P<name>amp|lt|gt|quot|apos));"
)
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _fold(text: str) -> str:
    return text.translate(_ASCII_LOWER)


@dataclass(frozen=True)
class _Matcher:
    """What one set of secrets compiles to (built once, cached)."""

    #: Folded fixed-length pieces to look for, by length: every 12-character window of each
    #: long secret, the whole of a short one (6–11 characters), the 8-character head of a
    #: secret of 16 or more.
    pieces: dict[int, frozenset[str]]
    #: Runs of text that could hold a piece: the secrets' characters, in either case, or an
    #: escape. One alternation of single characters and fixed-shape escapes, repeated: each
    #: position is matched one way only, so it cannot backtrack.
    runs: re.Pattern[str]
    shortest: int


def _character_class(characters: set[str]) -> str:
    return "[" + "".join(re.escape(c) for c in sorted(characters)) + "]"


def _encoded_forms(secret: str) -> list[str]:
    """The secret in hex, and in base64 at each of the three alignments it may have inside a
    longer encoded text: of each, the part that depends on the secret's bytes alone."""
    raw = secret.encode("utf-8", "surrogatepass")
    forms = [raw.hex()]
    for pad in range(3):
        encoded = base64.b64encode(b"\0" * pad + raw).decode("ascii")
        skip = -(-pad * 4 // 3)  # the characters that also encode the bytes before it
        forms.append(encoded[skip : len(encoded) - 4])  # the last 4 depend on what follows
    return [form for form in forms if len(form) >= WINDOW]


@lru_cache(maxsize=16)
def _matcher(secrets: tuple[str, ...]) -> _Matcher | None:
    pieces: dict[int, set[str]] = {}
    characters: set[str] = set()
    for secret in secrets:
        if len(secret) < MIN_REDACTED_LENGTH:
            continue
        # An encoded form's head is not looked for: 8 characters of base64 are too common.
        forms = [(secret, True)] + [(form, False) for form in _encoded_forms(secret)]
        for form, with_head in forms:
            folded = _fold(form)
            characters.update(form, form.upper(), folded)
            if len(folded) <= WINDOW:
                pieces.setdefault(len(folded), set()).add(folded)
            else:
                windows = pieces.setdefault(WINDOW, set())
                windows.update(folded[i : i + WINDOW] for i in range(len(folded) - WINDOW + 1))
            if with_head and len(folded) >= HEAD_FROM_LENGTH:
                pieces.setdefault(HEAD, set()).add(folded[:HEAD])
    if not pieces:
        return None
    # Characters the secrets share with the escapes' own spelling ("%", "&", ";") stay in the
    # class: the escape alternatives come first, and a run is cut into escapes again below.
    runs = re.compile(f"(?:{_ESCAPE.pattern}|{_character_class(characters)})+")
    return _Matcher(
        pieces={length: frozenset(found) for length, found in pieces.items()},
        runs=runs,
        shortest=min(pieces),
    )


def _decode(run: str, offset: int) -> tuple[str, list[int]]:
    """``run`` with its escapes decoded, and where each decoded character starts in the text
    (one position more at the end: where the run ends)."""
    decoded: list[str] = []
    starts: list[int] = []
    position = 0
    for escape in _ESCAPE.finditer(run):
        for i in range(position, escape.start()):
            decoded.append(run[i])
            starts.append(offset + i)
        char = _unescape(escape)
        if char is None:  # not a character (&#0; or beyond U+10FFFF): keep it as it is
            for i in range(escape.start(), escape.end()):
                decoded.append(run[i])
                starts.append(offset + i)
        else:
            decoded.append(char)
            starts.append(offset + escape.start())
        position = escape.end()
    for i in range(position, len(run)):
        decoded.append(run[i])
        starts.append(offset + i)
    starts.append(offset + len(run))
    return "".join(decoded), starts


def _unescape(escape: re.Match[str]) -> str | None:
    if escape["pct"] is not None:
        return chr(int(escape["pct"], 16))
    if escape["name"] is not None:
        return _ENTITIES[escape["name"]]
    code = int(escape["dec"]) if escape["dec"] is not None else int(escape["hex"], 16)
    return chr(code) if 0 < code <= 0x10FFFF else None


def _spans(text: str, matcher: _Matcher) -> list[tuple[int, int]]:
    """Where in ``text`` a piece of a secret lies, as merged (start, end) spans."""
    found: list[tuple[int, int]] = []
    for run in matcher.runs.finditer(text):
        start, end = run.span()
        if end - start < matcher.shortest:
            continue  # decoding only shortens a run
        piece_text = run.group()
        starts: list[int] | None = None
        if "%" in piece_text or "&" in piece_text:
            piece_text, starts = _decode(piece_text, start)
        folded = _fold(piece_text)
        for length, pieces in matcher.pieces.items():
            for i in range(len(folded) - length + 1):
                if folded[i : i + length] in pieces:
                    if starts is None:
                        found.append((start + i, start + i + length))
                    else:
                        found.append((starts[i], starts[i + length]))
    if not found:
        return found
    found.sort()
    merged = [found[0]]
    for start, end in found[1:]:
        last_start, last_end = merged[-1]
        if start <= last_end:
            merged[-1] = (last_start, max(last_end, end))
        else:
            merged.append((start, end))
    return merged


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every trace of a secret (see the module's docstring) replaced.

    Secrets shorter than 6 characters are not real keys (a test token such as "t") and
    replacing them would shred ordinary words.
    """
    matcher = _matcher(tuple(secrets))
    if matcher is None or not text:
        return text
    spans = _spans(text, matcher)
    if not spans:
        return text
    parts: list[str] = []
    position = 0
    for start, end in spans:
        parts.append(text[position:start])
        parts.append(REDACTED)
        position = end
    parts.append(text[position:])
    return "".join(parts)
