"""A local simulator of the SmartRecruiters partner API and the Berke Assessment API.

Written from the API references, not from the client code, so that it can catch a client bug.

The server and its routes (starlette, uvicorn: ~80 ms of imports) load when first asked for:
the desk reads the demo keys (``app.sandbox.config``) without them, and runs the demo's
services in a process of their own (``app.workflows.demo_services``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.sandbox.config import DEMO_BERKE_TOKEN, DEMO_SR_KEY, SandboxConfig

if TYPE_CHECKING:
    from app.sandbox.asgi import create_app
    from app.sandbox.server import SandboxServer

__all__ = ["DEMO_BERKE_TOKEN", "DEMO_SR_KEY", "SandboxConfig", "SandboxServer", "create_app"]


def __getattr__(name: str) -> Any:
    if name == "SandboxServer":
        from app.sandbox.server import SandboxServer

        return SandboxServer
    if name == "create_app":
        from app.sandbox.asgi import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
