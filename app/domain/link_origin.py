"""Whether an order's Berke assessment came from elsewhere: found in Berke where this desk's
create was refused as taken (another desk made it, under the order's own id), for the order
itself or for the order whose assessment it reuses. That desk may have invited to it, and
Berke does not say so: Invite asks first, and the flag and the batch's plan say as much.

One rule for the journal's timeline (``order_actions``) and the store's rows (``local_state``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LinkOrigin:
    """How the order's latest link came: found in Berke, made before this desk's create
    (``from_elsewhere``), or a reuse of another order's assessment (``from_order_id``)."""

    from_elsewhere: bool = False
    from_order_id: str | None = None


def link_origin(
    recovered: bool, own_try: bool | None, reused_from: str | None = None
) -> LinkOrigin:
    """The origin of the link a step made (its ``AssessmentLinked``'s ``recovered`` and
    ``own_try``; ``reused_from``: a reuse step's ``from_order_id``). One found where an earlier
    try of the same step may have made it (its answer lost) is this desk's own."""
    if recovered and not own_try:
        return LinkOrigin(from_elsewhere=True)
    return LinkOrigin(from_order_id=reused_from)


def found_in_berke(order_id: str, origin_of: Callable[[str], LinkOrigin | None]) -> bool:
    """Whether the order's assessment was found in Berke, for it or, followed back through
    its reuses, for the order it was found for (the invitation is the same one).
    ``origin_of``: an order's latest link's origin (None: it has none)."""
    seen: set[str] = set()
    while order_id not in seen:
        seen.add(order_id)
        origin = origin_of(order_id)
        if origin is None:
            return False
        if origin.from_elsewhere:
            return True
        if origin.from_order_id is None:
            return False
        order_id = origin.from_order_id
    return False
