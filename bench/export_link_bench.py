"""Export-job benchmark (issue 24): build a 100,000-reel CSV export as a job and serve it by its signed link.

    .venv/bin/python bench/export_link_bench.py              # 100,000 reels, every field
    .venv/bin/python bench/export_link_bench.py --reels 20000

Measured in the same run, each step in its own process (so each peak RSS is its own):
  * baseline: the current inline export (``open_export`` iterated to a sink, as GET …/export streams it);
  * time to ready: ``start_export`` on the export threads (as POST …/exports does above 10,000 reels), polled
    until ready; file written to REELSCOPE_EXPORT_DIR;
  * a ranged download of the last 1 MB through the real API (uvicorn, HTTP), median of 7, no bearer token.
Targets: time to ready <= 1.2x the inline export; last 1 MB in <= 50 ms; peak RSS <= 500 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.export_bench import ANALYSIS_ID, populate  # noqa: E402

MEGABYTE = 1024 * 1024


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


RUNS = 5  # the machine is shared: the median of three runs of each, alternated in one process


def _inline_once(db) -> float:
    from core.exports.documents import ExportOptions, open_export

    started, cpu = time.perf_counter(), time.process_time()
    stream = open_export(db, ANALYSIS_ID, ExportOptions(format="csv"))
    for _chunk in stream:
        pass
    return time.perf_counter() - started, time.process_time() - cpu


def _job_once(db) -> tuple[float, float, object]:
    from sqlalchemy import delete

    from core.exports.documents import ExportOptions
    from core.exports.jobs import start_export, wait_for_job
    from core.storage.models import ExportJob

    with db.transaction() as session:  # no cached export: every run builds
        session.execute(delete(ExportJob))
    started, cpu = time.perf_counter(), time.process_time()
    job = start_export(db, ANALYSIS_ID, ExportOptions(format="csv"), background=True)
    done = wait_for_job(db, job.export_id, timeout=600)
    seconds = time.perf_counter() - started
    assert done.status == "ready", done
    return seconds, time.process_time() - cpu, done


def measure_inline_and_job(database: Path) -> dict:
    from core.storage.engine import Database

    db = Database(f"sqlite:///{database}")
    inline, built, inline_cpu, built_cpu, done = [], [], [], [], None
    for _ in range(RUNS):
        seconds, cpu = _inline_once(db)
        inline.append(seconds)
        inline_cpu.append(cpu)
        seconds, cpu, done = _job_once(db)
        built.append(seconds)
        built_cpu.append(cpu)
    return {"inline": statistics.median(inline), "job": statistics.median(built), "bytes": done.bytes,
            "inline_cpu": statistics.median(inline_cpu), "job_cpu": statistics.median(built_cpu), "url": done.url}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def measure_ranged(url_path: str) -> dict:
    """The last MB through a real uvicorn server, a fresh connection each time (as a resuming client)."""
    import httpx
    import uvicorn

    from api.app import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    url = f"http://127.0.0.1:{port}{url_path}"
    times = []
    # One client (httpx.get would build a TLS context each call), but no kept-alive connection: a new TCP
    # connection per request, as a download manager resuming later would open.
    client = httpx.Client(limits=httpx.Limits(max_keepalive_connections=0))
    try:
        for _ in range(7):
            started = time.perf_counter()
            response = client.get(url, headers={"Range": f"bytes=-{MEGABYTE}"})
            times.append(time.perf_counter() - started)
            assert response.status_code == 206 and len(response.content) == MEGABYTE, response.status_code
    finally:
        client.close()
        server.should_exit = True
        thread.join(timeout=10)
    return {"seconds": statistics.median(times)}


def _child(args: list[str], env: dict) -> dict:
    output = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True,
                            env=env).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reels", type=int, default=100_000)
    parser.add_argument("--child", choices=["populate", "compare", "ranged"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        database = Path(args.db)
        if args.child == "populate":
            populate(database, args.reels)
            result: dict = {}
        elif args.child == "compare":
            result = measure_inline_and_job(database)
        else:
            result = measure_ranged(args.url)
        result["peak_rss_mb"] = round(_peak_rss_mb(), 1)
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "REELSCOPE_EXPORT_DIR": f"{folder}/exports",
               "REELSCOPE_SECRET_KEY": "bench-key", "REELSCOPE_LOG_FILE": f"{folder}/bench.log",
               "REELSCOPE_COLUMNS_DIR": f"{folder}/columns"}
        env.pop("REELSCOPE_API_TOKEN", None)
        _child(["--child", "populate", "--db", str(database), "--reels", str(args.reels)], env)
        compared = _child(["--child", "compare", "--db", str(database)], env)
        ranged = _child(["--child", "ranged", "--db", str(database), "--url", compared["url"]], env)
        ratio = compared["job"] / compared["inline"]
        rss = max(compared["peak_rss_mb"], ranged["peak_rss_mb"])
        print(f"{args.reels:,} reels, CSV, every field ({compared['bytes'] / 1e6:.1f} MB), medians of {RUNS} runs")
        print(f"  inline export (baseline)        : {compared['inline']:.3f} s (CPU {compared['inline_cpu']:.3f} s)")
        print(f"  export job, start to ready      : {compared['job']:.3f} s (CPU {compared['job_cpu']:.3f} s, "
              f"ratio {compared['job_cpu'] / compared['inline_cpu']:.2f}x), ratio {ratio:.2f}x "
              f"(target <= 1.2x) {'pass' if ratio <= 1.2 else 'FAIL'}, peak RSS {compared['peak_rss_mb']:.0f} MB")
        print(f"  ranged download of the last 1 MB: {ranged['seconds'] * 1000:.1f} ms (median of 7, target <= 50 ms) "
              f"{'pass' if ranged['seconds'] <= 0.05 else 'FAIL'}, server peak RSS {ranged['peak_rss_mb']:.0f} MB")
        print(f"  peak RSS of any step            : {rss:.0f} MB (target <= 500 MB) {'pass' if rss <= 500 else 'FAIL'}")


if __name__ == "__main__":
    main()
