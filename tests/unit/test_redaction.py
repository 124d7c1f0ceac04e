"""Key redaction: the key in any case, any run of 12 or more of its characters, percent- and
XML-escaped; linear on hostile text; the same rule for the log and for what users see."""

from __future__ import annotations

import base64
import logging
import time
from pathlib import Path

import pytest

from app.domain.redaction import REDACTED, WINDOW, redact
from app.store import logs

#: Shaped like the services' keys: letters, digits, and base64's "+", "/" and "=".
KEY = "sK7d+Qm2/Vx9LpRt4ZwB8nYc3HjF6gA1=="
OTHER = "Tt5GfXq0LmN8rSv2WcYb7KdJ"
SECRETS = [KEY, OTHER]


def pct(text: str) -> str:
    return "".join(f"%{ord(c):02X}" for c in text)


def xml(text: str) -> str:
    return "".join(f"&#{ord(c)};" for c in text)


@pytest.mark.parametrize(
    "shown",
    [
        KEY,
        KEY.upper(),
        KEY.lower(),
        KEY.swapcase(),
        KEY[-WINDOW:],  # its tail
        KEY[5 : 5 + WINDOW],  # its middle
        KEY[3:].lower(),
        pct(KEY),  # every character escaped
        pct(KEY).lower(),
        KEY.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D"),  # as in a query
        xml(KEY),
        "".join(f"&#x{ord(c):x};" for c in KEY),
        KEY[:4] + "&#43;" + KEY[5:],  # only its "+" escaped, as XML text would
        pct(KEY[-20:]).lower(),  # an escaped tail
        OTHER.lower(),
    ],
)
def test_every_form_of_a_key_is_redacted(shown: str) -> None:
    text = f"Berke said: API key '{shown}' is invalid (403)"
    cleaned = redact(text, SECRETS)
    assert cleaned == f"Berke said: API key '{REDACTED}' is invalid (403)"


def test_a_run_shorter_than_the_window_is_left_alone() -> None:
    # 11 characters of a key are not the key; redacting them would shred ordinary text.
    short = KEY[9 : 9 + WINDOW - 1]
    assert redact(f"id {short} ok", SECRETS) == f"id {short} ok"


def test_the_head_of_a_long_key_is_redacted_as_before() -> None:
    assert redact(f"key '{KEY[:8]}…'", SECRETS) == f"key '{REDACTED}…'"


# The sizes the module documents, written out: tests that use ``WINDOW`` itself still pass
# whatever it is changed to.


@pytest.mark.parametrize("shown", [KEY[-12:], KEY[7:19]], ids=["tail", "middle"])
def test_any_twelve_characters_of_a_key_are_redacted(shown: str) -> None:
    """An error that shows only a key's last 12 characters would show them."""
    assert redact(f"key …{shown} refused", SECRETS) == f"key …{REDACTED} refused"


def test_the_head_of_a_sixteen_character_key_is_redacted() -> None:
    """A 16-character key echoed shortened ("Tt5GfXq0…") would keep its first 8 characters."""
    assert redact("key Tt5GfXq0… is invalid", ["Tt5GfXq0LmN8rSv2"]) == f"key {REDACTED}… is invalid"


def test_a_six_character_secret_is_redacted_and_a_five_character_one_is_not() -> None:
    """Berke takes API tokens of 1–50 characters: a 6-character one would be written to the
    log as it is. Five or fewer are documented as left alone (no real key is that short)."""
    assert redact("token=Ab3dE9;", ["Ab3dE9"]) == f"token={REDACTED};"
    assert redact("token=Ab3dE;", ["Ab3dE"]) == "token=Ab3dE;"


def test_the_hex_of_a_six_character_secret_is_redacted() -> None:
    """Its hex is exactly 12 characters, and was still to be looked for."""
    assert redact(f"dump {b'Ab3dE9'.hex()} end", ["Ab3dE9"]) == f"dump {REDACTED} end"


def test_an_entity_with_a_capital_x_is_decoded() -> None:
    """HTML's ``&#X2B;`` is as valid as ``&#x2b;``: it would hide the key's "+" from the
    matcher, and the key would go out whole around it."""
    shown = KEY.replace("+", "&#X2B;")
    assert redact(f"<token>{shown}</token>", SECRETS) == f"<token>{REDACTED}</token>"


def test_a_secret_inside_another_never_shortens_what_is_redacted() -> None:
    """A short secret found inside a longer one would cut the redacted span short, and show
    the longer one's tail."""
    long_key, short_key = "Zq7Lp2Vx9KdR", "7Lp2Vx"
    assert redact(f"key {long_key} end", [long_key, short_key]) == f"key {REDACTED} end"


def test_ordinary_text_is_untouched() -> None:
    text = (
        "2025-05-02 09:30:12 INFO app.workflows.order_sync: Synced 240 orders (3 pages) for "
        "Zoë Müller & Co; 100% done, &amp; https://api.example.com/v1/orders?limit=100"
    )
    assert redact(text, SECRETS) == text


def test_short_secrets_are_not_redacted() -> None:
    assert redact("a token t in text", ["t", "abc"]) == "a token t in text"


def test_hostile_text_stays_linear() -> None:
    """Text made to trip a backtracking pattern: unfinished escapes and endless runs of the
    key's own characters. Linear work takes ~50 ms of CPU here; the bound is 100 times that
    (CPU time of this thread, so that a busy machine does not count against it)."""
    hostile = "%" * 50_000 + "&#" * 50_000 + "&#x1234567" * 5_000 + (KEY[:11] + "+") * 10_000
    started = time.thread_time()
    cleaned = redact(hostile, SECRETS)
    assert time.thread_time() - started < 5.0
    assert cleaned.startswith("%" * 50_000)


@pytest.fixture
def log_file(tmp_path: Path) -> Path:
    """The app's logging into ``tmp_path`` (put back after the test: tests/conftest.py)."""
    path = logs.setup_logging(logging.DEBUG, directory=tmp_path, console_level=logging.CRITICAL)
    assert path is not None
    return path


def test_the_log_never_holds_a_key_in_another_form(log_file: Path) -> None:
    logs.register_secrets(SECRETS)
    log = logging.getLogger("app.test")
    log.warning("GET /jobs?token=%s", pct(KEY))
    log.warning("<error>key &#%d;%s rejected</error>", ord(KEY[0]), KEY[1:].upper())
    log.warning("tail only: …%s", KEY[-14:])
    text = log_file.read_text(encoding="utf-8")
    assert text.count(REDACTED) == 3
    for form in (pct(KEY), KEY[1:].upper(), KEY[-14:]):
        assert form not in text
    assert logs.redact_known(f"shown to a user: {KEY.lower()}") == f"shown to a user: {REDACTED}"


@pytest.mark.parametrize("before", ["", "x", "xy", "Authorization: Basic "])
def test_a_key_in_base64_at_any_alignment_or_in_hex_is_caught(before: str) -> None:
    """A service echoing an Authorization header, or dumping a request, shows the key encoded
    (before, base64 and hex went through untouched)."""
    token = "DEMO-berke-token-7f3a9c2e51d84b06"
    encoded = base64.b64encode((before + token).encode()).decode()
    shown = redact(f"The request had {encoded} in it", [token])
    assert REDACTED in shown
    assert encoded not in shown
    assert redact(f"hex {token.encode().hex().upper()}", [token]) == f"hex {REDACTED}"
    ordinary = "Ordinary words about the candidate and her results, QXV0aG9y and all."
    assert redact(ordinary, [token]) == ordinary
