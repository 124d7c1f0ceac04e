"""The sandbox as one ASGI app: SmartRecruiters under ``/sr/v1``, Berke under ``/berke``."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from app.sandbox.berke import create_berke_app
from app.sandbox.config import SandboxConfig
from app.sandbox.faults import FaultInjector
from app.sandbox.smartrecruiters import create_sr_app


async def _index(request: Request) -> Response:
    base = str(request.base_url).rstrip("/")
    return JSONResponse(
        {
            "service": "Assessment Desk sandbox",
            "smartrecruiters": f"{base}/sr/v1",
            "berke": f"{base}/berke",
        }
    )


def create_app(config: SandboxConfig | None = None) -> Starlette:
    """A fresh simulator with its own state; faults are injected in front of both services."""
    config = config or SandboxConfig()
    sr_app = create_sr_app(config)
    berke_app = create_berke_app(config)
    app = Starlette(
        routes=[
            Route("/", _index, methods=["GET"]),
            Mount("/sr/v1", app=sr_app),
            Mount("/berke", app=berke_app),
        ],
        middleware=[Middleware(FaultInjector, fail_rate=config.fail_rate, seed=config.seed)],
    )
    app.state.config = config
    app.state.sr = sr_app.state.sr
    app.state.berke = berke_app.state.berke
    return app
