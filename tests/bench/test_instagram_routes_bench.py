"""The requests-per-signed-in-analysis bench runs in both eras and reports each ratio against the listing floor."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_routes_bench_reports_requests_within_the_floor_in_both_eras():
    done = subprocess.run([sys.executable, "-m", "bench.instagram_routes", "--profiles", "feed_videos", "--json"],
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [(r["era"], r["status"], r["floor"]) for r in rows] == [("2026-09", "completed", 6),
                                                                   ("2026-11", "completed", 6)]
    assert all(r["requests"] <= r["floor"] and r["access"] == "logged in as @demo_viewer" for r in rows)
