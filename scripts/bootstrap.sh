# Shared by scripts/run.sh and scripts/test.sh: the system packages Qt needs, and the venv.
# Sourced, not run. Idempotent: a second call installs nothing that is already there.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${ASSESSMENT_DESK_VENV:-$ROOT/.venv}"
PYTHON_BIN="${PYTHON:-python3}"

# "NEW|OLD": one package under two names, either will do. Debian 13 and Ubuntu 24.04 renamed
# libglib2.0-0 (64-bit time_t); the old name is only virtual there, which dpkg-query cannot see.
# Qt's offscreen platform (tests, --self-test) and fonts to draw text with.
QT_RUNTIME_PACKAGES="libglib2.0-0t64|libglib2.0-0 libgl1 libegl1 libxkbcommon0 libx11-6 libfontconfig1 libfreetype6 libdbus-1-3 libbrotli1 fonts-dejavu-core fonts-wqy-microhei"
# A real Secret Service for the keyring tests (tests/secret_service/): a private session bus
# (dbus-daemon) with gnome-keyring-daemon on it.
SECRET_SERVICE_PACKAGES="gnome-keyring dbus"
# A real window on an X11 desktop (xcb platform plugin).
QT_DESKTOP_PACKAGES="libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxkbcommon-x11-0 libx11-xcb1 libxcb-xkb1"

_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

_any_installed() {
    # Whether one of the names of "NEW|OLD" is installed.
    local name
    for name in ${1//|/ }; do
        if _installed "$name"; then
            return 0
        fi
    done
    return 1
}

_installable_name() {
    # The first name of "NEW|OLD" that apt can install (the first, when none: apt says why).
    local name
    for name in ${1//|/ }; do
        if LC_ALL=C apt-cache policy "$name" 2>/dev/null | grep -q '^  Candidate: [^(]'; then
            echo "$name"
            return 0
        fi
    done
    echo "${1%%|*}"
}

ensure_system_packages() {
    # Installs the Debian/Ubuntu packages of "$@" that are missing. Elsewhere, says what to do.
    if ! command -v dpkg-query >/dev/null 2>&1; then
        echo "note: not a Debian-like system; make sure Qt 6's runtime libraries are installed." >&2
        return 0
    fi
    local missing=()
    for pkg in "$@"; do
        if ! _any_installed "$pkg"; then
            missing+=("$pkg")
        fi
    done
    if ((${#missing[@]} == 0)); then
        return 0
    fi
    # Said before sudo asks for a password (NEW/OLD: whichever name this release has).
    echo "Installing system packages: ${missing[*]//|//}"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    $sudo apt-get update -qq
    # Which name of each package this release has, asked of the package lists just updated.
    local names=()
    for pkg in "${missing[@]}"; do
        names+=("$(_installable_name "$pkg")")
    done
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${names[@]}"
}

_venv_python_version() {
    # The venv's Python as X.Y, when it runs and its own pip imports (nothing otherwise).
    "$VENV/bin/python" -P -c 'import pip, sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

ensure_venv() {
    # Creates (or reuses) the venv and installs the project with the extras in "$1" ("" for none).
    local extras="${1:-}"
    if ! "$PYTHON_BIN" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "Assessment Desk needs Python 3.11 or newer ($PYTHON_BIN is older or missing)." >&2
        exit 1
    fi
    local stamp="$VENV/.installed-${extras:-app}"
    local made_by=""
    [ -f "$stamp" ] && made_by="$(sed -n 's/^python=//p' "$stamp")"
    local version
    version="$(_venv_python_version)" || true
    # Made again: a venv a failed first run left without pip (python3-venv missing), or one
    # whose python is no longer the one it was installed with (the OS upgraded python3 under
    # it: the packages sit in another lib/pythonX.Y, unseen).
    if [ -z "$version" ] || { [ -n "$made_by" ] && [ "$version" != "$made_by" ]; }; then
        if ! "$PYTHON_BIN" -P -m venv --clear "$VENV" 2>/dev/null; then
            # This Python's own venv package: python3-venv is the default python3's, and with
            # PYTHON=python3.12 where python3 is older it gave 3.12 nothing (Debian and Ubuntu
            # name one for each version; python3-venv depends on the default's).
            local minor
            minor="$("$PYTHON_BIN" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
            ensure_system_packages "python${minor}-venv"
            "$PYTHON_BIN" -P -m venv --clear "$VENV"
        fi
        version="$(_venv_python_version)" || true
    fi
    local spec="$ROOT"
    [ -n "$extras" ] && spec="$ROOT[$extras]"
    # What the install was for: this checkout (the install is editable: a venv shared with, or
    # moved from, another checkout runs that one's code) and this Python.
    local installed_for
    installed_for="$(printf 'root=%s\npython=%s' "$ROOT" "$version")"
    # Reinstalled when that changed, or the project's metadata changed since the last install.
    if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ] \
        || [ "$(cat "$stamp")" != "$installed_for" ]; then
        "$VENV/bin/python" -P -m pip install --quiet --upgrade pip
        "$VENV/bin/python" -P -m pip install --quiet -e "$spec"
        printf '%s\n' "$installed_for" >"$stamp"
    fi
}
