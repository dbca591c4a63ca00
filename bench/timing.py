"""Run commands in fresh processes, interleaved round by round, and summarise the samples.

Every sample is one cold child process: wall time from spawn to exit, and its peak resident
memory from ``os.wait4`` (on Linux, the largest of the child and the descendants it waited
for, so a sub-process such as sphinx-simplepdf's ``weasyprint`` is counted too).
"""

from __future__ import annotations

import dataclasses
import math
import os
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    seconds: float
    max_rss_kb: int
    returncode: int
    error: str = ""  # set when the run failed or its check did not pass
    cpu_seconds: float = 0.0  # user + system time of the process tree: less sensitive to a busy machine

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.error


@dataclass(frozen=True)
class Stats:
    """Median, min and max seconds of the good samples; peak memory over all of them."""

    n: int
    median: float
    minimum: float
    maximum: float
    peak_rss_mb: float
    failures: int
    error: str = ""
    cpu_median: float = math.nan

    @classmethod
    def of(cls, samples: Sequence[Sample]) -> Stats:
        good = [s for s in samples if s.ok]
        errors = [s.error or f"exit code {s.returncode}" for s in samples if not s.ok]
        if not good:
            nan = float("nan")
            return cls(0, nan, nan, nan, nan, len(samples), errors[0] if errors else "no runs")
        times = [s.seconds for s in good]
        return cls(len(good), statistics.median(times), min(times), max(times),
                   max(s.max_rss_kb for s in good) / 1024, len(samples) - len(good), errors[0] if errors else "",
                   statistics.median(s.cpu_seconds for s in good))

    def as_dict(self) -> dict[str, object]:
        return {"n": self.n, "median_s": self.median, "min_s": self.minimum, "max_s": self.maximum,
                "peak_rss_mb": self.peak_rss_mb, "failures": self.failures, "error": self.error,
                "cpu_median_s": self.cpu_median}


@dataclass
class Case:
    """One thing to measure: a command, what to do before each run (untimed), how to check the result."""

    key: str
    label: str
    argv: list[str]
    prepare: Callable[[int], None] | None = None  # called with the run number before each timed run
    check: Callable[[], str] | None = None  # returns an error message, or "" when the output is right
    env: dict[str, str] | None = None
    cwd: Path | None = None
    samples: list[Sample] = field(default_factory=list)

    @property
    def stats(self) -> Stats:
        return Stats.of(self.samples)


def run_once(argv: Sequence[str], *, log: Path | None = None, env: dict[str, str] | None = None,
             cwd: Path | None = None) -> Sample:
    """Run ``argv`` once in a new process; its output goes to ``log`` (or is discarded)."""
    if log:
        log.parent.mkdir(parents=True, exist_ok=True)
    out = log.open("wb") if log else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait for it again
    finally:
        if log:
            out.close()
    return Sample(seconds, int(usage.ru_maxrss), proc.returncode, cpu_seconds=usage.ru_utime + usage.ru_stime)


def run_interleaved(cases: Sequence[Case], runs: int, *, log_dir: Path,
                    progress: Callable[[str], None] = print) -> None:
    """``runs`` rounds; each round runs every case once, starting one case later than the last round.

    Side by side, round by round: a noisy minute slows every case a little rather than one case a lot.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    for n in range(runs):
        shift = n % len(cases) if cases else 0
        for case in [*cases[shift:], *cases[:shift]]:
            if case.prepare:
                case.prepare(n)
            sample = run_once(case.argv, log=log_dir / f"{case.key}.log", env=case.env, cwd=case.cwd)
            if sample.returncode == 0 and case.check:
                problem = case.check()
                if problem:
                    sample = dataclasses.replace(sample, error=problem)
            elif sample.returncode != 0:
                sample = dataclasses.replace(
                    sample, error=f"exit code {sample.returncode} (see {log_dir / (case.key + '.log')})")
            case.samples.append(sample)
            status = "" if sample.ok else f"  FAILED: {sample.error}"
            progress(f"  [{n + 1}/{runs}] {case.label}: {sample.seconds:.2f} s (CPU {sample.cpu_seconds:.2f} s), "
                     f"{sample.max_rss_kb / 1024:.0f} MB{status}")
