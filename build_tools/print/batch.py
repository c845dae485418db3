"""Every collection's booklet for the site, typeset while MkDocs renders the pages.

The plan is made in the build's own process from the corpus it loaded and checked:
which collections the audience sees, and for each the Typst source or the reason it
cannot be printed (an item not published, a glyph the font lacks…). The job then
compiles the sources in a forked process — it inherits the corpus, nothing is read from
`stories/` again — and answers, per collection, whether its PDF was made. One booklet
failing never fails the site; the build reports it as W-BOOKLET-SKIPPED.
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


def _fingerprint(source: str, root: Path) -> str:
    digest = hashlib.sha256(source.encode("utf-8"))
    for path in sorted(set(re.findall(r'#(?:picture|image)\("(/[^"]+)"', source))):
        stat = (root / path.lstrip("/")).stat()
        digest.update(f"{path}{stat.st_size}{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:20]


def make_all(
    corpus: Corpus, plans: list[BookletPlan], site_dir: Path, cache_dir: Path
) -> dict[str, str | None]:
    """Compile each printable plan (from the cache when its source is unchanged) and
    copy the PDF into the site; collection id → None when made, else the reason."""
    outcome: dict[str, str | None] = {}
    cache_dir.mkdir(parents=True, exist_ok=True)
    for p in plans:
        if p.source is None:
            outcome[p.collection.id] = p.reason
            continue
        try:
            target = output.target(site_dir, p.file)
            cached = cache_dir / f"{p.collection.id}-{_fingerprint(p.source, corpus.root)}.pdf"
            if not cached.is_file():
                typeset(corpus, p.collection, p.source, cached, SITE_OPTIONS)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cached, target)
            outcome[p.collection.id] = None
        except Exception as exc:  # one booklet failing never fails the site
            outcome[p.collection.id] = f"排版失败（{type(exc).__name__}: {str(exc)[:200]}）"
    return outcome


def _child(
    send: Connection, corpus: Corpus, plans: list[BookletPlan], site: Path, cache: Path
) -> None:
    try:
        send.send(make_all(corpus, plans, site, cache))
    except BaseException as exc:
        send.send({p.collection.id: f"排版进程出错（{exc}）" for p in plans})
    finally:
        send.close()


class BookletJob:
    """`make_all` in a forked process: it inherits the loaded corpus and works on the
    second core while MkDocs renders."""

    def __init__(
        self, corpus: Corpus, plans: list[BookletPlan], site_dir: Path, cache_dir: Path
    ) -> None:
        self.plans = plans
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(
            target=_child, args=(send, corpus, plans, site_dir, cache_dir), daemon=True
        )
        self._process.start()
        send.close()
        self._outcome: dict[str, str | None] | None = None

    def finish(self) -> dict[str, str | None]:
        """Wait for the job: collection id → None when its PDF was made, else why not."""
        if self._outcome is None:
            try:
                self._outcome = self._receive.recv()
            except EOFError:
                self._outcome = {p.collection.id: "排版进程意外退出" for p in self.plans}
            self._process.join()
        return self._outcome

    def close(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
