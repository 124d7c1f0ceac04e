#!/usr/bin/env bash
# macOS: build "dist/Assessment Desk.app" and dist/assessment-desk-<version>.dmg (drag-to-install:
# the app next to a link to /Applications). Run on a Mac with Python 3.11+ from the repository:
#   bash packaging/macos/build-dmg.sh
# Environment (optional):
#   VENV               venv to build from (default .venv; created with the "packaging" extra)
#   CODESIGN_IDENTITY  "Developer ID Application: …" to sign the app (hardened runtime) before
#                      packing it; notarise the .dmg afterwards with `xcrun notarytool submit`.
# The bundle's Info.plist is packaging/macos/Info.plist, with the version from pyproject.toml
# (packaging/assessment-desk.spec puts it in). An unsigned app opens with right-click > Open.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
APP_NAME="Assessment Desk"
started=$(date +%s)

if [ ! -x "$VENV/bin/python" ]; then
    "${PYTHON:-python3}" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet -e "${ROOT}[packaging]"
VERSION="$("$VENV/bin/python" -c 'import sys, tomllib
print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' "$ROOT/pyproject.toml")"

"$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
    --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" \
    "$ROOT/packaging/assessment-desk.spec"
APP="$ROOT/dist/$APP_NAME.app"

# The bundle starts and carries the version (no window: --version returns before Qt loads).
bundled_version="$("$APP/Contents/MacOS/assessment-desk" --version)"
if [ "$bundled_version" != "$VERSION" ]; then
    echo "The app says version '$bundled_version', pyproject.toml says '$VERSION'." >&2
    exit 1
fi
/usr/libexec/PlistBuddy -c "Print :CFBundleShortVersionString" "$APP/Contents/Info.plist"

if [ -n "${CODESIGN_IDENTITY:-}" ]; then
    codesign --deep --force --options runtime --timestamp \
        --sign "$CODESIGN_IDENTITY" "$APP"
    codesign --verify --deep --strict "$APP"
fi

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
DMG="$ROOT/dist/assessment-desk-$VERSION.dmg"
rm -f "$DMG"
hdiutil create -volname "$APP_NAME $VERSION" -srcfolder "$STAGE" -fs HFS+ \
    -format UDZO -ov "$DMG"

echo "app: $APP ($(du -sh "$APP" | cut -f1))"
echo "dmg: $DMG ($(du -sh "$DMG" | cut -f1))"
echo "build time: $(($(date +%s) - started)) s"
