"""A local simulator of the SmartRecruiters partner API and the Berke Assessment API.

Written from the API references, not from the client code, so that it can catch a client bug.
"""

from app.sandbox.asgi import create_app
from app.sandbox.config import DEMO_BERKE_TOKEN, DEMO_SR_KEY, SandboxConfig
from app.sandbox.server import SandboxServer

__all__ = ["DEMO_BERKE_TOKEN", "DEMO_SR_KEY", "SandboxConfig", "SandboxServer", "create_app"]
