"""A refusal painted at the foot of a dialog, said where the keyboard is too.

The label at the foot takes no focus, so a screen reader never read it: the coordinator heard
the button go "Creating…" and back, and nothing else. A refusal naming a field is put in that
field's accessible description; one naming none goes in the description of the widget the
keyboard is back on (a change there is read out), until the next edit, as a field's does.
"""

from __future__ import annotations

import weakref

from PySide6.QtWidgets import QWidget


class RefusalAtFocus:
    """``say`` puts a refusal in the accessible description of ``dialog``'s focused widget;
    ``clear`` gives that widget its own description back."""

    def __init__(self, dialog: QWidget) -> None:
        # Weakly: the dialog holds this, and a reference cycle frozen by a poll's
        # ``settle_heap`` (app.workflows.heap) is never collected.
        self._dialog = weakref.ref(dialog)
        # The widget told, its own description, and the refusal put in its place.
        self._said: tuple[QWidget, str, str] | None = None

    def say(self, text: str) -> None:
        """Call once the keyboard is back where it goes after the refusal."""
        self.clear()
        dialog = self._dialog()
        widget = dialog.focusWidget() if dialog is not None else None
        if widget is None or not text:
            return
        self._said = (widget, widget.accessibleDescription(), text)
        widget.setAccessibleDescription(text)

    def clear(self, *_args: object) -> None:
        """On the next edit (any signal's arguments are ignored)."""
        if self._said is None:
            return
        widget, own, text = self._said
        self._said = None
        # A form that set the widget's description since (its field's own problem) keeps it.
        if widget.accessibleDescription() == text:
            widget.setAccessibleDescription(own)
