"""SmartRecruiters' HTTP surface: JSON bodies, its error shape, and the guard in front of every
call (rate limits, then the partner key)."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.sandbox.config import SandboxConfig
from app.sandbox.formats import epoch_millis, now_utc
from app.sandbox.ratelimit import SrRateLimiter

JSON_MEDIA_TYPE = "application/json;charset=utf-8"
CUSTOMER_KEY_LENGTH = 32
_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "TOO_MANY_REQUESTS",
    503: "SERVICE_UNAVAILABLE",
}
# Query parameter names that would mean a client put a credential in the URL.
_KEY_LIKE_PARAMS = {"x-smarttoken", "smarttoken", "apikey", "api_key", "api-key", "token", "key"}


class SrError(Exception):
    """An error answered in SmartRecruiters' JSON error shape."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body, ensure_ascii=False).encode("utf-8"),
        status_code=status,
        media_type=JSON_MEDIA_TYPE,
        headers=headers,
    )


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    body = {
        "id": str(uuid.uuid4()),
        "createdAt": epoch_millis(now_utc()),
        "httpCode": status,
        "code": _CODES.get(status, "ERROR"),
        "message": message,
        "helpUrl": "",
    }
    return json_response(body, status, headers)


async def read_json_object(request: Request, *, required: bool = True) -> dict[str, Any]:
    """The body as a JSON object; strict about media type and shape so client slips show."""
    raw = await request.body()
    if not raw.strip():
        if required:
            raise SrError(400, "Request body is required")
        return {}
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise SrError(415, f"Content-Type must be application/json, not '{media_type}'")
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SrError(400, f"Request body is not valid JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise SrError(400, "Request body must be a JSON object")
    return body


class SrGuard:
    """Rate limits per credential, then authentication; adds the X-RateLimit-* headers.

    The limiter is keyed by a hash of whatever key was presented, so the key itself is never
    kept as state or written anywhere.
    """

    def __init__(self, app: ASGIApp, config: SandboxConfig, limiter: SrRateLimiter) -> None:
        self.app = app
        self._config = config
        self._limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = Headers(scope=scope).get("x-smarttoken", "")
        credential = hashlib.sha256(token.encode("utf-8", "replace")).hexdigest() if token else ""
        decision = self._limiter.acquire(credential)
        if not decision.allowed:
            headers = {**decision.headers, "Retry-After": str(decision.retry_after_s)}
            response = error_response(
                429, "Too many requests: rate limit exceeded for this API key; retry later", headers
            )
            await response(scope, receive, send)
            return
        try:
            problem = self._refusal(token, scope.get("query_string", b""))
            if problem is not None:
                await error_response(*problem, headers=decision.headers)(scope, receive, send)
                return
            if self._config.latency_ms:
                await self._config.sleep(self._config.latency_ms / 1000.0)

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    response_headers = MutableHeaders(scope=message)
                    for name, value in decision.headers.items():
                        response_headers[name] = value
                await send(message)

            await self.app(scope, receive, send_with_headers)
        finally:
            self._limiter.release(credential)

    def _refusal(self, token: str, query: bytes) -> tuple[int, str] | None:
        names = {name.lower() for name, _ in parse_qsl(query.decode("latin-1"))}
        if names & _KEY_LIKE_PARAMS:
            return 400, "API keys must be sent in the X-SmartToken header, never in the URL"
        if not token:
            return 401, "Authentication required: missing X-SmartToken header"
        if hmac.compare_digest(
            token.encode("utf-8", "replace"), self._config.sr_key.encode("utf-8")
        ):
            return None
        if len(token) == CUSTOMER_KEY_LENGTH:
            return 403, (
                "A customer API key is not accepted on the partner API: use the "
                "Marketplace partner key (64 characters) from the Partner Portal"
            )
        return 403, "Access denied: the X-SmartToken is invalid or has been regenerated"
