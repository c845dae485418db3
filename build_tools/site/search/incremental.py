"""The index built from scratch, or from what the last build indexed: a main index kept
in the cache, and a small delta of what changed since.

Pagefind cannot update an index, and a full run over the 10k benchmark takes about 50 s.
So the cache (`<project>/.cache/search/<audience>/`, one per audience: a preview's drafts
never reach a production index) keeps what the last build indexed:

- `main-<id>/part-<i>/`: Pagefind's index of every record, made by a *fold*;
- `delta-<id>/`: the records that differ from the main's (new or changed), indexed on
  their own, in a second or two;
- `state.json`: each record URL of main and delta with its fingerprint and Pagefind's
  page id, and the main pages the delta supersedes (changed, or no longer shown).

A build first fingerprints every record with a digest of each body in place of its text
(the text is a function of the Markdown and of this code, and the code is part of the
cache's format), so telling what changed parses nothing. Then:

- nothing differs from what is cached: the cached index is installed again;
- a few records differ: only they are indexed, as the delta, installed as the last part;
  the superseded main pages are listed in parts.json, and the browser drops them from
  its results (assets/search-worker.js) and their fragments are not installed;
- the delta would pass DELTA_WORDS or supersede more than DELTA_SUPERSEDED pages, or
  the code, Pagefind or the part size changed: a fold indexes everything afresh.

Every folder is written under a temporary name and renamed, and state.json is replaced
whole, so a build that is stopped leaves the last good cache (its leftovers are removed
by the next build). One build at a time uses a cache: another one at the same time (a
`culture build` while `culture serve` indexes) builds without it.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from hashlib import blake2b
from importlib.metadata import version
from pathlib import Path

import build_tools
from build_tools.content.audience import Audience
from build_tools.site.relations import SiteIndex
from build_tools.site.search import pagefind
from build_tools.site.search.records import Record, records, refusal, write_records

# Raised whenever what is cached can no longer be read the way this code reads it.
FORMAT = 1
# Words the delta may hold (~15 stories). It costs a first query its metadata and, per
# query term, an index chunk that grows with it up to Pagefind's chunk size (~40 KB).
# Measured at 10k stories, first query median / max with one main part: no delta
# 277 / 285 KB, 1 story 282 / 290, 15 stories 288 / 296, 30 stories 296 / 304.
DELTA_WORDS = 15_000
# Superseded page ids travel in parts.json (~14 bytes each) with every first query.
DELTA_SUPERSEDED = 300
_STATE = "state.json"
_LOCK = ".lock"


@dataclass(frozen=True, slots=True)
class Built:
    """What a build of the index hands to the install: the parts, in order, and the
    pages of earlier parts that later ones supersede."""

    bundles: list[Path]
    superseded: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # one message each, in Chinese
    records: int = 0  # in the site's index
    kept: bool = False  # the bundles are the cache's: linked into the site, not moved
    indexed: int = 0  # records Pagefind indexed in this build
    how: str = "full"  # full (no cache) / fold / delta / unchanged
    seconds: dict[str, float] = field(default_factory=dict)  # where the time went


def build_all(index: SiteIndex, work_dir: Path, output: Path, part_words: int) -> Built:
    """Every record of `index` written into `work_dir` and indexed into `output`."""
    started = time.perf_counter()
    written = write_records(records(index), work_dir, part_words)
    wrote = time.perf_counter()
    pagefind.index_parts(work_dir, output, written.parts)
    return Built(
        [output / f"part-{i}" for i in range(written.parts)],
        refused=written.refused,
        records=written.records,
        indexed=written.records,
        seconds={"records": wrote - started, "pagefind": time.perf_counter() - wrote},
    )


@dataclass(frozen=True, slots=True)
class _Layer:
    folder: str  # in the cache
    parts: int
    words: int
    pages: dict[str, tuple[str, str]]  # record URL → (fingerprint, Pagefind's page id)

    def bundles(self, root: Path) -> list[Path]:
        if self.folder.startswith("delta-"):
            return [root / self.folder]
        return [root / self.folder / f"part-{i}" for i in range(self.parts)]


@dataclass(frozen=True, slots=True)
class _State:
    format: str
    part_words: int
    main: _Layer
    delta: _Layer | None
    superseded: list[str]

    def to_json(self) -> str:
        layers = {"main": self.main, "delta": self.delta}
        return json.dumps(
            {
                "format": self.format,
                "part_words": self.part_words,
                **{
                    name: None if layer is None else _layer_json(layer)
                    for name, layer in layers.items()
                },
                "superseded": self.superseded,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> _State:
        data = json.loads(text)
        delta = data["delta"]
        return cls(
            data["format"],
            data["part_words"],
            _layer(data["main"]),
            None if delta is None else _layer(delta),
            list(data["superseded"]),
        )


def _layer_json(layer: _Layer) -> dict[str, object]:
    return {
        "folder": layer.folder,
        "parts": layer.parts,
        "words": layer.words,
        "pages": {url: list(page) for url, page in layer.pages.items()},
    }


def _layer(data: dict) -> _Layer:
    pages = {url: (fp, page) for url, (fp, page) in data["pages"].items()}
    return _Layer(data["folder"], data["parts"], data["words"], pages)


@cache  # the code this process runs, even if its files change meanwhile (`serve`)
def cache_format() -> str:
    """What the cached index depends on besides the records: this code (all of
    build_tools, which makes the records and their text), the record template, Pagefind."""
    digest = blake2b(f"{FORMAT} {version('pagefind_bin_extended')}".encode(), digest_size=16)
    package = Path(build_tools.__file__).parent
    template = package / "site" / "templates" / "search_record.html.j2"
    for path in [*sorted(package.rglob("*.py")), template]:
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(record: Record) -> str:
    """A digest of everything a record says (as `records` made it)."""
    said = (record.url, record.type, record.title, record.date, record.text)
    return blake2b(repr((*said, record.filters, record.keys)).encode(), digest_size=16).hexdigest()


def _body_digest(markdown: str) -> str:
    return blake2b(markdown.encode(), digest_size=16).hexdigest()


class IndexCache:
    """The cached index of one audience, held by one build at a time (`open`)."""

    def __init__(self, root: Path, lock: int) -> None:
        self.root = root
        self._lock: int | None = lock

    @classmethod
    def open(cls, cache_dir: Path, audience: Audience) -> IndexCache | None:
        """The cache, locked for this build (and the processes it forks, which share
        the lock); None while another build holds it."""
        root = cache_dir / audience.value
        root.mkdir(parents=True, exist_ok=True)
        lock = os.open(root / _LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(lock)
            return None
        return cls(root, lock)

    def close(self) -> None:
        """Let other builds have the cache (once every process holding it closed it)."""
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def last(self) -> Built | None:
        """What the last build installed, as it is cached; None when nothing is."""
        state = self._state()
        if state is None:
            return None
        return self._built(state, how="unchanged")

    def update(self, index: SiteIndex, work_dir: Path, part_words: int) -> Built:
        """Index `index` from what is cached: nothing, a delta, or a fold (module doc)."""
        timer = _Timer()
        survey: dict[str, str] = {}
        refused: list[str] = []
        for record in records(index, body_text=_body_digest):
            if (why := refusal(record)) is not None:
                refused.append(why)
            else:
                survey[record.url] = fingerprint(record)
        timer.lap("survey")
        state = self._state(part_words)
        self._sweep(state)
        if state is None:
            return self._fold(index, survey, refused, work_dir, part_words, timer)
        main = state.main.pages
        changed = {url: fp for url, fp in survey.items() if main.get(url, ("",))[0] != fp}
        stale = [url for url, (fp, _) in main.items() if survey.get(url) != fp]
        if len(stale) > DELTA_SUPERSEDED or len(changed) > DELTA_SUPERSEDED:
            return self._fold(index, survey, refused, work_dir, part_words, timer)
        delta, indexed = state.delta, 0
        if delta is None or {url: fp for url, (fp, _) in delta.pages.items()} != changed:
            delta = None  # made again whole: it is small, and then never a delta of a delta
            if changed:
                written = write_records(records(index, wanted=changed), work_dir, 2**62)
                timer.lap("records")
                if written.words > DELTA_WORDS:
                    shutil.rmtree(work_dir, ignore_errors=True)
                    return self._fold(index, survey, refused, work_dir, part_words, timer)
                delta = self._index("delta", work_dir, 1, written.words, changed, timer)
                indexed = written.records
        # A page the delta holds unchanged (a body edited without changing its text) has
        # the same id in both: it is not superseded (the browser shows it once).
        ids = {page for _, page in delta.pages.values()} if delta else set()
        superseded = sorted({main[url][1] for url in stale} - ids)
        fresh = _State(state.format, part_words, state.main, delta, superseded)
        self._save(fresh)
        how = "delta" if indexed else "unchanged"
        return self._built(fresh, how=how, refused=refused, indexed=indexed, timer=timer)

    def _fold(
        self,
        index: SiteIndex,
        survey: dict[str, str],
        refused: list[str],
        work_dir: Path,
        part_words: int,
        timer: _Timer,
    ) -> Built:
        written = write_records(records(index), work_dir, part_words)
        timer.lap("records")
        main = self._index("main", work_dir, written.parts, written.words, survey, timer)
        fresh = _State(cache_format(), part_words, main, None, [])
        self._save(fresh)
        return self._built(fresh, how="fold", refused=refused, indexed=written.records, timer=timer)

    def _index(
        self, kind: str, work_dir: Path, parts: int, words: int, fps: dict[str, str], timer: _Timer
    ) -> _Layer:
        """Pagefind on the records written in `work_dir`, into a new folder of the cache."""
        folder = f"{kind}-{time.time_ns():x}"
        staged = self.root / f".{folder}"
        staged.mkdir()  # a site with nothing to index yet has a main of no parts
        pagefind.index_parts(work_dir, staged, parts)
        timer.lap("pagefind")
        if kind == "delta":  # one part: the folder itself
            os.rename(staged / "part-0", self.root / folder)
            staged.rmdir()
            bundles = [self.root / folder]
        else:
            staged.rename(self.root / folder)
            bundles = [self.root / folder / f"part-{i}" for i in range(parts)]
        ids: dict[str, str] = {}
        for bundle in bundles:
            ids |= pagefind.page_ids(bundle)
        timer.lap("page ids")
        pages = {url: (fp, ids[url]) for url, fp in fps.items() if url in ids}
        return _Layer(folder, parts, words, pages)

    def _built(
        self,
        state: _State,
        *,
        how: str,
        refused: list[str] | None = None,
        indexed: int = 0,
        timer: _Timer | None = None,
    ) -> Built:
        layers = [state.main] + ([state.delta] if state.delta else [])
        shown = set(state.main.pages) - set(_stale_urls(state))
        shown |= set(state.delta.pages) if state.delta else set()
        return Built(
            [bundle for layer in layers for bundle in layer.bundles(self.root)],
            superseded=state.superseded,
            refused=refused or [],
            records=len(shown),
            kept=True,
            indexed=indexed,
            how=how,
            seconds=timer.laps if timer else {},
        )

    def _state(self, part_words: int | None = None) -> _State | None:
        """The cached state, if this code can use it (for `part_words`, if given)."""
        try:
            state = _State.from_json((self.root / _STATE).read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if state.format != cache_format():
            return None
        if part_words is not None and state.part_words != part_words:
            return None
        layers = [state.main] + ([state.delta] if state.delta else [])
        if not all(b.is_dir() for layer in layers for b in layer.bundles(self.root)):
            return None
        return state

    def _save(self, state: _State) -> None:
        staged = self.root / f".{_STATE}.new"
        staged.write_text(state.to_json(), encoding="utf-8")
        os.replace(staged, self.root / _STATE)
        self._sweep(state)

    def _sweep(self, state: _State | None) -> None:
        """Remove what `state` does not use: earlier layers, leftovers of stopped builds."""
        keep = {_STATE, _LOCK}
        if state is not None:
            keep |= {state.main.folder} | ({state.delta.folder} if state.delta else set())
        for path in self.root.iterdir():
            if path.name not in keep:
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)


def _stale_urls(state: _State) -> Iterator[str]:
    superseded = set(state.superseded)
    for url, (_, page) in state.main.pages.items():
        if page in superseded:
            yield url


class _Timer:
    def __init__(self) -> None:
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = self.laps.get(name, 0.0) + now - self._last
        self._last = now
