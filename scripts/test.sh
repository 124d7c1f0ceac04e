#!/usr/bin/env bash
# Install what the tests need (system packages, venv with the test extra), then run the checks
# and the whole test suite headless. Exits non-zero on any failure. Extra arguments go to pytest.
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
# shellcheck disable=SC2086
ensure_system_packages $QT_RUNTIME_PACKAGES binutils
ensure_venv "test,packaging"
cd "$ROOT"
export QT_QPA_PLATFORM=offscreen
export PYTHONDONTWRITEBYTECODE=1

echo "== ruff"
"$VENV/bin/ruff" check app tests bench scripts
"$VENV/bin/ruff" format --check app tests bench scripts
echo "== mypy"
"$VENV/bin/mypy"
echo "== import contracts"
"$VENV/bin/lint-imports"
echo "== pytest"
"$VENV/bin/python" -m pytest "$@"
