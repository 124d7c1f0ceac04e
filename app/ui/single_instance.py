"""The window side of "one desk per data folder": the running desk listens on a local socket
named after its folder, and a second start asks it to come to the front before giving up.

The folder lock (``app.store.instance_lock``) is what decides who runs; this is only the
courtesy of showing the user the window they already have.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

_ACTIVATE = b"activate\n"
_WAIT_MS = 1500


def server_name(folder: Path) -> str:
    """A name per user and data folder: short (socket paths are limited), no secrets in it."""
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "")
    # The folder as the file system names it: a name that is not UTF-8 (an old share, a USB
    # disk) failed str.encode(), and with it every start in that folder.
    where = os.fsencode(folder.resolve())
    digest = hashlib.sha256(os.fsencode(user) + b":" + where).hexdigest()[:16]
    return f"assessment-desk-{digest}"


class ActivationServer(QObject):
    """Held by the running desk: a connection that says "activate" raises its window."""

    activate_requested = Signal()

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(folder)
        self._server = QLocalServer(self)
        # Only this user may connect (the socket file is 0600 on Unix).
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_connection)

    def listen(self) -> bool:
        # The folder lock is held, so a leftover socket of a crashed desk is stale: remove it.
        QLocalServer.removeServer(self.name)
        if not self._server.listen(self.name):
            log.warning("Cannot listen for a second start: %s", self._server.errorString())
            return False
        return True

    def close(self) -> None:
        self._server.close()

    @property
    def listening(self) -> bool:
        return self._server.isListening()

    def _on_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            if socket is None:
                return
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        data = bytes(socket.readAll().data())
        if _ACTIVATE.strip() in data:
            self.activate_requested.emit()
        socket.disconnectFromServer()


def ask_running_desk_to_activate(folder: Path) -> bool:
    """From a second start: ask the running desk to raise its window. True when it was told."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(folder))
    if not socket.waitForConnected(_WAIT_MS):
        return False
    socket.write(_ACTIVATE)
    written = socket.waitForBytesWritten(_WAIT_MS)
    socket.disconnectFromServer()
    return written


def bring_to_front(window: QWidget) -> None:
    """Un-minimise, raise and focus (the window manager may only flash the taskbar entry)."""
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()
