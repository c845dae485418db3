"""Measure the pipeline on synthetic corpora and record the figures in RESULTS.md.

Usage:
    python benchmarks/run.py [--only preview build] [--sizes sample 1000] [--repeat 3]

Each benchmark generates (once, cached under benchmarks/work/) a corpus with
gen_corpus.py, runs the real command in a child process, and takes the median wall time
and the peak memory of the child's processes. Each benchmark has its own default sizes;
`--sizes` replaces them for every benchmark run (`sample` is this repository's own
stories, for `preview`). The figures replace the benchmark's own block in RESULTS.md,
with the date and the machine they were measured on.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))  # search_probe starts Chromium the tests' way (tests.sitetools)

WORK = HERE / "work"
RESULTS = HERE / "RESULTS.md"
VENV_BIN = Path(sys.executable).parent


SAMPLE = 0  # `--sizes sample`: a copy of this repository's own stories


@dataclass(frozen=True)
class Measurement:
    seconds: float
    peak_mb: float  # the largest single process (the command or one it started), RSS
    exit_code: int
    # All its processes at once, sampled every 0.1 s: PSS, which counts a page that a
    # forked child shares with its parent once (summed RSS counts it in each of them).
    total_mb: float = 0.0
    total_rss_mb: float = 0.0  # the same sum of RSS, for comparison with older figures


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


def _pss_kb(pid: int) -> int:
    """Proportional set size; RSS where smaps_rollup cannot be read (another user)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return _rss_kb(pid)


def measure(command: list[str], cwd: Path, timeout: float | None = None) -> Measurement:
    """Run `command` in a fresh child: wall time, the peak RSS of its largest process
    and the peak of all its processes together (the build runs several at once), as
    PSS and as RSS, each summed over the processes alive at the same instant."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    total_kb = total_rss_kb = 0
    timed_out = False
    while True:
        tree = _descendants(child.pid)
        total_kb = max(total_kb, sum(_pss_kb(pid) for pid in tree))
        total_rss_kb = max(total_rss_kb, sum(_rss_kb(pid) for pid in tree))
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
    return Measurement(
        time.perf_counter() - started,
        usage.ru_maxrss / 1024,
        code,
        total_kb / 1024,
        total_rss_kb / 1024,
    )


def summarize(runs: list[Measurement]) -> Measurement:
    """The median time and the highest memory of several runs; a failed run's exit code."""
    return Measurement(
        statistics.median(r.seconds for r in runs),
        max(r.peak_mb for r in runs),
        next((r.exit_code for r in runs if r.exit_code), 0),
        max(r.total_mb for r in runs),
        max(r.total_rss_mb for r in runs),
    )


def repeat(times: int, command: list[str], cwd: Path, timeout: float | None = None) -> Measurement:
    return summarize([measure(command, cwd, timeout) for _ in range(times)])


def count_files(root: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(root / "stories"))


# -- benchmarks --------------------------------------------------------------------------


def _checked_project(size: int) -> Path:
    """The synthetic corpus with the sample's terms dictionary (every rule has work), as a
    git repository with everything committed (for `--changed`)."""
    root = corpus(size)
    terms = ROOT / "stories" / "terms.yml"
    if terms.is_file():
        shutil.copy(terms, root / "stories" / "terms.yml")
    git = ["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=b@example.invalid"]
    if not (root / ".git").is_dir():
        subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
        (root / ".gitignore").write_text(".cache/\nsite/\n", encoding="utf-8")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "corpus", "--allow-empty"], check=True)
    return root


def bench_check(sizes: list[int], times: int) -> list[str]:
    culture = str(VENV_BIN / "culture")
    rows = [
        f"| stories | files | cold, no `.cache/` (median of {times}) | warm | peak memory "
        "| `--changed`, one story edited | exit |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        root = _checked_project(size)
        cold = []
        for _ in range(times):
            shutil.rmtree(root / ".cache", ignore_errors=True)
            cold.append(measure([culture, "check"], root))
        cold_run = summarize(cold)
        warm = repeat(times, [culture, "check"], root)
        story = sorted((root / "stories" / "red").glob("*.md"))[len(cold) % 7]
        original = story.read_bytes()
        try:
            story.write_bytes(original.replace(b"title: ", "title: 改".encode(), 1))
            changed = repeat(times, [culture, "check", "--changed"], root)
        finally:
            story.write_bytes(original)
        rows.append(
            f"| {size:,} | {count_files(root):,} | {cold_run.seconds:.2f} s | "
            f"{warm.seconds:.2f} s | {max(cold_run.peak_mb, warm.peak_mb):.0f} MB | "
            f"{changed.seconds:.2f} s | {cold_run.exit_code} |"
        )
        print(rows[-1], flush=True)
    rows += [
        "",
        "Every rule on (typography, terms with the sample's dictionary, personal data,",
        "placeholders, media). Warm: `.cache/parsed/` from the run before, as after any",
        "check, build or preview. `--changed`: one story's title edited, not committed.",
        "Targets: 10,000 stories ≤ 10 s with every rule; `--changed` with one file ≤ 1 s.",
        "Exit 0: the synthetic corpus has warnings only.",
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
        "| tool | stories | build (median) | peak memory (largest process RSS / all together PSS) | site size | HTML pages | largest generated page |",
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


PANELS_PROBE = """
import sys, time, functools
from pathlib import Path
from build_tools.config import load_project
from build_tools.content.audience import Audience
from build_tools.content.load import load_corpus
from build_tools.content.tour import tour
from build_tools.print import qr
from build_tools.print.inventory import image_file, write_inventory
from build_tools.print.narration import make_narration
from build_tools.print.panels import make_panel_proofs
project = load_project(Path(sys.argv[1]))[0]
corpus = load_corpus(project.root, project.content_dir).corpus
out = Path(sys.argv[2])
base = "http://culture.jinyuan.intranet/"
started = time.perf_counter()
result = make_panel_proofs(corpus, "bench-60", out / "panels.pdf", base_url=base, proof=False,
                           settings=project.settings)
panels = time.perf_counter() - started
url_of = functools.partial(qr.panel_url, base)
make_narration(corpus, "bench-60", out / "narration.pdf", settings=project.settings, proof=False,
               url_of=url_of)
hall = corpus.halls["bench-60"]
write_inventory(tour(corpus, hall, Audience.PRODUCTION, project.settings), out / "inventory.csv",
                url_of=url_of, image_of=functools.partial(image_file, corpus))
print(panels, time.perf_counter() - started, result.pages)
"""


def bench_panels(sizes: list[int], times: int) -> list[str]:
    """`culture panels` for a hall of 60 published panels (made from a synthetic hall's)."""
    root = WORK / "panels-60"
    hall = root / "stories" / "halls" / "bench-60"
    if not hall.is_dir():
        shutil.copytree(corpus(1000) / "stories", root / "stories")
        source = root / "stories" / "halls" / "hall-01"
        published = [
            p.read_text(encoding="utf-8")
            for p in sorted(source.glob("*.md"))
            if PUBLISHED.search(p.read_text(encoding="utf-8"))
        ]
        hall.mkdir()
        shutil.copy(source / "hall.yml", hall / "hall.yml")
        for i in range(60):
            text = re.sub(
                r"^number: .*$",
                f'number: "P-{i + 1:03d}"',
                published[i % len(published)],
                flags=re.M,
            )
            (hall / f"bench-60-{i + 1:03d}.md").write_text(text, encoding="utf-8")
    rows = [
        f"| hall | panels | panels.pdf (median of {times}) | panels per second | with narration and inventory |",
        "|---|---:|---:|---:|---:|",
    ]
    runs = []
    for _ in range(times):
        out = WORK / "panels-60-out"
        out.mkdir(exist_ok=True)
        found = subprocess.run(
            [sys.executable, "-c", PANELS_PROBE, str(root), str(out)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout.split()
        runs.append((float(found[0]), float(found[1]), int(found[2])))
    seconds = statistics.median(r[0] for r in runs)
    everything = statistics.median(r[1] for r in runs)
    pages = runs[-1][2]
    rows.append(
        f"| 60 published panels, A3 | {pages} | {seconds:.2f} s | {pages / seconds:.0f} | {everything:.2f} s |"
    )
    print(rows[-1], flush=True)
    rows += [
        "",
        "Time for `make_panel_proofs` alone (tour, glyph check, QR codes, Typst compile, pikepdf",
        "finishing), corpus already loaded; the last column adds the narration script and the",
        "inventory, as `culture panels` writes them. Target: ≥ 20 panels per second.",
    ]
    return rows


# -- build, scale and the peer ----------------------------------------------------------

CULTURE = str(VENV_BIN / "culture")
TITLE_LINE = re.compile(r"^title: .*$", re.M)
PUBLISHED = re.compile(r'^status: "?published"?$', re.M)


def sample_stories() -> int:
    return len(list((ROOT / "stories" / "red").glob("*.md")))


def size_label(size: int) -> str:
    if size == SAMPLE:
        return f"{sample_stories()} (this repository's sample)"
    return f"{size:,}"


def project_copy(size: int, into: Path) -> Path:
    """A project to edit and build freely: this repository's mkdocs.yml and docs/ with its
    own stories (SAMPLE) or a synthetic corpus's, and no site/ or .cache/. The cached
    corpus itself is only read, so other benchmarks can use it meanwhile."""
    into.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", into / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", into / "docs")
    stories = ROOT / "stories" if size == SAMPLE else corpus(size) / "stories"
    shutil.copytree(stories, into / "stories")
    return into


def retitle(story: Path, title: str) -> None:
    """Give a story a new title in its front matter and write the file in place, the
    way an editor without atomic saves does (truncate, write)."""
    text = story.read_text(encoding="utf-8")
    changed, count = TITLE_LINE.subn(f'title: "{title}"', text, count=1)
    if not count:
        raise ValueError(f"{story}: no title: line")
    with story.open("w", encoding="utf-8") as file:
        file.write(changed)


def first_published(root: Path) -> Path:
    return next(
        p
        for p in sorted((root / "stories" / "red").glob("*.md"))
        if PUBLISHED.search(p.read_text(encoding="utf-8"))
    )


def clean_build(root: Path) -> None:
    for name in ("site", ".cache"):
        shutil.rmtree(root / name, ignore_errors=True)


def _memory(result: Measurement) -> str:
    return f"{result.peak_mb:,.0f} MB / {result.total_mb:,.0f} MB"


def _time(result: Measurement) -> str:
    if result.exit_code:
        return f"did not finish ({result.seconds:.0f} s, exit {result.exit_code})"
    return f"{result.seconds:.1f} s"


def bench_build(sizes: list[int], times: int) -> list[str]:
    """`culture build` cold and warm beside Hugo + Pagefind, in the same run."""
    timeout = float(os.environ.get("BUILD_TIMEOUT", "1800"))
    pagefind = _pagefind_executable()
    rows = [
        f"| stories | what (median of {times}) | time | peak memory: largest process / all together "
        "| all together, summed RSS |",
        "|---:|---|---:|---:|---:|",
    ]
    notes: list[str] = []
    for size in sizes:
        root = WORK / f"build-{size}"
        shutil.rmtree(root, ignore_errors=True)
        project_copy(size, root)
        story = first_published(root)
        cold_runs, warm_runs = [], []
        for run in range(times):
            clean_build(root)
            cold_runs.append(measure([CULTURE, "build"], root, timeout))
            title = f"基准测速{run}-{secrets.token_hex(4)}"
            retitle(story, title)
            warm_runs.append(measure([CULTURE, "build"], root, timeout))
            page = root / "site" / "stories" / story.stem / "index.html"
            if not (page.is_file() and title in page.read_text(encoding="utf-8")):
                notes.append(
                    f"- {size:,}: the warm build did not show the new title of {story.stem}."
                )
        cold, warm = summarize(cold_runs), summarize(warm_runs)
        hugo_root = hugo_project(size)
        hugo_runs, pagefind_runs, both_runs = [], [], []
        for _ in range(times):
            shutil.rmtree(hugo_root / "public", ignore_errors=True)
            built = measure([str(VENV_BIN / "hugo"), "--quiet"], hugo_root, timeout)
            indexed = measure([pagefind, "--site", "public", "--quiet"], hugo_root, timeout)
            hugo_runs.append(built)
            pagefind_runs.append(indexed)
            both_runs.append(
                Measurement(
                    built.seconds + indexed.seconds,
                    max(built.peak_mb, indexed.peak_mb),
                    built.exit_code or indexed.exit_code,
                    max(built.total_mb, indexed.total_mb),
                    max(built.total_rss_mb, indexed.total_rss_mb),
                )
            )
        hugo, indexed, both = summarize(hugo_runs), summarize(pagefind_runs), summarize(both_runs)
        for name, result in (
            ("`culture build` cold (no `.cache/`, no `site/`)", cold),
            ("`culture build` warm (one title changed, `.cache/` kept)", warm),
            ("Hugo 0.168 (minimal theme)", hugo),
            ("Pagefind 1.5 over Hugo's pages (`lang=zh`)", indexed),
            ("Hugo + Pagefind", both),
        ):
            rows.append(
                f"| {size:,} | {name} | {_time(result)} | {_memory(result)} "
                f"| {result.total_rss_mb:,.0f} MB |"
            )
            print(rows[-1], flush=True)
        shutil.rmtree(root, ignore_errors=True)
        languages = _pagefind_languages(hugo_root / "public" / "pagefind")
        notes.append(f"- {size:,}: Pagefind indexed Hugo's site: {languages}.")
        if not (cold.exit_code or warm.exit_code or both.exit_code):
            notes.append(
                f"- {size:,}: `culture build` takes {cold.seconds / both.seconds:.1f}× the time of "
                f"Hugo + Pagefind cold and {warm.seconds / both.seconds:.1f}× warm; "
                f"warm is {warm.seconds / cold.seconds:.2f}× cold; all processes together "
                f"{cold.total_mb / both.total_mb:.1f}× the memory of Hugo + Pagefind."
            )
    return [
        *rows,
        "",
        *notes,
        "",
        "Memory: the largest single process (peak RSS, from `wait4`) / all processes of the",
        "command together (the peak of their PSS summed at one instant, sampled every 0.1 s;",
        "PSS counts a page a forked child shares with its parent once; summed RSS, the figure",
        "of older blocks, counts it in each process). Hugo + Pagefind: the",
        "times added, the memory of the larger of the two (they run one after the other).",
        "Cold: `site/` and `.cache/` removed first. Warm: the next build after one story's",
        "title changed, `.cache/` kept, as CI keeps it. Hugo builds the stories only (two",
        "layouts of ours, `<html lang=zh>`); Pagefind (`pagefind_bin_extended`, the",
        "project's own) indexes its `public/`, segmenting the Chinese text as Chinese.",
    ]


def _pagefind_executable() -> str:
    from pagefind_bin_extended import get_executable  # type: ignore[import-untyped]

    return str(get_executable())


def _pagefind_languages(bundle: Path) -> str:
    """What Pagefind says it indexed, e.g. '10,002 pages as zh'."""
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "nothing (no pagefind-entry.json)"
    return ", ".join(
        f"{info.get('page_count', 0):,} pages as {language}"
        for language, info in entry.get("languages", {}).items()
    )


def bench_scale(sizes: list[int], times: int) -> list[str]:
    """One cold `culture build` per size: does time and memory grow linearly?"""
    timeout = float(os.environ.get("SCALE_TIMEOUT", "3600"))
    rows = [
        "| stories | files | cold build | per 1k stories | × the smallest size's per 1k | "
        "peak memory: largest process / all together | all together per 1k stories |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    first: float | None = None
    for size in sizes:
        root = WORK / f"scale-{size}"
        shutil.rmtree(root, ignore_errors=True)
        project_copy(size, root)
        files = count_files(root)
        result = measure([CULTURE, "build"], root, timeout)
        shutil.rmtree(root, ignore_errors=True)
        per_k = result.seconds / (size / 1000)
        first = first or per_k
        trend = f"{per_k / first:.2f}×" if not result.exit_code else ""
        rows.append(
            f"| {size:,} | {files:,} | {_time(result)} | {per_k:.2f} s | {trend} | "
            f"{_memory(result)} | {result.total_mb / (size / 1000):.0f} MB |"
        )
        print(rows[-1], flush=True)
    return [
        *rows,
        "",
        "One cold build each (no `site/`, no `.cache/`). Memory as in the build block: largest",
        "process RSS / all processes together, PSS. Linear growth shows as a steady ratio per",
        "1k stories.",
    ]


# -- preview latency ---------------------------------------------------------------------


@dataclass
class PreviewRun:
    stories: int
    first_served: float | None = None  # from the start of `culture serve`
    page: list[float | None] = field(default_factory=list)  # per edit; None: never shown
    listing: list[float | None] = field(default_factory=list)
    rebuilds: int = 0  # "Documentation built" lines in the server's log, first build included
    problems: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, timeout: float) -> str | None:
    """The page's HTML, or None while the server is not up or the page not there."""
    try:
        with urllib.request.urlopen(url, timeout=max(timeout, 0.1)) as response:
            return response.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        return None


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Ctrl-C for the whole process group first, so that MkDocs removes its temporary
    site; then SIGKILL for whatever is left of the group."""
    for sig, grace in ((signal.SIGINT, 30.0), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(grace)


@contextlib.contextmanager
def preview_server(
    root: Path, port: int, log: Path, tmp: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """`culture serve` in its own process group, stopped on the way out however it is
    left (an exception, Ctrl-C). Its temporary site goes to `tmp`, its output to `log`."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(tmp)}
    with log.open("wb") as output:
        server = subprocess.Popen(
            [CULTURE, "serve", "--address", f"127.0.0.1:{port}"],
            cwd=root,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            # A shell's background job inherits SIGINT ignored, and Python then keeps
            # ignoring it: restore it, or the server could not be stopped gracefully.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        try:
            yield server
        finally:
            _stop(server)


STORY_LINK = re.compile(r'href="([^"#?]+)"')


def _listed_stories(html: str, listing: str, base: str) -> list[str]:
    """The ids of the stories a listing page links to, in its order."""
    ids = []
    for href in STORY_LINK.findall(html):
        path = urllib.parse.urljoin(listing, href)
        if path.startswith(base + "stories/"):
            rest = path.removeprefix(base + "stories/").rstrip("/")
            if rest and "/" not in rest and rest != "page" and rest not in ids:
                ids.append(rest)
    return ids


def preview_latency(size: int, temp: Path, edits: int, timeout: float) -> PreviewRun:
    root = project_copy(size, temp / "project")
    (temp / "tmp").mkdir()
    log = temp / "serve.log"
    run = PreviewRun(stories=len(list((root / "stories" / "red").glob("*.md"))))
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    listing = base + "stories/"
    start_timeout = float(os.environ.get("PREVIEW_START_TIMEOUT", "1800"))
    started = time.perf_counter()
    with preview_server(root, port, log, temp / "tmp") as server:
        html = None
        while html is None:
            if server.poll() is not None:
                run.problems.append(f"`culture serve` exited ({server.returncode}) before serving")
                return run
            if time.perf_counter() - started > start_timeout:
                run.problems.append(f"first build not served within {start_timeout:.0f} s")
                return run
            time.sleep(0.1)
            html = _get(listing, 10)
        run.first_served = time.perf_counter() - started
        ids = _listed_stories(html, listing, base)
        if not ids:
            run.problems.append("no story linked from the first page of /stories/")
            return run
        time.sleep(1.0)  # let the file watcher settle before the first edit
        for number in range(edits):
            story = root / "stories" / "red" / f"{ids[number % len(ids)]}.md"
            page = f"{base}stories/{story.stem}/"
            title = f"预览测速{number}-{secrets.token_hex(4)}"
            retitle(story, title)
            written = time.perf_counter()
            seen: dict[str, float] = {}
            while len(seen) < 2 and server.poll() is None:
                left = timeout - (time.perf_counter() - written)
                if left <= 0:
                    break
                # A request waits while MkDocs rebuilds: at most one is ever outstanding.
                for name, url in (("page", page), ("listing", listing)):
                    if name not in seen and title in (_get(url, left) or ""):
                        seen[name] = time.perf_counter() - written
                time.sleep(0.025)
            run.page.append(seen.get("page"))
            run.listing.append(seen.get("listing"))
            if len(seen) < 2:
                missing = " and ".join(n for n in ("page", "listing") if n not in seen)
                run.problems.append(f"edit {number + 1} ({story.stem}): {missing} not updated")
            if server.poll() is not None:
                run.problems.append(f"`culture serve` exited ({server.returncode})")
                break
            time.sleep(1.0)  # a rebuild the edit set off after the one we saw ends first
            _get(base, timeout)
    output = log.read_text(encoding="utf-8", errors="replace")
    shutil.copy(log, WORK / f"preview-{size or 'sample'}.log")  # kept to look into afterwards
    run.rebuilds = output.count("Documentation built")
    run.problems += sorted(
        {line.strip() for line in output.splitlines() if line.startswith(("ERROR", "Traceback"))}
    )
    return run


def _latency(values: list[float | None]) -> str:
    done = [v for v in values if v is not None]
    if not done:
        return "did not finish" if values else ""
    text = f"{statistics.median(done):.2f} / {max(done):.2f} s"
    if len(done) < len(values):
        text += f" ({len(values) - len(done)} did not finish)"
    return text


def bench_preview(sizes: list[int], times: int) -> list[str]:
    """Save a story in a running `culture serve`; how soon does the browser see it?"""
    edits = int(os.environ.get("PREVIEW_EDITS", "5"))
    timeout = float(os.environ.get("PREVIEW_TIMEOUT", "300"))
    rows = [
        "| stories | first build served | edits | story page shows the new title (median / max) "
        "| `/stories/` shows it (median / max) | each edit, story page | rebuilds logged |",
        "|---:|---:|---:|---:|---:|---|---:|",
    ]
    problems: list[str] = []
    WORK.mkdir(parents=True, exist_ok=True)
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix=f"preview-{size}-", dir=WORK) as temp:
            run = preview_latency(size, Path(temp), edits, timeout)
        each = ", ".join("—" if v is None else f"{v:.2f}" for v in run.page)
        served = f"{run.first_served:.1f} s" if run.first_served is not None else "never"
        rows.append(
            f"| {size_label(size) if size == SAMPLE else f'{run.stories:,}'} | {served} "
            f"| {len(run.page)} | {_latency(run.page)} | {_latency(run.listing)} | {each} "
            f"| {run.rebuilds} |"
        )
        print(rows[-1], flush=True)
        problems += [f"- {size_label(size)}: {p}" for p in run.problems]
    return [
        *rows,
        "",
        *(problems or ["No edit was missed; the server logged no error."]),
        "",
        "A real `culture serve` (MkDocs' live-reload server) on a copy of the project. Each",
        "edit gives one story (linked from the first page of `/stories/`) a new title and",
        "writes the file in place; the time runs from the write until an HTTP GET of",
        "`/stories/<id>/`, and of `/stories/`, returns HTML with the new title, polled every",
        f"25 ms (a request waits while MkDocs rebuilds). {edits} edits, each after the last",
        f"one's rebuild ended; {timeout:.0f} s without the title counts as did not finish.",
        "Rebuilds logged: MkDocs' “Documentation built” lines, the first build included;",
        "the server's output is kept in `benchmarks/work/preview-<size>.log`.",
    ]


@dataclass(frozen=True)
class Benchmark:
    title: str
    run: Callable[[list[int], int], list[str]]
    sizes: tuple[int, ...] = (1000, 10000)  # unless --sizes says otherwise
    sample: bool = False  # can run on this repository's own stories (SAMPLE)


BENCHMARKS: dict[str, Benchmark] = {
    "booklet": Benchmark("Booklet: typesetting a 200-page collection", bench_booklet),
    "panels": Benchmark("Panels: `culture panels` for a 60-panel hall", bench_panels),
    "search": Benchmark("Search: Pagefind (bigrams) + entity index, beside lunr", bench_search),
    "check": Benchmark("`culture check`: load, validate and check the whole corpus", bench_check),
    "site": Benchmark("Site build: `culture build` beside stock Material and Hugo", bench_site),
    "build": Benchmark(
        "Build: `culture build` cold and warm beside Hugo + Pagefind", bench_build, (10000,)
    ),
    "scale": Benchmark(
        "Scale: cold `culture build` by corpus size", bench_scale, (1000, 10000, 30000)
    ),
    "preview": Benchmark(
        "Preview: from saving a story to seeing it in `culture serve`",
        bench_preview,
        (SAMPLE, 1000, 10000),
        sample=True,
    ),
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


def record(name: str, title: str, rows: list[str], results: Path = RESULTS) -> None:
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
        results.read_text(encoding="utf-8")
        if results.exists()
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
    results.write_text(text, encoding="utf-8")


def size_arg(text: str) -> int:
    return SAMPLE if text == "sample" else int(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=size_arg,
        nargs="+",
        help="numbers of stories, or `sample` (default: each benchmark's own)",
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=sorted(BENCHMARKS), nargs="+", action="extend")
    parser.add_argument(
        "--results", type=Path, default=RESULTS, help="the file to record in (a trial run's own)"
    )
    args = parser.parse_args()
    # Stopped by `kill` as by Ctrl-C: unwind, so that a preview server is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    for name in args.only or list(BENCHMARKS):
        bench = BENCHMARKS[name]
        sizes = list(args.sizes or bench.sizes)
        if SAMPLE in sizes and not bench.sample:
            print(f"   {name}: no `sample` size, only synthetic corpora", flush=True)
            sizes = [size for size in sizes if size != SAMPLE]
        if not sizes:
            continue
        print(f"== {bench.title}", flush=True)
        started = time.perf_counter()
        rows = bench.run(sizes, args.repeat)
        record(name, bench.title, rows, args.results)
        print(f"   done in {time.perf_counter() - started:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
