#!/usr/bin/env bash
# Install what the tests need (system packages, venv with the test extra), then run the checks
# and the whole test suite headless. Exits non-zero on any failure. Extra arguments go to pytest.
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
# curl: the upload benchmark measures curl on the same endpoint as its baseline (bench/upload.py).
# shellcheck disable=SC2086
ensure_system_packages $QT_RUNTIME_PACKAGES $SECRET_SERVICE_PACKAGES binutils curl
ensure_venv "test,packaging"
cd "$ROOT"
export QT_QPA_PLATFORM=offscreen
export PYTHONDONTWRITEBYTECODE=1
# The keyring tests start their own D-Bus session and gnome-keyring (tests/secret_service/);
# here, with the packages just installed, a missing tool is a failure, not a skip.
export ASSESSMENT_DESK_REQUIRE_SECRET_SERVICE=1
# Property tests replay the same examples (tests/conftest.py): the landing command must not
# turn red on an example found by chance, whether or not the CI machine sets CI.
# HYPOTHESIS_PROFILE=explore looks for new ones.
export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-ci}"

echo "== ruff"
"$VENV/bin/ruff" check app tests bench scripts
"$VENV/bin/ruff" format --check app tests bench scripts
echo "== mypy"
"$VENV/bin/mypy"
echo "== import contracts"
"$VENV/bin/lint-imports"
echo "== pytest"
# Two workers (pytest-xdist) on a machine with two CPUs or more: the suite takes half the time.
# Each worker has its own sandbox, data folder and Qt settings (tests/conftest.py), and no test
# uses a fixed port. A file's tests run on one worker, in their order (--dist loadfile): its
# module fixtures are made once (the Linux bundle is built once, not by both workers). Files
# go out in the order collected, the slow ones first (tests/conftest.py), not re-sorted by
# their number of tests. ASSESSMENT_DESK_TEST_WORKERS sets another number of workers; 0 runs
# every test in this process, as do a debugger and uncaptured output, which workers cannot do.
CPUS="$("$VENV/bin/python" -c 'import os; print(os.cpu_count() or 1)')"
WORKERS="${ASSESSMENT_DESK_TEST_WORKERS:-$(( CPUS > 1 ? 2 : 0 ))}"
for arg in "$@"; do
    case "$arg" in
        --pdb | --trace | -s | --capture=no | --capture=tee-sys | no:xdist | -pno:xdist) WORKERS=0 ;;
    esac
done
DISTRIBUTE=()
if [ "$WORKERS" != 0 ]; then
    DISTRIBUTE=(-n "$WORKERS" --dist loadfile --no-loadscope-reorder)
fi
# (The empty array spelled so that bash before 4.4, macOS's, does not call it unbound.)
"$VENV/bin/python" -m pytest ${DISTRIBUTE[@]+"${DISTRIBUTE[@]}"} "$@"
# The test screen is 1280×800 (tests/screens.py); nothing may be cut on a 1366×768 screen at
# 125 % either, which one process cannot be both.
echo "== layout at 1366×768, 125 %"
ASSESSMENT_DESK_TEST_SCREEN=small-125 "$VENV/bin/python" -m pytest -q tests/ui/test_nothing_is_clipped.py
