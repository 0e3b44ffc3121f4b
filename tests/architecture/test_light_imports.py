"""Importing the API costs no scraper: instaloader is loaded only where a job runs or Instagram is asked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _loads_instaloader(module: str) -> bool:
    code = f"import sys, {module}; print('instaloader' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1] == "True"


def test_importing_the_api_leaves_instaloader_unloaded():
    assert not _loads_instaloader("api.app")


def test_importing_the_storage_and_exports_leaves_instaloader_unloaded():
    assert not _loads_instaloader("core.storage.analyses, core.exports.documents, core.jobs.submission")


def test_the_pipeline_still_loads_it():  # the check above can fail: this module does load instaloader
    assert _loads_instaloader("core.jobs.pipeline")
