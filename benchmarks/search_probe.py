"""Search as a reader meets it, measured in a real browser on a built site.

- `reader_queries` picks queries from the corpus itself: craftsman names (their profile
  must come first) and phrases from story bodies that occur in one published story only
  (that story must come first);
- `CountingServer` serves the site and counts the bytes of every response it sends,
  including those the browser's own network log shows as 0 (a worker's script); with
  `gzip=True` it compresses text (scripts, JSON, HTML, CSS) as an intranet web server
  with gzip on would; Pagefind's index files are gzip already and go out as they are;
- `measure` types the queries into the header box and reads what came back.
"""

from __future__ import annotations

import functools
import gzip as gzip_module
import http.server
import random
import re
import shutil
import statistics
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")


@dataclass(frozen=True)
class Query:
    text: str
    expect: str  # site-relative URL that must come first
    kind: str  # "name" or "phrase"


def reader_queries(root: Path, names: int, phrases: int, seed: int = 1) -> list[Query]:
    from build_tools.config import load_project
    from build_tools.content.audience import Audience
    from build_tools.content.load import load_corpus
    from build_tools.content.markdown import plain_text
    from build_tools.site import urls
    from build_tools.site.relations import SiteIndex
    from build_tools.site.search.records import records

    project = load_project(root)[0]
    corpus = load_corpus(project.root, project.content_dir).corpus
    index = SiteIndex.build(corpus, Audience.PRODUCTION)
    rng = random.Random(seed)
    by_name: dict[str, list[str]] = {}
    for person in index.craftsmen:
        by_name.setdefault(person.name, []).append(urls.craftsman(person))
    unique = sorted(name for name, found in by_name.items() if len(found) == 1)
    queries = [Query(n, by_name[n][0], "name") for n in rng.sample(unique, min(names, len(unique)))]

    everything = "\n".join("\n".join(r.text) for r in records(index))
    stories = list(index.stories)
    tries = 0
    while sum(q.kind == "phrase" for q in queries) < phrases and tries < 300 * phrases:
        tries += 1
        story = rng.choice(stories)
        runs = [r for r in CJK_RUN.findall(plain_text(story.body.markdown)) if len(r) >= 6]
        if not runs:
            continue
        run = rng.choice(runs)
        length = rng.randint(6, min(12, len(run)))
        start = rng.randint(0, len(run) - length)
        phrase = run[start : start + length]
        first = everything.find(phrase)  # a phrase found twice is soon known not to be unique
        if everything.find(phrase, first + 1) < 0:
            queries.append(Query(phrase, urls.story(story), "phrase"))
    return queries


@dataclass
class CountingServer:
    root: Path
    gzip: bool = False
    sent: list[tuple[str, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        server = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def send_head(self):  # type: ignore[no-untyped-def]
                path = self.translate_path(self.path)
                if server.gzip and Path(path).is_file():
                    kind = self.guess_type(path)
                    if kind.startswith(COMPRESSED_TYPES) and "gzip" in self.headers.get(
                        "Accept-Encoding", ""
                    ):
                        body = gzip_module.compress(Path(path).read_bytes(), 6)
                        self.send_response(200)
                        self.send_header("Content-Type", kind)
                        self.send_header("Content-Encoding", "gzip")
                        self.send_header("Content-Length", str(len(body)))
                        self.end_headers()
                        server.sent.append((self.path, len(body)))
                        self.wfile.write(body)
                        return None
                return super().send_head()

            def copyfile(self, source, outputfile):  # type: ignore[no-untyped-def]
                data = source.read()
                server.sent.append((self.path, len(data)))
                outputfile.write(data)

        handler = functools.partial(Handler, directory=str(self.root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@dataclass
class Figures:
    first_kb: list[float]  # a first query in a fresh browser (nothing cached)
    later_kb: list[float]  # each further query in the same tab
    later_ms: list[float]  # keystroke → results for those
    cached_ms: list[float]  # the same query again: index chunks already there
    rank: dict[Query, int | None]  # where the expected page came (None: not shown)

    def p_at_1(self, kind: str) -> float:
        ranks = [r for q, r in self.rank.items() if q.kind == kind]
        return sum(r == 1 for r in ranks) / len(ranks) if ranks else 0.0

    def in_top5(self, kind: str) -> float:
        ranks = [r for q, r in self.rank.items() if q.kind == kind]
        return sum(r is not None and r <= 5 for r in ranks) / len(ranks) if ranks else 0.0


def _type(page, query: str) -> tuple[float, list[str]]:
    box = page.locator("[data-culture-search] input")
    box.fill("")
    started = page.evaluate("performance.now()")
    box.fill(query)
    page.wait_for_selector(f"[data-culture-search][data-query='{query}']", timeout=120_000)
    elapsed = page.evaluate("performance.now()") - started
    hrefs = page.locator(
        "#culture-search-results li.culture-result:not(.culture-result--all) a"
    ).evaluate_all("els => els.map(e => e.getAttribute('href'))")
    return elapsed, hrefs


def measure(site: Path, queries: list[Query], *, gzip: bool, cold: int = 5) -> Figures:
    from playwright.sync_api import sync_playwright

    from tests.sitetools import CHROMIUM, CHROMIUM_ARGS

    server = CountingServer(site, gzip=gzip)
    figures = Figures([], [], [], [], {})

    def settled(page) -> int:
        page.wait_for_load_state("networkidle")
        time.sleep(0.2)
        return len(server.sent)

    def path(href: str) -> str:
        return href.split("//", 1)[-1].split("/", 1)[-1] if "//" in href else href

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for query in [q for q in queries if q.kind == "name"][:cold]:
                context = browser.new_context()
                page = context.new_page()
                page.goto(server.base)
                before = settled(page)
                _type(page, query.text)
                after = settled(page)
                figures.first_kb.append(sum(n for _, n in server.sent[before:after]) / 1000)
                context.close()
            context = browser.new_context()
            page = context.new_page()
            page.goto(server.base)
            for query in queries:
                before = settled(page)
                elapsed, hrefs = _type(page, query.text)
                after = settled(page)
                figures.later_kb.append(sum(n for _, n in server.sent[before:after]) / 1000)
                figures.later_ms.append(elapsed)
                found = [path(h) for h in hrefs]
                figures.rank[query] = (
                    found.index(query.expect) + 1 if query.expect in found else None
                )
            for query in queries[:cold]:
                elapsed, _ = _type(page, query.text)
                figures.cached_ms.append(elapsed)
            browser.close()
    finally:
        server.close()
    return figures


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} / {max(values):.0f}" if values else "–"


# -- the indexer alone, cold and warm, and the index in the browser -------------------------
#
#   python benchmarks/search_probe.py index PROJECT OUT [--part-words N] [--changed 1 30]
#   python benchmarks/search_probe.py browser PROJECT BASE_SITE OUT/site-*
#
# `index` loads the corpus once and runs the background indexer as a build would, with
# a cache in OUT: cold (empty cache, a fold), warm with nothing changed, then warm after
# N story bodies changed (each N on top of the last, as edits accumulate); it prints the
# indexer's own timings and the peak memory of its processes, and keeps each site's index
# in OUT/site-<step>. `browser` serves each of those indexes with the pages, assets and
# entity index of BASE_SITE (a site `culture build` made of PROJECT) and measures the
# first query and the quality as `make bench` does.


def _tree_rss_kb(pid: int) -> tuple[int, int]:
    """(all processes, the largest) of `pid` and its descendants, in KB."""
    from run import _descendants, _rss_kb  # benchmarks/ is on the path (script or run.py)

    sizes = [size for p in _descendants(pid) if (size := _rss_kb(p))]
    return sum(sizes), max(sizes, default=0)


@dataclass
class IndexRun:
    step: str
    how: str
    indexed: int
    seconds: float  # the indexer started → installed in the site
    install: float  # of which the install into the site (in the parent)
    laps: dict[str, float]
    peak_total_mb: float  # the child and its Pagefind together
    peak_largest_mb: float
    parts: int
    superseded: int


def index_runs(root: Path, out: Path, changed: list[int]) -> list[IndexRun]:
    from build_tools import pipeline
    from build_tools.content.audience import Audience
    from build_tools.content.model import Body
    from build_tools.site.relations import SiteIndex
    from build_tools.site.search import BackgroundIndexer, pagefind

    corpus = pipeline.load(root).corpus
    index = SiteIndex.build(corpus, Audience.PRODUCTION)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    runs: list[IndexRun] = []

    def run(step: str) -> None:
        started = time.perf_counter()
        indexer = BackgroundIndexer(index, out / "work", cache_dir=out / "cache")
        pid = indexer._process.pid
        assert pid is not None
        peak = [0, 0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                total, largest = _tree_rss_kb(pid)
                peak[0], peak[1] = max(peak[0], total), max(peak[1], largest)
                time.sleep(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        built = indexer._receive()
        done.set()
        installing = time.perf_counter()
        site = out / f"site-{step}"
        pagefind.install(built.bundles, site, built.superseded, keep=built.kept)
        finished = time.perf_counter()
        indexer.close()
        runs.append(
            IndexRun(
                step,
                built.how,
                built.indexed,
                finished - started,
                finished - installing,
                built.seconds,
                peak[0] / 1024,
                peak[1] / 1024,
                len(built.bundles),
                len(built.superseded),
            )
        )
        print(runs[-1], flush=True)

    run("cold")
    run("warm")
    stories = list(index.stories)
    edited = 0
    for count in changed:
        for story in stories[edited:count]:
            body = story.body.markdown + "\n\n这一段是后来补写的。\n"
            story.attach(story.id, story.origin, Body(body, story.body.line))
        edited = max(edited, count)
        run(str(count))
    return runs


def browse(root: Path, base_site: Path, sites: list[Path]) -> None:
    """First query (fresh browser, median/max of 5 names) and P@1 for each index."""
    queries = reader_queries(root, names=10, phrases=30)
    assets = Path(__file__).resolve().parent.parent / "build_tools" / "site" / "assets"
    for site in sites:
        served = site.with_name(site.name + "-served")
        shutil.rmtree(served, ignore_errors=True)
        served.mkdir()
        shutil.copy(base_site / "index.html", served / "index.html")
        shutil.copytree(base_site / "assets", served / "assets")
        for asset in assets.glob("search*.js"):  # this code's, not the base build's
            shutil.copy(asset, served / "assets" / "culture" / asset.name)
        shutil.copytree(
            base_site / "search", served / "search", ignore=shutil.ignore_patterns("parts.json")
        )
        for part in site.glob("pagefind*"):
            (served / part.name).symlink_to(part.resolve())
        shutil.copy(site / "search" / "parts.json", served / "search" / "parts.json")
        figures = measure(served, queries, gzip=False)
        print(
            f"{site.name}: first query {summary(figures.first_kb)} KB, later {summary(figures.later_kb)} KB, "
            f"P@1 names {figures.p_at_1('name'):.2f} phrases {figures.p_at_1('phrase'):.2f}, "
            f"top5 phrases {figures.in_top5('phrase'):.2f}",
            flush=True,
        )
        shutil.rmtree(served)


def main(argv: list[str] | None = None) -> None:
    import argparse
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    index = commands.add_parser("index")
    index.add_argument("project", type=Path)
    index.add_argument("out", type=Path)
    index.add_argument("--part-words", type=int)
    index.add_argument("--changed", type=int, nargs="*", default=[1, 30])
    browser = commands.add_parser("browser")
    browser.add_argument("project", type=Path)
    browser.add_argument("base_site", type=Path)
    browser.add_argument("sites", type=Path, nargs="+")
    args = parser.parse_args(argv)
    if args.command == "index":
        if args.part_words:
            from build_tools.site.search import pagefind

            pagefind.PART_WORDS = args.part_words
        index_runs(args.project, args.out, args.changed)
    else:
        browse(args.project, args.base_site, args.sites)


if __name__ == "__main__":
    main()
