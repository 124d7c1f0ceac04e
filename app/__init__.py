"""Assessment Desk: the Berke coordinators' console for SmartRecruiters assessment orders."""

from __future__ import annotations

import importlib.machinery
import os
import sys
import types

# httpx imports its command-line client (click, rich, pygments: ~25 ms) whenever those happen
# to be installed; the app never runs it. A None entry makes that one import fail, and httpx
# then defines a stub ``httpx.main`` (its own fallback). Nothing is changed if httpx is loaded.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

#: ``python -m app`` (or the installed program) with this first argument serves demo mode's
#: services instead of opening a window (``app.workflows.demo_services``). Kept here, where
#: the command line reads it without loading that module (asyncio, subprocess).
SERVE_FLAG = "--serve-demo-services"


def _no_pydantic_plugins() -> None:
    """pydantic hands every value it validates to its plugins: the handlers of any installed
    package that declares a "pydantic" entry point, found when the first model is built. The
    desk validates its keys (``Credentials``) and the services' answers, and runs no plugin:
    this stand-in for pydantic's loader answers "none", so no installed package can watch
    them. It also spares the search (importlib.metadata and a scan of every installed
    package: ~35 ms before a working day's first frame). Where pydantic has already loaded
    its own (a model built before the desk was imported), pydantic's documented switch turns
    the plugins off: its loader reads it each time a model is built."""
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
    name = "pydantic.plugin._loader"
    loader = types.ModuleType(name, "The desk runs no pydantic plugin.")
    loader.__spec__ = importlib.machinery.ModuleSpec(name, None)
    loader.get_plugins = lambda *_args, **_kwargs: ()  # type: ignore[attr-defined]
    sys.modules.setdefault(name, loader)


_no_pydantic_plugins()


def __getattr__(name: str) -> str:
    """``__version__``, read from the installed metadata when first asked for (not at start:
    importlib.metadata and the dist-info read cost ~15 ms that the first window does not need).
    The version itself lives in pyproject.toml only."""
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("assessment-desk")
    except PackageNotFoundError:  # running from a source tree that was not installed
        found = "0.0.0+source"
    globals()["__version__"] = found
    return found
