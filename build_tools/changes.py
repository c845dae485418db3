"""What a commit or a merge request changes, and which files that affects.

`culture check --changed` reports on the content files changed against a git ref (by
default where the branch left the default branch; staged, unstaged and new files
included) and on the files whose references lead to them: a story's deletion is reported
where it is still listed, not only where it was. The corpus is still loaded and linked as
a whole (references resolve against everything); only the reporting is narrowed.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from build_tools.content.corpus import Corpus
from build_tools.content.model import Item
from build_tools.diagnostics import Diagnostic

# Files whose change touches every file that refers to what they define.
_WHOLE_FILES = {"units.yml": "unit", "themes.yml": "theme", "terms.yml": "*"}


# What a panel's hall-mates, and every text (when the dictionary or the units' names
# changed), can be told because of another file.
_ABOUT_HALL = ("E-PANEL-NUMBER", "E-REF-ZONE")
_ABOUT_WORDING = ("W-TERM", "E-TERM")


@dataclass(frozen=True, slots=True)
class Scope:
    """What to report: every finding in the changed files; in the files referring to
    them, only what is said where they refer to them (their other old problems are not
    news), or what `about` names for the whole file."""

    own: frozenset[str]
    referring: dict[str, frozenset[int]] = field(default_factory=dict)  # path → lines
    about: dict[str, tuple[str, ...]] = field(default_factory=dict)  # path → code prefixes

    @property
    def files(self) -> frozenset[str]:
        return frozenset(self.own | self.referring.keys() | self.about.keys())

    def wants(self, found: Diagnostic) -> bool:
        path = found.location.path
        return (
            path in self.own
            or found.location.line in self.referring.get(path, ())
            or found.code.startswith(self.about.get(path, ("\0",)))
        )


class ChangesError(Exception):
    """Why the changes cannot be found (in Chinese)."""


@dataclass(frozen=True, slots=True)
class Changes:
    present: frozenset[str]  # changed files that exist, relative to the project root
    gone: frozenset[str]  # deleted (or renamed away) since the base

    @property
    def all(self) -> frozenset[str]:
        return self.present | self.gone


def _git(root: Path, *args: str) -> str:
    try:
        run = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, timeout=60, check=False
        )
    except FileNotFoundError as exc:
        raise ChangesError("没有安装 git，无法使用 --changed") from exc
    except subprocess.SubprocessError as exc:
        raise ChangesError(f"git 没有响应（{exc}）") from exc
    if run.returncode != 0:
        raise ChangesError(run.stderr.decode("utf-8", "replace").strip() or "git 出错")
    return run.stdout.decode("utf-8", "surrogateescape")


def default_base(root: Path) -> str:
    """Where this branch left the default branch (the merge base); HEAD when there is no
    other branch to compare with, so that only what is not committed yet counts."""
    candidates = []
    try:
        remote_head = _git(root, "symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD")
        candidates.append(remote_head.strip())
    except ChangesError:
        pass
    candidates += ["origin/main", "origin/master", "main", "master"]
    for ref in candidates:
        if not ref:
            continue
        try:
            return _git(root, "merge-base", "HEAD", ref).strip()
        except ChangesError:
            continue
    return "HEAD"


def changed_files(root: Path, content_dir: Path, base: str | None = None) -> Changes:
    """The files under `content_dir` changed against `base` (a ref; default: see
    `default_base`), uncommitted and untracked files included."""
    try:
        top = Path(_git(root, "rev-parse", "--show-toplevel").strip())
    except ChangesError as exc:
        raise ChangesError(f"{root} 不在 git 仓库中，无法使用 --changed") from exc
    try:
        _git(root, "rev-parse", "--verify", "-q", "HEAD^{commit}")
        has_commits = True
    except ChangesError:
        has_commits = False  # a fresh repository: everything is new
    if base is None:
        base = default_base(root) if has_commits else None
    elif has_commits or base != "HEAD":
        try:
            base = _git(root, "rev-parse", "--verify", "-q", f"{base}^{{commit}}").strip()
        except ChangesError as exc:
            raise ChangesError(f"找不到 git 版本“{base}”，请检查 --base 的值") from exc
    content = content_dir.resolve()
    try:
        scope = content.relative_to(top.resolve()).as_posix()
    except ValueError as exc:
        raise ChangesError(f"内容目录 {content_dir} 不在 git 仓库 {top} 中") from exc
    names: set[str] = set()
    if base is not None:
        diff = _git(top, "diff", "--name-only", "--no-renames", "-z", base, "--", scope)
        names.update(n for n in diff.split("\0") if n)
    else:
        staged = _git(top, "ls-files", "-z", "--", scope)
        names.update(n for n in staged.split("\0") if n)
    untracked = _git(top, "ls-files", "--others", "--exclude-standard", "-z", "--", scope)
    names.update(n for n in untracked.split("\0") if n)
    present, gone = set(), set()
    project = root.resolve()
    for name in names:
        try:
            rel = _relative_to_project(top, project, name)
        except ValueError:
            continue  # outside the project
        (present if (top / name).exists() else gone).add(rel)
    return Changes(frozenset(present), frozenset(gone))


def _relative_to_project(top: Path, project: Path, name: str) -> str:
    """A path git names (relative to its top folder) as the corpus names files: relative
    to the project root, symlinks not followed (the loader refuses those that leave)."""
    absolute = PurePosixPath(top.resolve().as_posix()) / name
    return absolute.relative_to(project.as_posix()).as_posix()


# -- what the changes affect -----------------------------------------------------------------


def _defines(rel: str, content: str) -> set[tuple[str, str]]:
    """The references a changed file answers: ("item", id), ("hall", id), ("unit", "*")…"""
    path = PurePosixPath(rel)
    try:
        inside = path.relative_to(content)
    except ValueError:
        return set()
    parts = inside.parts
    if len(parts) == 1 and parts[0] in _WHOLE_FILES:
        return {(_WHOLE_FILES[parts[0]], "*")}
    if len(parts) == 2 and parts[0] in ("red", "craftsmen") and path.suffix == ".md":
        return {("item", path.stem)}
    if len(parts) == 3 and parts[0] == "halls":
        return {("hall", parts[1])}  # a panel or hall.yml: its hall's panels are affected
    return set()


def _references(item: Item) -> Iterator[tuple[tuple[str, str], tuple[str | int, ...]]]:
    """What an item refers to, each with the field path where it does."""
    fields = item.__dict__
    unit = fields.get("unit")
    if isinstance(unit, str):
        yield ("unit", unit), ("unit",)
    for i, theme in enumerate(fields.get("themes") or ()):
        yield ("theme", theme), ("themes", i)
    for name in ("craftsmen", "related", "items"):
        for i, value in enumerate(fields.get(name) or ()):
            if isinstance(value, str):
                yield ("item", value), (name, i)


def affected(corpus: Corpus, changes: Changes) -> Scope:
    """The files to report on: those changed, and those referring to what they define."""
    content = corpus.content_dir.resolve().relative_to(corpus.root.resolve()).as_posix()
    targets: set[tuple[str, str]] = set()
    for rel in changes.all:
        targets |= _defines(rel, content)
    for item in (*corpus.stories.values(), *corpus.craftsmen.values()):
        if item.origin.path in changes.present:
            targets.update(("item", alias) for alias in getattr(item, "aliases", ()))
    whole = {kind for kind, value in targets if value == "*"}
    halls = {value for kind, value in targets if kind == "hall"}
    referring: dict[str, set[int]] = {}
    about: dict[str, tuple[str, ...]] = {}
    for item in (*corpus.items(), *corpus.partial.values()):
        path = item.origin.path
        if path in changes.present:
            continue
        for target, where in _references(item):
            if target in targets or target[0] in whole:
                referring.setdefault(path, set()).add(item.origin.at(*where).line)
        if item.kind == "panel" and getattr(item, "hall", None) in halls:
            about[path] = _ABOUT_HALL
        if whole & {"*", "unit"} and item.kind in ("story", "craftsman", "panel", "hall"):
            about[path] = about.get(path, ()) + _ABOUT_WORDING
    if "*" in whole:  # the terms dictionary: every text may read differently now
        for path in (*(p for p, _ in corpus.unvalidated_bodies), *corpus.digests):
            if path not in changes.present:
                about[path] = tuple(dict.fromkeys(about.get(path, ()) + _ABOUT_WORDING))
    return Scope(
        changes.present, {path: frozenset(lines) for path, lines in referring.items()}, about
    )
