"""Half characters: a lone UTF-16 surrogate (U+D800–U+DFFF), the half of an emoji cut in two.

JSON allows one as an escape ("\\ud83d"), and ``json.loads`` keeps it in the text it reads, but
it is no character: SQLite (UTF-8) cannot store it, and a single one in an answer raised
UnicodeEncodeError where it was written (every sync stopped, for as long as SmartRecruiters
listed the order that held it). An answer is checked for them here; no imports.
"""

from __future__ import annotations

import re
from typing import Any

_HALF = re.compile("[\ud800-\udfff]")
#: What stands for a half character in text made storable (U+FFFD REPLACEMENT CHARACTER).
REPLACEMENT = "\ufffd"


def has_half_character(text: str) -> bool:
    return _HALF.search(text) is not None


def holds_half_characters(data: Any) -> bool:
    """Whether any text in ``data`` (JSON as read: its strings, and its objects' keys)
    holds a half character. Iterative: an answer's depth is bounded, but not by this."""
    pending = [data]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            if _HALF.search(node) is not None:
                return True
        elif isinstance(node, dict):
            pending.extend(node.keys())
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return False


def whole_characters(data: Any) -> Any:
    """``data`` with each half character replaced by U+FFFD (the same object when it holds
    none): text that can be stored. For the answer to a change made, which must be kept:
    refused, the change would be sent again, and its answer refused again."""
    if not holds_half_characters(data):
        return data
    return _replaced(data)


def _replaced(node: Any) -> Any:
    if isinstance(node, str):
        return _HALF.sub(REPLACEMENT, node)
    if isinstance(node, dict):
        return {_replaced(key): _replaced(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_replaced(item) for item in node]
    return node


def shown(text: str) -> str:
    """``text`` as it may be shown, logged or stored: each half character as its escape
    (``\\ud83d``), which says what the service sent."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
