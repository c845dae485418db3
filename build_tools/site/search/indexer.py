"""The search index made beside the build: a forked child writes the records of the
corpus the build has loaded and runs Pagefind, while MkDocs renders the pages.

The child is a fork, so it has the very corpus (and site index) the parent has, with no
re-read of `stories/`, no serialisation and no command line: what is indexed is what the
build shows. Measured on the 10k benchmark corpus (10,275 records): the fork holds the
parent up 7–13 ms, and the child's own memory (pages copied from the parent and what it
allocates) peaks at 109 MB while it writes the records. A pickled snapshot for a spawned
child instead holds the parent up 1.6 s (50 MB of pickle) and costs the child 1.5 s and
341 MB before its first record; re-loading `stories/`, as before, took 3.6–5.5 s.

A failure in the child comes back to `finish()` as a `SearchIndexError` whose message
says what went wrong, in Chinese; nothing is printed by the child.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import shutil
import signal
import sys
import weakref
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from build_tools.site.relations import SiteIndex
from build_tools.site.search import pagefind
from build_tools.site.search.pagefind import SearchIndexError
from build_tools.site.search.records import Written, records, write_records

# A child of the plugin's logger: MkDocs shows these lines and counts the warnings
# (a refused record fails `mkdocs build --strict`).
log = logging.getLogger("mkdocs.plugins.culture.search")

_STOP_GRACE = 5.0  # seconds the child has to stop Pagefind before it is killed


def build_index(index: SiteIndex, work_dir: Path, output: Path, part_words: int) -> Written:
    """Write the records of `index` into `work_dir` and index them into `output`
    (what the child does; callable in-process too)."""
    written = write_records(records(index), work_dir, part_words)
    pagefind.index_parts(work_dir, output, written.parts)
    return written


class BackgroundIndexer:
    """Indexes `index` in a forked child, started before MkDocs renders the pages so
    that it works on the second core meanwhile. `finish(site)` waits for it and moves
    the index into the site; `close()` stops it and removes its folders.

    Everything the child writes stays in `work_dir` and a sibling `<work_dir>-out`;
    `finish` writes only `pagefind*/` and the parts file in the site."""

    def __init__(self, index: SiteIndex, work_dir: Path) -> None:
        self.work_dir = work_dir
        self.output = work_dir.with_name(work_dir.name + "-out")
        self.refused: list[str] = []
        for folder in (work_dir, self.output):
            shutil.rmtree(folder, ignore_errors=True)
        context = multiprocessing.get_context("fork")
        self._results, child_end = context.Pipe(duplex=False)
        # Read at start, not at import, so a test may change it.
        part_words = pagefind.PART_WORDS
        self._process = context.Process(
            target=_child,
            args=(child_end, index, work_dir, self.output, part_words),
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
        # Also on exit, an error or Ctrl-C: the child and its Pagefind go, the folders too.
        self._stop = weakref.finalize(
            self, _stop, self._process, self._results, [work_dir, self.output]
        )

    def finish(self, site: Path) -> int:
        """Wait for the index; put its parts into `site` and return their number.
        Records refused for their URL are reported as warnings."""
        try:
            try:
                outcome, value = self._results.recv()
            except EOFError:
                self._process.join()
                raise SearchIndexError(_died(self._process.exitcode)) from None
            self._process.join()
            if outcome != "done":
                raise SearchIndexError(value)
            assert isinstance(value, Written)
            self.refused = value.refused
            for message in value.refused:
                log.warning(message)
            pagefind.install(self.output, site, value.parts)
            return value.parts
        finally:
            self.close()

    def close(self) -> None:
        """Stop the child (and Pagefind) if it still runs; remove the work folders."""
        self._stop()


def _child(
    results: Connection, index: SiteIndex, work_dir: Path, output: Path, part_words: int
) -> None:
    # Its own process group, so that stopping the child stops the Pagefind it runs (and
    # Ctrl-C reaches only the parent, which then stops it). The group first, the handler
    # second, or a TERM in between would reach the parent's group.
    os.setpgid(0, 0)
    signal.signal(signal.SIGTERM, lambda *_: os.killpg(os.getpgrp(), signal.SIGKILL))
    try:
        outcome: tuple[str, object] = ("done", build_index(index, work_dir, output, part_words))
    except SearchIndexError as exc:
        outcome = ("failed", str(exc))
    except BaseException as exc:  # a message for the parent, never a traceback here
        outcome = ("failed", f"建立搜索索引失败（{type(exc).__name__}：{exc}）")
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


def _stop(process: BaseProcess, results: Connection, folders: list[Path]) -> None:
    if process.pid is not None and process.exitcode is None:
        process.terminate()  # the child's handler takes its Pagefind down with it
        process.join(_STOP_GRACE)
        if process.exitcode is None:
            process.kill()
            process.join()
    results.close()
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
