#!/usr/bin/env bash
# Install what the app needs (system packages, venv) and start it. With no credentials
# configured it starts in demo mode against the built-in sandbox. Extra arguments go to the app.
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
# shellcheck disable=SC2086
ensure_system_packages $QT_RUNTIME_PACKAGES $QT_DESKTOP_PACKAGES
ensure_venv ""
# -P: the desk's own app package, never an app.py or app/ of the folder this was started from
# (-m puts that folder first on the module path); relative file arguments still mean it.
exec "$VENV/bin/python" -P -m app "$@"
