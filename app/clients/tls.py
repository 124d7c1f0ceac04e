"""The one TLS context of the desk's https connections, built once and shared.

Building a context reads a whole certificate bundle (certifi's, or ``SSL_CERT_FILE`` /
``SSL_CERT_DIR`` when set, exactly as httpx chooses): 20-35 ms on the CI machine. httpx builds
one per client unless given one, so opening a session with real endpoints built two on the
GUI thread, and every connection test and address check built more. One context serves every
connection (the clients all speak HTTP/1.1, the only setting a connection writes into it), and
``tls_context_ready`` builds it in a worker thread, where reading the bundle leaves the GIL to
the window.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import threading

import httpx

_lock = threading.Lock()
_context: ssl.SSLContext | None = None


def tls_context() -> ssl.SSLContext:
    """The shared context (built on the first call, in the caller's thread)."""
    global _context  # noqa: PLW0603 (one per process, by design)
    with _lock:
        if _context is None:
            _context = httpx.create_ssl_context(verify=True, trust_env=True)
        return _context


async def tls_context_ready() -> ssl.SSLContext:
    """The shared context, built off the event loop when it is not built yet."""
    if _context is not None:
        return _context
    return await asyncio.to_thread(tls_context)


async def tls_ready_for(*urls: str) -> None:
    """Built off the event loop before clients of ``urls`` need it (when one is https), so
    that making them reads no bundle on the loop."""
    if any(url.strip().lower().startswith("https://") for url in urls):
        await tls_context_ready()


def context_problem(exc: OSError | ValueError) -> str:
    """Why the shared context could not be built (``exc``, as building it raised), in a
    sentence naming the certificates it read: ``SSL_CERT_FILE``'s or ``SSL_CERT_DIR``'s when
    set (as httpx reads them), else the bundle the desk comes with."""
    if bundle := os.environ.get("SSL_CERT_FILE"):
        what = f"the certificate bundle that SSL_CERT_FILE names ({bundle})"
    elif folder := os.environ.get("SSL_CERT_DIR"):
        what = f"the certificate folder that SSL_CERT_DIR names ({folder})"
    else:
        what = "the certificate bundle the desk comes with"
    if isinstance(exc, FileNotFoundError):
        why = "is not there"
    elif isinstance(exc, PermissionError):
        why = "may not be read"
    elif isinstance(exc, ssl.SSLError):
        why = "holds no certificate that can be used"
    else:
        why = f"could not be read ({(exc.strerror if isinstance(exc, OSError) else None) or exc})"
    return f"secure (https) connections cannot be made: {what} {why}."
