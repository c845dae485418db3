"""Measure the pipeline on synthetic corpora and record the figures in RESULTS.md.

Usage:
    python benchmarks/run.py [--sizes 1000 10000] [--repeat 3] [--only check]

Each benchmark generates (once, cached under benchmarks/work/) a corpus with
gen_corpus.py, runs the real command in a child process, and takes the median wall time
and the peak resident memory of the child. The figures replace the benchmark's own block
in RESULTS.md, with the date and the machine they were measured on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
RESULTS = HERE / "RESULTS.md"
VENV_BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Measurement:
    seconds: float
    peak_mb: float
    exit_code: int


def corpus(size: int) -> Path:
    """A synthetic project with `size` stories, generated once and reused."""
    target = WORK / f"corpus-{size}"
    if not (target / "stories" / "units.yml").is_file():
        target.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, str(HERE / "gen_corpus.py"), str(size), str(target), "--seed", "1"],
            check=True,
        )
    return target


def measure(command: list[str], cwd: Path) -> Measurement:
    """Run `command` in a fresh child; wall time and the child's peak RSS."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far, so wrap each run in its
    # own Python that reports the peak of exactly one grandchild.
    probe = (
        "import resource, subprocess, sys, time;"
        "t = time.perf_counter();"
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return Measurement(float(out[0]), int(out[1]) / 1024, int(out[2]))


def repeat(times: int, command: list[str], cwd: Path) -> Measurement:
    runs = [measure(command, cwd) for _ in range(times)]
    return Measurement(
        statistics.median(r.seconds for r in runs), max(r.peak_mb for r in runs), runs[-1].exit_code
    )


def count_files(root: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(root / "stories"))


# -- benchmarks --------------------------------------------------------------------------


def bench_check(sizes: list[int], times: int) -> list[str]:
    rows = [
        f"| stories | files | `culture check` (median of {times}) | peak memory | exit |",
        "|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        root = corpus(size)
        result = repeat(times, [str(VENV_BIN / "culture"), "check"], root)
        rows.append(
            f"| {size:,} | {count_files(root):,} | {result.seconds:.2f} s | "
            f"{result.peak_mb:.0f} MB | {result.exit_code} |"
        )
        print(rows[-1], flush=True)
    rows += [
        "",
        "Target: 10,000 stories checked in ≤ 5 s with ≤ 1 GB. Exit 0: the synthetic corpus",
        "has warnings only (craftsman profiles without photos).",
    ]
    return rows


BENCHMARKS: dict[str, tuple[str, Callable[[list[int], int], list[str]]]] = {
    "check": ("`culture check`: load, validate and check the whole corpus", bench_check),
}


# -- RESULTS.md --------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def record(name: str, title: str, rows: list[str]) -> None:
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    block = "\n".join(
        [
            f"<!-- bench:{name} -->",
            f"## {title}",
            "",
            f"Measured {stamp} on {machine()}.",
            "",
            *rows,
            f"<!-- /bench:{name} -->",
        ]
    )
    text = (
        RESULTS.read_text(encoding="utf-8")
        if RESULTS.exists()
        else (
            "# Benchmark results\n\nWritten by `make bench` (`benchmarks/run.py`); each block is "
            "replaced when its benchmark is run again.\n"
        )
    )
    pattern = re.compile(rf"<!-- bench:{name} -->.*?<!-- /bench:{name} -->", re.S)
    text = (
        pattern.sub(lambda _: block, text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + block + "\n"
    )
    RESULTS.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=sorted(BENCHMARKS), action="append")
    args = parser.parse_args()
    for name in args.only or list(BENCHMARKS):
        title, run = BENCHMARKS[name]
        print(f"== {title}", flush=True)
        started = time.perf_counter()
        rows = run(args.sizes, args.repeat)
        record(name, title, rows)
        print(f"   done in {time.perf_counter() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
