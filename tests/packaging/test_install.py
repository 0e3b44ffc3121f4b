"""`pip install .` from the repository's files gives a `reelscope` command that finds its migrations."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def repository_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split("\n")
    return [name for name in listed if name and (ROOT / name).is_file()]


@pytest.mark.slow
def test_pip_install_gives_a_reelscope_command_that_migrates_a_fresh_database(tmp_path):
    clone, target = tmp_path / "clone", tmp_path / "installed"
    for name in repository_files():
        (clone / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, clone / name)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), "."],
                   cwd=clone, check=True, capture_output=True, text=True)
    env = {**os.environ, "PYTHONPATH": str(target), "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}"}
    command = [sys.executable, str(target / "bin" / "reelscope")]
    upgrade = subprocess.run([*command, "db", "upgrade"], cwd=tmp_path, env=env, capture_output=True, text=True)
    current = subprocess.run([*command, "db", "current"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert upgrade.returncode == 0, upgrade.stderr
    assert "(head)" in current.stdout and "is up to date" in current.stdout, current.stdout + current.stderr
    assert not (target / "tests").exists() and (target / "migrations" / "versions").is_dir()
