"""Every pydantic model and module-level adapter of the desk builds its validator when first
used, not when its module is imported, and every one of them does build.

Start-up imports 71 models and 9 module-level adapters, most of which the first sync never
uses (Berke's requests, the journal's, snapshots'); building them all cost ~25 ms before it.
A deferred build meets a schema error only when the model is first used, so the tests below
build each one here.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import os
import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.version import Version
from pydantic import BaseModel, TypeAdapter

import app

ROOT = Path(__file__).resolve().parents[2]

#: Imports every module of the desk in a fresh interpreter and prints, as JSON on its last
#: line, each model and module-level adapter already built.
LIST_BUILT = """
import importlib, json, pkgutil, sys
from pydantic import BaseModel, TypeAdapter
import app

for found in pkgutil.walk_packages(app.__path__, "app."):
    importlib.import_module(found.name)
built, stack = [], [BaseModel]
while stack:
    for cls in stack.pop().__subclasses__():
        stack.append(cls)
        if cls.__module__.startswith("app.") and cls.__pydantic_complete__:
            built.append(f"{cls.__module__}.{cls.__qualname__}")
built += [
    f"{module.__name__}.{name}"
    for module in list(sys.modules.values())
    if getattr(module, "__name__", "").startswith("app.")
    for name, value in vars(module).items()
    if isinstance(value, TypeAdapter) and value.pydantic_complete
]
print(json.dumps(sorted(set(built))))
"""


def desk_modules() -> list[str]:
    """Every module of the desk, imported (the UI's too: Qt runs offscreen in the tests)."""
    names = [found.name for found in pkgutil.walk_packages(app.__path__, "app.")]
    for name in names:
        importlib.import_module(name)
    return names


def desk_models() -> list[Any]:
    desk_modules()
    found: dict[str, type[BaseModel]] = {}
    stack: list[type[BaseModel]] = [BaseModel]
    while stack:
        for cls in stack.pop().__subclasses__():
            stack.append(cls)
            if cls.__module__.startswith("app."):
                name = f"{cls.__module__}.{cls.__qualname__}"
                found.setdefault(name, cls)
    return [pytest.param(cls, id=name) for name, cls in sorted(found.items())]


def desk_adapters() -> list[Any]:
    desk_modules()
    return [
        pytest.param(value, id=f"{module.__name__}.{name}")
        for module in list(sys.modules.values())
        if getattr(module, "__name__", "").startswith("app.")
        for name, value in vars(module).items()
        if isinstance(value, TypeAdapter)
    ]


def test_importing_the_desk_builds_no_model() -> None:
    """A model given without ``defer_build=True`` (or an adapter without its config), or a
    module that validates a model as it loads, shows up here by name: defer it as its
    neighbours are (a constant can be made with ``model_construct``, see ``offer_cost``)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", LIST_BUILT],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_the_desk_has_models_and_adapters_to_check() -> None:
    """The tests around this one walk something: the models and the adapters are found."""
    assert len(desk_models()) > 60
    assert len(desk_adapters()) >= 9


@pytest.mark.parametrize("model", desk_models())
def test_every_model_builds(model: type[BaseModel]) -> None:
    model.model_rebuild(raise_errors=True)
    assert model.__pydantic_complete__


@pytest.mark.parametrize("adapter", desk_adapters())
def test_every_adapter_builds(adapter: TypeAdapter[object]) -> None:
    adapter.rebuild(raise_errors=True)
    assert adapter.pydantic_complete


def test_the_pydantic_in_use_locks_a_models_first_build() -> None:
    """Deferred models are first used from worker threads too (a sync's pages are read in
    one). pydantic locks a model's first build from 2.14 on (before, a second thread could
    validate with a half-built model); the desk asks for it and runs with it. An adapter's
    first build is not locked: two threads may each build it, and either result is whole."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = [
        Requirement(spec)
        for spec in project["project"]["dependencies"]
        if Requirement(spec).name == "pydantic"
    ]
    assert len(wanted) == 1
    assert not wanted[0].specifier.contains("2.13.99")
    assert wanted[0].specifier.contains("2.14.0")
    assert Version(importlib.metadata.version("pydantic")) >= Version("2.14")
