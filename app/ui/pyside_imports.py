"""Stop PySide6 reading the source file of every module imported after it.

Once ``PySide6.QtCore`` is loaded, PySide6 calls ``shibokensupport.feature.feature_imported``
after every import, for its opt-in ``from __feature__ import snake_case, true_property``. For
each new module it reads the whole source file (``inspect.getsource``) only to see whether the
word "PySide6" is in it: if so the module gets feature set 0 (Qt's plain API), else -1 ("ignore
this module"). The desk imports some 450 modules after Qt (pydantic, httpx, the sandbox, its
own), so that reading cost about 40 ms of the first sync (``bench/startup.py``, A/B).

The desk never selects a feature, so every module is given set 0 without reading it: the plain
API, which is what each of them uses. A module that does select a feature still gets it: that
import goes through ``feature_import``, which records the selection itself.
"""

from __future__ import annotations

import sys
from types import ModuleType

import PySide6.QtCore  # noqa: F401  (loads shibokensupport.feature, which is patched below)

_FEATURE_MODULE = "shibokensupport.feature"


def _plain_qt_api(module: ModuleType) -> bool:
    """``_mod_uses_pyside``'s answer for every module, without reading its source: "uses the
    plain Qt API" (feature set 0)."""
    return True


def skip_source_scan() -> bool:
    """Replace the source scan; False where this PySide6 has none to replace (then nothing is
    changed: a later PySide6 may have dropped or renamed it)."""
    feature = sys.modules.get(_FEATURE_MODULE)
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    setattr(feature, "_mod_uses_pyside", _plain_qt_api)  # noqa: B010  (private: mypy)
    return True
