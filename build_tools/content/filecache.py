"""What each content file gave the corpus, kept so that a file is read and parsed again
only when its bytes change.

Two layers, both keyed by what a file says, never by what it is called alone:

- in this process, per project (`FileCache`): the stat of each file, then its content
  hash. An unchanged file gives back the very same `LoadedFile`, so the same item
  objects: the preview, which loads on every save, re-reads one story, not 11,000.
- across processes, in `<project root>/.cache/parsed/` (`DiskCache`): the `LoadedFile`s of
  the last run by content hash, plus what the checks found in their texts, so that a new
  `culture check` or `culture build` parses no unchanged file.

A `LoadedFile` depends on the file's bytes and its path alone (no other file, no setting),
which is what makes keeping it sound; the corpus is linked and checked afresh every run.
"""

from __future__ import annotations

import copyreg
import hashlib
import io
import os
import pickle
import re
import stat
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

import markdown_it
import pydantic
import yaml

from build_tools import cachedir
from build_tools.content import markdown
from build_tools.content.model import Body, Hall, Item
from build_tools.diagnostics import Diagnostic

# Bumped by hand when the layout of the cache changes; code changes are caught by the hash.
_FORMAT = 1
_MAGIC = "culture-parsed"


@dataclass(slots=True, eq=False)
class LoadedFile:
    """What one content file gave: its item (valid, or the part that validated), its list
    entries (units.yml, themes.yml) and its problems, from its bytes and path alone."""

    digest: str | None  # of the bytes read; None when the file could not be read at all
    diagnostics: list[Diagnostic] = field(default_factory=list)
    item: Item | None = None  # the valid item
    partial: Item | None = None  # otherwise, the fields that validated
    unvalidated: Body | None = None  # a body whose front matter did not validate
    entries: list[Any] = field(default_factory=list)  # a list file's valid entries
    broken: list[str] = field(default_factory=list)  # a list file's keys that did not load

    def texts(self) -> Iterator[str]:
        """The Markdown this file holds (what the checks' findings are kept for)."""
        for item in (self.item, self.partial):
            if item is None:
                continue
            if item.kind in ("story", "craftsman", "panel"):
                yield item.body.markdown
            for name in ("intro", "foreword"):
                text = item.__dict__.get(name)
                if isinstance(text, str):
                    yield text
        if self.unvalidated is not None:
            yield self.unvalidated.markdown


Stamp = tuple[int, int, int, int, int]

# A file changed again within the file system's timestamp granularity after it was looked
# at keeps its stat: such a recent stat is not trusted, the bytes are hashed again.
_RACY_NS = 2_000_000_000


def _stamp(file: Path) -> Stamp | None:
    try:
        st = os.stat(file)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_dev)


def content_hash(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


@dataclass(slots=True)
class _Known:
    stamp: Stamp | None  # None: not to be trusted, hash the bytes next time
    loaded: LoadedFile


class FileCache:
    """The files of one project as they were last loaded."""

    def __init__(self, root: Path) -> None:
        self.known: dict[str, _Known] = {}
        self.used: dict[str, LoadedFile] = {}  # by the current (or last) run
        self.disk = DiskCache(root)
        self.lock = threading.Lock()  # one load of a project at a time
        self.reads = 0  # files whose bytes were read in the current run (for tests)
        self.parses = 0  # files parsed in the current run, neither known nor on disk
        # Parsed ahead on two cores (`prepare`): path → (stat, content hash, record).
        self.prepared: dict[str, tuple[Stamp, str, LoadedFile]] = {}

    def begin(self) -> None:
        self.used = {}
        self.reads = self.parses = 0
        self.disk.trusted = None  # asked again once per run
        self.prepared = {}

    def prepare(
        self,
        files: list[tuple[Path, str]],
        read: Callable[[Path, str], bytes],
        parse: Callable[[bytes, str], LoadedFile],
    ) -> None:
        """Parse, on two cores, the files of a folder that neither this process nor the
        disk cache knows (a first run: 10,000 stories), so that `load` finds them ready.
        Only where forking is safe (no other thread: the preview parses one at a time)
        and worth it; a file that cannot be read is left to `load`, which reports it."""
        if len(files) < PARALLEL_FROM or not _may_fork():
            return
        new: list[tuple[str, bytes, Stamp]] = []
        for file, rel in files:
            stamp = _stamp(file)
            if stamp is None or rel in self.known or self.disk.known(rel, stamp) is not None:
                continue
            try:
                raw = read(file, rel)
            except Exception:  # said by `load`, in its place
                continue
            if self.disk.get(rel, content_hash(raw)) is None:
                new.append((rel, raw, stamp))
        if len(new) < PARALLEL_FROM:
            return
        for rel, digest, stamp, loaded in _parse_on_two_cores(new, parse):
            self.prepared[rel] = (stamp, digest, loaded)

    def load(
        self,
        file: Path,
        rel: str,
        read: Callable[[Path, str], bytes],
        parse: Callable[[bytes], LoadedFile],
    ) -> LoadedFile:
        """What `file` gives: kept if its stat or its bytes are as last time, else parsed.
        `read` raises SourceError for a file that cannot be read (reported each time)."""
        looked = time.time_ns()
        stamp = _stamp(file)
        known = self.known.get(rel)
        if known is None and stamp is not None:
            known = self.disk.known(rel, stamp)  # kept by another process, same stat
            if known is not None:
                self.known[rel] = known
        if known is not None and stamp is not None and known.stamp == stamp:
            self.used[rel] = known.loaded
            return known.loaded
        ready = self.prepared.pop(rel, None)
        if ready is not None and stamp is not None and ready[0] == stamp:
            self.reads += 1
            self.parses += 1
            racy = looked - max(stamp[0], stamp[1]) < _RACY_NS
            self.known[rel] = _Known(None if racy else stamp, ready[2])
            self.used[rel] = ready[2]
            return ready[2]
        self.reads += 1
        raw = read(file, rel)
        digest = content_hash(raw)
        if stamp is not None and looked - max(stamp[0], stamp[1]) < _RACY_NS:
            stamp = None
        if known is not None and known.loaded.digest == digest:
            known.stamp = stamp
        else:
            loaded = self.disk.get(rel, digest)
            if loaded is None:
                self.parses += 1
                loaded = parse(raw)
                loaded.digest = digest
            known = self.known[rel] = _Known(stamp, loaded)
        self.used[rel] = known.loaded
        return known.loaded

    def finish(self) -> None:
        """The run is over: files not seen in it are forgotten."""
        for rel in self.known.keys() - self.used.keys():
            del self.known[rel]

    def save(self) -> None:
        """Write what the last run used to the project's cache folder."""
        self.disk.save({rel: (loaded, self.known[rel].stamp) for rel, loaded in self.used.items()})


# New files in one folder before a second core is worth forking for.
PARALLEL_FROM = 500


def _may_fork() -> bool:
    import multiprocessing

    return (
        (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
        and "fork" in multiprocessing.get_all_start_methods()
    )


# What the forked worker parses: set just before the pool forks, so it is inherited.
_job: tuple[list[tuple[str, bytes, Stamp]], Callable[[bytes, str], LoadedFile]] | None = None


def _parse_share(indices: range) -> bytes:
    assert _job is not None
    new, parse = _job
    done = [(new[i][0], _parsed(parse, new[i][1], new[i][0])) for i in indices]
    stream = io.BytesIO()
    pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, Hall: _hall_alone}
    pickler.dump(done)
    return stream.getvalue()


def _parsed(parse: Callable[[bytes, str], LoadedFile], raw: bytes, rel: str) -> LoadedFile:
    loaded = parse(raw, rel)
    loaded.digest = content_hash(raw)
    return loaded


def _parse_on_two_cores(
    new: list[tuple[str, bytes, Stamp]], parse: Callable[[bytes, str], LoadedFile]
) -> Iterator[tuple[str, str, Stamp, LoadedFile]]:
    """(path, hash, stat, what it gives) of each new file: the second half parsed by a
    forked worker (its records come back the way the disk cache keeps them), the first
    here meanwhile. A worker that fails leaves its half to be parsed by `load`."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _job
    half = len(new) // 2
    _job = (new, parse)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            theirs = pool.submit(_parse_share, range(half, len(new)))
            for rel, raw, stamp in new[:half]:
                loaded = _parsed(parse, raw, rel)
                yield rel, loaded.digest or "", stamp, loaded
            try:
                records = _Unpickler(io.BytesIO(theirs.result())).load()
            except Exception:
                return
    finally:
        _job = None
    stamps = {rel: stamp for rel, _, stamp in new}
    for rel, loaded in records:
        if isinstance(loaded, LoadedFile) and rel in stamps:
            yield rel, loaded.digest or "", stamps[rel], loaded


# Projects loaded in this process, most recent last; a test suite loads hundreds.
_PROJECTS: OrderedDict[tuple[Path, Path], FileCache] = OrderedDict()
_PROJECTS_KEPT = 8
_PROJECTS_LOCK = threading.Lock()


def for_project(root: Path, content_dir: Path) -> FileCache:
    key = (root, content_dir)
    with _PROJECTS_LOCK:
        found = _PROJECTS.pop(key, None) or FileCache(root)
        _PROJECTS[key] = found
        while len(_PROJECTS) > _PROJECTS_KEPT:
            _PROJECTS.popitem(last=False)
        return found


def forget() -> None:
    """Forget every project (tests that start a fresh process's view)."""
    with _PROJECTS_LOCK:
        _PROJECTS.clear()


# -- across processes -----------------------------------------------------------------------

# Entries are spread over buckets by path, so that an edit rewrites one small file.
_BUCKETS = 256
_MAX_BUCKET_BYTES = 256 * 1024 * 1024
_NAME = re.compile(r"^([0-9a-f]{16})-([0-9a-f]{2})\.pickle$")
_TEMP = re.compile(r"^\.[0-9a-f]{16}-[0-9a-f]{2}\.pickle\.[^/]*\.tmp$")
_STALE_TEMP_S = 3600


def _bucket(rel: str) -> str:
    return hashlib.blake2b(rel.encode("utf-8"), digest_size=1).hexdigest()


def model_code() -> list[Path]:
    """The code whose change changes what a file gives: the content model and loader, and
    the catalogue and suggestions their messages come from."""
    tools = Path(__file__).parent.parent
    return [
        *sorted((tools / "content").glob("*.py")),
        tools / "diagnostics.py",
        tools / "suggest.py",
    ]


@cache
def version_key() -> str:
    """What the kept results depend on besides the files: this code and its parsers. Any
    change of the content model, the loader or their libraries makes a new key."""
    return code_key(model_code())


def code_key(code: list[Path]) -> str:
    h = hashlib.blake2b(digest_size=8)
    try:
        package = metadata.version("culture-publishing")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a bare checkout
        package = "unknown"
    libraries = (pydantic.VERSION, yaml.__version__, markdown_it.__version__)
    for part in (_FORMAT, package, sys.version, *libraries):
        h.update(f"{part}\0".encode())
    for file in code:
        h.update(file.name.encode() + b"\0" + file.read_bytes())
    return h.hexdigest()


# Pickle can run code named in the data, so the cache is read only from the project's own
# folder, which only this program writes (whoever could write there could as well change
# the code the build runs; CI keeps the folder between its runs), and only the classes
# of the content model may be named in it (`_Unpickler`).
_ALLOWED_MODULES = frozenset(
    {
        "build_tools.content.filecache",
        "build_tools.content.model",
        "build_tools.content.dates",
        "build_tools.content.yamlsource",
        "build_tools.content.markdown",
        "build_tools.diagnostics",
    }
)


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if module in _ALLOWED_MODULES and not name.startswith("_"):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of the cache")


def _hall_alone(hall: Hall) -> tuple[Any, ...]:
    # A hall's panels are other files' items, put in by the loader every run.
    state = hall.__getstate__()
    state["__pydantic_private__"] = {**state["__pydantic_private__"], "_panels": []}
    return (copyreg.__newobj__, (Hall,), state)


# (digest, record, the facts of each of its texts in the order of `texts()`, the file's
# stat when it was read, None when too recent to be trusted)
Entry = tuple[str, LoadedFile, list[markdown.TextFacts | None], Stamp | None]


class DiskCache:
    """The project's `.cache/parsed/`: one pickle per bucket of paths, each holding the
    `{path: Entry}` of the last run. A record is found by the file's content hash, or by
    its stat when that is the one it had when it was read (as in this process). A bucket
    that cannot be read, is not ours or is damaged is ignored (and rewritten); a write goes
    to a temporary file renamed into place, so a reader never sees half of one."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / ".cache" / "parsed"
        self.version = version_key()
        self.read: dict[str, dict[str, Entry]] = {}  # bucket → its entries, as read
        # bucket → the records and stats this process wrote to it
        self.written: dict[str, dict[str, tuple[LoadedFile, Stamp | None]]] = {}
        self.trusted: bool | None = None  # what `_usable` found in this run

    def _usable(self) -> bool:
        """The folder is where it should be: not a symlink leading elsewhere, and no
        file under `.cache/` committed to git (build_tools/cachedir.py). Asked once per
        run for reading (git is a subprocess; a run reads up to 256 buckets), and again
        before writing."""
        if self.trusted is None:
            self.trusted = self._ask()
        return self.trusted

    def _ask(self) -> bool:
        try:
            real_root = os.path.realpath(self.root)
            if os.path.realpath(self.folder) != os.path.join(real_root, ".cache", "parsed"):
                return False
            return cachedir.problem(self.root, self.root / ".cache") is None
        except OSError:
            return False

    def _path(self, bucket: str) -> Path:
        return self.folder / f"{self.version}-{bucket}.pickle"

    def _entry(self, rel: str) -> Entry | None:
        bucket = _bucket(rel)
        entries = self.read.get(bucket)
        if entries is None:
            entries = self.read[bucket] = self._read(bucket)
        return entries.get(rel)

    def known(self, rel: str, stamp: Stamp) -> _Known | None:
        """The record of a file whose stat is the one it had when it was read."""
        entry = self._entry(rel)
        if entry is None or entry[3] != stamp:
            return None
        return _Known(stamp, self._take(entry))

    def get(self, rel: str, digest: str) -> LoadedFile | None:
        """The record of a file with these bytes."""
        entry = self._entry(rel)
        if entry is None or entry[0] != digest:
            return None
        return self._take(entry)

    @staticmethod
    def _take(entry: Entry) -> LoadedFile:
        for text, found in zip(entry[1].texts(), entry[2], strict=False):
            if found is not None:
                markdown.remember(text, found)
        return entry[1]

    def _read(self, bucket: str) -> dict[str, Entry]:
        if not self._usable():
            return {}
        try:
            fd = os.open(self._path(bucket), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return {}
        try:
            with os.fdopen(fd, "rb") as stream:
                info = os.fstat(stream.fileno())
                if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_BUCKET_BYTES:
                    return {}
                data = _Unpickler(io.BytesIO(stream.read())).load()
        except Exception:  # damaged, truncated, not ours: as if it were not there
            return {}
        if not (
            isinstance(data, tuple)
            and len(data) == 3
            and data[:2] == (_MAGIC, self.version)
            and isinstance(data[2], dict)
        ):
            return {}
        return {
            rel: entry
            for rel, entry in data[2].items()
            if isinstance(rel, str)
            and isinstance(entry, tuple)
            and len(entry) == 4
            and isinstance(entry[0], str)
            and isinstance(entry[1], LoadedFile)
            and isinstance(entry[2], list)
            and (entry[3] is None or _is_stamp(entry[3]))
        }

    def save(self, used: dict[str, tuple[LoadedFile, Stamp | None]]) -> None:
        """Keep exactly what this run used: buckets that differ are rewritten, buckets
        and versions nobody uses any more are removed. Never fails the run."""
        wanted: dict[str, dict[str, tuple[LoadedFile, Stamp | None]]] = {}
        for rel, (loaded, stamp) in used.items():
            if loaded.digest is not None:
                wanted.setdefault(_bucket(rel), {})[rel] = (loaded, stamp)
        self.trusted = None
        if not self._usable():  # never create folders where a symlink points
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.trusted = None
            if not self._usable():
                return
            _ignore_in_git(self.folder)
            present = self._prune(set(wanted))
            for bucket, entries in wanted.items():
                if bucket in present and self._unchanged(bucket, entries):
                    continue
                kept = {
                    rel: (loaded.digest or "", loaded, _facts(loaded), stamp)
                    for rel, (loaded, stamp) in entries.items()
                }
                self._write(bucket, kept)
                self.written[bucket] = dict(entries)
        except OSError:
            return

    def _unchanged(self, bucket: str, entries: dict[str, tuple[LoadedFile, Stamp | None]]) -> bool:
        """Whether the bucket file holds these very records and stats (as this process
        wrote or read it): a record is replaced, never changed, when its file changes."""
        before = self.written.get(bucket)
        if before is None and bucket in self.read:
            before = {rel: (entry[1], entry[3]) for rel, entry in self.read[bucket].items()}
        return (
            before is not None
            and before.keys() == entries.keys()
            and all(
                before[rel][0] is loaded and before[rel][1] == stamp
                for rel, (loaded, stamp) in entries.items()
            )
        )

    def _write(self, bucket: str, entries: dict[str, Entry]) -> None:
        target = self._path(bucket)
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as stream:
                pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
                pickler.dispatch_table = {**copyreg.dispatch_table, Hall: _hall_alone}
                pickler.dump((_MAGIC, self.version, entries))
            os.replace(temp, target)
        except BaseException:
            with suppress(OSError):
                os.unlink(temp)
            raise

    def _prune(self, wanted: set[str]) -> set[str]:
        """Remove the files of other versions, of buckets no longer used and temporary
        files left by a writer that died; the buckets of this version that remain."""
        present: set[str] = set()
        now = time.time()
        with os.scandir(self.folder) as found:
            for entry in found:
                name = _NAME.match(entry.name)
                if name and name.group(1) == self.version and name.group(2) in wanted:
                    present.add(name.group(2))
                    continue
                if name is None and not (
                    _TEMP.match(entry.name)
                    and now - entry.stat(follow_symlinks=False).st_mtime > _STALE_TEMP_S
                ):
                    continue
                with suppress(OSError):
                    os.unlink(entry.path)
        return present


def _is_stamp(value: object) -> bool:
    return isinstance(value, tuple) and len(value) == 5 and all(type(v) is int for v in value)


def _facts(loaded: LoadedFile) -> list[markdown.TextFacts | None]:
    # By position, not keyed by text: pickling a text would leave a UTF-8 copy in it.
    return [markdown.known_facts(text) for text in loaded.texts()]


def _ignore_in_git(folder: Path) -> None:
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# culture's cache of parsed content files\n*\n", encoding="utf-8")
