"""scripts/bootstrap.sh and scripts/run.sh, run with bash against stand-ins: dpkg-query,
apt-cache, apt-get and sudo on PATH are fakes that log what they were asked, the venvs are the
test's own, and their pip is a stub that logs its arguments. Nothing is installed, from a
registry or otherwise; PIP_NO_INDEX is set all the same, should a real pip ever be reached.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BOOTSTRAP = ROOT / "scripts" / "bootstrap.sh"
RUN = ROOT / "scripts" / "run.sh"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="bash scripts")

FAKE_DPKG_QUERY = r"""#!/bin/sh
# dpkg-query -W -f='${Status}' PKG: installed when listed in $FAKE_DIR/installed; without that
# file, installed unless listed in $FAKE_DIR/missing.
pkg="$3"
if [ -f "$FAKE_DIR/installed" ]; then
    grep -qx "$pkg" "$FAKE_DIR/installed" && { printf 'install ok installed'; exit 0; }
    echo "dpkg-query: no packages found matching $pkg" >&2; exit 1
fi
if [ -f "$FAKE_DIR/missing" ] && grep -qx "$pkg" "$FAKE_DIR/missing"; then
    echo "dpkg-query: no packages found matching $pkg" >&2; exit 1
fi
printf 'install ok installed'
"""
# apt-cache policy PKG: a candidate for the packages listed in $FAKE_DIR/candidates, none (a
# virtual package's answer) for the others.
FAKE_APT_CACHE = r"""#!/bin/sh
pkg="$2"
candidate="(none)"
if [ -f "$FAKE_DIR/candidates" ] && grep -qx "$pkg" "$FAKE_DIR/candidates"; then
    candidate="1.0-1"
fi
printf '%s:\n  Installed: (none)\n  Candidate: %s\n  Version table:\n' "$pkg" "$candidate"
"""
FAKE_APT_GET = r"""#!/bin/sh
echo "apt-get $*" >> "$FAKE_DIR/apt.log"
if [ -f "$FAKE_DIR/apt-locked" ]; then
    echo "E: Could not get lock /var/lib/dpkg/lock-frontend (held by unattended-upgr)" >&2
    exit 100
fi
exit 0
"""
FAKE_SUDO = '#!/bin/sh\necho "sudo $*" >> "$FAKE_DIR/apt.log"\nexec "$@"\n'

# pip in the test's venvs: logs its arguments; `install -e SPEC` points an editable .pth at
# SPEC, as setuptools' editable install does. Nothing is downloaded or installed.
STUB_PIP = r"""import os, sys
args = sys.argv[1:]
with open(os.path.join(os.environ["FAKE_DIR"], "pip.log"), "a") as log:
    log.write(" ".join(args) + "\n")
if args[:1] == ["install"] and "-e" in args:
    spec = args[args.index("-e") + 1].split("[")[0]
    site = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(site, "__editable__.assessment_desk.pth"), "w") as pth:
        pth.write(spec + "\n")
"""


def _give_stub_pip(venv: Path) -> None:
    """``venv``'s pip (in each lib/pythonX.Y of it): the stub."""
    for site in venv.glob("lib/python3*/site-packages"):
        (site / "pip").mkdir()
        (site / "pip" / "__init__.py").write_text("")
        (site / "pip" / "__main__.py").write_text(STUB_PIP)


def _system_python(path: Path, real: Path | str, *, ensurepip: bool) -> Path:
    """A python3 at ``path`` running ``real``, whose ``-m venv DIR`` makes DIR (``real``'s venv)
    with the stub pip; or, without ``ensurepip`` (Debian without python3-venv), makes it
    without pip and fails, as Debian's python3 does."""
    path.write_text(
        f"#!{sys.executable}\n"
        "import os, pathlib, subprocess, sys\n"
        "args = [a for a in sys.argv[1:] if a != '-P']\n"
        "if args[:2] != ['-m', 'venv']:\n"
        f"    os.execv({str(real)!r}, [{str(real)!r}, *sys.argv[1:]])\n"
        f"subprocess.run([{str(real)!r}, '-m', 'venv', '--without-pip', *args[2:]], check=True)\n"
        f"if not {ensurepip!r}:\n"
        "    sys.exit('The virtual environment was not created successfully because ensurepip '\n"
        "             'is not available.')\n"
        "for site in pathlib.Path(args[-1]).glob('lib/python3*/site-packages'):\n"
        "    (site / 'pip').mkdir()\n"
        "    (site / 'pip' / '__init__.py').write_text('')\n"
        f"    (site / 'pip' / '__main__.py').write_text({STUB_PIP!r})\n"
    )
    path.chmod(0o755)
    return path


def _fake_tools(tmp_path: Path) -> dict[str, str]:
    fake = tmp_path / "fake"
    (fake / "bin").mkdir(parents=True)
    for name, text in (
        ("dpkg-query", FAKE_DPKG_QUERY),
        ("apt-cache", FAKE_APT_CACHE),
        ("apt-get", FAKE_APT_GET),
        ("sudo", FAKE_SUDO),
    ):
        tool = fake / "bin" / name
        tool.write_text(text)
        tool.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.pop("PYTHONPATH", None)
    env.update(
        PATH=f"{fake / 'bin'}:{env['PATH']}",
        FAKE_DIR=str(fake),
        PIP_NO_INDEX="1",  # never the network, should a real pip be reached
        PIP_FIND_LINKS="",
        PIP_CONFIG_FILE=os.devnull,
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PYTHONDONTWRITEBYTECODE="1",
        ASSESSMENT_DESK_HOME=str(tmp_path / "home"),
    )
    return env


def _bash(snippet: str, env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", snippet],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _logged(tmp_path: Path, name: str) -> str:
    log = tmp_path / "fake" / name
    return log.read_text() if log.exists() else ""


def _desk_python(venv: Path) -> Path:
    """``venv``/bin/python as a first run leaves it: this test's Python (which has the desk's
    dependencies), its pip calls logged and done by no one."""
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(
        "#!/bin/sh\n"
        'case " $* " in *" -m pip "*) echo "$*" >> "$FAKE_DIR/pip.log"; exit 0;; esac\n'
        f'exec "{sys.executable}" "$@"\n'
    )
    python.chmod(0o755)
    return python


#: The venv package of the Python running the tests, as Debian and Ubuntu name it.
VENV_PACKAGE = f"python{sys.version_info.major}.{sys.version_info.minor}-venv"


def test_a_venv_left_without_pip_by_a_failed_first_run_is_repaired_by_the_next(
    tmp_path: Path,
) -> None:
    """Before: on a Debian/Ubuntu without python3-venv, `python3 -m venv .venv` makes
    .venv/bin/python, then fails on ensurepip; the apt-get install of python3-venv that follows
    fails too (apt's lock, no sudo, offline). That fixed, every later run took the venv as made
    and died on `.venv/bin/python: No module named pip`."""
    env = _fake_tools(tmp_path)
    venv = tmp_path / "venv with space é"
    env["ASSESSMENT_DESK_VENV"] = str(venv)
    (tmp_path / "fake" / "missing").write_text(f"{VENV_PACKAGE}\n")
    (tmp_path / "fake" / "apt-locked").write_text("")
    without_venv = _system_python(tmp_path / "python3", sys.executable, ensurepip=False)

    first = _bash(f'source "{BOOTSTRAP}"; ensure_venv ""', {**env, "PYTHON": str(without_venv)})
    assert first.returncode != 0, first.stdout + first.stderr
    assert "Could not get lock" in first.stderr
    assert (venv / "bin" / "python").exists()  # left behind, without pip

    # The lock gone and python3-venv installed, the same command again.
    (tmp_path / "fake" / "apt-locked").unlink()
    (tmp_path / "fake" / "missing").unlink()
    with_venv = _system_python(tmp_path / "python3", sys.executable, ensurepip=True)
    second = _bash(f'source "{BOOTSTRAP}"; ensure_venv ""', {**env, "PYTHON": str(with_venv)})
    output = second.stdout + second.stderr
    assert "No module named pip" not in output
    assert second.returncode == 0, output
    assert f"install --quiet -e {ROOT}\n" in _logged(tmp_path, "pip.log")


# What dpkg lists as installed for Qt's runtime on Debian 13 (a Debian 13 machine's
# `dpkg-query -W`): glib under its new name, the other names unchanged.
DEBIAN_13_QT_RUNTIME = [
    "libglib2.0-0t64",
    "libgl1",
    "libegl1",
    "libxkbcommon0",
    "libx11-6",
    "libfontconfig1",
    "libfreetype6",
    "libdbus-1-3",
    "libbrotli1",
    "fonts-dejavu-core",
    "fonts-wqy-microhei",
]


def test_a_second_start_on_debian_13_or_ubuntu_24_04_calls_no_apt_get(tmp_path: Path) -> None:
    """Before: Debian 13 and Ubuntu 24.04 renamed libglib2.0-0 to libglib2.0-0t64 (64-bit
    time_t; the old name is only a virtual one it provides, which dpkg-query does not know), so
    every start found "libglib2.0-0" missing and ran `sudo apt-get update` and `apt-get
    install`: a password prompt, or a failure offline or without sudo, with everything
    installed."""
    env = _fake_tools(tmp_path)
    (tmp_path / "fake" / "installed").write_text("\n".join(DEBIAN_13_QT_RUNTIME) + "\n")

    result = _bash(f'source "{BOOTSTRAP}"; ensure_system_packages $QT_RUNTIME_PACKAGES', env)
    assert result.returncode == 0, result.stderr
    assert _logged(tmp_path, "apt.log") == "", result.stdout


@pytest.mark.parametrize(
    ("release_has", "installed_name"),
    [("libglib2.0-0t64", "libglib2.0-0t64"), ("libglib2.0-0", "libglib2.0-0")],
    ids=["debian-13", "debian-12"],
)
def test_a_missing_glib_is_installed_under_the_name_the_release_has(
    tmp_path: Path, release_has: str, installed_name: str
) -> None:
    """Before: the old name was asked for everywhere; on Debian 13 apt has no candidate for a
    virtual package, and refuses it."""
    env = _fake_tools(tmp_path)
    (tmp_path / "fake" / "installed").write_text("\n".join(DEBIAN_13_QT_RUNTIME[1:]) + "\n")
    (tmp_path / "fake" / "candidates").write_text(f"{release_has}\n")

    result = _bash(f'source "{BOOTSTRAP}"; ensure_system_packages $QT_RUNTIME_PACKAGES', env)
    assert result.returncode == 0, result.stderr
    installs = [line for line in _logged(tmp_path, "apt.log").splitlines() if " install " in line]
    assert installs == [f"apt-get install -y -qq --no-install-recommends {installed_name}"], (
        installs
    )


def test_run_sh_runs_the_desk_not_an_app_module_of_the_current_folder(tmp_path: Path) -> None:
    """Before: `bash ~/assessment-desk/scripts/run.sh` started from a folder holding an app.py
    (or an app/ package: any Flask or FastAPI project has one) ran that, not the desk: run.sh
    started `python -m app`, and -m puts the current folder first on the module path."""
    env = _fake_tools(tmp_path)
    venv = tmp_path / "venv"
    python = _desk_python(venv)
    env.update(ASSESSMENT_DESK_VENV=str(venv), PYTHON=str(python), PYTHONPATH=str(ROOT))
    project = tmp_path / "my other project"
    project.mkdir()
    marker = tmp_path / "ran-the-wrong-app"
    (project / "app.py").write_text(f"open({str(marker)!r}, 'w').close()\n")

    result = _bash(f'bash "{RUN}" --version', env, cwd=project)
    assert not marker.exists(), "run.sh ran ./app.py of the current folder"
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.fullmatch(r"\d+\.\d+\.\d+\S*", result.stdout.strip()), result.stdout


def test_a_venv_installed_from_another_checkout_is_installed_again_for_this_one(
    tmp_path: Path,
) -> None:
    """Before: the install stamp said "installed" whatever checkout the venv's editable
    install points at, so a venv shared through ASSESSMENT_DESK_VENV, or carried along by a
    copied or moved checkout, ran the other checkout's desk."""
    env = _fake_tools(tmp_path)
    venv = tmp_path / "shared venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    _give_stub_pip(venv)
    other = tmp_path / "desk-older-checkout"
    # The other checkout installed it, and its stamp is there (newer than pyproject.toml).
    subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "install", "--quiet", "-e", other],
        check=True,
        env=env,
    )
    this_python = "{}.{}".format(*sys.version_info[:2])
    (venv / ".installed-app").write_text(f"root={other}\npython={this_python}\n")
    os.utime(venv / ".installed-app", (2**31, 2**31))
    env.update(ASSESSMENT_DESK_VENV=str(venv), PYTHON=sys.executable)

    result = _bash(f'source "{BOOTSTRAP}"; ensure_venv ""', env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (editable,) = venv.glob("lib/python3*/site-packages/__editable__.assessment_desk.pth")
    assert editable.read_text() == f"{ROOT}\n"


def _two_pythons() -> tuple[Path, Path] | None:
    """Two installed Pythons of different minor versions, the newer one 3.11 or later."""
    found: dict[int, Path] = {}
    for folder in [Path("/usr/bin"), *Path.home().glob(".pyenv/versions/3.*/bin")]:
        for python in folder.glob("python3.*"):
            minor = re.fullmatch(r"python3\.(\d+)", python.name)
            if minor and os.access(python, os.X_OK):
                found.setdefault(int(minor.group(1)), python)
    minors = sorted(found)
    if len(minors) < 2 or minors[-1] < 11:
        return None
    return found[minors[-2]], found[minors[-1]]


TWO_PYTHONS = _two_pythons()


@pytest.mark.skipif(TWO_PYTHONS is None, reason="needs two Pythons of different versions")
def test_a_venv_whose_python3_was_upgraded_underneath_is_made_again(tmp_path: Path) -> None:
    """Before: `python3 -m venv .venv` links .venv/bin/python to the python3 it was made with;
    an OS upgrade (Debian 12 to 13: 3.11 to 3.13) points that at a Python that looks for
    lib/python3.13/site-packages, empty. The stamp was still there, pyproject.toml unchanged:
    nothing was reinstalled, and run.sh died on `No module named ...` at every start."""
    assert TWO_PYTHONS is not None
    old, new = TWO_PYTHONS
    env = _fake_tools(tmp_path)
    python3 = tmp_path / "usr-bin" / "python3"
    python3.parent.mkdir()
    python3.symlink_to(old)
    venv = tmp_path / "venv"
    # What a first run made and installed (the stub pip), with its stamp.
    subprocess.run([python3, "-m", "venv", "--without-pip", venv], check=True)
    _give_stub_pip(venv)
    old_version = old.name.removeprefix("python")
    (venv / ".installed-app").write_text(f"root={ROOT}\npython={old_version}\n")
    os.utime(venv / ".installed-app", (2**31, 2**31))
    python3.unlink()
    python3.symlink_to(new)  # the OS upgrade
    system_python = _system_python(tmp_path / "python3-of-the-os", str(python3), ensurepip=True)
    env.update(ASSESSMENT_DESK_VENV=str(venv), PYTHON=str(system_python))

    result = _bash(f'source "{BOOTSTRAP}"; ensure_venv ""', env)
    assert result.returncode == 0, result.stderr
    assert f"install --quiet -e {ROOT}\n" in _logged(tmp_path, "pip.log")
    new_version = new.name.removeprefix("python")
    assert (venv / ".installed-app").read_text() == f"root={ROOT}\npython={new_version}\n"
    assert not (venv / "lib" / f"python{old_version}").exists()  # made again, from scratch


def test_the_python_named_by_PYTHON_gets_its_own_venv_package(tmp_path: Path) -> None:
    """python3-venv is the default python3's: where python3 is older than the one PYTHON names
    (Ubuntu 22.04's 3.10 and an installed python3.11, as the README suggests), it was asked
    for (or found installed), and the venv failed again on ensurepip."""
    env = _fake_tools(tmp_path)
    env["ASSESSMENT_DESK_VENV"] = str(tmp_path / "venv")
    (tmp_path / "fake" / "missing").write_text(f"{VENV_PACKAGE}\n")  # python3-venv is there
    named = _system_python(tmp_path / "python3.x", sys.executable, ensurepip=False)
    run = _bash(f'source "{BOOTSTRAP}"; ensure_venv ""', {**env, "PYTHON": str(named)})
    assert VENV_PACKAGE in _logged(tmp_path, "apt.log"), run.stdout + run.stderr
