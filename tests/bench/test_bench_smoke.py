"""The benchmark suite runs end to end at tiny sizes. No timing is asserted: benchmarks judge ratios, tests don't."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_bench_dry_run_prints_every_figure(tmp_path):
    out = tmp_path / "figures.json"
    result = subprocess.run([sys.executable, "-m", "bench", "--dry-run", "--json", str(out)], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(out.read_text())
    names = " | ".join(f["name"] for f in figures)
    for expected in ("vs request floor", "vs bare instaloader", "HTTP requests per analysis", "concurrent analyses",
                     "store ", "all analytics", "CSV export", "peak RSS", "vs DuckDB", "Results page",
                     "Results first chart", "topics, one profile",
                     "/metrics scrape", "instrumentation share"):
        assert expected in names, names
    for figure in figures:
        assert figure["name"] in result.stdout
        assert figure["target"]


def test_simulated_floor_counts_latency_and_the_budgets_waits():
    sys.path.insert(0, str(ROOT))
    from bench.scrape import simulated_floor

    assert abs(simulated_floor(["other"] * 10, 0.02, 0.0) - 0.2) < 1e-9
    # 201 requests of one GraphQL type: the 201st waits out instaloader's 11-minute window, scaled
    throttled = simulated_floor(["doc"] * 201, 0.0, 0.001)
    assert 0.6 < throttled < 0.7
