#!/usr/bin/env bash
# Build the Linux bundle and its .deb:
#   dist/assessment-desk/                           the PyInstaller onedir bundle
#   dist/assessment-desk_<version>_<arch>.deb       /opt/assessment-desk + launcher, menu entry,
#                                                   icon and the snapshot MIME type (*.adsnap)
# Environment (all optional):
#   VENV       venv to build from; created, and given the "packaging" extra, if needed
#              (default: the project's .venv, as scripts/run.sh and scripts/test.sh use)
#   DIST_DIR   where the artefacts land (default: dist/)
#   BUILD_DIR  PyInstaller's work files and the .deb staging tree (default: build/)
#   DEB_COMPRESSION  xz (default: smallest, ~50 s here), gzip (~17 s) or zstd (<1 s, needs
#              dpkg >= 1.21.18 on the installing machine: Debian 12, Ubuntu 21.10 and later)
# Prints the bundle size, the .deb size and the build time. Needs dpkg-deb (any Debian/Ubuntu).
set -euo pipefail

started=$(date +%s)
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ -n "${VENV:-}" ]; then
    export ASSESSMENT_DESK_VENV="$VENV"
fi
# shellcheck disable=SC1091  # scripts/bootstrap.sh, found at run time
source "$HERE/../scripts/bootstrap.sh"  # ROOT, VENV, ensure_system_packages, ensure_venv
DIST_DIR="$(mkdir -p "${DIST_DIR:-$ROOT/dist}" && cd "${DIST_DIR:-$ROOT/dist}" && pwd)"
BUILD_DIR="$(mkdir -p "${BUILD_DIR:-$ROOT/build}" && cd "${BUILD_DIR:-$ROOT/build}" && pwd)"
NAME=assessment-desk

# objdump: PyInstaller's (and the spec's) shared-library analysis on Linux.
ensure_system_packages binutils
ensure_venv "packaging"

# The version lives in pyproject.toml only.
VERSION="$("$VENV/bin/python" -c 'import sys, tomllib
print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' "$ROOT/pyproject.toml")"
ARCH="$(dpkg --print-architecture)"
DESCRIPTION="$("$VENV/bin/python" -c 'import sys, tomllib
print(tomllib.load(open(sys.argv[1], "rb"))["project"]["description"])' "$ROOT/pyproject.toml")"

echo "== PyInstaller bundle ($NAME $VERSION, $ARCH)"
"$VENV/bin/pyinstaller" --noconfirm --log-level WARN \
    --distpath "$DIST_DIR" --workpath "$BUILD_DIR/pyinstaller" \
    "$ROOT/packaging/$NAME.spec"
BUNDLE="$DIST_DIR/$NAME"
bundled_version="$("$BUNDLE/$NAME" --version)"  # starts the bundle without a display
if [ "$bundled_version" != "$VERSION" ]; then
    echo "The bundle says version '$bundled_version', pyproject.toml says '$VERSION'." >&2
    exit 1
fi
bundled=$(date +%s)

echo "== .deb"
# System libraries the bundle does not carry (the spec leaves them out on purpose: they must
# match the desktop), plus fonts: Qt ships none.
DEPENDS=(
    "libc6 (>= 2.31)" libstdc++6 libgcc-s1
    libgl1 libegl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3
    libxkbcommon0 libxkbcommon-x11-0 libx11-6 libx11-xcb1 libxcb1
    libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0
    libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1
    libxcb-xfixes0 libxcb-xkb1
    libwayland-client0 libwayland-cursor0 libwayland-egl1
    fonts-dejavu-core
    "fonts-noto-cjk | fonts-wqy-microhei"
)
STAGE="$BUILD_DIR/deb/${NAME}_${VERSION}_${ARCH}"
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt"
cp -a "$BUNDLE" "$STAGE/opt/$NAME"
install -Dm755 "$ROOT/packaging/linux/$NAME.sh" "$STAGE/usr/bin/$NAME"
install -Dm644 "$ROOT/packaging/linux/$NAME.desktop" "$STAGE/usr/share/applications/$NAME.desktop"
install -Dm644 "$ROOT/resources/$NAME.svg" "$STAGE/usr/share/icons/hicolor/scalable/apps/$NAME.svg"
install -Dm644 "$ROOT/packaging/linux/$NAME-mime.xml" "$STAGE/usr/share/mime/packages/$NAME.xml"
install -m755 "$ROOT/packaging/linux/postinst" "$ROOT/packaging/linux/postrm" "$STAGE/DEBIAN/"
chmod -R u+rwX,go+rX,go-w "$STAGE"
if command -v desktop-file-validate >/dev/null 2>&1; then
    desktop-file-validate "$STAGE/usr/share/applications/$NAME.desktop"
fi

depends="$(printf '%s, ' "${DEPENDS[@]}")"
cat >"$STAGE/DEBIAN/control" <<EOF
Package: $NAME
Version: $VERSION
Architecture: $ARCH
Maintainer: ${DEB_MAINTAINER:-Assessment Desk team <assessment-desk@berkeassessment.com>}
Installed-Size: $(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
Depends: ${depends%, }
Section: misc
Priority: optional
Description: $DESCRIPTION
 Assessment Desk lists the assessment orders SmartRecruiters sends to Berke, creates the
 Berke assessments, and accepts, rejects or completes the orders. Without configured
 endpoints it starts in demo mode against a built-in sandbox.
EOF
DEB="$DIST_DIR/${NAME}_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group -Z"${DEB_COMPRESSION:-xz}" --build "$STAGE" "$DEB" >/dev/null
finished=$(date +%s)

echo "== done"
echo "bundle: $BUNDLE ($(du -sh "$BUNDLE" | cut -f1))"
echo "deb:    $DEB ($(du -sh "$DEB" | cut -f1))"
echo "build time: $((bundled - started)) s bundle, $((finished - bundled)) s .deb, $((finished - started)) s in all"
