"""The search index made beside the build: a forked child writes the records of the
corpus the build has loaded and runs Pagefind, while MkDocs renders the pages.

The child is a fork, so it has the very corpus (and site index) the parent has, with no
re-read of `stories/`, no serialisation and no command line: what is indexed is what the
build shows. Measured on the 10k benchmark corpus (10,275 records): the fork holds the
parent up 7–13 ms, and the child's own memory (pages copied from the parent and what it
allocates) peaks at 109 MB while it writes the records. A pickled snapshot for a spawned
child instead holds the parent up 1.6 s (50 MB of pickle) and costs the child 1.5 s and
341 MB before its first record; re-loading `stories/`, as before, took 3.6–5.5 s.

How the plugin uses it:

    indexer = BackgroundIndexer(site_index, work_dir, cache_dir=root / ".cache/search")
    ...                                   # MkDocs renders the pages meanwhile
    parts = indexer.finish(site)          # a build: wait, install, clean up

or, in the preview, where the page should reload before the index is made:

    install_last(cache_dir, site_index.audience, site)   # at once: the last index
    indexer = BackgroundIndexer(site_index, work_dir, cache_dir=cache_dir)
    future = indexer.finish_later(site)   # returns at once; a thread installs it
    ...
    indexer.close()                       # a newer build started: stop this one

- `BackgroundIndexer(index, work_dir, *, cache_dir=None)` forks the child at once.
  With `cache_dir` the index is made from what the last build indexed (incremental.py:
  only changed records are indexed, as a delta, in seconds); without it, from scratch.
- `finish(site) -> int` waits for the child, installs the index into `site` and returns
  the number of parts; a failure raises `SearchIndexError` (its message is Chinese).
- `finish_later(site) -> concurrent.futures.Future[int]` returns at once; a thread waits
  and installs, and the future holds the parts or the `SearchIndexError`. It is
  cancelled if `close()` comes first. Call either `finish` or `finish_later`, once.
- `close()` stops the child and its Pagefind if they still run, waits for an install
  under way to end (none starts after), and removes the work folders. Thread-safe.
- `install_last(cache_dir, audience, site) -> int` installs the cached index of the
  last build (hard links, a fraction of a second at 10k); call it before the next
  indexer on that cache is made, since that one replaces what is cached.

Installing is atomic for readers: every part is staged beside its place and renamed in,
and `search/parts.json`, which the browser reads first, is removed before and written
after (pagefind.install). Records refused for their URL are logged as warnings.
Everything the child writes stays in `work_dir`, a sibling `<work_dir>-out` and the
cache; in `site` only `pagefind*/` and the parts file are written. Nothing is printed by
the child: a failure comes back as a message.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import shutil
import signal
import sys
import threading
import weakref
from concurrent.futures import Future
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from build_tools.content.audience import Audience
from build_tools.site.relations import SiteIndex
from build_tools.site.search import pagefind
from build_tools.site.search.incremental import Built, IndexCache, build_all
from build_tools.site.search.pagefind import SearchIndexError

# A child of the plugin's logger: MkDocs shows these lines and counts the warnings
# (a refused record fails `mkdocs build --strict`).
log = logging.getLogger("mkdocs.plugins.culture.search")

_STOP_GRACE = 5.0  # seconds the child has to stop Pagefind before it is killed
_HOW = {
    "full": "重新建立",
    "fold": "全部重新索引（存入缓存，供下次增量更新）",
    "delta": "增量更新",
    "unchanged": "沿用上次的索引",
}


def build_index(
    index: SiteIndex,
    work_dir: Path,
    output: Path,
    part_words: int,
    cache: IndexCache | None = None,
) -> Built:
    """Index `index`: from what `cache` holds, or from scratch through `work_dir` into
    `output` (what the child does; callable in-process too)."""
    if cache is not None:
        return cache.update(index, work_dir, part_words)
    return build_all(index, work_dir, output, part_words)


def install_last(cache_dir: Path, audience: Audience, site: Path) -> int:
    """Install into `site` the index the last build cached for `audience`; the number
    of parts, 0 when nothing is cached (or another build holds the cache)."""
    cache = IndexCache.open(cache_dir, audience)
    if cache is None:
        return 0
    try:
        built = cache.last()
        if built is None:
            return 0
        pagefind.install(built.bundles, site, built.superseded, keep=True)
        return len(built.bundles)
    finally:
        cache.close()


class BackgroundIndexer:
    """Indexes `index` in a forked child, started before MkDocs renders the pages so
    that it works on the second core meanwhile (module doc: how to use it)."""

    def __init__(self, index: SiteIndex, work_dir: Path, *, cache_dir: Path | None = None) -> None:
        self.work_dir = work_dir
        self.output = work_dir.with_name(work_dir.name + "-out")
        self.refused: list[str] = []
        self.built: Built | None = None  # what was installed
        for folder in (work_dir, self.output):
            shutil.rmtree(folder, ignore_errors=True)
        # Locked here, so that the child and the install share the lock (a fork keeps it).
        cache = IndexCache.open(cache_dir, index.audience) if cache_dir is not None else None
        if cache_dir is not None and cache is None:
            log.info("搜索索引：另一次构建正在使用缓存，这次从头建立")
        context = multiprocessing.get_context("fork")
        self._results, child_end = context.Pipe(duplex=False)
        # Read at start, not at import, so a test may change it.
        part_words = pagefind.PART_WORDS
        self._process = context.Process(
            target=_child,
            args=(child_end, index, work_dir, self.output, part_words, cache),
            name="culture-search-indexer",
            daemon=True,
        )
        # What the parent has buffered would otherwise be written a second time when the
        # child flushes its copy of the buffers on exit.
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
        self._process.start()
        child_end.close()  # so that a child that dies leaves the pipe at EOF, not open
        self._lock = threading.Lock()  # held while installing
        self._closed = False
        self._waiter: threading.Thread | None = None
        # Also on exit, an error or Ctrl-C: the child and its Pagefind go, the folders too.
        self._stop = weakref.finalize(
            self, _stop, self._process, self._results, [work_dir, self.output], cache
        )

    @property
    def pid(self) -> int | None:
        """The child's process id (the preview lowers its priority: the editor's next
        save comes first)."""
        return self._process.pid

    def finish(self, site: Path) -> int:
        """Wait for the index; put its parts into `site` and return their number."""
        try:
            built = self._receive()
            with self._lock:
                return self._install(built, site)
        finally:
            self.close()

    def finish_later(self, site: Path) -> Future[int]:
        """Return at once; a thread waits for the index and installs it (module doc)."""
        future: Future[int] = Future()

        def wait() -> None:
            parts, failure, cancelled = 0, None, False
            try:
                built = self._receive()
                with self._lock:
                    cancelled = self._closed
                    if not cancelled:
                        parts = self._install(built, site)
            except BaseException as exc:
                failure, cancelled = exc, self._closed
            finally:
                self.close()  # done before the future is: nothing left when it says so
            if cancelled:
                future.cancel()
            elif failure is not None:
                future.set_exception(failure)
            else:
                future.set_result(parts)

        self._waiter = threading.Thread(target=wait, name="culture-search-install", daemon=True)
        self._waiter.start()
        return future

    def close(self) -> None:
        """Stop the child (and Pagefind) if it still runs; remove the work folders."""
        with self._lock:  # an install under way ends first; none starts after
            self._closed = True
        waiter = self._waiter
        if waiter is not None and waiter is not threading.current_thread():
            # Stopped, the child closes the pipe, and the waiting thread ends.
            if self._process.exitcode is None:
                self._process.terminate()
            waiter.join(_STOP_GRACE)
            if waiter.is_alive():
                self._process.kill()
                waiter.join()
        self._stop()

    def _receive(self) -> Built:
        try:
            outcome, value = self._results.recv()
        except (EOFError, OSError):
            self._process.join()
            raise SearchIndexError(_died(self._process.exitcode)) from None
        self._process.join()
        if outcome != "done":
            raise SearchIndexError(value)
        assert isinstance(value, Built)
        return value

    def _install(self, built: Built, site: Path) -> int:
        self.built, self.refused = built, built.refused
        for message in built.refused:
            log.warning(message)
        pagefind.install(built.bundles, site, built.superseded, keep=built.kept)
        note = f"，其中 {built.indexed} 条这次重新索引" if built.how == "delta" else ""
        log.info(f"搜索索引：{_HOW[built.how]}，{built.records} 条记录{note}")
        return len(built.bundles)


def _child(
    results: Connection,
    index: SiteIndex,
    work_dir: Path,
    output: Path,
    part_words: int,
    cache: IndexCache | None,
) -> None:
    # Its own process group, so that stopping the child stops the Pagefind it runs (and
    # Ctrl-C reaches only the parent, which then stops it). The group first, the handler
    # second, or a TERM in between would reach the parent's group.
    os.setpgid(0, 0)
    signal.signal(signal.SIGTERM, lambda *_: os.killpg(os.getpgrp(), signal.SIGKILL))
    # The parent's objects are never garbage here: a collection would walk them all (and
    # copy their pages), measured 8.8 → 4.0 s for the 10k records.
    gc.freeze()
    try:
        built = build_index(index, work_dir, output, part_words, cache)
        outcome: tuple[str, object] = ("done", built)
    except SearchIndexError as exc:
        outcome = ("failed", str(exc))
    except BaseException as exc:  # a message for the parent, never a traceback here
        outcome = ("failed", f"建立搜索索引失败（{type(exc).__name__}：{exc}）")
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)  # emptied part by part already
    try:
        results.send(outcome)
    except OSError:
        pass  # the parent has gone: nobody to tell
    finally:
        results.close()


def _died(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        hint = "，可能是内存不足" if -exitcode == signal.SIGKILL else ""
        return f"建立搜索索引的进程意外终止（信号 {name}{hint}）"
    return f"建立搜索索引的进程意外退出（退出码 {exitcode}）"


def _terminate(process: BaseProcess) -> None:
    if process.pid is not None and process.exitcode is None:
        process.terminate()  # the child's handler takes its Pagefind down with it
        process.join(_STOP_GRACE)
        if process.exitcode is None:
            process.kill()
            process.join()


def _stop(
    process: BaseProcess, results: Connection, folders: list[Path], cache: IndexCache | None
) -> None:
    _terminate(process)
    results.close()
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
    if cache is not None:
        cache.close()
