"""ReelScope benchmark suite: ``python -m bench`` (full), ``--quick`` (a subset in about a minute),
``--dry-run`` (every figure at a tiny size: checks the suite works, judges nothing).

One line per figure: name, ours, the baseline measured in the same run, ratio, target, PASS/MISS/INFO.
Every measurement is repeated and the median reported; ours and its baseline alternate, so the noise of
a shared machine hits both. Exit status 1 when a judged figure misses its target (not with --dry-run).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, Figure, run_child

MODES = {
    #             scrape repeat, concurrent (reels, repeat) or None, store n, analytics n, stored total, repeats
    "full": dict(scrape_repeat=3, profile="big_creator", anonymous_profile="demo_creator", concurrent=(40, 2), store_n=10_000, analytics_n=10_000,
                 stored_total=1_000_000, export_reels=100_000, repeat=5, stored_repeat=3, cold_start=3,
                 metrics_analyses=100_000),
    "quick": dict(scrape_repeat=1, profile="big_creator", anonymous_profile="demo_creator", concurrent=None, store_n=10_000, analytics_n=10_000,
                  stored_total=20_000, export_reels=10_000, repeat=3, stored_repeat=1, cold_start=0,
                  metrics_analyses=100_000),
    "dry-run": dict(scrape_repeat=1, profile="demo_creator", anonymous_profile="few_posts", concurrent=(6, 1), store_n=200, analytics_n=500,
                    stored_total=21_000, export_reels=1_000, repeat=1, stored_repeat=1, cold_start=1,
                    metrics_analyses=2_000),
}


def header() -> str:
    return (f"{'figure':<44} {'ours':>14} {'baseline':>14} {'ratio':>9} {'target':<22} verdict\n" + "-" * 118)


def run(mode: str, only: set[str] | None) -> list[Figure]:
    config = MODES[mode]
    figures: list[Figure] = []

    def emit(new: list[Figure]) -> None:
        for figure in new:
            print(figure.line(), flush=True)
        figures.extend(new)

    def wanted(group: str) -> bool:
        return only is None or group in only

    print(header(), flush=True)
    if wanted("scrape"):
        args = ["--repeat", str(config["scrape_repeat"]), "--profile", config["profile"],
                "--anonymous-profile", config["anonymous_profile"]]
        if config["concurrent"] is None:
            args.append("--skip-concurrent")
        else:
            reels, repeat = config["concurrent"]
            args += ["--concurrent-reels", str(reels), "--concurrent-repeat", str(repeat)]
        emit([Figure(**{k: v for k, v in d.items() if k != "ratio"}) for d in run_child("bench.scrape", args)])
    if wanted("local"):
        from bench.local import analytics_figure, store_figure

        emit([store_figure(config["store_n"], config["repeat"])])
        emit([analytics_figure(config["analytics_n"], config["repeat"] * 3)])
        from bench.topics_bench import topics_figure

        emit([topics_figure(config["analytics_n"], config["repeat"])])
    if wanted("stored"):
        from bench import stored

        with tempfile.TemporaryDirectory() as folder:
            database = Path(folder) / "stored.db"
            started = time.perf_counter()
            ids = stored.build_store(database, config["stored_total"], config["export_reels"])
            print(f"  (store of {config['stored_total']:,} reels built in {time.perf_counter() - started:.1f} s)",
                  flush=True)
            emit(stored.export_figures(database, config["stored_total"], config["stored_repeat"]))
            emit([stored.analytics_figure(database, config["stored_total"], config["stored_repeat"])])
            emit([stored.results_page_figure(database, ids[0], 1 + config["stored_repeat"])])
            if config["cold_start"]:
                emit(stored.cold_start_figures(database, ids, min(config["cold_start"], len(ids) - 1)))
    if wanted("metrics"):
        args = ["--analyses", str(config["metrics_analyses"]), "--repeat", str(config["repeat"]),
                "--profile", config["anonymous_profile"]]
        emit([Figure(**{k: v for k, v in d.items() if k != "ratio"}) for d in run_child("bench.metrics_bench", args)])
    if wanted("first-chart") and only is not None:  # on its own: a store of 10,000-reel analyses, one per sample
        from bench import stored

        samples = max(5, config["cold_start"])
        with tempfile.TemporaryDirectory() as folder:
            database = Path(folder) / "first-chart.db"
            ids = stored.build_store(database, 1_000 + (samples + 1) * stored.PER_PROFILE, 1_000)
            emit(stored.cold_start_figures(database, ids, samples))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="the subset that runs in about a minute")
    parser.add_argument("--dry-run", action="store_true", help="every figure at a tiny size; judges nothing")
    parser.add_argument("--only", action="append", choices=["scrape", "local", "stored", "metrics", "first-chart"],
                        help="run only this group of figures (repeatable)")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    mode = "dry-run" if args.dry_run else "quick" if args.quick else "full"
    started = time.perf_counter()
    print(f"ReelScope benchmarks ({mode}); medians of repeated runs; ratio = ours / baseline", flush=True)
    figures = run(mode, set(args.only) if args.only else None)
    missed = [f.name for f in figures if f.passed is False]
    print(f"{len(figures)} figures in {time.perf_counter() - started:.0f} s; "
          f"{len(missed)} missed their target" + (f": {', '.join(missed)}" if missed else ""))
    if args.json:
        args.json.write_text(json.dumps([f.to_dict() for f in figures], indent=2))
    if mode == "dry-run":
        return 0
    return 1 if missed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
