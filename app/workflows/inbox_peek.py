"""A working day's first frame: the active profile's cached inbox, as its rows show it, found
and read without pydantic or any model (see ``app.store.settings_peek`` and
``app.store.inbox_rows``). The session host reads the same inbox through its models right after
the frame (``SessionHost.show_cached``), and the order board starts from that reading.
"""

from __future__ import annotations

from app.store.inbox_rows import InboxRows, read_inbox_rows
from app.store.settings_peek import peek_active_data_file


def peek_active_inbox() -> InboxRows | None:
    """The active profile's cached inbox (blocking: call it off the GUI thread); None when
    there is nothing this peek may show (the models' reading then decides)."""
    path = peek_active_data_file()
    return None if path is None else read_inbox_rows(path)
