"""Every pydantic model and module-level adapter of the desk builds its validator when first
used, not when its module is imported, and every one of them does build.

Start-up imports ~80 models, most of which the first sync never uses (Berke's requests, the
journal's, snapshots'); building them all cost ~25 ms before it. A deferred build meets a
schema error only when the model is first used, so the second test builds each one here.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel, TypeAdapter

import app

ROOT = Path(__file__).resolve().parents[2]

#: The packages whose modules define the desk's models and adapters (the UI's use them).
MODEL_PACKAGES = ("app.domain", "app.store", "app.clients", "app.workflows", "app.sandbox")

#: Imports every module of those packages in a fresh interpreter and lists, as JSON, each
#: model and module-level adapter that is already built.
LIST_BUILT = """
import importlib, json, pkgutil, sys
from pydantic import BaseModel, TypeAdapter
import app

def models(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from models(sub)

for name in sys.argv[1:]:
    package = importlib.import_module(name)
    for found in pkgutil.walk_packages(package.__path__, name + "."):
        importlib.import_module(found.name)
built = [
    f"{cls.__module__}.{cls.__qualname__}"
    for cls in set(models(BaseModel))
    if cls.__module__.startswith("app.") and cls.__pydantic_complete__
]
built += [
    f"{module.__name__}.{name}"
    for module in list(sys.modules.values())
    if getattr(module, "__name__", "").startswith("app.")
    for name, value in vars(module).items()
    if isinstance(value, TypeAdapter) and value.pydantic_complete
]
print(json.dumps(sorted(built)))
"""


def desk_modules() -> list[str]:
    names = []
    for package_name in MODEL_PACKAGES:
        package = importlib.import_module(package_name)
        names += [
            found.name for found in pkgutil.walk_packages(package.__path__, package_name + ".")
        ]
    return names


def desk_models() -> list[type[BaseModel]]:
    for name in desk_modules():
        importlib.import_module(name)
    found: list[type[BaseModel]] = []
    stack: list[type[BaseModel]] = [BaseModel]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if sub.__module__.startswith("app.") and sub not in found:
                found.append(sub)
    return found


def desk_adapters() -> list[tuple[str, TypeAdapter[object]]]:
    for name in desk_modules():
        importlib.import_module(name)
    return [
        (f"{module.__name__}.{name}", value)
        for module in list(sys.modules.values())
        if getattr(module, "__name__", "").startswith("app.")
        for name, value in vars(module).items()
        if isinstance(value, TypeAdapter)
    ]


def test_importing_the_desk_builds_no_model() -> None:
    """A model given without ``defer_build=True`` (or an adapter without its config) shows up
    here by name: add it, as its neighbours have it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", LIST_BUILT, *MODEL_PACKAGES],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert json.loads(out) == []


def test_the_desk_has_models_and_adapters_to_check() -> None:
    """The two tests around this one walk something: the models and the adapters are found."""
    assert len(desk_models()) > 60
    assert len(desk_adapters()) >= 8
    assert app.__name__ == "app"


@pytest.mark.parametrize("model", desk_models(), ids=lambda model: model.__qualname__)
def test_every_model_builds(model: type[BaseModel]) -> None:
    model.model_rebuild(raise_errors=True)
    assert model.__pydantic_complete__


@pytest.mark.parametrize(
    ("name", "adapter"), desk_adapters(), ids=lambda value: value if isinstance(value, str) else ""
)
def test_every_adapter_builds(name: str, adapter: TypeAdapter[object]) -> None:
    adapter.rebuild(raise_errors=True)
    assert adapter.pydantic_complete, name


def test_pydantic_rebuilds_a_model_under_a_lock() -> None:
    """Deferred models are first used from worker threads too (a sync's pages are read in
    one): pydantic locks a model's first build from 2.14 on, and the desk asks for that."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "pydantic>=2.14" in project["project"]["dependencies"]
