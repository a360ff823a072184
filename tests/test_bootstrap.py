"""The two commands on a fresh machine: a missing system package, a non-root user, no network
to a registry each give one clear line and a non-zero exit, and never leave a half-built
environment that the next run trusts (scripts/system-packages, the Makefile's setup rules)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "system-packages"
NOBODY = 65534


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A folder every user may read (pytest's tmp_path is private to root), for runs as
    nobody."""
    folder = Path(tempfile.mkdtemp(prefix="komman-bootstrap-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def path_without(folder: Path, *hidden: str) -> str:
    """A PATH with every program of this one except `hidden` (as on a machine without them)."""
    folder = folder / "bin"
    folder.mkdir(mode=0o755)
    for directory in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(directory):
            continue
        for name in os.listdir(directory):
            target = Path(directory) / name
            link = folder / name
            if name in hidden or link.exists() or not os.access(target, os.X_OK):
                continue
            link.symlink_to(target)
    return str(folder)


def run_script(target: str, *, env: dict[str, str], as_nobody: bool = False):
    command = [str(SCRIPT), target]
    if as_nobody and os.geteuid() == 0:
        command = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, cwd="/", check=False
    )


def one_line(stream: str) -> str:
    lines = [line for line in stream.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def test_everything_there_says_nothing():
    """What this run needed is installed (make test checked it before the tests)."""
    result = run_script("test", env={**os.environ, "PYTHON": sys.executable})
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def fake_python(folder: Path, *, has_venv: bool) -> str:
    """An interpreter that nobody may run (this one may live under /root): it only answers
    the script's question whether venv and ensurepip are there."""
    path = folder / "python3"
    path.write_text(f"#!/bin/sh\nexit {0 if has_venv else 1}\n")
    path.chmod(0o755)
    return str(path)


def test_a_missing_package_as_non_root_names_it_and_the_command(shared_tmp):
    env = {
        **os.environ,
        "PATH": path_without(shared_tmp, "chromium"),
        "PYTHON": fake_python(shared_tmp, has_venv=True),
    }
    result = run_script("test", env=env, as_nobody=True)
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert "chromium" in line
    assert "sudo apt-get install -y chromium" in line
    assert result.stdout == ""


def test_python_without_venv_is_named(shared_tmp):
    """Debian's python3 without python3-venv cannot create a virtual environment."""
    env = {**os.environ, "PYTHON": fake_python(shared_tmp, has_venv=False)}
    result = run_script("run", env=env, as_nobody=True)
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert f"venv for {shared_tmp}/python3" in line
    assert "sudo apt-get install -y python3-venv" in line


@pytest.mark.skipif(os.geteuid() != 0, reason="the install path runs as root only")
def test_no_network_to_the_package_registry_as_root_fails_with_one_line(tmp_path):
    """As root the script installs with apt-get; when that fails (no registry), it says so."""
    path = path_without(tmp_path, "wrk", "apt-get")
    fake_apt = Path(path) / "apt-get"
    fake_apt.write_text("#!/bin/sh\necho 'E: Failed to fetch' >&2\nexit 100\n")
    fake_apt.chmod(0o755)
    result = run_script("bench", env={**os.environ, "PATH": path, "PYTHON": sys.executable})
    assert result.returncode == 1
    assert result.stdout.strip() == "Installing Debian packages: wrk"
    line = one_line(result.stderr)
    assert line.startswith("Could not install wrk with apt-get")
    assert "E: Failed to fetch" in line


def our_line(stderr: str) -> str:
    """The one line the Makefile prints, before make's own "*** ... Error 1"."""
    lines = [line for line in stderr.splitlines() if line.strip() and "***" not in line]
    return lines[-1]


def make_installed(tmp_path: Path, python: Path) -> subprocess.CompletedProcess:
    """`make .venv/.installed` with another interpreter and a virtual environment in tmp_path."""
    env = {**os.environ, "MAKEFLAGS": ""}
    venv = tmp_path / "venv"
    return subprocess.run(
        ["make", "-s", f"VENV={venv}", f"PYTHON={python}", f"{venv}/.installed"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_failed_virtual_environment_is_removed_and_not_trusted(tmp_path):
    """python -m venv that stops half-way (ensurepip missing) leaves no folder behind."""
    fake = tmp_path / "python3"
    fake.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then\n'
        '  mkdir -p "$3/bin"; ln -s /bin/false "$3/bin/python"\n'
        '  echo "The virtual environment was not created successfully because ensurepip is not'
        ' available." >&2; exit 1\n'
        "fi\n"
        f'exec {sys.executable} "$@"\n'
    )
    fake.chmod(0o755)
    result = make_installed(tmp_path, fake)
    assert result.returncode != 0
    assert "sudo apt-get install -y python3-venv" in our_line(result.stderr)
    assert not (tmp_path / "venv").exists()


def test_a_failed_package_install_leaves_no_marker(tmp_path):
    """pip without a registry: one line, and no .installed marker for the next run to trust."""
    # A venv whose pip answers --version but cannot download anything.
    venv_python = tmp_path / "venv-python"
    venv_python.write_text(
        '#!/bin/sh\ncase "$*" in *--version*) exit 0;; esac\n'
        "echo 'ERROR: Could not find a version that satisfies the requirement' >&2\nexit 1\n"
    )
    venv_python.chmod(0o755)
    fake = tmp_path / "python3"
    fake.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then\n'
        f'  mkdir -p "$3/bin"; cp {venv_python} "$3/bin/python"; exit 0\n'
        "fi\n"
        f'exec {sys.executable} "$@"\n'
    )
    fake.chmod(0o755)
    result = make_installed(tmp_path, fake)
    assert result.returncode != 0
    assert "is PyPI reachable?" in our_line(result.stderr)
    assert (tmp_path / "venv").is_dir()
    assert not (tmp_path / "venv" / ".installed").exists()
