"""What the per-file editorial families found, kept with the bytes they found it in.

Typography, standard wording and personal data read each file's prose on its own: what
they say of a file changes only when its bytes change (or, for wording, the dictionary or
the units' names; or this code). So their findings are kept per file, in this process
for the preview and in `.cache/checks/` for the next command, and a run reads only the
files that changed: the Markdown of 10,000 unchanged stories is not parsed again to be
found clean again. Kept before `culture.yml` and ignore comments are applied (those are
applied afterwards, every run).
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import pickle
import tempfile
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from contextlib import suppress
from pathlib import Path
from typing import Any

from build_tools import cachedir
from build_tools.content.corpus import Corpus
from build_tools.content.filecache import code_key
from build_tools.diagnostics import Diagnostic, Location, Severity

Check = Callable[..., Iterable[Diagnostic]]
Kept = dict[str, tuple[str, list[Diagnostic]]]  # path → (its content hash, findings)
Found = dict[str, list[Diagnostic]]
# Files to find in before a second core is worth forking for.
PARALLEL_FROM = 500

# Files that change what wording findings say of every other file.
_SHARED_FILES = ("units.yml", "terms.yml")
_MAGIC = "culture-findings-1"
# Kept in this process: the preview checks on every save. One project at a time.
_in_process: dict[tuple[str, str], Kept] = {}


def _code() -> list[Path]:
    tools = Path(__file__).parent.parent
    return [*sorted((tools / "checks").glob("*.py")), *sorted((tools / "content").glob("*.py"))]


def key(corpus: Corpus, checks: Iterable[Check]) -> str:
    """What the kept findings depend on besides each file's bytes."""
    h = hashlib.blake2b(digest_size=8)
    h.update(code_key(_code()).encode())
    for check in checks:
        h.update(f"{check.__module__}.{check.__qualname__}\0".encode())
    content = corpus.content_dir.resolve().relative_to(corpus.root.resolve()).as_posix()
    for name in _SHARED_FILES:
        h.update(f"{name}\0{corpus.digests.get(f'{content}/{name}', '')}\0".encode())
    return h.hexdigest()


class _Findings(pickle.Unpickler):
    """Diagnostics and plain data only: nothing else may be named in the file."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "build_tools.diagnostics" and name in ("Diagnostic", "Location", "Severity"):
            return {"Diagnostic": Diagnostic, "Location": Location, "Severity": Severity}[name]
        raise pickle.UnpicklingError(f"{module}.{name} in the findings cache")


def _folder(root: Path) -> Path:
    return root / ".cache" / "checks"


def _trusted(root: Path) -> bool:
    try:
        real_root = os.path.realpath(root)
        if os.path.realpath(_folder(root)) != os.path.join(real_root, ".cache", "checks"):
            return False
        return cachedir.problem(root, root / ".cache") is None
    except OSError:
        return False


def load(corpus: Corpus, memo_key: str) -> Kept:
    found = _in_process.get((str(corpus.root), memo_key))
    if found is not None:
        return found
    if not _trusted(corpus.root):
        return {}
    try:
        fd = os.open(_folder(corpus.root) / f"{memo_key}.pickle", os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as stream:
            magic, kept = _Findings(io.BytesIO(stream.read())).load()
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
        return {}
    if magic != _MAGIC or not isinstance(kept, dict):
        return {}
    return {
        path: entry
        for path, entry in kept.items()
        if isinstance(path, str)
        and isinstance(entry, tuple)
        and len(entry) == 2
        and isinstance(entry[0], str)
        and isinstance(entry[1], list)
        and all(isinstance(d, Diagnostic) and d.location.path == path for d in entry[1])
    }


def save(corpus: Corpus, memo_key: str, kept: Kept, *, changed: bool) -> None:
    """Keep the findings; on disk only when something changed, and never through a
    folder that is not the project's own (see cachedir.py). Never fails the run."""
    _in_process.clear()
    _in_process[(str(corpus.root), memo_key)] = kept
    if not changed or not _trusted(corpus.root):
        return
    folder = _folder(corpus.root)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not _trusted(corpus.root):
            return
        ignore = folder / ".gitignore"
        if not ignore.exists():  # a content repository's `git status` stays clean
            ignore.write_text("# culture's kept check findings\n*\n", encoding="utf-8")
        for old in folder.glob("*.pickle"):
            if old.name != f"{memo_key}.pickle":
                with suppress(OSError):
                    old.unlink()
        fd, temp = tempfile.mkstemp(prefix=".findings.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as stream:
            pickle.dump((_MAGIC, kept), stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temp, folder / f"{memo_key}.pickle")
    except OSError:
        return


def _find(corpus: Corpus, checks: list[Check], settings: Any, paths: frozenset[str]) -> Found:
    """What the checks find in these files (every one of them a key, clean ones too)."""
    scope, corpus.scope = corpus.scope, paths
    try:
        fresh: Found = {path: [] for path in paths}
        for check in checks:
            for d in check(corpus, settings):
                fresh.setdefault(d.location.path, []).append(d)
        return fresh
    finally:
        corpus.scope = scope


# What a forked worker reads: set just before the pool forks, so the corpus is inherited,
# not pickled.
_job: tuple[Corpus, list[Check], Any] | None = None


def _find_inherited(paths: frozenset[str]) -> Found:
    assert _job is not None
    corpus, checks, settings = _job
    return _find(corpus, checks, settings, paths)


def _find_in_parallel(
    corpus: Corpus,
    checks: list[Check],
    settings: Any,
    todo: frozenset[str],
    *,
    parallel: bool,
    meanwhile: Callable[[], None],
) -> Found:
    """`_find` over many files on two cores: a forked worker takes half of them (a cold
    check of 10,000 stories parses every body; the worker's pages are gone before a build
    makes its pages). Only where forking is safe: a process with no other thread (the
    preview's server has threads: it finds alone). `meanwhile` runs here while the
    worker starts on its half."""
    if (
        not parallel
        or len(todo) < PARALLEL_FROM
        or (os.cpu_count() or 1) < 2
        or threading.active_count() > 1
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        meanwhile()
        return _find(corpus, checks, settings, todo)
    ordered = sorted(todo)
    theirs, ours = frozenset(ordered[1::2]), frozenset(ordered[0::2])
    global _job
    _job = (corpus, checks, settings)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            future = pool.submit(_find_inherited, theirs)
            meanwhile()
            fresh = _find(corpus, checks, settings, ours)
            try:
                fresh.update(future.result())
            except Exception:  # the worker died: find its share here, the run goes on
                fresh.update(_find(corpus, checks, settings, theirs))
    finally:
        _job = None
    return fresh


def run_kept(
    corpus: Corpus,
    checks: Iterable[Check],
    settings: Any,
    *,
    parallel: bool = False,
    meanwhile: Callable[[], None] = lambda: None,
) -> list[Diagnostic]:
    """The findings of `checks` (per-file families) for the corpus (its scope): computed
    for the files whose bytes are not those of the kept findings, kept for the others.
    `meanwhile` (the other checks) runs while a worker finds, or first."""
    checks = list(checks)
    memo_key = key(corpus, checks)
    kept = dict(load(corpus, memo_key))
    wanted = corpus.scope if corpus.scope is not None else frozenset(corpus.digests)
    todo = frozenset(
        path
        for path in wanted
        if path not in corpus.digests or kept.get(path, ("",))[0] != corpus.digests[path]
    )
    found: list[Diagnostic] = []
    if todo:
        fresh = _find_in_parallel(
            corpus, checks, settings, todo, parallel=parallel, meanwhile=meanwhile
        )
        for path, diagnostics in fresh.items():
            digest = corpus.digests.get(path)
            if digest is not None:
                kept[path] = (digest, diagnostics)
            found.extend(diagnostics)
    else:
        meanwhile()
    for path in wanted - todo:
        found.extend(kept[path][1])
    # Files no longer in the corpus are forgotten (a full run only: a scoped one sees few).
    if corpus.scope is None:
        kept = {path: entry for path, entry in kept.items() if path in corpus.digests}
    forgotten = corpus.scope is None and len(kept) != len(wanted)
    save(corpus, memo_key, kept, changed=bool(todo) or forgotten)
    return found
