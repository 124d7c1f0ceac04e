"""Running the sandbox with uvicorn in a daemon thread on a loopback port."""

from __future__ import annotations

import logging
import socket
import threading
from types import TracebackType

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from app.sandbox.asgi import create_app
from app.sandbox.config import SandboxConfig
from app.sandbox.faults import DROP_SCOPE_KEY

_DROP_SENTINEL = "sandbox-dropped-connection"
_UVICORN_NOTICE = "ASGI callable should return None, but returned '%s'."


class ConnectionDropper:
    """Turns a fault's drop mark into a closed connection with no response.

    uvicorn's h11 protocol closes the transport, without writing anything, when the ASGI
    callable returns a value; raising instead would make it answer 500, which is not what a
    lost connection looks like.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> str | None:
        await self.app(scope, receive, send)
        return _DROP_SENTINEL if scope.get(DROP_SCOPE_KEY) else None


class _HideDropNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.msg == _UVICORN_NOTICE and record.args == (_DROP_SENTINEL,))


_drop_filter = _HideDropNotice()


class _Server(uvicorn.Server):
    """uvicorn's server, which says when it has started or given up (``ready``), so that
    ``start`` waits on an event instead of polling ``started``."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()
        self.failure: BaseException | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self.ready.set()

    def run(self, sockets: list[socket.socket] | None = None) -> None:
        try:
            super().run(sockets=sockets)
        except BaseException as exc:
            if self.started:
                raise
            # A startup that raised (or called sys.exit): start() raises it as the cause.
            self.failure = exc
        finally:
            self.ready.set()


class SandboxServer:
    """``start()`` returns once connections are accepted; ``stop()`` shuts down and joins."""

    def __init__(
        self, config: SandboxConfig | None = None, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.config = config or SandboxConfig()
        self.host = host
        self.port = port
        self.app = create_app(self.config)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox is not started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def sr_base_url(self) -> str:
        return self.base_url + "/sr/v1"

    @property
    def berke_base_url(self) -> str:
        return self.base_url + "/berke"

    def start(self, timeout: float = 10.0) -> None:
        if self._thread is not None:
            raise RuntimeError("the sandbox is already started")
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # proto must say TCP: asyncio only sets TCP_NODELAY on accepted sockets whose proto is
        # IPPROTO_TCP, and without it every keep-alive answer waits ~40 ms for a delayed ACK.
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
            sock.listen(128)
        except OSError:
            sock.close()
            raise
        self.port = sock.getsockname()[1]
        logging.getLogger("uvicorn.error").addFilter(_drop_filter)
        config = uvicorn.Config(
            ConnectionDropper(self.app),
            log_level="warning",
            lifespan="off",
            http="h11",
            loop="asyncio",
            interface="asgi3",
            proxy_headers=False,
            server_header=False,
            timeout_graceful_shutdown=2,
        )
        server = _Server(config)
        # Signal handlers are skipped by uvicorn off the main thread, so a host application's
        # own loop (Qt's) and its Ctrl+C handling are left alone.
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=f"sandbox-{self.port}", daemon=True
        )
        self._server, self._thread = server, thread
        thread.start()
        if not server.ready.wait(timeout):
            server.should_exit = True
            raise TimeoutError(f"the sandbox did not start within {timeout} s")
        if not server.started:
            self._server = self._thread = None
            raise RuntimeError("the sandbox server failed to start") from server.failure

    def stop(self, timeout: float = 10.0) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.should_exit = True
        thread.join(timeout)
        self._thread = None

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
