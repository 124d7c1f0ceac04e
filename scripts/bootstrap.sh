# Shared by scripts/run.sh and scripts/test.sh: the system packages Qt needs, and the venv.
# Sourced, not run. Idempotent: a second call installs nothing that is already there.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${ASSESSMENT_DESK_VENV:-$ROOT/.venv}"
PYTHON_BIN="${PYTHON:-python3}"

# Qt's offscreen platform (tests, --self-test) and fonts to draw text with.
QT_RUNTIME_PACKAGES="libglib2.0-0 libgl1 libegl1 libxkbcommon0 libx11-6 libfontconfig1 libfreetype6 libdbus-1-3 libbrotli1 fonts-dejavu-core fonts-wqy-microhei"
# A real Secret Service for the keyring tests (tests/secret_service/): a private session bus
# (dbus-daemon) with gnome-keyring-daemon on it.
SECRET_SERVICE_PACKAGES="gnome-keyring dbus"
# A real window on an X11 desktop (xcb platform plugin).
QT_DESKTOP_PACKAGES="libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxkbcommon-x11-0 libx11-xcb1 libxcb-xkb1"

ensure_system_packages() {
    # Installs the Debian/Ubuntu packages of "$@" that are missing. Elsewhere, says what to do.
    if ! command -v dpkg-query >/dev/null 2>&1; then
        echo "note: not a Debian-like system; make sure Qt 6's runtime libraries are installed." >&2
        return 0
    fi
    local missing=()
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$pkg")
        fi
    done
    if ((${#missing[@]} == 0)); then
        return 0
    fi
    echo "Installing system packages: ${missing[*]}"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

ensure_venv() {
    # Creates (or reuses) the venv and installs the project with the extras in "$1" ("" for none).
    local extras="${1:-}"
    if ! "$PYTHON_BIN" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "Assessment Desk needs Python 3.11 or newer ($PYTHON_BIN is older or missing)." >&2
        exit 1
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        if ! "$PYTHON_BIN" -m venv "$VENV" 2>/dev/null; then
            ensure_system_packages python3-venv
            "$PYTHON_BIN" -m venv "$VENV"
        fi
    fi
    local spec="$ROOT"
    [ -n "$extras" ] && spec="$ROOT[$extras]"
    local stamp="$VENV/.installed-${extras:-app}"
    # Reinstall only when the project's metadata changed since the last install.
    if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
        "$VENV/bin/python" -m pip install --quiet --upgrade pip
        "$VENV/bin/python" -m pip install --quiet -e "$spec"
        touch "$stamp"
    fi
}
