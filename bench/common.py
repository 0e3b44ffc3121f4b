"""Shared pieces of the benchmark suite: figures, repetition with medians, the emulator in its own process."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Figure:
    """One line of the report. ``ratio`` = ours / baseline; ``limit`` is the target on the ratio (or on
    ``ours`` itself when ``absolute``); ``passed`` is None for figures that are printed but not judged."""

    name: str
    ours: float
    baseline: float | None
    unit: str
    target: str
    passed: bool | None
    note: str = ""
    samples: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.ours / self.baseline  # type: ignore[operator]

    def line(self) -> str:
        ratio = "—" if self.ratio is None else f"{self.ratio:.3f}×"
        base = "—" if self.baseline is None else f"{self.baseline:.4g} {self.unit}"
        verdict = {True: "PASS", False: "MISS", None: "INFO"}[self.passed]
        text = f"{self.name:<44} {self.ours:>10.4g} {self.unit:<3} {base:>14} {ratio:>9} {self.target:<22} {verdict}"
        return text + (f"  ({self.note})" if self.note else "")

    def to_dict(self) -> dict:
        return {"name": self.name, "ours": self.ours, "baseline": self.baseline, "unit": self.unit,
                "ratio": self.ratio, "target": self.target, "passed": self.passed, "note": self.note,
                "samples": self.samples}


def median(values: list[float]) -> float:
    return statistics.median(values)


def timed(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def median_seconds(function: Callable[[], object], repeat: int, warmup: int = 1) -> tuple[float, list[float]]:
    for _ in range(warmup):
        function()
    samples = [timed(function) for _ in range(repeat)]
    return median(samples), samples


def interleaved(ours: Callable[[], float], baseline: Callable[[], float], repeat: int) -> tuple[list[float], list[float]]:
    """Run ours and the baseline alternately (the machine's noise then hits both alike); each returns seconds."""
    a, b = [], []
    for i in range(repeat):
        if i % 2 == 0:
            a.append(ours())
            b.append(baseline())
        else:
            b.append(baseline())
            a.append(ours())
    return a, b


class Emulator:
    """The Instagram emulator in a separate process (its CPU work then does not share our GIL)."""

    def __init__(self, latency_ms: int, era: str | None = None) -> None:
        self.latency_ms = latency_ms
        era_args = ["--era", era] if era else []
        self.process = subprocess.Popen([sys.executable, "-m", "emulator", "--port", "0", "--latency-ms",
                                         str(latency_ms), *era_args], cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http"):
            self.close()
            raise RuntimeError("the emulator did not start")

    def requests(self) -> list[dict]:
        with urllib.request.urlopen(self.url + "/__emulator__/requests", timeout=30) as response:
            return json.load(response)["requests"]

    def reset_requests(self) -> None:
        urllib.request.urlopen(urllib.request.Request(self.url + "/__emulator__/requests", method="DELETE"),
                               timeout=30).close()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _high_water_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run_child(module: str, args: list[str], env: dict | None = None, timeout: float = 900) -> dict:
    """Run ``python -m module args`` and return the JSON object on its last stdout line, with ``hwm_mb``: the
    child's own peak RSS (VmHWM, sampled until it exits). A child's ru_maxrss is not its own on Linux: it keeps
    the maximum of the process it was forked from."""
    process = subprocess.Popen([sys.executable, "-m", module, *args], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    box: dict = {}
    reader = threading.Thread(target=lambda: box.update(zip(("out", "err"), process.communicate(timeout=timeout), strict=True)))
    reader.start()
    hwm = 0.0
    while reader.is_alive():
        hwm = max(hwm, _high_water_mb(process.pid) or 0.0)
        reader.join(0.02)
    if process.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{box.get('err', '')[-3000:]}")
    result = json.loads(box["out"].strip().splitlines()[-1])
    if isinstance(result, dict):
        result["hwm_mb"] = round(hwm, 1)
    return result
