"""The desk's pydantic models and adapters build their validators when first used.

Start-up imports every model and the first sync uses a handful of them: building the rest at
import cost ~15 ms of the first sync (README, "the models build when first used"). Each model
says ``defer_build=True`` in its config; an adapter made at import is given this config.
``tests/unit/test_models_build_when_used.py`` names any that importing the desk builds.
"""

from __future__ import annotations

from pydantic import ConfigDict

#: The config of an adapter made when its module is imported.
BUILD_WHEN_USED = ConfigDict(defer_build=True)
