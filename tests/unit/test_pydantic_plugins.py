"""No installed package watches what the desk validates through a pydantic plugin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

#: A package a coordinator might have installed beside the desk, declaring a pydantic plugin
#: that writes down every value validated.
SPY = """
import os

class _OnValidatePython:
    def on_enter(self, input, **kwargs):
        with open(os.environ["SPY_FILE"], "a", encoding="utf-8") as seen:
            seen.write(repr(input) + "\\n")

class _Plugin:
    def new_schema_validator(self, *args, **kwargs):
        return _OnValidatePython(), None, None

plugin = _Plugin()
"""

VALIDATE_KEYS = """
import sys
import app  # what the desk's start imports first
from pydantic.plugin._loader import get_plugins
from app.domain.connection import Credentials

Credentials(sr_partner_key="sr-key-of-the-test", berke_api_token="berke-token-of-the-test")
print(len(list(get_plugins())), "importlib.metadata" in sys.modules)
"""


def installed_spy(site: Path) -> None:
    (site / "spy_plugin.py").write_text(SPY, encoding="utf-8")
    info = site / "spy_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: spy-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pydantic]\nspy = spy_plugin:plugin\n")


def test_an_installed_pydantic_plugin_never_sees_the_keys(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    installed_spy(site)
    seen = tmp_path / "seen.txt"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])),
        "SPY_FILE": str(seen),
    }
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    out = subprocess.run(
        [sys.executable, "-c", VALIDATE_KEYS],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    # No plugin loaded, and none searched for (importlib.metadata is what the search needs).
    assert out.stdout.split() == ["0", "False"], out.stderr
    assert not seen.exists()


def test_the_spy_is_a_real_plugin_where_the_desk_is_not_imported(tmp_path: Path) -> None:
    """The same package does see what plain pydantic validates: the test above proves
    something."""
    site = tmp_path / "site"
    site.mkdir()
    installed_spy(site)
    seen = tmp_path / "seen.txt"
    env = {**os.environ, "PYTHONPATH": str(site), "SPY_FILE": str(seen)}
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    code = (
        "from pydantic import BaseModel, SecretStr\n"
        "class Credentials(BaseModel):\n"
        "    key: SecretStr\n"
        "Credentials(key='sr-key-of-the-test')\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    assert "sr-key-of-the-test" in seen.read_text(encoding="utf-8")
