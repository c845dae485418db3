"""Pagefind's CLI run on the record files, part by part, and the parts put into the site.

Pagefind's Python API would do the same work but answers one record per 100 ms (it polls
for replies), and its service mode, driven without that, cost more CPU than the CLI
(1,275 records: 8.1 s against 4.7 s). So the CLI (`pagefind[extended]`) runs on the
folders of record files. Pagefind holds a whole index in memory, so a site larger than
`PART_WORDS` is indexed in parts, one after the other, that the browser merges
(`pagefind.mergeIndex`).

The site gets `pagefind/`, `pagefind-1/`, … (one folder per part, the first with
Pagefind's script) and `search/parts.json`, which the browser reads first: how many parts,
and the pages of earlier parts that a later part supersedes (search/cache.py). That file
is the index's commit point: `install` removes it first and writes it last, whole, so a
reader sees the old index, none, or the new one, never parts of two.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import zlib
from collections.abc import Collection
from pathlib import Path

from mkdocs.exceptions import PluginError

from build_tools.site.search.records import page_url

PAGEFIND_DIR = "pagefind"
PARTS_FILE = "search/parts.json"
# The records are already split into bigrams: "und" (no language) keeps Pagefind from
# segmenting them again as Chinese or stemming them as English.
LANGUAGE = "und"
# Words (bigrams) per Pagefind run: what bounds the build's memory. Measured on the 10k
# benchmark (10,275 records, 9.7 million words): one part 3.1 GB (the whole build 3.7 GB),
# two parts 1.6 GB each (the build 2.3 GB), in the same time. But every part costs the
# browser its own metadata and one index chunk per query term (~40 KB each, whatever the
# part's size): a first query 277 / 285 KB with one part, 299 / 316 KB with two (median /
# max of 5), each later one 99 against 151 KB. Two parts: the 2.5 GB build is the harder
# limit (see benchmarks/RESULTS.md). Parts are filled one after the other, so the last
# is the small one.
PART_WORDS = 5_000_000
# Pagefind (jemalloc) keeps freed pages for reuse; returning them at once lowers its
# peak while it builds the index (measured on the 10k records: 3.9 → 3.1 GB).
_MALLOC_CONF = "dirty_decay_ms:0,muzzy_decay_ms:0"
_LOG_TAIL = 500  # characters of Pagefind's output quoted when it fails
# What only the first part needs: a merged part is read by the first one's script.
_PRIMARY_ONLY = ("pagefind.js", "wasm.")
_FRAGMENT_URL = re.compile(rb'^pagefind_dcd\{"url":"((?:[^"\\]|\\.)*)"')


class SearchIndexError(PluginError):
    """The search index could not be made; the message is for people, in Chinese.
    A PluginError, so MkDocs prints it as one line and no traceback."""


def executable() -> Path:
    from pagefind_bin_extended import get_executable

    return Path(get_executable())


def part_folder(i: int) -> str:
    """The site folder of part `i`: `pagefind`, `pagefind-1`, …"""
    return PAGEFIND_DIR if i == 0 else f"{PAGEFIND_DIR}-{i}"


def index_parts(work_dir: Path, output: Path, parts: int) -> None:
    """Run Pagefind on `work_dir/part-<i>` into `output/part-<i>`, one part at a time
    (two at once would hold two indexes in memory). Each part's records are removed
    as soon as Pagefind has indexed them."""
    env = {**os.environ, "_RJEM_MALLOC_CONF": _MALLOC_CONF}
    for i in range(parts):
        command = [
            str(executable()),
            "--site",
            str(work_dir / f"part-{i}"),
            "--output-path",
            str(output / f"part-{i}"),
            "--force-language",
            LANGUAGE,
            "--quiet",
        ]
        try:
            run = subprocess.run(
                command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
        except OSError as exc:
            raise SearchIndexError(f"无法启动 Pagefind 建立搜索索引：{exc}") from exc
        shutil.rmtree(work_dir / f"part-{i}", ignore_errors=True)
        if run.returncode != 0:
            log = run.stdout.strip()[-_LOG_TAIL:] or "（没有输出）"
            where = f"第 {i + 1}/{parts} 部分，" if parts > 1 else ""
            raise SearchIndexError(
                f"Pagefind 建立搜索索引失败（{where}退出码 {run.returncode}）：{log}"
            )
        drop_unused(output / f"part-{i}")


def drop_unused(bundle: Path) -> None:
    """Pagefind writes its own search UIs and worker beside the index; the site uses its
    own UI and worker. (A merged part's copy of the script is left out by `install`.)"""
    for pattern in ["pagefind-*ui*", "pagefind-highlight.js", "pagefind-worker.js"]:
        for path in bundle.glob(pattern):
            path.unlink()


def page_ids(bundle: Path) -> dict[str, str]:
    """Record URL → Pagefind's id for the page (what a search result's `id` is), read
    off the head of each fragment: its URL comes first, so 200 bytes are unpacked, not
    the page (10k fragments: 1.8 s whole)."""
    found: dict[str, str] = {}
    for path in (bundle / "fragment").glob("*.pf_fragment"):
        head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(path.read_bytes(), 200)
        match = _FRAGMENT_URL.match(head)
        if match is None:  # a URL longer than the head: unpack it all
            match = _FRAGMENT_URL.match(gzip.decompress(path.read_bytes()))
        assert match is not None, path
        found[page_url(json.loads(b'"' + match.group(1) + b'"'))] = path.stem
    return found


def install(
    bundles: list[Path], site: Path, superseded: Collection[str] = (), *, keep: bool = False
) -> None:
    """Put the parts `bundles` into the site (`pagefind/`, `pagefind-1/`, …) and write
    the parts file the browser reads first; only these names are written in `site`.

    `keep`: the bundles are the cache's (search/cache.py) and stay where they are; their
    files are hard-linked (copied across file systems). Otherwise they are moved. The
    fragments of `superseded` pages are left out: nobody is shown them, and a page
    taken off the site should not stay readable in its index."""
    parts_file = site / PARTS_FILE
    parts_file.parent.mkdir(parents=True, exist_ok=True)
    parts_file.unlink(missing_ok=True)  # no index, rather than parts of two
    unwanted = {f"{page}.pf_fragment" for page in superseded}
    for i, bundle in enumerate(bundles):
        staged = site / f".{part_folder(i)}-new"  # beside its place: a rename moves it in
        shutil.rmtree(staged, ignore_errors=True)
        try:
            _stage(bundle, staged, primary=i == 0, unwanted=unwanted, keep=keep)
            _replace(staged, site / part_folder(i))
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
    extra = len(bundles)
    while (site / part_folder(extra)).is_dir():  # parts an earlier index had more of
        shutil.rmtree(site / part_folder(extra))
        extra += 1
    staged_file = parts_file.with_name(f".{parts_file.name}.new")
    staged_file.write_text(
        json.dumps({"parts": len(bundles), "superseded": sorted(superseded)}), encoding="utf-8"
    )
    os.replace(staged_file, parts_file)


def _stage(bundle: Path, staged: Path, *, primary: bool, unwanted: set[str], keep: bool) -> None:
    def wanted(relative: Path) -> bool:
        if relative.name in unwanted:
            return False
        return primary or len(relative.parts) > 1 or not relative.name.startswith(_PRIMARY_ONLY)

    if not keep:
        shutil.move(bundle, staged)  # across file systems too (`culture build --out`)
        for path in list(staged.rglob("*") if unwanted else staged.iterdir()):
            if path.is_file() and not wanted(path.relative_to(staged)):
                path.unlink()
        return
    for folder, _, names in os.walk(bundle):
        relative = Path(folder).relative_to(bundle)
        (staged / relative).mkdir()  # as any folder of the site: readable by the web server
        for name in names:
            if wanted(relative / name):
                _link(Path(folder, name), staged / relative / name)


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or one without hard links
        shutil.copy2(source, target)


def _replace(staged: Path, target: Path) -> None:
    if target.exists():
        old = target.with_name(f".{target.name}-old")
        shutil.rmtree(old, ignore_errors=True)
        os.rename(target, old)
        os.rename(staged, target)
        shutil.rmtree(old)
    else:
        os.rename(staged, target)
