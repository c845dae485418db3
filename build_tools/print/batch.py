"""Every collection's booklet and every hall's files for the site, typeset while MkDocs
renders the pages.

The plan is made in the build's own process from the corpus it loaded and checked:
which collections the audience sees, and for each the Typst source or the reason it
cannot be printed (an item not published, a glyph the font lacks…). The job then
compiles those sources in a process of its own: it is handed the sources, made from the
corpus, and reads nothing from `stories/` but the images they name. It is spawned, not
forked: Typst keeps a thread pool, which a forked child of a process that has typeset
before would inherit dead (measured: the child hung). One booklet failing never fails
the site; the build reports it as W-BOOKLET-SKIPPED.

A hall's files (`urls.HALL_FILES`) are planned and made the same way, by the same job:
the panel proofs (`print/panels.py`) and the narration script (`print/narration.py`)
as Typst sources compiled by the job, the contractor's sheet (`print/inventory.py`)
written at once (it is a table, not typesetting). A file that cannot be made is
reported as W-HALL-FILE-SKIPPED and not linked; a build without a usable `site_url`
makes no panel proofs (their QR codes would point nowhere) and says so once.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import re
import shutil
from dataclasses import dataclass, replace
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Literal

from build_tools.config import Settings
from build_tools.content.audience import Audience
from build_tools.content.corpus import Corpus
from build_tools.content.model import Collection, Hall
from build_tools.content.tour import tour
from build_tools.diagnostics import Diagnostic, Location, Severity, diagnostic
from build_tools.print import inventory, narration, panels, qr
from build_tools.print.booklet import BookletOptions, typeset, typst_source
from build_tools.site import output, urls

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
class HallPlan:
    """One of a hall's files (`urls.HALL_FILES`): its Typst source, or why it cannot be
    made. The inventory is written when planned (`source` None, `reason` None)."""

    hall: Hall
    name: str  # panels.pdf, narration.pdf, inventory.csv
    source: str | None
    reason: str | None
    where: Location

    @property
    def file(self) -> str:
        """The file's path in the site."""
        return urls.hall_file(self.hall, self.name)

    @property
    def key(self) -> str:
        """The job's key: its file's path, which no booklet's collection id can be."""
        return self.file


@dataclass(frozen=True, slots=True)
class PrintJob:
    """What typesetting one booklet or hall file needs, and nothing more (it crosses
    processes). `collection_id` is the outcome's key: a collection's id, or a hall
    file's path in the site."""

    collection_id: str
    title: str
    source: str
    file: str  # in the site
    kind: Literal["booklet", "panels", "narration"] = "booklet"


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


def plan_halls(
    corpus: Corpus,
    audience: Audience,
    settings: Settings,
    base_url: str | None,
    site_dir: Path,
) -> tuple[list[HallPlan], list[Diagnostic]]:
    """Each hall's files for this audience (review panels too, watermarked, when it is
    not the readers' site), and what stops some of them. Halls without a panel this
    audience sees have no files. `base_url` is `qr.site_url`, None when there is none:
    then no panel proofs. The inventory is written into `site_dir` here."""
    proof = not audience.is_production
    shown = Audience.PRODUCTION if audience.is_production else Audience.PROOF
    plans: list[HallPlan] = []
    for hall in corpus.halls.values():
        found = tour(corpus, hall, shown, settings)
        if not found.stops:
            continue
        where = hall.origin.at()
        if base_url is not None:
            source, _, problems = panels.typst_source(
                corpus, hall, base_url=base_url, proof=proof, settings=settings
            )
            errors = [d for d in problems if d.severity is Severity.ERROR]
            if errors:
                plans.append(HallPlan(hall, "panels.pdf", None, errors[0].message, where))
            else:
                plans.append(HallPlan(hall, "panels.pdf", source, None, where))
        url_of = partial(qr.panel_url, base_url) if base_url is not None else None
        try:
            script = narration.narration_source(
                corpus, hall.id, settings=settings, proof=proof, url_of=url_of
            )
            plans.append(HallPlan(hall, "narration.pdf", script, None, where))
        except narration.NarrationError as exc:
            plans.append(HallPlan(hall, "narration.pdf", None, _first(exc.diagnostics), where))
        sheet = HallPlan(hall, "inventory.csv", None, None, where)
        try:
            inventory.write_inventory(
                found,
                output.target(site_dir, sheet.file),
                url_of=url_of or (lambda panel: ""),
                image_of=partial(inventory.image_file, corpus),
                proof=proof,
            )
        except (OSError, output.UnsafePath) as exc:
            sheet = replace(sheet, reason=f"写入失败（{exc}）")
        plans.append(sheet)
    notes: list[Diagnostic] = []
    if base_url is None and plans:
        notes.append(_no_site_url(plans[0].where, corpus.root))
    return plans, notes


def _first(problems: list[Diagnostic]) -> str:
    errors = [d for d in problems if d.severity is Severity.ERROR] or problems
    return errors[0].message if errors else "无法排印"


def _no_site_url(where: Location, root: Path) -> Diagnostic:
    try:
        qr.site_url(root)
        why = "没有可用的网站地址"
    except qr.QrError as exc:
        why = str(exc)
    message = f"这次没有生成展板校样（panels.pdf），展板上的二维码无处可指：{why}"
    return diagnostic("W-HALL-FILE-SKIPPED", where, message)


def hall_skipped(plan: HallPlan, reason: str | None = None) -> Diagnostic:
    label = _HALL_FILE_LABELS[plan.name]
    message = (
        f"展厅“{plan.hall.name}”这次没有生成{label}（{plan.name}）：{reason or plan.reason}；"
        "展厅页面上不提供下载"
    )
    return diagnostic("W-HALL-FILE-SKIPPED", plan.where, message)


_HALL_FILE_LABELS = {
    "panels.pdf": "展板校样",
    "narration.pdf": "讲解词",
    "inventory.csv": "展品清单",
}


def hall_jobs(plans: list[HallPlan]) -> list[PrintJob]:
    kinds: dict[str, Literal["panels", "narration"]] = {
        "panels.pdf": "panels",
        "narration.pdf": "narration",
    }
    titles = {"panels.pdf": "{} 展板", "narration.pdf": "{}讲解词"}
    return [
        PrintJob(p.key, titles[p.name].format(p.hall.name), p.source, p.file, kinds[p.name])
        for p in plans
        if p.source is not None
    ]


def jobs(plans: list[BookletPlan]) -> list[PrintJob]:
    return [
        PrintJob(p.collection.id, p.collection.title, p.source, p.file)
        for p in plans
        if p.source is not None
    ]


def _fingerprint(source: str, root: Path) -> str:
    """The source and every file it names (any string from the project root, as the
    templates write image paths: `#image("/…")`, `picture("/…", …)`)."""
    digest = hashlib.sha256(source.encode("utf-8"))
    for path in sorted(set(re.findall(r'"(/[^"\\\n]+)"', source))):
        try:
            stat = (root / path.lstrip("/")).stat()
        except (OSError, ValueError):
            continue  # not a file: a string like any other, already in the source
        digest.update(f"{path}{stat.st_size}{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:20]


def _cache_name(job: PrintJob) -> str:
    return job.collection_id.replace("/", "-").replace(".", "-")


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
            cached = cache_dir / f"{_cache_name(job)}-{_fingerprint(job.source, root)}.pdf"
            if not cached.is_file():
                _compile(job, cached, root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cached, target)
            outcome[job.collection_id] = None
        except Exception as exc:  # one booklet failing never fails the site
            outcome[job.collection_id] = f"排版失败（{type(exc).__name__}: {str(exc)[:200]}）"
    return outcome


def _compile(job: PrintJob, out: Path, root: Path) -> None:
    if job.kind == "panels":
        # the proofs' own finishing (BleedBox), as `make_panel_proofs` compiles them
        panels.typeset_panels(job.source, out, root=root, title=job.title)
    elif job.kind == "narration":
        typeset(job.source, out, root=root, title=job.title, imposition="none")
    else:
        imposition = SITE_OPTIONS.imposition or "none"
        typeset(job.source, out, root=root, title=job.title, imposition=imposition)


def _child(send: Connection, root: Path, todo: list[PrintJob], site: Path, cache: Path) -> None:
    try:
        send.send(make_all(root, todo, site, cache))
    except BaseException as exc:
        send.send({job.collection_id: f"排版进程出错（{exc}）" for job in todo})
    finally:
        send.close()


class BookletJob:
    """`make_all` in a process of its own, working on the second core while MkDocs
    renders: the booklets, and the halls' PDFs (`halls`)."""

    def __init__(
        self,
        corpus: Corpus,
        plans: list[BookletPlan],
        site_dir: Path,
        cache_dir: Path,
        halls: list[HallPlan] | None = None,
    ) -> None:
        self.plans = [p for p in plans if p.source is not None]
        self.halls = [p for p in halls or [] if p.source is not None]
        todo = jobs(self.plans) + hall_jobs(self.halls)
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
        """Wait for the job: collection id (a hall file's `key`) → None when its PDF was
        made, else why not.
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
                self._outcome = {key: why for key in self._keys()}
            except EOFError:
                self._outcome = {key: "排版进程意外退出" for key in self._keys()}
            self._process.join()
        return self._outcome

    def _keys(self) -> list[str]:
        return [p.collection.id for p in self.plans] + [p.key for p in self.halls]

    def close(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
