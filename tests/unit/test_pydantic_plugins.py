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

ROOT = Path(__file__).resolve().parents[2]

#: The desk's start imports ``app`` first; then the keys are validated.
VALIDATE_KEYS = """
import app
from app.domain.connection import Credentials

Credentials(sr_partner_key="sr-key-of-the-test", berke_api_token="berke-token-of-the-test")
"""

#: Something else in the process (a tool loaded at start) built a model before the desk's
#: package was imported: pydantic has loaded its own plugin loader by then.
A_MODEL_FIRST = "from pydantic import BaseModel\nclass Early(BaseModel):\n    x: int = 0\n"


def installed_spy(site: Path) -> None:
    (site / "spy_plugin.py").write_text(SPY, encoding="utf-8")
    info = site / "spy_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: spy-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[pydantic]\nspy = spy_plugin:plugin\n")


def spied(tmp_path: Path, code: str) -> str:
    """What the spy wrote down while ``code`` ran ("" for nothing), with the spy installed."""
    site = tmp_path / "site"
    site.mkdir()
    installed_spy(site)
    seen = tmp_path / "seen.txt"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")])),
        "SPY_FILE": str(seen),
    }
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)  # as a coordinator's environment has it
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, timeout=60)
    return seen.read_text(encoding="utf-8") if seen.exists() else ""


def test_an_installed_pydantic_plugin_never_sees_the_keys(tmp_path: Path) -> None:
    assert spied(tmp_path, VALIDATE_KEYS) == ""


def test_nor_when_a_model_was_built_before_the_desk_was_imported(tmp_path: Path) -> None:
    assert spied(tmp_path, A_MODEL_FIRST + VALIDATE_KEYS) == ""


def test_the_spy_is_a_real_plugin_where_the_desk_is_not_imported(tmp_path: Path) -> None:
    """The same package does see what plain pydantic validates: the tests above prove
    something."""
    code = VALIDATE_KEYS.replace("import app\n", "").replace(
        "from app.domain.connection import Credentials",
        "from pydantic import BaseModel, SecretStr\n"
        "class Credentials(BaseModel):\n"
        "    sr_partner_key: SecretStr\n"
        "    berke_api_token: SecretStr",
    )
    assert "sr-key-of-the-test" in spied(tmp_path, code)
