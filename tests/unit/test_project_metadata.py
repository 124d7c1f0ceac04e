"""pyproject.toml's metadata in the form today's tools take without a warning."""

from __future__ import annotations

import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_the_license_is_an_spdx_expression() -> None:
    """A ``license = { text = ... }`` table makes every install print a deprecation warning."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    license_ = project["project"]["license"]
    assert isinstance(license_, str)
    assert license_.startswith("LicenseRef-") or license_.replace("-", "").isalnum()
    # The SPDX form needs setuptools 77 (PEP 639), and no license classifier beside it.
    assert any(r.startswith("setuptools>=77") for r in project["build-system"]["requires"])
    classifiers = project["project"].get("classifiers", [])
    assert not [c for c in classifiers if c.startswith("License ::")]
