"""Throughput of 1, 2 and 4 Celery workers against the emulator (jobs per minute).

    .venv/bin/python bench/worker_throughput.py [--workers 1,2,4] [--jobs 24] [--max-reels 10] [--latency-ms 20]
        [--database-url postgresql+psycopg://…] [--broker-url redis://…] [--json]

Starts the emulator (``python -m core emulator --latency-ms N``) and, unless URLs are given, a throwaway
PostgreSQL cluster and redis-server (as the scale-out tests do). For each worker count: a fresh database,
that many ``python -m core worker --concurrency 1`` processes, then ``--jobs`` analyses enqueued at once;
the time is from the first enqueue to the last completion.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PROFILES = ["demo_creator", "demo_travel", "demo_food", "big_creator"]


def start_emulator(latency_ms: int) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "core", "emulator", "--port", "0", "--latency-ms",
                                str(latency_ms)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    url = process.stdout.readline().strip()
    import requests

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(url + "/__emulator__/health", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.1)
    return process, url


def start_workers(n: int, env: dict, logdir: Path) -> list[subprocess.Popen]:
    processes = []
    for i in range(n):
        log = open(logdir / f"worker-{n}-{i}.log", "wb")  # noqa: SIM115 - lives as long as the worker
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "core", "worker", "--concurrency", "1", "--loglevel", "WARNING",
             "--hostname", f"bench{i}-{os.getpid()}@%h"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True))
    return processes


def wait_workers(n: int, timeout: float = 60) -> None:
    from core.jobs.dispatch import queue_status

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if queue_status(timeout=0.5).get("workers_seen", 0) >= n:
            return
    raise RuntimeError(f"{n} workers did not come up")


def stop_workers(processes: list[subprocess.Popen]) -> None:
    import signal

    for p in processes:
        os.killpg(p.pid, signal.SIGTERM)
    for p in processes:
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)


def measure(n: int, jobs: int, max_reels: int, base_env: dict, database_url: str, logdir: Path) -> dict:
    from core.jobs.submission import create_analyses, wait_for
    from core.storage.engine import get_database

    env = {**base_env, "DATABASE_URL": database_url}
    os.environ.update(env)
    db = get_database(database_url)
    workers = start_workers(n, env, logdir)
    try:
        wait_workers(n)
        started = time.monotonic()
        ids = [create_analyses([PROFILES[i % len(PROFILES)]], max_reels=max_reels, db=db)[0] for i in range(jobs)]
        states = wait_for(ids, db=db, timeout=600, poll=0.05)
        elapsed = time.monotonic() - started
    finally:
        stop_workers(workers)
    failed = [s.error for s in states if s.status != "completed"]
    return {"workers": n, "jobs": jobs, "seconds": round(elapsed, 2), "jobs_per_minute": round(jobs * 60 / elapsed, 1),
            "failed": len(failed), "errors": sorted(set(failed))[:3], "reels_per_job": max_reels}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--jobs", type=int, default=24)
    parser.add_argument("--max-reels", type=int, default=10)
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--database-url", help="a PostgreSQL server URL (default: a throwaway cluster)")
    parser.add_argument("--broker-url", help="a Redis URL (default: a throwaway redis-server)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    import shutil
    import tempfile

    from tests.scaleout.conftest import PostgresServer, RedisServer, _pg_bin

    postgres = redis = None
    logdir = Path(tempfile.mkdtemp(prefix="reelscope-bench-"))
    emulator, emulator_url = start_emulator(args.latency_ms)
    try:
        if not args.database_url:
            postgres = PostgresServer(_pg_bin())
            postgres.start()
        if not args.broker_url:
            redis = RedisServer(shutil.which("redis-server"))
        base_env = {**os.environ, "REELSCOPE_QUEUE": "celery", "CELERY_BROKER_URL": args.broker_url or redis.url(),
                    "INSTAGRAM_BASE_URL": emulator_url, "REELSCOPE_RATE_LIMIT_SCALE": "0",
                    "REELSCOPE_MAX_ATTEMPTS": "1"}
        base_env.pop("REELSCOPE_DEMO", None)
        results = []
        for n in [int(x) for x in args.workers.split(",")]:
            url = args.database_url or postgres.create_database(f"bench_{n}_{os.getpid()}")
            result = measure(n, args.jobs, args.max_reels, base_env, url, logdir)
            results.append(result)
            if args.json:
                print(json.dumps(result), flush=True)
            else:
                print(f"{n} worker(s): {result['jobs']} jobs in {result['seconds']} s = "
                      f"{result['jobs_per_minute']} jobs/min ({result['failed']} failed)", flush=True)
        base = results[0]["jobs_per_minute"]
        if not args.json:
            print(f"emulator latency {args.latency_ms} ms, {args.max_reels} reels per job, {os.cpu_count()} CPUs; "
                  "speed-up vs 1 worker: " + ", ".join(f"{r['workers']}: {r['jobs_per_minute'] / base:.2f}x"
                                                       for r in results))
    finally:
        emulator.terminate()
        if redis:
            redis.stop()
        if postgres:
            postgres.stop()
        shutil.rmtree(logdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
