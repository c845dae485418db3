"""Every collection's booklet for the site, typeset while MkDocs renders the pages.

The plan is made in the build's own process from the corpus it loaded and checked:
which collections the audience sees, and for each the Typst source or the reason it
cannot be printed (an item not published, a glyph the font lacks…). The job then
compiles those sources in a process of its own: it is handed the sources, made from the
corpus, and reads nothing from `stories/` but the images they name. It is spawned, not
forked: Typst keeps a thread pool, which a forked child of a process that has typeset
before would inherit dead (measured: the child hung). One booklet failing never fails
the site; the build reports it as W-BOOKLET-SKIPPED.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import re
import shutil
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from build_tools.content.audience import Audience
from build_tools.content.corpus import Corpus
from build_tools.content.model import Collection
from build_tools.diagnostics import Diagnostic, Location, Severity, diagnostic
from build_tools.print.booklet import BookletOptions, typeset, typst_source
from build_tools.site import output

# Readers download booklets in reading order; printer spreads come from `culture booklet`.
SITE_OPTIONS = BookletOptions(imposition="none")
# Seconds the build waits for its booklets (a 200-page booklet takes about one).
TIMEOUT = 900.0


@dataclass(frozen=True, slots=True)
class BookletPlan:
    collection: Collection
    source: str | None  # Typst source; None when it cannot be printed
    reason: str | None  # why not, for people
    where: Location

    @property
    def file(self) -> str:
        """The PDF's path in the site."""
        return f"collections/{self.collection.id}.pdf"


@dataclass(frozen=True, slots=True)
class PrintJob:
    """What typesetting one booklet needs, and nothing more (it crosses processes)."""

    collection_id: str
    title: str
    source: str
    file: str  # in the site


def plan(corpus: Corpus, audience: Audience) -> list[BookletPlan]:
    """A plan for each collection that this audience sees (drafts never print)."""
    plans = []
    for collection in corpus.collections.values():
        if not audience.shows(collection):
            continue
        source, problems = typst_source(corpus, collection, SITE_OPTIONS)
        errors = [d for d in problems if d.severity is Severity.ERROR]
        if errors:
            plans.append(BookletPlan(collection, None, errors[0].message, errors[0].location))
        else:
            plans.append(BookletPlan(collection, source, None, collection.origin.at()))
    return plans


def skipped(plan: BookletPlan, reason: str | None = None) -> Diagnostic:
    message = (
        f"故事集“{plan.collection.title}”这次没有生成小册子：{reason or plan.reason}；"
        "故事集页面上不提供下载"
    )
    return diagnostic("W-BOOKLET-SKIPPED", plan.where, message)


def jobs(plans: list[BookletPlan]) -> list[PrintJob]:
    return [
        PrintJob(p.collection.id, p.collection.title, p.source, p.file)
        for p in plans
        if p.source is not None
    ]


def _fingerprint(source: str, root: Path) -> str:
    digest = hashlib.sha256(source.encode("utf-8"))
    for path in sorted(set(re.findall(r'#(?:picture|image)\("(/[^"]+)"', source))):
        stat = (root / path.lstrip("/")).stat()
        digest.update(f"{path}{stat.st_size}{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:20]


def make_all(
    root: Path, todo: list[PrintJob], site_dir: Path, cache_dir: Path
) -> dict[str, str | None]:
    """Compile each job (from the cache when its source is unchanged) and copy the PDF
    into the site; collection id → None when made, else the reason."""
    outcome: dict[str, str | None] = {}
    cache_dir.mkdir(parents=True, exist_ok=True)
    for job in todo:
        try:
            target = output.target(site_dir, job.file)
            cached = cache_dir / f"{job.collection_id}-{_fingerprint(job.source, root)}.pdf"
            if not cached.is_file():
                imposition = SITE_OPTIONS.imposition or "none"
                typeset(job.source, cached, root=root, title=job.title, imposition=imposition)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cached, target)
            outcome[job.collection_id] = None
        except Exception as exc:  # one booklet failing never fails the site
            outcome[job.collection_id] = f"排版失败（{type(exc).__name__}: {str(exc)[:200]}）"
    return outcome


def _child(send: Connection, root: Path, todo: list[PrintJob], site: Path, cache: Path) -> None:
    try:
        send.send(make_all(root, todo, site, cache))
    except BaseException as exc:
        send.send({job.collection_id: f"排版进程出错（{exc}）" for job in todo})
    finally:
        send.close()


class BookletJob:
    """`make_all` in a process of its own, working on the second core while MkDocs
    renders."""

    def __init__(
        self, corpus: Corpus, plans: list[BookletPlan], site_dir: Path, cache_dir: Path
    ) -> None:
        self.plans = [p for p in plans if p.source is not None]
        todo = jobs(self.plans)
        context = multiprocessing.get_context("spawn")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_child,
            args=(send, corpus.root, todo, site_dir, cache_dir),
            name="culture-booklets",
            daemon=True,
        )
        self._process.start()
        send.close()
        self._outcome: dict[str, str | None] | None = None

    def finish(self, timeout: float = TIMEOUT) -> dict[str, str | None]:
        """Wait for the job: collection id → None when its PDF was made, else why not.
        A job that does not answer in `timeout` seconds is stopped: the site is not
        held up by its booklets."""
        if self._outcome is None:
            try:
                if not self._receive.poll(timeout):
                    raise TimeoutError
                self._outcome = self._receive.recv()
            except TimeoutError:
                self.close()
                why = f"排版超过 {timeout:.0f} 秒仍未完成，已停止"
                self._outcome = {p.collection.id: why for p in self.plans}
            except EOFError:
                self._outcome = {p.collection.id: "排版进程意外退出" for p in self.plans}
            self._process.join()
        return self._outcome

    def close(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
