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
import contextlib
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # search_probe starts Chromium the tests' way (tests.sitetools)

WORK = HERE / "work"
RESULTS = HERE / "RESULTS.md"
VENV_BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Measurement:
    seconds: float
    peak_mb: float  # the largest single process (the command or one it started)
    exit_code: int
    total_mb: float = 0.0  # all its processes at once, sampled every 0.1 s


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


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(command: list[str], cwd: Path, timeout: float | None = None) -> Measurement:
    """Run `command` in a fresh child: wall time, the peak RSS of its largest process
    and the peak of all its processes together (the build runs several at once)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    total_kb = 0
    timed_out = False
    while True:
        total_kb = max(total_kb, sum(_rss_kb(pid) for pid in _descendants(child.pid)))
        if timeout and not timed_out and time.perf_counter() - started > timeout:
            timed_out = True
            for pid in _descendants(child.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, 9)
        waited, status, usage = os.wait4(child.pid, os.WNOHANG)
        if waited:
            break
        time.sleep(0.1)
    code = 124 if timed_out else os.waitstatus_to_exitcode(status)
    # wait4 reports the largest of the child and of every process it waited for.
    return Measurement(time.perf_counter() - started, usage.ru_maxrss / 1024, code, total_kb / 1024)


def repeat(times: int, command: list[str], cwd: Path, timeout: float | None = None) -> Measurement:
    runs = [measure(command, cwd, timeout) for _ in range(times)]
    return Measurement(
        statistics.median(r.seconds for r in runs),
        max(r.peak_mb for r in runs),
        runs[-1].exit_code,
        max(r.total_mb for r in runs),
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


def site_project(size: int) -> Path:
    """The synthetic corpus with this repository's mkdocs.yml and docs/, ready to build."""
    root = corpus(size)
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.rmtree(root / "docs", ignore_errors=True)
    shutil.copytree(ROOT / "docs", root / "docs")
    return root


def _front_matter_and_body(path: Path) -> tuple[str, str, str]:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    title = re.search(r'^title: "?(.*?)"?$', front, re.M)
    date = re.search(r"^date: (\S+)$", front, re.M)
    return (title.group(1) if title else path.stem), (date.group(1) if date else "2000"), body


def plain_material_project(size: int) -> Path:
    """The same stories as plain Markdown files for stock Material, every page in the nav."""
    root = WORK / f"stock-material-{size}"
    if not (root / "mkdocs.yml").is_file():
        docs = root / "docs" / "stories"
        docs.mkdir(parents=True, exist_ok=True)
        nav = []
        for story in sorted((corpus(size) / "stories" / "red").glob("*.md")):
            title, _, body = _front_matter_and_body(story)
            (docs / story.name).write_text(f"# {title}\n\n{body}", encoding="utf-8")
            nav.append(f"      - {json.dumps(title, ensure_ascii=False)}: stories/{story.name}")
        (root / "docs" / "index.md").write_text("# 首页\n", encoding="utf-8")
        (root / "mkdocs.yml").write_text(
            "site_name: stock\ntheme:\n  name: material\n  language: zh\n  font: false\n"
            "nav:\n  - index.md\n  - 故事:\n" + "\n".join(nav) + "\n",
            encoding="utf-8",
        )
    return root


def hugo_project(size: int) -> Path:
    """The same stories for Hugo with a minimal theme of our own (two layouts)."""
    root = WORK / f"hugo-{size}"
    if not (root / "hugo.toml").is_file():
        content = root / "content" / "stories"
        content.mkdir(parents=True, exist_ok=True)
        for story in sorted((corpus(size) / "stories" / "red").glob("*.md")):
            title, date, body = _front_matter_and_body(story)
            iso = (date + "-01-01")[:10] if len(date) == 4 else (date + "-01")[:10]
            (content / story.name).write_text(
                f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\ndate: {iso}\n---\n{body}",
                encoding="utf-8",
            )
        layouts = root / "layouts" / "_default"
        layouts.mkdir(parents=True, exist_ok=True)
        page = "<!doctype html><html lang=zh><head><meta charset=utf-8><title>{{ .Title }}</title></head><body>"
        (layouts / "single.html").write_text(
            page + "<h1>{{ .Title }}</h1>{{ .Content }}</body></html>"
        )
        (layouts / "list.html").write_text(
            page
            + "<ul>{{ range .Pages }}<li><a href={{ .RelPermalink }}>{{ .Title }}</a></li>{{ end }}</ul></body></html>"
        )
        (root / "hugo.toml").write_text(
            'baseURL = "http://example.invalid/"\ntitle = "hugo"\ndisableKinds = ["taxonomy", "term", "RSS"]\n'
        )
    return root


def site_figures(site: Path) -> tuple[float, int, int, str]:
    """Size in MB, number of HTML pages, largest generated page in bytes and its path."""
    total, pages, largest, where = 0, 0, 0, ""
    for folder, _, files in os.walk(site):
        for name in files:
            path = Path(folder) / name
            size = path.stat().st_size
            total += size
            if name.endswith(".html"):
                pages += 1
                relative = path.relative_to(site).as_posix()
                if size > largest and not relative.startswith("guide/"):
                    largest, where = size, relative
    return total / 2**20, pages, largest, where


def bench_site(sizes: list[int], times: int) -> list[str]:
    rows = [
        "| tool | stories | build (median) | peak memory (largest process / all together) | site size | HTML pages | largest generated page |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    stock_timeout = float(os.environ.get("STOCK_TIMEOUT", "900"))
    figures: dict[tuple[str, int], float] = {}
    for size in sizes:
        runs = [
            (
                "`culture build`",
                site_project(size),
                [str(VENV_BIN / "culture"), "build"],
                "site",
                times,
            ),
            (
                "stock Material, all stories in nav",
                plain_material_project(size),
                [str(VENV_BIN / "mkdocs"), "build", "-q"],
                "site",
                1,
            ),
            (
                "Hugo 0.168 (minimal theme)",
                hugo_project(size),
                [str(VENV_BIN / "hugo"), "--quiet"],
                "public",
                times,
            ),
        ]
        for name, root, command, out, repeats in runs:
            shutil.rmtree(root / out, ignore_errors=True)
            timeout = stock_timeout if "stock" in name else None
            result = repeat(repeats, command, root, timeout=timeout)
            if result.exit_code != 0:
                rows.append(
                    f"| {name} | {size:,} | did not finish ({result.seconds:.0f} s, exit {result.exit_code}) | {result.peak_mb:.0f} / {result.total_mb:.0f} MB | | | |"
                )
                print(rows[-1], flush=True)
                continue
            megabytes, pages, largest, where = site_figures(root / out)
            figures[(name, size)] = result.seconds
            rows.append(
                f"| {name} | {size:,} | {result.seconds:.1f} s | {result.peak_mb:.0f} / {result.total_mb:.0f} MB | {megabytes:.0f} MB | "
                f"{pages:,} | {largest / 1000:.1f} KB (`{where}`) |"
            )
            print(rows[-1], flush=True)
    rows.append("")
    for size in sizes:
        ours = figures.get(("`culture build`", size))
        for other in ("stock Material, all stories in nav", "Hugo 0.168 (minimal theme)"):
            theirs = figures.get((other, size))
            if ours and theirs:
                rows.append(
                    f"- {size:,} stories: `culture build` takes {ours / theirs:.2f}× the time of {other}."
                )
    rows += [
        "",
        "`culture build` includes the content check, every generated page (stories, craftsmen,",
        "halls, panels, themes, units, timeline, paginated listings), image variants, redirects,",
        "the feed, the search index and every collection's booklet; the other two build the",
        "stories only. Targets at 10,000 stories:",
        "≤ 60 s, ≤ 4 GB, every generated page ≤ 60 KB.",
    ]
    return rows


INDEX_PROBE = """
import sys, time
from pathlib import Path
from build_tools import pipeline
from build_tools.content.audience import Audience
from build_tools.site import search
from build_tools.site.relations import SiteIndex
index = SiteIndex.build(pipeline.load(Path(sys.argv[1])).corpus, Audience.PRODUCTION)
started = time.perf_counter()  # records and Pagefind: the indexer is handed the loaded corpus
indexer = search.BackgroundIndexer(index, Path(sys.argv[2]) / "records")
parts = indexer.finish(Path(sys.argv[2]))
pages = sum(1 for _ in Path(sys.argv[2]).glob("pagefind*/fragment/*"))
figures = [time.perf_counter() - started, pages, parts]
(Path(sys.argv[2]) / "figures.txt").write_text(" ".join(map(str, figures)))
"""


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def lunr_project(size: int) -> Path:
    """The stories as plain Markdown for stock Material with its lunr search (no nav)."""
    root = WORK / f"lunr-{size}"
    if not (root / "mkdocs.yml").is_file():
        source = plain_material_project(size)
        shutil.copytree(source / "docs", root / "docs")
        (root / "mkdocs.yml").write_text(
            "site_name: lunr\ntheme:\n  name: material\n  language: zh\n  font: false\n"
            "plugins:\n  - search:\n      lang: zh\n"
            "nav:\n  - index.md\n",  # keep stories out of the nav, or MkDocs lists every one
            encoding="utf-8",
        )
    return root


def bench_search(sizes: list[int], times: int) -> list[str]:
    import search_probe

    index_rows = [
        "| stories | records | Pagefind run (alone) | its peak memory | parts | index on disk | entity index (all shards) |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    use_rows = [
        "| stories | first query, fresh browser (median / max of 5) | the same with gzip | each later query | keystroke → results | same query again (chunks cached) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    quality_rows = [
        "| stories | craftsman names: profile first | body phrases (6–12 characters, in one story only): story first | phrases: story in the first five |",
        "|---:|---:|---:|---:|",
    ]
    lunr_rows = [
        "| stories | build with lunr index | `search_index.json` (loaded whole on the first query) |",
        "|---:|---:|---:|",
    ]
    for size in sizes:
        root = site_project(size)
        probe_out = WORK / f"index-only-{size}"
        shutil.rmtree(probe_out, ignore_errors=True)
        probe = measure([sys.executable, "-c", INDEX_PROBE, str(root), str(probe_out)], ROOT)
        seconds, pages, parts = (probe_out / "figures.txt").read_text().split()
        subprocess.run(
            [str(VENV_BIN / "culture"), "build"], cwd=root, check=True, capture_output=True
        )
        site = root / "site"
        index_size = sum(folder_size(part) for part in site.glob("pagefind*"))
        entity_size = folder_size(site / "search" / "entities")
        index_rows.append(
            f"| {size:,} | {int(pages):,} | {float(seconds):.1f} s | {probe.peak_mb / 1024:.2f} GB | {parts} "
            f"| {index_size / 2**20:.1f} MB | {entity_size / 1000:.0f} KB |"
        )
        print(index_rows[-1], flush=True)
        queries = search_probe.reader_queries(root, names=10, phrases=30)
        plain = search_probe.measure(site, queries, gzip=False)
        packed = search_probe.measure(site, queries, gzip=True)
        summary = search_probe.summary
        use_rows.append(
            f"| {size:,} | {summary(plain.first_kb)} KB | {summary(packed.first_kb)} KB "
            f"| {summary(plain.later_kb)} KB | {summary(plain.later_ms)} ms | {summary(plain.cached_ms)} ms |"
        )
        print(use_rows[-1], flush=True)
        names = sum(q.kind == "name" for q in queries)
        phrases = len(queries) - names
        quality_rows.append(
            f"| {size:,} | {plain.p_at_1('name'):.2f} of {names} | {plain.p_at_1('phrase'):.2f} of {phrases} "
            f"| {plain.in_top5('phrase'):.2f} |"
        )
        print(quality_rows[-1], flush=True)
        lunr = lunr_project(size)
        shutil.rmtree(lunr / "site", ignore_errors=True)
        result = repeat(1, [str(VENV_BIN / "mkdocs"), "build", "-q"], lunr)
        index = lunr / "site" / "search" / "search_index.json"
        lunr_rows.append(
            f"| {size:,} | {result.seconds:.1f} s | {index.stat().st_size / 2**20:.1f} MB |"
            if index.exists()
            else f"| {size:,} | failed | |"
        )
        print(lunr_rows[-1], flush=True)
    return [
        "Index (Pagefind's own run, measured apart from the site build):",
        "",
        *index_rows,
        "",
        "In the browser (Debian Chromium, headless), the site served from localhost. Transfer is",
        "every byte the server sent for the query, counted by the server (the browser's log shows",
        "a worker's script as 0 bytes): the search code, Pagefind's script, WebAssembly and",
        "metadata on a first query, index chunks, fragments and the entity shard. Without",
        "compression, as `python -m http.server` sends it, and with gzip for scripts and JSON as",
        "an intranet web server with gzip on sends it (Pagefind's own files are gzip already).",
        "Queries: 10 craftsman names and up to 30 phrases drawn from the corpus (seed 1).",
        "",
        *use_rows,
        "",
        "Search quality on the same queries (the dropdown's first result):",
        "",
        *quality_rows,
        "",
        "Stock Material's lunr search on the same stories (plain pages, no nav):",
        "",
        *lunr_rows,
        "",
        "Targets at 10,000 stories: first query ≤ 300 KB, results ≤ 100 ms after the index",
        "chunks arrived (the same query again).",
    ]


BOOKLET_PROBE = """
import sys, time
from pathlib import Path
from build_tools.config import load_project
from build_tools.content.load import load_corpus
from build_tools.print.booklet import BookletOptions, make_booklet
project = load_project(Path(sys.argv[1]))[0]
corpus = load_corpus(project.root, project.content_dir).corpus
started = time.perf_counter()
result = make_booklet(corpus, "bench-200", Path(sys.argv[2]), BookletOptions(imposition=sys.argv[3]))
print(time.perf_counter() - started, result.pages)
"""


def bench_booklet(sizes: list[int], times: int) -> list[str]:
    """One booklet of about 200 pages, with and without saddle-stitch imposition."""
    root = WORK / "booklet-200"
    if not (root / "stories" / "units.yml").is_file():
        shutil.copytree(corpus(1000) / "stories", root / "stories")
    published = [
        p.stem
        for p in sorted((root / "stories" / "red").glob("*.md"))
        if 'status: "published"' in p.read_text(encoding="utf-8")
    ]
    items = "\n".join(f"  - {item}" for item in published[:96])
    (root / "stories" / "collections" / "bench-200.yml").write_text(
        f'title: "基准测试小册子"\neditor: "党委宣传部"\nedition: 2024-06\nitems:\n{items}\n',
        encoding="utf-8",
    )
    rows = [
        f"| booklet | pages | time (median of {times}) | pages per second |",
        "|---|---:|---:|---:|",
    ]
    for imposition in ("none", "saddle"):
        runs = []
        for _ in range(times):
            out = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    BOOKLET_PROBE,
                    str(root),
                    str(WORK / f"bench-200-{imposition}.pdf"),
                    imposition,
                ],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            ).stdout.split()
            runs.append((float(out[0]), int(out[1])))
        seconds = statistics.median(r[0] for r in runs)
        pages = runs[-1][1]
        rows.append(
            f"| 96 stories, imposition {imposition} | {pages} | {seconds:.2f} s | {pages / seconds:.0f} |"
        )
        print(rows[-1], flush=True)
    rows += [
        "",
        "Time for `make_booklet` alone (Typst compile, pikepdf finishing), corpus already loaded.",
        "Target: ≥ 50 pages per second.",
    ]
    return rows


BENCHMARKS: dict[str, tuple[str, Callable[[list[int], int], list[str]]]] = {
    "booklet": ("Booklet: typesetting a 200-page collection", bench_booklet),
    "search": ("Search: Pagefind (bigrams) + entity index, beside lunr", bench_search),
    "check": ("`culture check`: load, validate and check the whole corpus", bench_check),
    "site": ("Site build: `culture build` beside stock Material and Hugo", bench_site),
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
