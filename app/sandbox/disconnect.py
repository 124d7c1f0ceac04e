"""A client that hangs up mid-request (a killed process, a cancelled upload) is normal here."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response


async def client_gone(request: Request, exc: Exception) -> Response:
    # Nobody reads this answer; answering (instead of raising) keeps the log free of a
    # traceback for what reliability tests do on purpose.
    return Response(status_code=499)
