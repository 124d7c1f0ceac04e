"""Whether a while has passed since a time this machine's clock recorded."""

from __future__ import annotations

from datetime import datetime, timedelta


def due_again(last: datetime, now: datetime, after: timedelta) -> bool:
    """Whether ``after`` has passed since ``last``. A ``last`` after ``now`` was written while
    the clock ran ahead (it was set back since): due, or it would wait as long as the jump."""
    return last > now or now - last >= after
