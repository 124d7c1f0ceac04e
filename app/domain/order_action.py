"""What a coordinator may do to an order: the vocabulary of the buttons and menus.

A module of its own, without pydantic: the window's actions exist in its first frame, before
the rules that enable them (``app.domain.order_rules``) and the API's shapes are loaded.
"""

from __future__ import annotations

from enum import StrEnum


class OrderAction(StrEnum):
    """What a coordinator may do to an order (a button, a menu entry). Each is carried out by
    one or more journaled steps (``journal_terms.StepKind``)."""

    CREATE_ASSESSMENT = "create_assessment"
    ACCEPT = "accept"
    REJECT = "reject"
    INVITE = "invite"
    CREATE_ACCEPT_INVITE = "create_accept_invite"
    COMPLETE = "complete"
    ATTACH = "attach"
    COMMENT = "comment"
    DELIVER = "deliver"  # complete with Berke's result and attach its report
    REMIND = "remind"  # send the invitation again (a reminder)
    DELETE_IN_BERKE = "delete_in_berke"  # the order ended elsewhere: the assessment goes too
    SHOW_CODE = "show_code"  # its assessment's code, URL, QR code and printable slip, again
